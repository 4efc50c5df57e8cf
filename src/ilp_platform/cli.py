"""`ilp` command: run the embedded platform and export contracts."""

from __future__ import annotations

import argparse
from pathlib import Path

from ilp_contracts.schema import write_schemas

from .embedded import Platform, serve
from .rebuild import check, rebuild
from .register_import import import_register
from .registry_import import import_registry


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="ilp", description="ILP Platform")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="run the whole platform on embedded defaults")
    up.add_argument("--data-dir", type=Path, default=Path("data"))
    up.add_argument("--port", type=int, default=8000, help="gateway port")
    up.add_argument("--nats-port", type=int, default=4222)
    up.add_argument("--service-port-base", type=int, default=8101)
    schemas = commands.add_parser("schemas", help="write the JSON Schema of every event")
    schemas.add_argument("out_dir", type=Path, nargs="?", default=Path("schemas"))
    register = commands.add_parser("import-register",
                                   help="send a posyandu register (CSV) to the screening API")
    register.add_argument("csv_file", type=Path)
    register.add_argument("--posyandu", help="posyandu id for rows without one")
    register.add_argument("--url", default="http://127.0.0.1:8000", help="gateway base URL")
    registry = commands.add_parser(
        "import-registry", help="load wilayah, facilities, workers and targets (CSV/JSON "
        "file or a directory of them) through the registry API")
    registry.add_argument("path", type=Path)
    registry.add_argument("--url", default="http://127.0.0.1:8000", help="gateway base URL")
    for name, text in (("pws-rebuild", "replay the streams into a fresh PWS projection"),
                       ("pws-check", "recount PWS from the streams and report differences")):
        cmd = commands.add_parser(name, help=text)
        cmd.add_argument("--data-dir", type=Path, default=Path("data"))
        cmd.add_argument("--nats-url", default="nats://127.0.0.1:4222")
        if name == "pws-rebuild":
            cmd.add_argument("--replace", action="store_true",
                             help="put the rebuilt file in place (pws must be stopped)")
    args = parser.parse_args(argv)

    if args.command == "up":
        serve(Platform(args.data_dir, args.port, args.nats_port, args.service_port_base))
    elif args.command == "import-register":
        raise SystemExit(1 if import_register(args.csv_file, args.url, args.posyandu) else 0)
    elif args.command == "import-registry":
        raise SystemExit(1 if import_registry(args.path, args.url) else 0)
    elif args.command == "pws-rebuild":
        rebuild(args.data_dir, args.nats_url, args.replace)
    elif args.command == "pws-check":
        raise SystemExit(1 if check(args.data_dir, args.nats_url) else 0)
    elif args.command == "schemas":
        for path in write_schemas(args.out_dir):
            print(path)
