"""The `./ilp` commands as a user types them. `./ilp import-registry` on the platform
`./ilp up` runs needs no token typed: without one it signs an operator's with the data
directory's key – as `./ilp token` would – and never makes a key where there is none."""

from __future__ import annotations

import argparse
from pathlib import Path

import jwt
from ilp_kit.tokens import local_signing_key
from ilp_platform.cli import _operator


def test_an_operators_token_is_signed_with_the_platforms_own_key(tmp_path: Path,
                                                                   monkeypatch) -> None:
    monkeypatch.delenv("ILP_AUTH_KEY_PATH", raising=False)
    args = argparse.Namespace(data_dir=tmp_path, url=None)
    assert _operator(args) is None  # no platform started here: no key, none made
    assert not (tmp_path / "auth" / "signing.key").exists()
    key = local_signing_key(tmp_path / "auth" / "signing.key")
    token = _operator(args)
    assert token is not None
    claims = jwt.decode(token, key, algorithms=["HS256"], audience="ilp-platform")
    assert (claims["roles"], claims["wilayah"]) == (["operator"], ["*"])
    assert claims["exp"] - claims["iat"] <= 3600
    # another platform's gateway (--url) does not know this key: its own token is needed
    assert _operator(argparse.Namespace(data_dir=tmp_path, url="http://dinkes:8000")) is None


def test_a_mistyped_file_to_import_is_said_as_such(tmp_path: Path, capsys) -> None:
    """Not a traceback: argparse's usage line, the name as typed, exit 2."""
    import pytest
    from ilp_platform.cli import main

    for command in (["import-register", "--posyandu", "x"], ["import-household", "--posyandu",
                                                              "x"], ["import-births"],
                    ["import-registry"]):
        with pytest.raises(SystemExit) as stopped:
            main([*command, str(tmp_path / "registr.xlsx")])
        assert stopped.value.code == 2
        assert f"no such file or folder: '{tmp_path / 'registr.xlsx'}'" in capsys.readouterr().err


def test_a_refusal_said_in_a_word_ends_the_import_with_it() -> None:
    """A platform of an older release has no such route: its 404's "Not Found" said, not
    a traceback."""
    import httpx
    import pytest
    from ilp_platform.registry_import import stop_unless_ok

    for reply, said in ((httpx.Response(404, json={"detail": "Not Found"}), "Not Found"),
                        (httpx.Response(401, json={"detail": [{"msg": "token"}]}), "token"),
                        (httpx.Response(502, text="<html>bad gateway</html>"), "bad gateway")):
        with pytest.raises(SystemExit) as stopped:
            stop_unless_ok(reply)
        assert str(stopped.value) == f"impor ditolak (HTTP {reply.status_code}): " + (
            said if reply.status_code != 502 else reply.text), said
