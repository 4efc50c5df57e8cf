"""FHIR Bundles built per second on one core: mapping, validation (fhir.resources, once per
entry shape) and the JSON the exporter sends. `python -m bench.fhir [--bundles 2000]`"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date

import orjson
from fhir.resources.R4B.bundle import Bundle
from ilp_screening.fhir.bundle import ExportContext, screening_bundle


# what each life-cycle stage measures, and the findings and doses it may carry
STAGES = [
    ({"weight_kg": (6, 16), "height_cm": (60, 100), "head_circumference_cm": (40, 50),
      "muac_cm": (11, 16)}, ["stunted", "wasted", "underweight"], ["MR1", "DPT-HB-Hib3", "IPV2"]),
    ({"weight_kg": (40, 80), "muac_cm": (20, 30), "systolic": (90, 150), "diastolic": (60, 100),
      "hb": (8, 14)}, ["kek", "anaemia_pregnancy", "hypertension_pregnancy"], ["Td2"]),
    ({"weight_kg": (40, 100), "height_cm": (140, 185), "bmi": (17, 35), "waist_cm": (60, 110),
      "systolic": (100, 180), "diastolic": (60, 110), "glucose_random": (70, 250)},
     ["hypertension_grade_1", "obesity", "diabetes_suspected"], []),
]


def sample(rng: random.Random, n: int) -> dict:
    """A screening of a random stage with a random subset of its findings and doses, so the
    Bundles vary in shape as real ones do (5 % voided)."""
    ranges, findings, doses = rng.choice(STAGES)
    return {"screening_id": f"scr-{n}", "person_id": f"p-{n}", "sex": rng.choice("MF"),
            "status": "voided" if rng.random() < 0.05 else "active",
            "screened_on": "2026-11-20", "posyandu_id": "psy-1", "desa_code": "33.73.04.1001",
            "measurements": {k: round(rng.uniform(*r), 1) for k, r in ranges.items()},
            "submission": {"measurements": {"measured_lying": rng.random() < 0.3}},
            "findings": [{"code": c, "severity": "moderate", "follow_up": ""}
                         for c in findings if rng.random() < 0.3],
            "immunizations": [d for d in doses if rng.random() < 0.3]}


def measure(n: int = 2000) -> dict[str, float]:
    """Bundles built, validated and serialised one at a time, as the exporter does (from a
    cold start: the shapes are learnt during the run), and for comparison the rate of
    validating every Bundle in full with fhir.resources."""
    rng = random.Random(1)
    ctx = ExportContext("100011961", "psy-1", "3373041011240001", None, "Anak",
                        date(2024, 11, 10), "33.73.04.1001")
    screenings = [sample(rng, i) for i in range(n)]
    Bundle.model_validate(screening_bundle(sample(rng, -1), ctx))  # lazy model imports
    size = entries = 0
    start = time.perf_counter()
    for screening in screenings:
        bundle = screening_bundle(screening, ctx)
        size += len(orjson.dumps(bundle))  # as the exporter sends it
        entries += len(bundle["entry"])
    elapsed = time.perf_counter() - start
    full = screenings[:min(n, 500)]
    start = time.perf_counter()
    for screening in full:
        Bundle.model_validate(screening_bundle(screening, ctx))
    full_s = time.perf_counter() - start
    return {"bundles_per_s": n / elapsed, "entries": entries / n, "bytes": size / n,
            "full_validation_per_s": len(full) / full_s}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bundles", type=int, default=2000)
    figures = measure(parser.parse_args().bundles)
    print(f"FHIR bundles built, validated and serialised: {figures['bundles_per_s']:,.0f}/s "
          f"on one core ({figures['entries']:.1f} entries, {figures['bytes']:,.0f} bytes on "
          f"average); fhir.resources validating every Bundle in full: "
          f"{figures['full_validation_per_s']:,.0f}/s")


if __name__ == "__main__":
    main()
