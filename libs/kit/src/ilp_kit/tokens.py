"""Embedded-mode keys: the local signing key and minting (`ilp token`), and the key person
ids are made with. Kept apart from `auth` so the CLI mints a token without importing the
web stack."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jwt

ROLES = ("kader", "bidan", "perawat", "puskesmas_admin", "dinkes_admin", "integrator",
         "operator")
LOCAL_ISSUER = "ilp-embedded"


def local_signing_key(path: Path) -> bytes:
    """The embedded signing key, made once (0600) beside the data."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


def local_pseudonym_key(data_dir: Path, demo_key: str) -> str:
    """The key a data directory's person ids are made with, kept beside its data (0600):
    random for a new one – with the demo key anyone could turn an event's person id back
    into a NIK, as a NIK's digits are the kecamatan, the birth day and a serial –, and the
    demo key for one that already holds people made with it, so they keep their ids."""
    path = data_dir / "auth" / "pseudonym.key"
    if not path.exists():
        made_before = (data_dir / "screening.db").exists()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(demo_key if made_before else secrets.token_hex(32))
    return path.read_text().strip()


def mint_local_token(key_file: Path, subject: str, roles: Iterable[str],
                     wilayah: Iterable[str] = (), facilities: Iterable[str] = (),
                     worker_id: str | None = None, audience: str = "ilp-platform",
                     ttl_s: int = 12 * 3600) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": LOCAL_ISSUER, "aud": audience, "sub": subject, "iat": now, "exp": now + ttl_s,
        "roles": sorted(roles), "wilayah": list(wilayah), "facilities": list(facilities)}
    if worker_id:
        claims["worker_id"] = worker_id
    return jwt.encode(claims, local_signing_key(key_file), algorithm="HS256")
