"""The real nginx gateway (Debian's package) with deploy/nginx's template in front of the
embedded services, authentication on: routing, request ids, security headers, gzip, body
limits, rate limiting, SSE passthrough, and the access matrix role × endpoint × wilayah."""

from __future__ import annotations

import asyncio
import os
import shutil
import string
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from ilp_platform.embedded import Platform, wait_for_port

from .helpers import CHROMIUM, eventually, free_port_block, launch_chromium

NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
TEMPLATE = Path(__file__).resolve().parents[2] / "deploy/nginx/templates/ilp-gateway.conf.template"
pytestmark = pytest.mark.skipif(NGINX is None, reason="Debian's nginx is not installed "
                                "(./ilp test installs it when run as root)")
RATE = 40


def render_nginx(platform: Platform, port: int, workdir: Path) -> Path:
    """The template rendered as the nginx image's envsubst would, inside a minimal main
    configuration with every temporary path in `workdir`."""
    values = {f"ILP_{name.upper()}_UPSTREAM": f"127.0.0.1:{platform.service_port(name)}"
              for name in ("registry", "screening", "pws", "notify")}
    values |= {"ILP_GATEWAY_PORT": str(port), "ILP_RATE_LIMIT": str(RATE),
               "ILP_SIGN_IN_ORIGIN": "https://sso.example.go.id"}
    (workdir / "ilp-gateway.conf").write_text(
        string.Template(TEMPLATE.read_text()).safe_substitute(values))
    temp = "\n".join(f"  {kind}_temp_path {workdir / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root root;" if os.geteuid() == 0 else ""
    main = workdir / "nginx.conf"
    main.write_text(f"""{user}
daemon off;
worker_processes 1;
pid {workdir / 'nginx.pid'};
error_log {workdir / 'error.log'} warn;
events {{ worker_connections 1024; }}
http {{
{temp}
  include {workdir / 'ilp-gateway.conf'};
}}
""")
    return main


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, str]]:
    ports = free_port_block(7)
    data = tmp_path_factory.mktemp("gateway")
    platform = Platform(data, ports, ports + 1, ports + 2,
                        extra_env={"ILP_AUTH_MODE": "local"})
    platform.start()
    workdir = data / "nginx"
    workdir.mkdir()
    config = render_nginx(platform, ports + 6, workdir)
    subprocess.run([NGINX, "-t", "-p", str(workdir), "-c", str(config)], check=True,
                   capture_output=True)
    log = (workdir / "access.log").open("wb")
    nginx = subprocess.Popen([NGINX, "-p", str(workdir), "-c", str(config)], stdout=log,
                             stderr=subprocess.STDOUT)
    wait_for_port(ports + 6)
    yield platform, f"http://127.0.0.1:{ports + 6}"
    nginx.terminate()
    nginx.wait(10)
    platform.stop()


def as_(platform: Platform, *roles: str, **claims) -> dict[str, str]:
    return platform.auth_header(platform.token(*roles, **claims))


def balita(posyandu: str, seq: int) -> dict:
    return {"person": {"nik": f"3373041011240{seq:03d}", "name": "Anak", "sex": "M",
                       "birth_date": "2024-11-10"},
            "posyandu_id": posyandu, "screened_on": "2026-11-20",
            "measurements": {"weight_kg": 9.1, "height_cm": 79.0, "measured_lying": False}}


