"""`ilp` command: run the embedded platform and export contracts."""

from __future__ import annotations

import argparse
import os
from datetime import date
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ilp_kit.tokens import ROLES

from . import endpoints

# Each command imports what it needs when it runs: `ilp token` in a shell script should
# not pay for loading the whole platform.


DATA_DIR = Path(os.environ.get("ILP_DATA_DIR", "data"))
DATA_DIR_HELP = ("the platform's data directory: its NATS streams, stores, logs and keys "
                 "(default ./data, or $ILP_DATA_DIR)")
GATEWAY_HELP = "gateway base URL (default: where ./ilp up on --data-dir listens)"
NATS_HELP = ("default $ILP_NATS_URL, else the NATS of ./ilp up on --data-dir "
             "(nats://127.0.0.1:4222 by default)")
T = TypeVar("T")


def _gateway(args: argparse.Namespace) -> str:
    return str(args.url or endpoints.read(args.data_dir)["gateway"])


def _nats(args: argparse.Namespace) -> str:
    # The services' own setting: an operator who exported it for them means the same NATS.
    return str(args.nats_url or os.environ.get("ILP_NATS_URL")
               or endpoints.read(args.data_dir)["nats"])


def _reaching_nats(url: str, command: Callable[[], T]) -> T:
    from nats.errors import NoServersError

    try:
        return command()
    except NoServersError as exc:
        raise SystemExit(f"cannot reach NATS at {url}; is ./ilp up running? "
                         "(else give --nats-url)") from exc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ilp", description="ILP Platform",
        epilog="From the checkout, ./ilp also runs the test suite (./ilp test [pytest "
               "options]) and every benchmark (./ilp bench [--quick]).")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        """A command; every one finds the platform it works on by its data directory."""
        cmd = commands.add_parser(name, help=text, description=text)
        cmd.add_argument("--data-dir", type=Path, default=DATA_DIR, help=DATA_DIR_HELP)
        return cmd

    up = command("up", "run the whole platform on embedded defaults")
    up.add_argument("--port", type=int, default=8000, help="gateway port (default 8000)")
    up.add_argument("--nats-port", type=int, default=4222,
                    help="NATS client port (default 4222)")
    up.add_argument("--service-port-base", type=int, default=8101,
                    help="the four services listen on this port and the next three "
                    "(default 8101), behind the gateway")
    up.add_argument("--no-sample", action="store_true",
                    help="start an empty registry with your own wilayah instead of the sample "
                    "kota (examples/kota-salatiga), which an empty registry otherwise gets")
    token = command("token", "print a bearer token signed with the embedded key (local auth "
                    "mode)")
    token.add_argument("--role", action="append", required=True, choices=ROLES)
    token.add_argument("--wilayah", action="append", default=[],
                       help="Kemendagri code prefix the holder may see (repeatable; * = all;"
                       " required except for an operator, who sees all)")
    token.add_argument("--facility", action="append", default=[],
                       help="facility id, e.g. the puskesmas of a puskesmas_admin")
    token.add_argument("--worker", help="registry worker id of a kader/bidan/perawat")
    token.add_argument("--subject", help="who holds it (default: derived from the roles)")
    token.add_argument("--hours", type=float, default=12, help="valid for (default 12)")
    schemas = commands.add_parser("schemas", help="write the JSON Schema of every event")
    schemas.add_argument("out_dir", type=Path, nargs="?", default=Path("schemas"))
    register = command("import-register", "send a posyandu register (CSV, or a workbook: "
                       ".xlsx, .xls, .ods, every sheet) to the screening API")
    register.add_argument("csv_file", type=_existing, metavar="file")
    register.add_argument("--posyandu", help="the posyandu (its id or name) of rows without "
                          "one (a sheet of several names each row's in a `Posyandu` or `ID "
                          "Posyandu` column)")
    register.add_argument("--year", type=int, help="a register by month (a child a row, a "
                          "column per month), or one without a date column: its year, where "
                          "its title names none")
    register.add_argument("--day", type=int, help="the day of the month the posyandu meets: "
                          "a register by month's weighings are recorded on it, and the "
                          "visits of a register without a date column on it in the month "
                          "its title names (BULAN DESEMBER 2026)")
    register.add_argument("--url", help=GATEWAY_HELP)
    register.add_argument("--token", default=os.environ.get("ILP_TOKEN"),
                          help="bearer token of a kader/bidan/integrator (default $ILP_TOKEN)")
    household = command("import-household", "send a posyandu's household data collection "
                        "(CSV or a workbook: the people it should see, `hamil` for a "
                        "pregnancy) to the screening API")
    household.add_argument("csv_file", type=_existing, metavar="file")
    household.add_argument("--posyandu", required=True, help="the posyandu: its id or name")
    household.add_argument("--noted-on", type=date.fromisoformat, default=date.today(),
                           help="the day of the data collection (YYYY-MM-DD; default today)")
    household.add_argument("--url", help=GATEWAY_HELP)
    household.add_argument("--token", default=os.environ.get("ILP_TOKEN"),
                           help="bearer token of a kader/bidan/perawat (default $ILP_TOKEN)")
    births = command("import-births", "send a bidan's deliveries (a Register Persalinan, or "
                     "her Kohort Ibu's delivery columns: Tgl Persalinan, Tempat Persalinan, "
                     "JK Bayi, BB Lahir) to the screening API as births")
    births.add_argument("csv_file", type=_existing, metavar="file")
    births.add_argument("--posyandu", help="the posyandu of the mothers' area (its id or "
                        "name), for rows without a `Posyandu` column")
    births.add_argument("--url", help=GATEWAY_HELP)
    births.add_argument("--token", default=os.environ.get("ILP_TOKEN"),
                        help="bearer token of a bidan (default $ILP_TOKEN)")
    registry = command("import-registry", "load wilayah, facilities, workers and targets "
                       "(CSV, workbook or JSON files, or a directory of them) through the registry API")
    registry.add_argument("path", type=_existing)
    registry.add_argument("--year", type=int, help="the year of a list of sasaran without a "
                          "Tahun column (else its title's, else its file's name's)")
    registry.add_argument("--url", help=GATEWAY_HELP)
    registry.add_argument("--token", default=os.environ.get("ILP_TOKEN"),
                          help="bearer token of a dinkes_admin/operator (default $ILP_TOKEN; "
                          "else, of ./ilp up's platform, an operator's signed with its key)")
    dead = command("dlq", "the events a service could not process and why; send them again "
                   "once the cause is fixed, or drop them")
    dead.add_argument("action", nargs="?", choices=("list", "resend", "drop"), default="list")
    dead.add_argument("seq", nargs="*", type=int, help="dead letter numbers (from the list)")
    dead.add_argument("--all", action="store_true", help="resend/drop every one listed")
    dead.add_argument("--service", choices=("registry", "screening", "pws", "notify"))
    dead.add_argument("--limit", type=int, default=100, help="list at most this many")
    dead.add_argument("--nats-url", help=NATS_HELP)
    state = command("status", "is every service up, has it caught up with its events, what "
                    "waits (outbox, dead letters); exit 1 if a service does not answer")
    state.add_argument("--url", help=GATEWAY_HELP)
    state.add_argument("--nats-url", help=NATS_HELP)
    sample = command("sample-screenings", "record made-up screenings of the last months at "
                     "every posyandu of the registry – balita, pregnant women, school "
                     "children, adults, lansia – to "
                     "see the dashboard, the registers and the home visits at work (not on a "
                     "real district's data)")
    sample.add_argument("--months", type=int, default=3, choices=range(1, 13), metavar="1-12",
                        help="how many months back (default 3)")
    sample.add_argument("--url", help=GATEWAY_HELP)
    for name, text in (("pws-rebuild", "replay the streams into a fresh PWS projection"),
                       ("pws-check", "recount PWS from the streams and report differences")):
        cmd = command(name, text)
        cmd.add_argument("--nats-url", help=NATS_HELP)
        if name == "pws-rebuild":
            cmd.add_argument("--replace", action="store_true",
                             help="put the rebuilt file in place: stop ./ilp up first (it "
                             "starts the data directory's NATS itself; --nats-url unused)")
    return parser


