"""FHIR Bundles built per second on one core: mapping + fhir.resources validation, and the
JSON the exporter sends. `python -m bench.fhir [--bundles 2000]`"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date

import orjson
from ilp_screening.fhir.bundle import ExportContext, screening_bundle


def sample(rng: random.Random, n: int) -> dict:
    return {"screening_id": f"scr-{n}", "person_id": f"p-{n}", "sex": rng.choice("MF"),
            "status": "active", "screened_on": "2026-11-20", "posyandu_id": "psy-1",
            "desa_code": "33.73.04.1001",
            "measurements": {"weight_kg": round(rng.uniform(6, 16), 1),
                             "height_cm": round(rng.uniform(60, 100), 1), "bmi": 15.2,
                             "muac_cm": 14.0},
            "submission": {"measurements": {"measured_lying": False}},
            "findings": [{"code": "stunted", "severity": "moderate", "follow_up": ""}],
            "immunizations": ["MR1"]}


def measure(n: int = 2000) -> dict[str, float]:
    rng = random.Random(1)
    ctx = ExportContext("100011961", "psy-1", "3373041011240001", None, "Anak",
                        date(2024, 11, 10), "33.73.04.1001")
    screenings = [sample(rng, i) for i in range(n)]
    screening_bundle(sample(rng, -1), ctx)  # warm: fhir.resources imports its models lazily
    start = time.perf_counter()
    bundles = [screening_bundle(s, ctx) for s in screenings]
    built = time.perf_counter() - start
    start = time.perf_counter()
    size = sum(len(orjson.dumps(b)) for b in bundles)  # as the exporter sends them
    dumped = time.perf_counter() - start
    return {"bundles_per_s": n / (built + dumped), "entries": len(bundles[0]["entry"]),
            "bytes": size / n}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bundles", type=int, default=2000)
    figures = measure(parser.parse_args().bundles)
    print(f"FHIR bundles built, validated and serialised: {figures['bundles_per_s']:,.0f}/s "
          f"on one core ({figures['entries']} entries, {figures['bytes']:,.0f} bytes each)")


if __name__ == "__main__":
    main()