def test_routes_request_ids_security_headers_and_gzip(stack) -> None:
    platform, gateway = stack
    admin = as_(platform, "dinkes_admin", wilayah=("33.73",))
    reply = httpx.get(f"{gateway}/api/v1/registry/areas", headers={
        **admin, "Accept-Encoding": "gzip"}, params={"within": "33.73", "limit": 200})
    assert reply.status_code == 200 and len(reply.json()) == 27
    assert reply.headers["content-encoding"] == "gzip"
    assert len(reply.headers["x-request-id"]) == 32
    for header, value in (("x-content-type-options", "nosniff"), ("x-frame-options", "DENY"),
                          ("referrer-policy", "no-referrer")):
        assert reply.headers[header] == value
    assert "frame-ancestors 'none'" in reply.headers["content-security-policy"]
    # the dashboard may reach the OIDC provider it signs its users in with, nothing else
    assert "connect-src 'self' https://sso.example.go.id;" in reply.headers[
        "content-security-policy"]
    assert "server" not in reply.headers or "nginx/" not in reply.headers["server"]
    for name in ("registry", "screening", "pws", "notify"):
        assert httpx.get(f"{gateway}/api/v1/{name}/health/ready").json()["status"] == "ok"
    assert httpx.get(f"{gateway}/elsewhere").status_code == 404
    assert httpx.get(f"{gateway}/api/v1/pws/dashboard").status_code == 200  # page: no data


def test_body_limit_and_rate_limit(stack) -> None:
    platform, gateway = stack
    big = httpx.post(f"{gateway}/api/v1/screening/screenings", content=b"x" * 2_000_000,
                     headers={"Content-Type": "application/json"})
    assert big.status_code == 413
    synced = httpx.post(f"{gateway}/api/v1/screening/screenings/batch",
                        content=b"x" * 1_500_000, headers={"Content-Type": "application/json"})
    assert synced.status_code == 422  # an offline session may be bigger: the service judges
    for sheet in ("screenings", "births", "persons/register"):  # a whole register, too
        imported = httpx.post(f"{gateway}/api/v1/screening/{sheet}/import",
                              content=b"x" * 3_000_000, headers={"Content-Type": "text/csv"})
        assert imported.status_code != 413, sheet

    async def burst() -> list[int]:
        headers = as_(platform, "operator")
        async with httpx.AsyncClient(timeout=10, limits=httpx.Limits(
                max_connections=50)) as client:
            replies = await asyncio.gather(*(
                client.get(f"{gateway}/api/v1/pws/catalogue", headers=headers)
                for _ in range(RATE * 4)))
        return [r.status_code for r in replies]
    codes = asyncio.run(burst())
    assert codes.count(429) > 0 and codes.count(200) >= RATE, sorted(set(codes))
    time.sleep(2)  # the bucket refills; other clients were never affected
    assert httpx.get(f"{gateway}/api/v1/pws/catalogue",
                     headers=as_(platform, "kader", wilayah=("33.73.04.1001",))
                     ).status_code == 200


def test_sse_passes_through_the_gateway_with_a_query_token(stack) -> None:
    platform, gateway = stack
    token = platform.token("bidan", wilayah=("33.73.04.1001",))
    events: list[str] = []

    async def listen() -> None:
        async with httpx.AsyncClient(timeout=None) as client, client.stream(
                "GET", f"{gateway}/api/v1/pws/live",
                params={"area_code": "33.73.04.1001", "access_token": token}) as stream:
            assert stream.status_code == 200
            assert "gzip" not in stream.headers.get("content-encoding", "")
            async for line in stream.aiter_lines():
                if line.startswith("event:"):
                    events.append(line.split(":", 1)[1].strip())
                    if events[-1] == "ready":
                        await asyncio.to_thread(record)
                    if events[-1] == "update":
                        return

    def record() -> None:
        def attempt() -> bool:
            reply = httpx.post(f"{gateway}/api/v1/screening/screenings",
                               json=balita("psy-blotongan-1", 901),
                               headers={**platform.auth_header(token),
                                        "Idempotency-Key": str(uuid.uuid4())})
            return reply.status_code in (200, 201)
        eventually(attempt)

    asyncio.run(asyncio.wait_for(listen(), 30))
    assert events[:1] == ["ready"] and events[-1] == "update"
    stranger = httpx.get(f"{gateway}/api/v1/pws/live", params={
        "area_code": "33.73.04.1002", "access_token": token})
    assert stranger.status_code == 403


# (who, method, path, body, expected status). Bodies with "{n}" get a fresh number.
KADER = ("kader", {"wilayah": ("33.73.04.1001",), "worker": "psy-blotongan-1-kader-1"})
BIDAN = ("bidan", {"wilayah": ("33.73.04.1001",)})
PKM_ADMIN = ("puskesmas_admin", {"wilayah": ("33.73.04.1001", "33.73.04.1002"),
                                 "facilities": ("pkm-sidorejo-lor",)})
