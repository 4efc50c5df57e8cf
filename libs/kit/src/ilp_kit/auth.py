"""Who is calling, and may they? One dependency shared by every service.

Bearer JWTs are checked in every service (never only at the gateway):
- `oidc` (production): issuer discovery → JWKS (Keycloak-compatible; RS256/ES256),
  audience `ILP_OIDC_AUDIENCE`;
- `local` (embedded): HS256 with a key file made on first use (`ilp token` mints tokens);
- `none`: everything allowed, for component tests only; logged loudly at start-up.

Claims: `sub`; roles in `roles` or Keycloak's `realm_access.roles`; `wilayah`: the
Kemendagri code prefixes the caller may see (`33.73` = the whole kota); `facilities`:
facility ids (a puskesmas admin's puskesmas); `worker_id`: the registry id of a kader or
health worker, whose own tasks they work on.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import urllib.request
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any

import jwt
from fastapi import Depends, HTTPException, Query, Request
from ilp_contracts.text import _

from .errors import ForbiddenError
from .settings import ServiceSettings
from .tokens import LOCAL_ISSUER, ROLES, local_signing_key

log = logging.getLogger("ilp.auth")
VERIFIED_CACHE = 10_000  # tokens remembered as verified, until each one's expiry



@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]
    wilayah: tuple[str, ...] = ()
    facilities: frozenset[str] = frozenset()
    worker_id: str | None = None
    unrestricted: bool = False  # auth mode `none`, or an operator reading aggregates

    def has(self, *roles: str) -> bool:
        return self.unrestricted or not self.roles.isdisjoint(roles)

    def covers(self, code: str | None) -> bool:
        """The area (or anything inside it) is within the caller's wilayah ("*": all)."""
        if self.unrestricted or "*" in self.wilayah:
            return True
        if not code:
            return False
        return any(code == p or code.startswith(p + ".") for p in self.wilayah)

    def sees(self, code: str) -> bool:
        """The area is within the caller's wilayah, or on the way to it (its province
        above a kota admin's kota): what a tree of areas to choose from shows."""
        return self.covers(code) or any(p.startswith(code + ".") for p in self.wilayah)

    def covers_facility(self, facility_id: str, area_code: str | None) -> bool:
        return facility_id in self.facilities or self.covers(area_code)

    @property
    def kader_only(self) -> bool:
        """A kader – a volunteer and a neighbour – and no health worker: she works on her
        own visits and does not read what only health workers follow up."""
        return self.has("kader") and not self.has(*HEALTH_STAFF)


HEALTH_STAFF = ("bidan", "perawat", "puskesmas_admin", "dinkes_admin")


OPEN = Principal("anonymous", frozenset(ROLES), ("*",), unrestricted=True)