def _existing(given: str) -> Path:
    """A file or folder to import, which must be there: a mistyped name is said as such
    (argparse's usage line and exit 2), not as a traceback."""
    path = Path(given)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"no such file or folder: {given!r}")
    return path


def _up(args: argparse.Namespace) -> None:
    from .embedded import SAMPLE_REGISTRY, Platform, serve

    serve(Platform(args.data_dir, args.port, args.nats_port, args.service_port_base,
                   sample_registry=None if args.no_sample else SAMPLE_REGISTRY))


def _token(args: argparse.Namespace) -> None:
    from ilp_kit.tokens import mint_local_token

    if not args.wilayah:
        # A token without a wilayah may see nothing at all: say so instead of minting it.
        if args.role != ["operator"]:
            raise SystemExit(f"ilp token: --wilayah is required for {', '.join(args.role)}: "
                             "the area the holder works in, e.g. --wilayah 33.73.04.1001 "
                             "('*' for all)")
        args.wilayah = ["*"]
    print(mint_local_token(
        _signing_key(args),
        args.subject or args.worker or "-".join(args.role), args.role, args.wilayah,
        args.facility, args.worker, ttl_s=int(args.hours * 3600)))


def _signing_key(args: argparse.Namespace) -> Path:
    """The key the embedded platform's tokens are signed with (`./ilp up` makes it)."""
    return Path(os.environ.get("ILP_AUTH_KEY_PATH") or args.data_dir / "auth" / "signing.key")