DINKES = ("dinkes_admin", {"wilayah": ("33.73",)})
INTEGRATOR = ("integrator", {"wilayah": ("33.73",)})
OPERATOR = ("operator", {})
PWS_IN = "/api/v1/pws/areas/33.73.04.1001/indicators?period=2026-11"
PWS_OUT = "/api/v1/pws/areas/33.73.03.1001/indicators?period=2026-11"
# A kader's household data collection at her posyandu (a two-year-old, NIK matching).
HOUSEHOLD = {"posyandu_id": "psy-blotongan-1", "noted_on": "2026-11-02", "members": [
    {"person": {"nik": "3373041011240077", "name": "Anak", "sex": "M",
                "birth_date": "2024-11-10"}}]}
MATRIX = [
    (KADER, "GET", PWS_IN, None, 200),
    (KADER, "GET", PWS_OUT, None, 403),
    (KADER, "GET", "/api/v1/pws/areas/33.73/table?period=2026-11", None, 403),
    (KADER, "GET", "/api/v1/notify/tasks?assignee_id=psy-blotongan-1-kader-1", None, 200),
    (KADER, "GET", "/api/v1/notify/tasks?desa_code=33.73.04.1001", None, 200),
    (KADER, "GET", "/api/v1/notify/tasks?desa_code=33.73.04.1002", None, 403),
    (KADER, "GET", "/api/v1/notify/tasks?area_code=33.73.04.1001", None, 200),
    (KADER, "GET", "/api/v1/notify/tasks?area_code=33.73.04.1002", None, 403),
    (KADER, "GET", "/api/v1/notify/tasks?wilayah=33.73.04.1002", None, 422),  # not ignored
    # another worker's list: in her own desa only, as the desa's list is
    (KADER, "GET", "/api/v1/notify/tasks?assignee_id=someone-else", None, 200),
    (KADER, "GET", "/api/v1/notify/tasks?assignee_id=someone-else&desa_code=33.73.04.1002",
     None, 403),
    (BIDAN, "GET", "/api/v1/notify/tasks?assignee_id=psy-blotongan-1-kader-1", None, 200),
    (KADER, "GET", "/api/v1/notify/tasks", None, 200),  # her own list
    (BIDAN, "GET", "/api/v1/notify/tasks", None, 200),  # her one desa
    (PKM_ADMIN, "GET", "/api/v1/notify/tasks", None, 422),  # two desa: which?
    (KADER, "POST", "/api/v1/screening/screenings", ("psy-blotongan-1",), 201),
    (KADER, "POST", "/api/v1/screening/screenings", ("psy-sidorejo-lor-1",), 403),
    (KADER, "POST", "/api/v1/registry/areas", {"code": "33.73.04.1007", "name": "X"}, 403),
    (KADER, "GET", "/api/v1/registry/workers?area_code=33.73.04.1002", None, 403),
    (KADER, "GET", "/api/v1/screening/audit", None, 403),
    (BIDAN, "GET", "/api/v1/screening/screenings?desa_code=33.73.04.1001", None, 200),
    (BIDAN, "GET", "/api/v1/screening/screenings?desa_code=33.73.04.1002", None, 403),
    # a filter's typo is an error, not an empty list
    (BIDAN, "GET", "/api/v1/screening/screenings?desa_code=33.73.04.1001&stage=baduta", None,
     422),
    (BIDAN, "GET", "/api/v1/screening/screenings?desa_code=33.73.04.1001&period=2026-1", None,
     422),
    (BIDAN, "GET", "/api/v1/notify/tasks?status=done", None, 422),
    (BIDAN, "GET", "/api/v1/screening/screenings/no-such-id", None, 403),
    (PKM_ADMIN, "GET", "/api/v1/pws/puskesmas/pkm-sidorejo-lor/table?period=2026-11", None,
     200),
    (PKM_ADMIN, "GET", "/api/v1/pws/puskesmas/pkm-kalicacing/table?period=2026-11", None, 403),
    (PKM_ADMIN, "GET", "/api/v1/pws/puskesmas/pkm-unknown/table?period=2026-11", None, 403),
    (PKM_ADMIN, "POST", "/api/v1/registry/facilities", {
        "type": "posyandu", "name": "Posyandu Baru {n}", "area_code": "33.73.04.1002",
        "parent_facility_id": "pustu-sidorejo-lor"}, 201),
    (PKM_ADMIN, "POST", "/api/v1/registry/facilities", {
        "type": "posyandu", "name": "Posyandu Lain {n}", "area_code": "33.73.03.1001"}, 403),
    (PKM_ADMIN, "PUT", "/api/v1/registry/facilities/pkm-sidorejo-lor/rollout",
     {"status": "launched"}, 403),
    (PKM_ADMIN, "GET", "/api/v1/registry/facilities/pkm-kalicacing", None, 200),  # public
    # a worker at a facility nobody registered: the field is wrong, nothing is hidden
    (DINKES, "POST", "/api/v1/registry/workers",
     {"name": "Kader {n}", "role": "kader", "facility_id": "psy-nowhere"}, 422),
    (PKM_ADMIN, "POST", "/api/v1/registry/workers",
     {"name": "Kader {n}", "role": "kader", "facility_id": "psy-kalicacing-1"}, 403),
    (DINKES, "GET", "/api/v1/pws/areas/33.73/table?period=2026-11", None, 200),
    (DINKES, "GET", "/api/v1/pws/areas/33.74/table?period=2026-11", None, 403),
    (DINKES, "POST", "/api/v1/registry/areas", {"code": "33.74", "name": "Kota Semarang"},
     403),
    (DINKES, "PUT", "/api/v1/registry/targets", {"area_code": "33.73.04.1001", "year": 2027,
                                                 "group": "lansia", "count": 700}, 200),
    (DINKES, "POST", "/api/v1/screening/screenings", ("psy-blotongan-1",), 403),
    (DINKES, "GET", "/api/v1/screening/audit", None, 200),
    (INTEGRATOR, "POST", "/api/v1/screening/screenings", ("psy-blotongan-1",), 201),
    (INTEGRATOR, "GET", PWS_IN, None, 403),
    (INTEGRATOR, "GET", "/api/v1/screening/submissions/no-such-key?source_system=x", None, 404),
    (INTEGRATOR, "GET", "/api/v1/notify/tasks?desa_code=33.73.04.1001", None, 403),
    (INTEGRATOR, "GET", "/api/v1/screening/screenings?desa_code=33.73.04.1001", None, 403),
    (OPERATOR, "GET", "/api/v1/pws/areas/33/table?period=2026-11", None, 200),
    (OPERATOR, "GET", "/api/v1/notify/deliveries", None, 200),
    (OPERATOR, "GET", "/api/v1/screening/screenings?desa_code=33.73.04.1001", None, 403),
    (KADER, "POST", "/api/v1/screening/persons/register", HOUSEHOLD, 200),
    (KADER, "POST", "/api/v1/screening/persons/register",
     {**HOUSEHOLD, "posyandu_id": "psy-sidorejo-lor-1"}, 403),
    (INTEGRATOR, "POST", "/api/v1/screening/persons/register", HOUSEHOLD, 403),
    (OPERATOR, "POST", "/api/v1/screening/persons/register", HOUSEHOLD, 403),
]