class Authenticator:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.mode = settings.auth_mode
        self._verified: dict[str, tuple[Principal, float]] = {}
        if self.mode == "none":
            log.warning("authentication is OFF (ILP_AUTH_MODE=none): every caller may do "
                        "everything – for component tests only")

    @cached_property
    def _local_key(self) -> bytes:
        return local_signing_key(self.settings.auth_key_file())

    @cached_property
    def _jwks(self) -> jwt.PyJWKClient:
        """Discovery once; PyJWKClient then caches the keys and refetches on an unknown kid
        (key rotation in Keycloak)."""
        issuer = self.settings.oidc_issuer.rstrip("/")
        with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration",
                                    timeout=10) as reply:
            config = json.load(reply)
        return jwt.PyJWKClient(config["jwks_uri"], cache_keys=True, lifespan=3600)

    def verify(self, token: str) -> Principal:
        """A token seen before (clients send the same one for hours) is not decoded and
        checked again until it expires: verification was ~9 % of the intake CPU."""
        known = self._verified.get(token)
        if known is not None and known[1] > time.time():
            return known[0]
        principal, expires = self._verify(token)
        if len(self._verified) >= VERIFIED_CACHE:
            self._verified.clear()  # bounded: a burst of new tokens costs one re-check
        self._verified[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            if self.mode == "local":
                claims = jwt.decode(token, self._local_key, algorithms=["HS256"],
                                    issuer=LOCAL_ISSUER, audience=self.settings.oidc_audience,
                                    options={"require": ["exp", "sub"]})
            else:
                key = self._jwks.get_signing_key_from_jwt(token).key
                claims = jwt.decode(token, key, algorithms=["RS256", "ES256"],
                                    issuer=self.settings.oidc_issuer.rstrip("/"),
                                    audience=self.settings.oidc_audience,
                                    options={"require": ["exp", "sub"]})
        except jwt.PyJWTError as exc:
            # The usual cause in embedded mode: a token signed with another data dir's key.
            msg = (_("invalid token: {error} (embedded platform: sign it with `./ilp token "
                     "--data-dir` naming this platform's data directory)", error=exc)
                   if self.mode == "local" and isinstance(exc, jwt.InvalidSignatureError) else
                   _("invalid token: {error}", error=exc))
            raise HTTPException(401, detail=[{"loc": ["header", "authorization"], "msg": msg,
                                              "type": "invalid_token"}],
                                headers={"WWW-Authenticate": "Bearer"}) from exc
        return principal_from(claims), float(claims["exp"])


def principal_from(claims: dict[str, Any]) -> Principal:
    roles = claims.get("roles") or claims.get("realm_access", {}).get("roles", [])
    return Principal(subject=str(claims["sub"]), roles=frozenset(r for r in roles if r in ROLES),
                     wilayah=tuple(claims.get("wilayah", [])),
                     facilities=frozenset(claims.get("facilities", [])),
                     worker_id=claims.get("worker_id"))


async def authenticated(request: Request) -> Principal:
    """FastAPI dependency on every service router. SSE clients (EventSource cannot send
    headers) may pass `access_token` in the query of a `/live` path only."""
    auth: Authenticator = request.app.state.authenticator
    if auth.mode == "none":
        return OPEN
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else None
    if token is None and request.url.path.endswith("/live"):
        token = request.query_params.get("access_token")
    if not token:
        raise HTTPException(401, detail=[{"loc": ["header", "authorization"],
                                          "msg": _("a bearer token is required"),
                                          "type": "missing_token"}],
                            headers={"WWW-Authenticate": "Bearer"})
    # OIDC may fetch discovery and keys over the network (first use, key rotation): in a
    # thread, so the event loop keeps serving. A local HS256 check is microseconds.
    principal = (await asyncio.to_thread(auth.verify, token) if auth.mode == "oidc"
                 else auth.verify(token))
    request.state.principal = principal
    return principal


Caller = Annotated[Principal, Depends(authenticated)]
# The query parameter a `/live` endpoint declares for `authenticated` to read.
AccessToken = Annotated[str | None, Query(
    description="The bearer token, for EventSource clients, which cannot send headers")]


def require(principal: Principal, *roles: str) -> Principal:
    if not principal.has(*roles):
        # each once: callers name the groups that may (recorders and carers share roles)
        raise ForbiddenError(_("this needs one of the roles {roles}",
                               roles=", ".join(dict.fromkeys(roles))))
    return principal


def require_area(principal: Principal, code: str | None, what: str | None = None) -> None:
    """`code` is the area asked for, or (`what`: e.g. "task <id>") where a record is –
    None when it does not exist. The answer about a record never names its area, so
    an unknown id and one elsewhere read the same: nobody learns what exists where."""
    if not principal.covers(code):
        raise ForbiddenError(_("{what} is outside your wilayah", what=what) if what else
                             _("area {code} is outside your wilayah", code=code)
                             if code else _("no area was given: which wilayah?"))


def require_facility(principal: Principal, facility_id: str, area_code: str | None) -> None:
    if not principal.covers_facility(facility_id, area_code):
        raise ForbiddenError(_("facility {id} is outside your wilayah", id=facility_id))
