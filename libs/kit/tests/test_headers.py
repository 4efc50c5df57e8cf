"""The kit's NATS client parses message headers exactly as nats-py does, only faster."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from ilp_kit.messaging import _Client
from nats.aio.client import Client

names = st.one_of(st.sampled_from(["Nats-Msg-Id", "ce-id", "traceparent", " ce-type ", "a b",
                                   "x\ty", "", "é", "x\x1cy", "ok"]),
                  st.text(max_size=8))
values = st.one_of(st.sampled_from(["", " v ", "1.0", "a:b:c", "ünï", "\t x"]),
                   st.text(max_size=12))
lines = st.one_of(st.tuples(names, st.sampled_from([":", ": ", ":\t"]), values).map(
    lambda p: f"{p[0]}{p[1]}{p[2]}".encode("utf-8", "surrogatepass")),
    st.binary(max_size=12))


@settings(max_examples=2000)
@given(st.lists(lines, max_size=12))
def test_header_blocks_parse_as_nats_py_parses_them(block: list[bytes]) -> None:
    raw = b"\r\n".join(line.replace(b"\r\n", b"") for line in block) + b"\r\n\r\n"
    assert _Client._parse_header_lines(raw) == Client._parse_header_lines(raw)