def test_access_matrix_through_the_gateway(stack) -> None:
    platform, gateway = stack
    client = httpx.Client(base_url=gateway, timeout=30)
    failures = []
    for n, ((role, claims), method, path, body, expected) in enumerate(MATRIX):
        headers = {**as_(platform, role, **claims), "Idempotency-Key": str(uuid.uuid4())}
        if isinstance(body, tuple):  # a screening at that posyandu
            body = balita(body[0], n)
        elif isinstance(body, dict):
            body = {k: v.format(n=n) if isinstance(v, str) else v for k, v in body.items()}

        def call(method=method, path=path, body=body, headers=headers) -> httpx.Response:
            return client.request(method, path, json=body, headers=headers)
        reply = call()
        if reply.status_code == 422 and "unknown_posyandu" in reply.text:
            reply = eventually(lambda: (r := call()).status_code != 422 and r)
        if reply.status_code != expected:
            failures.append((role, method, path, expected, reply.status_code, reply.text[:200]))
        elif expected == 403:
            assert reply.json()["detail"][0]["type"] == "forbidden"
            assert reply.json()["detail"][0]["msg"]  # a reason
    assert not failures, "\n".join(map(str, failures))


def test_the_area_tree_offers_a_kota_admin_her_own_branch(stack) -> None:
    """Her province and her kota to choose from – not Yogyakarta, which she may not open."""
    platform, gateway = stack
    operator = as_(platform, "operator")
    httpx.post(f"{gateway}/api/v1/registry/areas", headers=operator, json={
        "code": "34", "name": "DI Yogyakarta"}).raise_for_status()
    areas = f"{gateway}/api/v1/pws/areas"

    def provinces(headers: dict[str, str]) -> list[str]:
        return [a["code"] for a in httpx.get(areas, params={"level": "province"},
                                             headers=headers).json()]
    assert eventually(lambda: provinces(operator) == ["34", "33"])  # by name
    assert provinces(as_(platform, *DINKES[:1], **DINKES[1])) == ["33"]
    kota = httpx.get(areas, params={"parent": "33"}, headers=as_(platform, *BIDAN[:1],
                                                                   **BIDAN[1])).json()
    assert [a["code"] for a in kota] == ["33.73"]


