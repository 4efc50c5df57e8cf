"""National wilayah import: ~83,000 desa/kelurahan, ~7,300 kecamatan, 514 kab/kota and
38 provinces (synthetic, valid codes) through `ilp import-registry` into the embedded
registry, events included (time until the outbox is empty, i.e. all on JetStream), and
until the PWS read copy holds every desa.

`python -m bench.registry_import` – starts its own embedded platform in a temp directory.
"""

from __future__ import annotations

import csv
import random
import tempfile
import time
from pathlib import Path

import httpx
from ilp_platform.embedded import Platform
from ilp_platform.registry_import import import_registry
from tests.e2e.helpers import free_port_block

PROVINCES = [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
             61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96]


def national_file(path: Path, regencies: int = 514, districts: int = 7_300,
                  villages: int = 83_000) -> int:
    rng = random.Random(2026)
    rows = [(f"{p}", f"Provinsi {p}") for p in PROVINCES]
    per_province = [regencies // len(PROVINCES)] * len(PROVINCES)
    for i in range(regencies - sum(per_province)):
        per_province[i] += 1
    regency_codes = []
    for province, count in zip(PROVINCES, per_province, strict=True):
        kota = max(1, count // 5)
        codes = [f"{province}.{k:02d}" for k in range(1, count - kota + 1)]
        codes += [f"{province}.{71 + k:02d}" for k in range(kota)]
        regency_codes += codes
        rows += [(c, f"{'Kota' if int(c[-2:]) > 70 else 'Kabupaten'} {c}") for c in codes]
    district_codes = []
    for i, regency in enumerate(regency_codes):
        n = districts // len(regency_codes) + (i < districts % len(regency_codes))
        district_codes += [f"{regency}.{k:02d}" for k in range(1, n + 1)]
    rows += [(c, f"Kecamatan {c}") for c in district_codes]
    for i, district in enumerate(district_codes):
        n = villages // len(district_codes) + (i < villages % len(district_codes))
        kelurahan = rng.randint(0, n // 3)
        rows += [(f"{district}.{1001 + k}", f"Kelurahan {district}.{k}") for k in range(kelurahan)]
        rows += [(f"{district}.{2001 + k}", f"Desa {district}.{k}") for k in range(n - kelurahan)]
    rng.shuffle(rows)  # a real export is not sorted by level; the importer orders it
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["code", "name"])
        writer.writerows(rows)
    return len(rows)


def measure() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        rows = national_file(data / "areas.csv")
        ports = free_port_block(6)
        platform = Platform(data / "platform", ports, ports + 1, ports + 2,
                            sample_registry=None, extra_env={"ILP_AUTH_MODE": "local"})
        platform.start()
        try:
            registry = httpx.Client(base_url=platform.base_url_of("registry"), timeout=30)
            pws = httpx.Client(base_url=platform.base_url_of("pws"), timeout=30)
            start = time.perf_counter()
            refused = import_registry(data / "areas.csv", platform.service_url("registry"),
                                      token=platform.operator_token())
            imported = time.perf_counter() - start
            while registry.get("/health/ready").json()["outbox_backlog"]:
                time.sleep(0.05)
            published = time.perf_counter() - start
            while pws.get("/health/ready").json()["consumer"].get("applied", 0) < rows:
                time.sleep(0.1)
            projected = time.perf_counter() - start
            return {"rows": rows, "refused": refused, "committed_s": imported,
                    "published_s": published, "read_copy_s": projected,
                    "registry_rss_mib": platform.peak_rss_mib()["registry"]}
        finally:
            platform.stop()


def main() -> None:
    f = measure()
    print(f"\nrows {f['rows']:,} (refused {f['refused']})")
    print(f"import committed     {f['committed_s']:6.1f} s  {f['rows'] / f['committed_s']:8,.0f} "
          "rows/s")
    print(f"events all published {f['published_s']:6.1f} s  {f['rows'] / f['published_s']:8,.0f} "
          "events/s")
    print(f"PWS read copy done   {f['read_copy_s']:6.1f} s; peak RSS registry "
          f"{f['registry_rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
