"""Runs the whole platform on one machine: nats-server (JetStream), the four services as
their own processes on SQLite, and the gateway. Data stays under one directory, so a
restart keeps everything."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import fcntl
import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, IO

import httpx
import nats
import uvicorn
from rich.console import Console

from ilp_contracts.subjects import STREAMS
from ilp_kit.settings import DEMO_PSEUDONYM_KEY
from ilp_kit.tokens import local_pseudonym_key, mint_local_token

from . import endpoints
from .gateway import create_gateway
from .registry_import import import_registry

SERVICES = ("registry", "screening", "pws", "notify")
# A process that ran this long before dying is started again at once; one that dies
# sooner waits twice as long as last time, up to the maximum.
STABLE_AFTER_S = 60.0
MAX_REVIVE_DELAY_S = 30.0

# What an empty registry is seeded with: a whole kota (wilayah, puskesmas with rollout,
# pustu, posyandu, workers, targets), so the dashboards have a real shape from the start.
SAMPLE_REGISTRY = Path(__file__).resolve().parents[2] / "examples" / "kota-salatiga"
SAMPLE_KOTA = "33.73"  # Kota Salatiga, the kab/kota of the sample registry


def _bin(name: str) -> str:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else name


def _end_with_supervisor() -> None:
    """In the child, before exec (Linux): SIGTERM when the process that started it dies,
    however it died (kill -9, the OOM killer). Left behind, they kept the ports and wrote
    the data directory's files under the next `./ilp up`."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


# Looked up before any fork: the child may only make the call itself.
_PR_SET_PDEATHSIG = 1
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} after {timeout}s")


class PortsInUse(RuntimeError):
    def __init__(self, ports: list[int]):
        super().__init__(
            f"port{'s' if len(ports) > 1 else ''} {', '.join(map(str, ports))} already in use "
            "(another ./ilp up?); stop it, or choose other ports: ./ilp up --port 8010 "
            "--nats-port 4232 --service-port-base 8111 --data-dir data2")
        self.ports = ports