def test_a_workers_token_is_enough_for_her_own_tasks(stack) -> None:
    """A kader's app need not repeat who she is: her token says it."""
    platform, gateway = stack
    client = httpx.Client(base_url=gateway, timeout=30)
    bidan = as_(platform, BIDAN[0], **BIDAN[1])
    recorded = eventually(lambda: (r := client.post(
        "/api/v1/screening/screenings", json=balita("psy-blotongan-1", 900),
        headers={**bidan, "Idempotency-Key": "own-tasks-900"})).status_code == 201 and r.json())

    def visits(who: dict[str, str], **params: str) -> list[dict]:
        return [t for t in client.get("/api/v1/notify/tasks", params=params, headers=who).json()
                if recorded["screening_id"] in t["screening_ids"]]
    [task] = eventually(lambda: visits(bidan, desa_code="33.73.04.1001"))
    # The posyandu's two kader cover no RW of their own: the child is one's, by its
    # person id (which the data directory's own key makes). Her token alone finds it.
    kader = as_(platform, "kader", wilayah=("33.73.04.1001",), worker=task["assignee_id"])
    assert [t["task_id"] for t in visits(kader)] == [task["task_id"]]
    # Whom to visit: the task names a pseudonym; the kader's app asks for the person.
    person = client.get(f"/api/v1/screening/persons/{task['person_id']}", headers=kader)
    assert person.status_code == 200 and person.json()["name"] == "Anak"
    assert "nik" not in person.json()
    elsewhere = as_(platform, "kader", wilayah=("33.73.04.1002",), worker="x")
    integrator = as_(platform, INTEGRATOR[0], **INTEGRATOR[1])
    for other in (elsewhere, integrator):
        assert client.get(f"/api/v1/screening/persons/{task['person_id']}",
                          headers=other).status_code == 403
    many = {"person_ids": [task["person_id"], "not-a-person", task["person_id"]]}
    names = client.post("/api/v1/screening/persons/read", json=many, headers=kader).json()
    assert [p["name"] for p in names] == ["Anak"]  # the unknown left out, no repeats
    assert client.post("/api/v1/screening/persons/read", json=many,
                       headers=elsewhere).json() == []
    reads = client.get("/api/v1/screening/audit", params={"person_id": task["person_id"]},
                       headers=as_(platform, DINKES[0], **DINKES[1])).json()
    assert [r["action"] for r in reads].count("read_person") == 2  # each read is audited
    # A newborn and her mother, never screened: her birth makes them the bidan's to read
    # (the KN and KF visits are for them), not another desa's.
    born = (datetime.now(UTC) + timedelta(hours=7)).date() - timedelta(days=3)
    birth = client.post("/api/v1/screening/births", headers={
        **bidan, "Idempotency-Key": "own-tasks-birth-900"}, json={
        "mother": {"nik": "3373045203960900", "name": "Ibu Ani", "sex": "F",
                   "birth_date": "1996-03-12"},
        "baby": {"mother_nik": "3373045203960900", "name": "Bayi Ny. Ani", "sex": "F",
                 "birth_date": born.isoformat()}, "posyandu_id": "psy-blotongan-1"})
    assert birth.status_code == 201, birth.text
    for person_id in (birth.json()["baby_id"], birth.json()["mother_id"]):
        assert client.get(f"/api/v1/screening/persons/{person_id}",
                          headers=bidan).status_code == 200
        assert client.get(f"/api/v1/screening/persons/{person_id}",
                          headers=elsewhere).status_code == 403
    path = f"/api/v1/notify/tasks/{task['task_id']}"
    # Elsewhere, an existing task and an unknown one read the same: not where it is.
    there, unknown = (client.get(p, headers=elsewhere) for p in (path, f"{path}x"))
    assert there.status_code == unknown.status_code == 403
    assert there.json()["detail"][0]["msg"] == unknown.json()["detail"][0]["msg"].replace(
        f"{task['task_id']}x", task["task_id"])
    refused = client.post(f"{path}/accept", json={}, headers=bidan)  # her token names nobody
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "worker_id"]
    accepted = client.post(f"{path}/accept", headers=kader)  # no body: as her token's worker
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    done = client.post(f"{path}/complete", json={"outcome": "visited"}, headers=kader)
    assert (done.status_code, done.json()["status"]) == (200, "completed")
    completed = client.get("/api/v1/notify/tasks", params={"status": "completed"},
                           headers=bidan).json()
    assert task["task_id"] in [t["task_id"] for t in completed]


