"""Bearer tokens: OIDC against a real local issuer (discovery + JWKS over HTTP, RS256,
Keycloak's realm_access roles) and the embedded HS256 tokens; scope by wilayah prefix."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import HTTPException
from ilp_kit.auth import Authenticator, Principal
from ilp_kit.settings import ServiceSettings
from ilp_kit.tokens import mint_local_token
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}/realms/ilp"
    public = jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True)

    async def discovery(_):  # noqa: ANN001, ANN202
        return JSONResponse({"issuer": base, "jwks_uri": f"{base}/certs"})

    async def certs(_):  # noqa: ANN001, ANN202
        return JSONResponse({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]})

    app = Starlette(routes=[Route("/realms/ilp/.well-known/openid-configuration", discovery),
                            Route("/realms/ilp/certs", certs)])
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield base
    server.should_exit = True
    thread.join(5)


def keycloak_token(issuer: str, **overrides: object) -> str:
    claims = {"iss": issuer, "aud": "ilp-platform", "sub": "u-1", "exp": time.time() + 300,
              "realm_access": {"roles": ["bidan", "offline_access"]},
              "wilayah": ["33.73.04.1001"], "worker_id": "bidan-1", **overrides}
    return jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": "k1"})


def test_oidc_tokens_are_checked_against_the_issuers_keys(issuer: str) -> None:
    auth = Authenticator(ServiceSettings(auth_mode="oidc", oidc_issuer=issuer))
    principal = auth.verify(keycloak_token(issuer))
    assert principal.roles == {"bidan"}  # unknown roles dropped
    assert principal.worker_id == "bidan-1" and principal.covers("33.73.04.1001")
    for bad in (keycloak_token(issuer, aud="someone-else"),
                keycloak_token(issuer, iss="https://elsewhere"),
                keycloak_token(issuer, exp=time.time() - 5),
                jwt.encode({"sub": "x", "exp": time.time() + 60}, "a-shared-secret-" * 3,
                           algorithm="HS256")):
        with pytest.raises(HTTPException) as refused:
            auth.verify(bad)
        assert refused.value.status_code == 401


def test_local_tokens_and_their_scope(tmp_path) -> None:
    settings = ServiceSettings(auth_mode="local", data_dir=tmp_path)
    token = mint_local_token(settings.auth_key_file(), "kader-1", ["kader"],
                             ["33.73.04.1001"], worker_id="kader-1")
    principal = Authenticator(settings).verify(token)
    assert principal.has("kader") and not principal.has("dinkes_admin")
    assert principal.covers("33.73.04.1001") and not principal.covers("33.73.04.1002")
    assert not principal.covers("33.73.04")  # the kecamatan is wider than her wilayah
    assert principal.sees("33.73.04") and principal.sees("33")  # on the way to it
    assert not principal.sees("33.73.03") and not principal.sees("34")
    assert not principal.sees("33.73.04.10")  # a prefix of digits is not a parent
    assert Principal("op", frozenset({"operator"}), ("*",)).covers("11.01")
    assert (settings.auth_key_file().stat().st_mode & 0o777) == 0o600


def test_a_token_from_another_data_dir_says_where_tokens_come_from(tmp_path) -> None:
    ours = ServiceSettings(auth_mode="local", data_dir=tmp_path / "walk")
    theirs = ServiceSettings(auth_mode="local", data_dir=tmp_path / "data")
    token = mint_local_token(theirs.auth_key_file(), "op", ["operator"], ["*"])
    with pytest.raises(HTTPException) as refused:
        Authenticator(ours).verify(token)
    assert refused.value.status_code == 401
    assert "./ilp token --data-dir" in refused.value.detail[0]["msg"]


def test_a_refusal_names_each_role_that_may_once() -> None:
    """Endpoints allow groups of roles that overlap (recorders and carers): the caller is
    told each role once."""
    from ilp_kit.auth import require
    from ilp_kit.errors import ForbiddenError

    operator = Principal(subject="op", roles=frozenset({"operator"}), wilayah=("*",))
    with pytest.raises(ForbiddenError) as refused:
        require(operator, "kader", "bidan", "integrator", "kader", "bidan", "dinkes_admin")
    assert "roles kader, bidan, integrator, dinkes_admin" in str(refused.value.detail())