def hold_data_dir(data_dir: Path) -> IO[str] | None:
    """The lock that makes a platform the only one on its data directory: held while the
    returned file stays open; None when another process holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = open(data_dir / ".lock", "a")  # noqa: SIM115 – held open on purpose
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return None
    return lock


class DataDirInUse(RuntimeError):
    def __init__(self, data_dir: Path):
        super().__init__(
            f"{data_dir} is in use by another ./ilp up: one platform per data directory "
            "(two would share one JetStream store and write the same SQLite files); stop "
            "it, or give another --data-dir. If that ./ilp up was killed, its processes "
            "are finishing their work and stop within seconds: try again then")


@dataclass
class Platform:
    data_dir: Path
    gateway_port: int = 8000
    nats_port: int = 4222
    service_port_base: int = 8101
    extra_env: dict[str, str] = field(default_factory=dict[str, Any])
    sample_registry: Path | None = SAMPLE_REGISTRY  # None: start with an empty registry
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict[str, Any])
    # Supervision (`revive`): when each process last started; when one that died is due
    # to start again; the delay it was last given (doubled if it dies again soon).
    _started_at: dict[str, float] = field(default_factory=dict[str, Any])
    _revive_at: dict[str, float] = field(default_factory=dict[str, Any])
    _last_delay: dict[str, float] = field(default_factory=dict[str, Any])
    _data_lock: IO[str] | None = field(default=None, repr=False)
    _http: httpx.Client | None = field(default=None, repr=False)

    @property
    def http(self) -> httpx.Client:
        """One HTTP client for polling the services. `httpx.get` builds a client, TLS
        context included, on every call: ~23 ms of CPU, so `settle` polling four services
        every 0.3 s took a third of a core from the platform it was timing."""
        if self._http is None:
            self._http = httpx.Client(timeout=10)
        return self._http

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def service_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.service_port(name)}"

    def base_url_of(self, name: str) -> str:
        """A service's API root, bypassing the gateway (tests, diagnostics)."""
        return f"{self.service_url(name)}/api/v1/{name}"

    def service_port(self, name: str) -> int:
        return self.service_port_base + SERVICES.index(name)

    def _log(self, name: str) -> int:
        logs = self.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        return os.open(logs / f"{name}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    # Children get their own session: Ctrl-C reaches only this supervisor, which then
    # stops them in order (services drain and flush before NATS goes away).
    def start_nats(self) -> None:
        store = self.data_dir / "nats"
        store.mkdir(parents=True, exist_ok=True)
        self._spawn("nats", [_bin("nats-server"), "-js", "-sd", str(store), "-a", "127.0.0.1",
                             "-p", str(self.nats_port)])
        wait_for_port(self.nats_port)

    def start_service(self, name: str) -> None:
        env = {**os.environ, **self.extra_env}
        if "ILP_PSEUDONYM_KEY" not in env:  # the operator's own, else this directory's
            env["ILP_PSEUDONYM_KEY"] = local_pseudonym_key(self.data_dir, DEMO_PSEUDONYM_KEY)
        env.update({"ILP_NATS_URL": f"nats://127.0.0.1:{self.nats_port}",
                    "ILP_DATA_DIR": str(self.data_dir),
                    "ILP_PORT": str(self.service_port(name))})
        self._spawn(name, [sys.executable, "-m", f"ilp_{name}"], env)

    def _spawn(self, name: str, command: list[str], env: dict[str, str] | None = None) -> None:
        """Every process of the platform holds the data directory's lock too, so while any
        of them still runs (draining after the supervisor was killed, say) no second
        platform starts on the same files."""
        log = self._log(name)
        try:
            self.processes[name] = subprocess.Popen(
                command, env=env, stdout=log, stderr=log, start_new_session=True,
                pass_fds=(self._data_lock.fileno(),) if self._data_lock else (),
                preexec_fn=_end_with_supervisor)  # noqa: PLW1509 – one libc call, resolved before
        finally:
            os.close(log)
        self._started_at[name] = time.monotonic()

    def revive(self, say: Callable[[str], None] = lambda text: print(text, flush=True)
               ) -> list[str]:
        """Start again whatever process of the platform has died (a crash, an OOM kill,
        a stray `kill -9`), as a container orchestrator's restart policy would; returns
        what was started. One that keeps dying waits longer each time (1, 2, 4 … 30 s);
        one that ran for a minute starts at once. Stopped processes are not revived:
        `stop_process` forgets them."""
        now, started = time.monotonic(), []
        for name, process in list(self.processes.items()):
            if process.poll() is None:
                continue
            if name not in self._revive_at:
                ran_long = now - self._started_at.get(name, now) >= STABLE_AFTER_S
                delay = 0.0 if ran_long else min(max(2 * self._last_delay.get(name, 0), 1.0),
                                                 MAX_REVIVE_DELAY_S)
                self._revive_at[name], self._last_delay[name] = now + delay, delay
                say(f"{name} stopped unexpectedly (exit code {process.returncode}; see "
                    f"{self.data_dir / 'logs' / name}.log); starting it again"
                    + (f" in {delay:.0f} s" if delay else ""))
            if now >= self._revive_at[name]:
                del self._revive_at[name]
                if name == "nats":
                    self.start_nats()
                else:
                    self.start_service(name)
                started.append(name)
        return started

    def wait_ready(self, names: tuple[str, ...] = SERVICES, timeout: float = 60.0) -> None:
        """Wait for each service to be ready; one that recounts its store by new counting
        rules (an upgrade: about a minute a million events) is waited for as long as it
        takes – it answers meanwhile, so it is known to be at it."""
        deadline = time.monotonic() + timeout
        for name in names:
            url = f"{self.service_url(name)}/api/v1/{name}/health/ready"
            told = False
            while True:
                if self.processes[name].poll() is not None:
                    raise RuntimeError(f"{name} exited; see {self.data_dir}/logs/{name}.log")
                try:
                    reply = self.http.get(url, timeout=2)
                    if reply.status_code == 200:
                        break
                    if reply.status_code == 503 and "recounting" in reply.text:
                        deadline = time.monotonic() + timeout
                        if not told:
                            print(f"{name} menghitung ulang dari stream (aturan hitung baru) …",
                                  flush=True)
                            told = True
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{name} not ready; see {self.data_dir}/logs/{name}.log")
                time.sleep(0.1)

    def ports_in_use(self) -> list[int]:
        """Ports this platform would listen on that something else already holds."""
        wanted = [self.gateway_port, self.nats_port, *map(self.service_port, SERVICES)]
        taken = []
        for port in wanted:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    taken.append(port)
        return taken

    def start(self) -> None:
        # Another platform on these ports would answer our readiness checks and take our
        # events: refuse instead of starting half of one on top of the other.
        self._lock_data_dir()
        if taken := self.ports_in_use():
            if self._data_lock is not None:
                self._data_lock.close()
            self._data_lock = None
            raise PortsInUse(taken)
        endpoints.write(self.data_dir, self.base_url, f"nats://127.0.0.1:{self.nats_port}")
        self.start_nats()
        for name in SERVICES:
            self.start_service(name)
        self.wait_ready()
        if self.sample_registry is not None and self.seed(self.sample_registry):
            # Ready means usable: a screening at a sample posyandu is refused as unknown
            # until the screening service has read the registry's events. (A machine too
            # slow for that within two minutes still gets a running platform.)
            with contextlib.suppress(TimeoutError):
                self.settle()

    def _lock_data_dir(self) -> None:
        """Held until this platform stops (or its process ends, whatever the way)."""
        self._data_lock = hold_data_dir(self.data_dir)
        if self._data_lock is None:
            raise DataDirInUse(self.data_dir)

    def seed(self, sample: Path) -> bool:
        """Load the sample registry into an empty one; whether it did."""
        registry = f"{self.service_url('registry')}/api/v1/registry"
        if self.http.get(f"{registry}/areas", params={"limit": 1},
                         headers=self.auth_header(self.operator_token())).json():
            return False
        refused = import_registry(sample, self.service_url("registry"),
                                  Console(file=io.StringIO()), token=self.operator_token())
        if refused:
            raise RuntimeError(f"the sample registry has {refused} refused rows")
        return True

    def home_area(self) -> str | None:
        """Where the printed dashboard link opens: the registry's first kabupaten/kota (the
        sample kota when it was loaded), else its first province – whatever wilayah this
        data directory holds, not the sample's when another was loaded."""
        registry = f"{self.service_url('registry')}/api/v1/registry/areas"
        for level in ("regency", "province"):
            reply = self.http.get(registry, params={"level": level, "limit": 1},
                                  headers=self.auth_header(self.operator_token()))
            if reply.status_code == 200 and (found := reply.json()):
                return str(found[0]["code"])
        return None

    def token(self, *roles: str, wilayah: tuple[str, ...] = ("*",),
              facilities: tuple[str, ...] = (), worker: str | None = None) -> str:
        """A bearer token signed with this platform's embedded key (what `ilp token` does)."""
        return mint_local_token(self.data_dir / "auth" / "signing.key",
                                worker or "-".join(roles), roles, wilayah, facilities, worker)

    def operator_token(self) -> str:
        return self.token("operator")

    @staticmethod
    def auth_header(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def settle(self, timeout: float = 120) -> float:
        """Wait until every outbox is empty and every durable consumer has acked
        everything, and stays so for a moment (relay rounds); returns when (monotonic
        clock) the quiet began. For tests and benchmarks that need "all applied"."""
        deadline = time.monotonic() + timeout
        quiet_since = None
        while time.monotonic() < deadline:
            backlog = sum(self.http.get(f"{self.base_url_of(n)}/health/ready"
                                        ).json()["outbox_backlog"] for n in SERVICES)
            if backlog == 0 and asyncio.run(self._consumers_caught_up()):
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 1.5:
                    return quiet_since
            else:
                quiet_since = None
            time.sleep(0.3)
        raise TimeoutError(f"the platform did not settle within {timeout} s")

    async def _consumers_caught_up(self) -> bool:
        nc = await nats.connect(f"nats://127.0.0.1:{self.nats_port}")
        try:
            js = nc.jetstream()
            for stream in STREAMS:
                for consumer in await js.consumers_info(stream):
                    if consumer.config.durable_name and (consumer.num_pending
                                                         or consumer.num_ack_pending):
                        return False
            return True
        finally:
            await nc.close()

    def peak_rss_mib(self) -> dict[str, float]:
        """Peak resident memory (VmHWM) of each process of the platform, in MiB."""
        peaks = {}
        for name, process in self.processes.items():
            status = Path(f"/proc/{process.pid}/status").read_text()
            hwm = next(line for line in status.splitlines() if line.startswith("VmHWM"))
            peaks[name] = int(hwm.split()[1]) / 1024
        return peaks

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) each process of the platform has used so far."""
        ticks = os.sysconf("SC_CLK_TCK")
        used = {}
        for name, process in self.processes.items():
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            used[name] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        return used

    def stop_process(self, name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop(self) -> None:
        """Services first (they drain consumers and flush their outbox), NATS last."""
        for name in reversed(SERVICES):
            self.stop_process(name)
        self.stop_process("nats")
        if self._http is not None:
            self._http.close()
            self._http = None
        if self._data_lock is not None:
            self._data_lock.close()
            self._data_lock = None

    def gateway(self) -> uvicorn.Server:
        app = create_gateway({name: self.service_url(name) for name in SERVICES})
        config = uvicorn.Config(app, host="127.0.0.1", port=self.gateway_port, log_config=None,
                                access_log=False, lifespan="on")
        return uvicorn.Server(config)


def _banner(platform: Platform) -> None:
    base = platform.base_url
    print(f"ILP Platform is running (data in {platform.data_dir.resolve()})")
    print(f"  gateway      {base}/")
    for name in SERVICES:
        print(f"  {name:<12} {base}/api/v1/{name}/docs")
    home = platform.home_area()
    area = f"?area={home}" if home else ""
    # The other commands find this platform (and its token key) by the data directory.
    default = Path(os.environ.get("ILP_DATA_DIR", "data")).resolve()
    here = "" if platform.data_dir.resolve() == default else f" --data-dir {platform.data_dir}"
    print(f"  dashboard    {base}/api/v1/pws/dashboard{area}#token={platform.operator_token()}")
    print(f"               (an operator token for 12 h; others: ./ilp token{here} --help)")
    print(f"  NATS         nats://127.0.0.1:{platform.nats_port}")
    print(f"  logs         {platform.data_dir.resolve() / 'logs'}")
    if here:
        print(f"  commands     ./ilp token, status, dlq, import-…, pws-check:{here}")
    if home == SAMPLE_KOTA:  # the sample registry: a first look, not a district's data
        print(f"  first look   ./ilp sample-screenings{here} – made-up screenings, to see "
              "the dashboard at work")
    elif home is None:  # started empty: the district's own master data comes first
        print(f"  registry     empty – load your wilayah, facilities, workers and targets: "
              f"./ilp import-registry{here} FOLDER (like examples/kota-salatiga)")
    print("Press Ctrl-C to stop.", flush=True)


async def _serve_gateway(platform: Platform, reviver: ThreadPoolExecutor) -> None:
    server = platform.gateway()
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():
        await asyncio.sleep(0.05)
    if server.started:
        _banner(platform)  # only once the gateway really listens
    supervisor = asyncio.create_task(_supervise(platform, reviver))
    try:
        await serving
    finally:
        supervisor.cancel()


async def _supervise(platform: Platform, reviver: ThreadPoolExecutor) -> None:
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(1.0)
        try:
            await loop.run_in_executor(reviver, platform.revive)
        except Exception as exc:  # noqa: BLE001 – keep supervising; tried again next round
            print(f"could not start a process again: {exc}", flush=True)


def _stop_like_ctrl_c(*_: object) -> None:
    raise KeyboardInterrupt


def serve(platform: Platform) -> None:
    """Start everything, print where it is, and run until Ctrl-C or SIGTERM."""
    # uvicorn takes SIGTERM while it serves and raises it again when done, to the handler
    # it found: with the default one this process ended there, before stopping its
    # children – NATS and the four services were left running (`kill`, systemd, docker).
    signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    signal.signal(signal.SIGHUP, _stop_like_ctrl_c)  # its terminal was closed
    # A revived process gets its parent-death signal when the thread that started it
    # ends: this one ends only after the orderly stop below.
    reviver = ThreadPoolExecutor(1, thread_name_prefix="revive")
    try:
        platform.start()
        try:
            asyncio.run(_serve_gateway(platform, reviver))
        except KeyboardInterrupt:
            pass  # uvicorn re-raises the Ctrl-C it already handled
    except (PortsInUse, DataDirInUse) as exc:
        raise SystemExit(str(exc)) from None
    finally:
        if platform.processes:  # nothing to stop when it was refused before starting
            print("Stopping: draining consumers and flushing outboxes …", flush=True)
            platform.stop()
            print("Stopped.", flush=True)
        reviver.shutdown()