def test_a_kader_sees_the_visits_a_kader_makes_not_a_neighbours_referral(stack) -> None:
    """A kader is a volunteer of her community: of her desa's visits she sees those a
    kader makes, not the perawat's visit to a man with TB symptoms – not in the desa's
    list, not by its id (the same 403 as for a task that does not exist)."""
    platform, gateway = stack
    client = httpx.Client(base_url=gateway, timeout=30)
    kader, bidan = as_(platform, KADER[0], **KADER[1]), as_(platform, BIDAN[0], **BIDAN[1])
    man = {"person": {"nik": "3373041503800009", "name": "Pak Budi", "sex": "M",
                      "birth_date": "1980-03-15"}, "posyandu_id": "psy-blotongan-1",
           "screened_on": "2026-11-20", "measurements": {"tb_symptoms": True}}
    recorded, child = (eventually(lambda body=body, key=key: (r := client.post(
        "/api/v1/screening/screenings", json=body,
        headers={**bidan, "Idempotency-Key": key})).status_code == 201 and r.json())
        for body, key in ((man, "tb-suspect-909"), (balita("psy-blotongan-1", 909),
                                                    "stunted-909")))
    desa = {"desa_code": "33.73.04.1001"}

    def visits_for(screening: dict) -> list[dict]:
        return [t for t in client.get("/api/v1/notify/tasks", params=desa,
                                      headers=bidan).json()
                if screening["screening_id"] in t["screening_ids"]]
    [tb] = eventually(lambda: visits_for(recorded))
    kaders = eventually(lambda: visits_for(child))
    assert (tb["reason"], tb["role"]) == ("suspek_tb", "perawat")
    seen = client.get("/api/v1/notify/tasks", params=desa, headers=kader).json()
    assert {t["role"] for t in seen} == {"kader"}
    assert {t["task_id"] for t in kaders} <= {t["task_id"] for t in seen}
    path = f"/api/v1/notify/tasks/{tb['task_id']}"
    hidden, unknown = (client.get(p, headers=kader) for p in (path, f"{path}x"))
    assert hidden.status_code == unknown.status_code == 403
    assert hidden.json()["detail"][0]["msg"] == unknown.json()["detail"][0]["msg"].replace(
        f"{tb['task_id']}x", tb["task_id"])
    assert client.post(f"{path}/accept", headers=kader).status_code == 403
    # a kader's token that names no worker (an account not yet linked to the registry)
    # sees no more: neither in the list nor by id
    unlinked = as_(platform, "kader", wilayah=("33.73.04.1001",))
    seen = client.get("/api/v1/notify/tasks", params=desa, headers=unlinked).json()
    assert seen and {t["role"] for t in seen} == {"kader"}
    assert client.get(path, headers=unlinked).status_code == 403


