"""Pure classification rate on one core: `python bench/classification.py [N]`."""

from __future__ import annotations

import random
import sys
import time
from datetime import date

from ilp_screening.domain.classify import ScreeningInput, classify

ON = date(2026, 11, 20)


def inputs(n: int, rng: random.Random) -> list[ScreeningInput]:
    made = []
    for _ in range(n):
        stage = rng.choice(["balita", "balita", "usia_dewasa", "lansia", "ibu_hamil",
                            "anak_remaja"])
        sex = rng.choice("MF") if stage != "ibu_hamil" else "F"
        if stage == "balita":
            days = rng.randint(0, 1800)
            measures = {"weight_kg": rng.uniform(3, 20), "height_cm": rng.uniform(50, 110)}
        elif stage == "anak_remaja":
            days = rng.randint(1900, 6500)
            measures = {"weight_kg": rng.uniform(15, 70), "height_cm": rng.uniform(105, 180),
                        "hb": rng.uniform(9, 15)}
        else:
            days = rng.randint(6600, 30000)
            measures = {"weight_kg": rng.uniform(40, 100), "height_cm": rng.uniform(140, 185),
                        "systolic": rng.uniform(100, 190), "diastolic": rng.uniform(60, 115),
                        "glucose_random": rng.uniform(80, 300), "waist_cm": rng.uniform(60, 120),
                        "muac_cm": rng.uniform(20, 30), "hb": rng.uniform(9, 14),
                        "adl": float(rng.randint(0, 20))}
        made.append(ScreeningInput(stage, sex, days, ON, measures,
                                   gestational_weeks=rng.randint(4, 40)))
    return made


def measure(n: int = 20_000) -> float:
    """Screenings classified per second on one core."""
    batch = inputs(n, random.Random(7))
    for warm in inputs(50, random.Random(1)):  # load every table outside the timing
        classify(warm)
    start = time.perf_counter()
    for screening in batch:
        classify(screening)
    return n / (time.perf_counter() - start)


def main(n: int = 20_000) -> None:
    print(f"classification: {measure(n):,.0f} screenings/s on one core")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
