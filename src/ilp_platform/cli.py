"""`ilp` command: run the embedded platform and export contracts."""

from __future__ import annotations

import argparse
from pathlib import Path

from ilp_contracts.schema import write_schemas

from .embedded import Platform, serve


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
    args = parser.parse_args(argv)

    if args.command == "up":
        serve(Platform(args.data_dir, args.port, args.nats_port, args.service_port_base))
    elif args.command == "schemas":
        for path in write_schemas(args.out_dir):
            print(path)