def _operator(args: argparse.Namespace) -> str | None:
    """An operator's token for ./ilp up's platform on `args.data_dir`, signed with its key
    (whoever can read the key can mint any token: `./ilp token`); None without the key."""
    from ilp_kit.tokens import mint_local_token

    key = _signing_key(args)
    if args.url or not key.exists():
        return None
    return mint_local_token(key, "operator", ["operator"], ["*"], ttl_s=3600)


def _import(args: argparse.Namespace) -> None:
    import httpx

    from .register_import import import_births, import_household, import_register
    from .registry_import import import_registry

    url = _gateway(args)
    try:
        if args.command == "import-register":
            refused = import_register(args.csv_file, url, args.posyandu, args.token,
                                      args.year, args.day)
        elif args.command == "import-births":
            refused = import_births(args.csv_file, url, args.posyandu, args.token)
        elif args.command == "import-household":
            refused = import_household(args.csv_file, url, args.posyandu,
                                       args.noted_on.isoformat(), args.token)
        else:
            refused = import_registry(args.path, url, token=args.token or _operator(args),
                                      year=args.year)
    except httpx.TransportError as exc:
        raise SystemExit(f"cannot reach {url} ({exc}); is ./ilp up running?") from exc
    raise SystemExit(1 if refused else 0)


def _dlq(args: argparse.Namespace) -> None:
    from .dlq import dlq

    if args.action != "list" and not (args.seq or args.all):
        raise SystemExit(f"ilp dlq {args.action}: give the dead letter numbers, or --all")
    nats_url = _nats(args)
    _reaching_nats(nats_url, lambda: dlq(nats_url, args.action, args.seq, args.service,
                                         args.limit))


def _status(args: argparse.Namespace) -> None:
    from .status import status

    nats_url = _nats(args)
    raise SystemExit(0 if _reaching_nats(nats_url,
                                         lambda: status(_gateway(args), nats_url)) else 1)


def _pws_rebuild(args: argparse.Namespace) -> None:
    from .rebuild import rebuild

    nats_url = _nats(args)
    _reaching_nats(nats_url, lambda: rebuild(args.data_dir, nats_url, args.replace))


def _pws_check(args: argparse.Namespace) -> None:
    from .rebuild import check

    nats_url = _nats(args)
    raise SystemExit(1 if _reaching_nats(nats_url,
                                         lambda: check(args.data_dir, nats_url)) else 0)


def _samples(args: argparse.Namespace) -> None:
    import httpx
    from ilp_kit.tokens import mint_local_token

    from .samples import record_samples

    token = mint_local_token(_signing_key(args), "sample-screenings",
                             ["integrator"], ["*"])
    url = _gateway(args)
    client = httpx.Client(base_url=f"{url}/api/v1", timeout=120,
                          headers={"Authorization": f"Bearer {token}"})
    try:
        counts, reasons = record_samples(client, date.today(), args.months)
    except httpx.TransportError as exc:
        raise SystemExit(f"cannot reach {url} ({exc}); is ./ilp up running?") from exc
    except httpx.HTTPStatusError as exc:
        raise SystemExit(f"{url} refused the samples: {exc.response.text[:300]}") from exc
    print(f"{counts['created']} sample screenings and {counts['births']} births recorded at "
          f"{counts['posyandu']} posyandu ({counts['duplicate']} already there, "
          f"{counts['rejected']} refused)")
    for reason, times in reasons.most_common(3):
        print(f"  refused {times}×: {reason}")
    raise SystemExit(1 if counts["rejected"] else 0)


def _schemas(args: argparse.Namespace) -> None:
    from ilp_contracts.schema import write_schemas

    for path in write_schemas(args.out_dir):
        print(path)


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "up": _up, "token": _token, "import-register": _import, "import-household": _import,
    "import-births": _import,
    "import-registry": _import, "dlq": _dlq, "status": _status, "pws-rebuild": _pws_rebuild,
    "pws-check": _pws_check, "sample-screenings": _samples, "schemas": _schemas}


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    COMMANDS[args.command](args)