def test_a_kader_reads_whom_her_household_collection_registered(stack) -> None:
    """Registered, never screened: the kader of the desa sees the name behind a visit and
    the posyandu's list; the kader of the next desa sees neither."""
    platform, gateway = stack
    client = httpx.Client(base_url=f"{gateway}/api/v1/screening", timeout=30)
    kader = as_(platform, KADER[0], **KADER[1])
    elsewhere = as_(platform, "kader", wilayah=("33.73.04.1002",))
    member = {"person": {"nik": "3373045203010078", "name": "Lastri", "sex": "F",
                         "birth_date": "2001-03-12", "rt": "RT 09"}, "pregnant": True}
    reply = eventually(lambda: (r := client.post("/persons/register", headers=kader, json={
        "posyandu_id": "psy-blotongan-1", "noted_on": "2026-11-02", "members": [member]})
                               ).status_code == 200 and r)
    [result] = reply.json()["results"]
    person_id = result["person_id"]
    read = client.post("/persons/read", headers=kader, json={"person_ids": [person_id]})
    assert [(p["name"], p["rt"]) for p in read.json()] == [("Lastri", "RT 09")]
    listed = client.get("/persons", params={"posyandu_id": "psy-blotongan-1"}, headers=kader)
    [mine] = [p for p in listed.json() if p["person_id"] == person_id]
    assert (mine["pregnant"], mine["last_screened_on"], mine["noted_on"]) == (
        True, None, "2026-11-02")
    assert client.post("/persons/read", headers=elsewhere,
                       json={"person_ids": [person_id]}).json() == []
    assert client.get(f"/persons/{person_id}", headers=elsewhere).status_code == 403
    assert client.get("/persons", params={"posyandu_id": "psy-blotongan-1"},
                      headers=elsewhere).status_code == 403
    future = client.post("/persons/register", headers=kader, json={
        "posyandu_id": "psy-blotongan-1", "noted_on": "2099-01-01", "members": [member]})
    assert future.status_code == 422 and future.json()["detail"][0]["loc"] == [
        "body", "noted_on"]


def test_tokens_are_required_and_checked(stack) -> None:
    platform, gateway = stack
    url = f"{gateway}{PWS_IN}"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url).headers["www-authenticate"] == "Bearer"
    forged = platform.auth_header(platform.token("operator") + "x")
    assert httpx.get(url, headers=forged).status_code == 401
    from ilp_kit.tokens import mint_local_token

    expired = mint_local_token(platform.data_dir / "auth" / "signing.key", "old",
                               ["operator"], ["*"], ttl_s=-10)
    reply = httpx.get(url, headers=platform.auth_header(expired))
    assert reply.status_code == 401 and "expired" in reply.text
    other_key = mint_local_token(platform.data_dir / "other.key", "x", ["operator"], ["*"])
    assert httpx.get(url, headers=platform.auth_header(other_key)).status_code == 401


