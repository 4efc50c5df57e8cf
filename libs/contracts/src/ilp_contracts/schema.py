"""Export JSON Schema for every event: `python -m ilp_contracts.schema OUT_DIR`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from . import EVENTS
from .asyncapi import asyncapi_document


def event_schemas() -> dict[str, dict[str, Any]]:
    schemas = {}
    for subject, cls in EVENTS.items():
        schema = cls.model_json_schema()
        schema["$id"] = cls.dataschema()
        schema["x-subject"] = subject
        schemas[subject] = schema
    return schemas


def write_schemas(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for subject, schema in event_schemas().items():
        path = out_dir / f"{subject}.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
        written.append(path)
    path = out_dir / "asyncapi.json"
    path.write_text(json.dumps(asyncapi_document(), indent=2) + "\n")
    return [*written, path]


if __name__ == "__main__":
    for path in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "schemas")):
        print(path)
