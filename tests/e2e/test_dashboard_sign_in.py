"""The dashboard in production signs its user in with the OIDC provider (authorization
code with PKCE, as Keycloak's public client) and keeps the token fresh: tried in headless
Chromium against the platform in `oidc` mode and a provider on this machine that speaks
Keycloak's endpoints (discovery, auth, token, certs) for a user already signed in there."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from ilp_platform.embedded import Platform
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from .helpers import CHROMIUM, eventually, free_port_block, gateway_of, launch_chromium

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                "(./ilp test installs it when run as root)")
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
CORS = {"Access-Control-Allow-Origin": "*"}  # Keycloak's web origins for the client


class Provider:
    """Keycloak's endpoints for one realm; its user is signed in already (SSO)."""

    def __init__(self, base: str, access_seconds: int) -> None:
        self.base, self.access_seconds = base, access_seconds
        self.codes: dict[str, dict[str, str]] = {}
        self.grants: list[str] = []  # grant types asked for, in order
        self.refusing = False  # every code refused (a client misconfigured in the realm)
        self.sign_outs: list[dict[str, str]] = []

    def access_token(self) -> str:
        claims = {"iss": self.base, "aud": "ilp-platform", "sub": "dinkes-1",
                  "name": "Dr. Ratna (Dinkes)",
                  "exp": time.time() + self.access_seconds,
                  "realm_access": {"roles": ["dinkes_admin"]}, "wilayah": ["33.73"]}
        return jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": "k1"})

    async def discovery(self, _: Request) -> JSONResponse:
        return JSONResponse({"issuer": self.base, "jwks_uri": f"{self.base}/certs",
                             "authorization_endpoint": f"{self.base}/auth",
                             "end_session_endpoint": f"{self.base}/logout",
                             "token_endpoint": f"{self.base}/token"}, headers=CORS)

    async def certs(self, _: Request) -> JSONResponse:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True)
        return JSONResponse({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]})

    async def auth(self, request: Request) -> RedirectResponse:
        asked = request.query_params
        assert (asked["response_type"], asked["client_id"], asked["code_challenge_method"]) == (
            "code", "ilp-dashboard", "S256")
        code = secrets.token_urlsafe(8)
        self.codes[code] = dict(asked)
        return RedirectResponse(f"{asked['redirect_uri']}?"
                                + urlencode({"code": code, "state": asked["state"]}), 302)

    async def token(self, request: Request) -> JSONResponse:
        form = dict(parse_qsl((await request.body()).decode()))
        self.grants.append(str(form["grant_type"]))
        if self.refusing:
            return JSONResponse({"error": "unauthorized_client"}, 400, headers=CORS)
        if form["grant_type"] == "authorization_code":
            asked = self.codes.pop(str(form["code"]))
            verifier = str(form["code_verifier"]).encode()
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if challenge.decode() != asked["code_challenge"] or \
                    form["redirect_uri"] != asked["redirect_uri"]:
                return JSONResponse({"error": "invalid_grant"}, 400, headers=CORS)
        elif form.get("refresh_token") != "refresh-1":
            return JSONResponse({"error": "invalid_grant"}, 400, headers=CORS)
        return JSONResponse({"access_token": self.access_token(), "refresh_token": "refresh-1",
                             "id_token": "id-1", "token_type": "Bearer"}, headers=CORS)

    async def logout(self, request: Request) -> RedirectResponse:
        self.sign_outs.append(dict(request.query_params))
        return RedirectResponse(request.query_params["post_logout_redirect_uri"], 302)


def serve(app: Any, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    eventually(lambda: server.started)
    return server


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, Provider]]:
    ports = free_port_block(7)
    base = f"http://127.0.0.1:{ports + 6}/realms/ilp"
    # Tokens that run out within the minute the page refreshes ahead: it refreshes at once.
    provider = Provider(base, access_seconds=90)
    realm = "/realms/ilp"
    server = serve(Starlette(routes=[
        Route(f"{realm}/.well-known/openid-configuration", provider.discovery),
        Route(f"{realm}/certs", provider.certs), Route(f"{realm}/auth", provider.auth),
        Route(f"{realm}/logout", provider.logout),
        Route(f"{realm}/token", provider.token, methods=["POST"])]), ports + 6)
    platform = Platform(tmp_path_factory.mktemp("sign-in"), ports, ports + 1, ports + 2,
                        sample_registry=None,
                        extra_env={"ILP_AUTH_MODE": "oidc", "ILP_OIDC_ISSUER": base})
    platform.start()
    admin = {"Authorization": f"Bearer {provider.access_token()}"}
    registry = httpx.Client(base_url=platform.base_url_of("registry"), timeout=10,
                            headers=admin)
    for code, name in (("33", "Jawa Tengah"), ("33.73", "Kota Salatiga")):
        registry.post("/areas", json={"code": code, "name": name}).raise_for_status()
    with gateway_of(platform):
        yield platform, provider
    platform.stop()
    server.should_exit = True


def test_the_dashboard_signs_in_with_the_provider_and_keeps_its_token_fresh(
        signed_in: tuple[Platform, Provider]) -> None:
    from playwright.sync_api import sync_playwright

    platform, provider = signed_in
    pws = httpx.Client(base_url=platform.base_url_of("pws"), timeout=10)
    assert pws.get("/dashboard/sign-in").json() == {"issuer": provider.base,
                                                    "client_id": "ilp-dashboard"}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        page.clock.install()  # the page's timers, to move its half minute on
        denied: list[str] = []
        page.on("response", lambda r: denied.append(r.url) if r.status == 401 else None)
        page.goto(f"{platform.base_url}/api/v1/pws/dashboard?area=33.73&period=2026-11")
        page.wait_for_selector("body[data-loaded='1']", timeout=20000)
        # back on the page the link named, its code gone from the address
        assert page.url.endswith("/api/v1/pws/dashboard?area=33.73&period=2026-11")
        assert page.locator("#regency").input_value() == "33.73"
        assert provider.grants[0] == "authorization_code" and not denied
        # the 90-second token is renewed with the refresh token, not a new sign-in
        page.clock.fast_forward(31_000)  # the page's half-minute check
        eventually(lambda: "refresh_token" in provider.grants, timeout=10)
        assert provider.codes == {} and provider.grants.count("authorization_code") == 1
        # who is signed in, and signing out ends the provider's session as well
        assert page.locator("#who-name").inner_text() == "Dr. Ratna (Dinkes)"
        page.click("#sign-out")
        eventually(lambda: provider.sign_outs, timeout=10)
        assert provider.sign_outs[0]["id_token_hint"] == "id-1"
        assert provider.sign_outs[0]["client_id"] == "ilp-dashboard"
        # back on the page, it asks the provider again (here, signed in anew at once)
        eventually(lambda: provider.grants.count("authorization_code") == 2, timeout=10)
        browser.close()



def test_a_sign_in_the_provider_refuses_is_said_not_tried_again_and_again(
        signed_in: tuple[Platform, Provider]) -> None:
    from playwright.sync_api import sync_playwright

    platform, provider = signed_in
    provider.refusing, provider.grants = True, []
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page()
            page.goto(f"{platform.base_url}/api/v1/pws/dashboard?area=33.73")
            page.wait_for_function("document.getElementById('status').textContent"
                                   ".includes('refused')", timeout=20000)
            page.wait_for_timeout(1000)  # a loop would have gone back to the provider
            assert provider.grants == ["authorization_code"]
            assert "Gagal memuat: the sign-in provider refused the sign-in code" in \
                page.locator("#status").inner_text()
            browser.close()
    finally:
        provider.refusing = False