def test_no_nik_in_logs_events_or_gateway_log(stack) -> None:
    """Every NIK this module sent (and the scenario's) must be absent from every log file
    and from every message on the streams."""
    platform, gateway = stack
    bidan = {**as_(platform, "bidan", wilayah=("33.73.04.1001",))}
    for n in (950, 951):
        eventually(lambda n=n: httpx.post(
            f"{gateway}/api/v1/screening/screenings", json=balita("psy-blotongan-1", n),
            headers={**bidan, "Idempotency-Key": str(uuid.uuid4())}).status_code == 201)
    wrong = balita("psy-blotongan-1", 952) | {"screened_on": "2020-01-01"}  # before birth
    refused = httpx.post(f"{gateway}/api/v1/screening/screenings", json=wrong,
                         headers={**bidan, "Idempotency-Key": str(uuid.uuid4())})
    assert refused.status_code == 422
    eventually(lambda: httpx.get(f"{gateway}/api/v1/pws/areas/33.73.04.1001/indicators",
                                 params={"period": "2026-11"}, headers=bidan
                                 ).json()["indicators"][0]["numerator"] >= 2)
    niks = {balita("x", n)["person"]["nik"] for n in range(1000)}
    texts = [p.read_bytes() for p in (platform.data_dir / "logs").glob("*.log")]
    texts.append((platform.data_dir / "nginx" / "access.log").read_bytes())
    texts += asyncio.run(_stream_payloads(f"nats://127.0.0.1:{platform.nats_port}"))
    assert sum(b"screening_id" in t for t in texts) >= 3  # the events were really read
    leaks = [nik for nik in niks for text in texts if nik.encode() in text]
    assert not leaks, leaks[:5]


async def _stream_payloads(url: str) -> list[bytes]:
    import nats

    nc = await nats.connect(url)
    js = nc.jetstream()
    payloads = []
    # INGEST is left out on purpose: integrators publish submissions (with NIK) there,
    # it is input, kept 7 days; everything the platform itself publishes is checked.
    for stream in ("REGISTRY", "SCREENING", "PWS", "NOTIFY", "DLQ"):
        try:
            info = await js.stream_info(stream)
        except Exception:  # noqa: BLE001 – a stream nobody created yet has no messages
            continue
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            try:
                message = await js.get_msg(stream, seq)
            except Exception:  # noqa: BLE001 – deleted by retention
                continue
            payloads.append(message.data + repr(message.headers).encode())
    await nc.close()
    return payloads




@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_dashboard_through_the_gateway_with_and_without_a_token(stack) -> None:
    """The banner's link (`#token=` fragment) shows the kota; without a token the page
    says why it shows nothing, and the token never appears in the gateway's log."""
    from playwright.sync_api import sync_playwright

    platform, gateway = stack
    token = platform.token("dinkes_admin", wilayah=("33.73",))
    url = f"{gateway}/api/v1/pws/dashboard?area=33.73.04&period=2026-11"
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        page.goto(f"{url}#token={token}")
        page.wait_for_selector("body[data-loaded='1']", timeout=15000)
        assert page.locator("tr[data-code='33.73.04.1001']").count() == 1  # Blotongan
        assert "#token" not in page.url  # taken out of the address bar at once
        page.wait_for_selector("#live-dot.on", timeout=10000)  # SSE through nginx
        # A bidan's token names her desa: the page opens there, its posyandu as rows,
        # and not on a province outside her wilayah.
        bidan = browser.new_page()
        bidan.goto(f"{gateway}/api/v1/pws/dashboard#token="
                   f"{platform.token('bidan', wilayah=('33.73.04.1001',))}")
        bidan.wait_for_selector("body[data-loaded='1']", timeout=15000)
        assert bidan.locator("#village").input_value() == "33.73.04.1001"
        assert bidan.locator("tr[data-code='psy-blotongan-1']").count() == 1
        assert bidan.locator("#denied").is_hidden()
        anonymous = browser.new_page()
        anonymous.goto(url)
        anonymous.wait_for_selector("#denied:not([hidden])", timeout=15000)
        assert "Akses ditolak" in anonymous.locator("#denied").inner_text()
        browser.close()
    assert token not in (platform.data_dir / "nginx" / "access.log").read_text()
