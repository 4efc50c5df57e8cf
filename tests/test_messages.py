"""What people read is said in Bahasa Indonesia when they ask for it (STYLE.md: Bahasa
Indonesia in user-facing text): every message the code can say has its translation, the
translation fits its message, and a client's `Accept-Language` picks the language."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from ilp_contracts.text import ENGLISH, _, catalogue, joined, language_of, placeholders, reason

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [path for top in ("libs", "services") for path in (ROOT / top).glob("*/src")]


def said_in_code() -> dict[str, str]:
    """Every message the code marks (`_()`, `N_()`), with where it is said."""
    found: dict[str, str] = {}
    for source in SOURCES:
        for filename, line, message, *_rest in extract_from_dir(
                source, method_map=[("**.py", "python")], keywords={"_": None, "N_": None}):
            found.setdefault(str(message), f"{source.relative_to(ROOT)}/{filename}:{line}")
    return found


def test_every_message_has_its_indonesian() -> None:
    said, translated = said_in_code(), catalogue("id")
    missing = {message: where for message, where in said.items() if message not in translated}
    assert not missing, ("add these to libs/contracts/src/ilp_contracts/locale/id/LC_MESSAGES/"
                         f"ilp.po: {missing}")
    assert not translated.keys() - said.keys(), "translations of messages no longer said"


@pytest.mark.parametrize("message", sorted(catalogue("id")))
def test_a_translation_names_only_its_messages_values(message: str) -> None:
    """A value may be left out (Indonesian has no plural -s), never invented: rendering
    would fail on it."""
    assert placeholders(catalogue("id")[message]) <= placeholders(message)


def test_no_module_hides_the_message_function_behind_a_throwaway_name() -> None:
    """`for _ in …` or `x, _ = …` in a module that says `_("…")` makes `_` a string there,
    and the refusal a crash (UnboundLocalError or 'str' is not callable)."""
    hidden = []
    for source in SOURCES:
        for path in source.rglob("*.py"):
            tree = ast.parse(path.read_text())
            if not any(isinstance(node, ast.ImportFrom) and any(a.name == "_" for a in node.names)
                       for node in ast.walk(tree)):
                continue
            hidden += [f"{path.relative_to(ROOT)}:{node.lineno}" for node in ast.walk(tree)
                       if (isinstance(node, ast.Name) and node.id == "_"
                           and isinstance(node.ctx, ast.Store))
                       or (isinstance(node, ast.arg) and node.arg == "_")]
    assert not hidden


@pytest.mark.parametrize(("header", "language"), [
    (None, "en"), ("", "en"), ("id", "id"), ("id-ID,id;q=0.9,en-US;q=0.8", "id"),
    ("en-US,en;q=0.9,id;q=0.8", "en"), ("in-ID", "id"),  # Android's old code for Indonesian
    ("fr-FR, id;q=0.5", "id"), ("jv, *;q=0.1", "en"), ("id;q=0, en", "en"),
    ("en;q=0.2, id;q=0.7", "id"), ("id;q=abc", "en"),
])
def test_the_language_is_the_first_the_client_prefers_that_we_have(header: str | None,
                                                                   language: str) -> None:
    assert language_of(header) == language


def test_a_message_is_its_english_wherever_a_string_goes() -> None:
    message = _("{value:g} kg is outside the plausible range {low:g}–{high:g} kg", value=250.0,
                low=0.5, high=250)
    assert message == "250 kg is outside the plausible range 0.5–250 kg"
    assert message.render(ENGLISH) == message


def test_a_message_renders_its_values_and_the_messages_inside_it_in_the_language() -> None:
    inner = _("{what} not found", what=_("screening {id}", id="s-1"))
    assert inner.render("id") == "skrining s-1 tidak ditemukan"
    assert joined([inner, _("no measurement given")]).render("id") == (
        "skrining s-1 tidak ditemukan; tidak ada hasil pengukuran")


def test_numbers_are_written_as_the_language_writes_them() -> None:
    """0,5 kg and 1.234 baris in Indonesian, whatever format the template gives."""
    implausible = _("{value:g} {unit} is outside the plausible range {low:g}–{high:g} {unit}",
                    value=0.25, unit="kg", low=0.5, high=40)
    assert implausible.render("id") == "0,25 kg di luar rentang wajar 0,5–40 kg"
    assert implausible == "0.25 kg is outside the plausible range 0.5–40 kg"
    sheet = _("sheet {name!r} spans {rows:,} rows and {columns:,} columns: split it, or clear "
              "what was typed far below or to the right of its table", name="Jan 2026",
              rows=1234567, columns=12)
    assert sheet.render("id").startswith("lembar 'Jan 2026' mencakup 1.234.567 baris dan 12")


def test_a_message_not_yet_translated_is_said_in_english() -> None:
    assert _("a message nobody has translated: {n:g}", n=0.5).render("id") == (
        "a message nobody has translated: 0.5")


def test_an_exceptions_message_keeps_its_translations() -> None:
    said = reason(ValueError(_("no measurement given")))
    assert said.render("id") == "tidak ada hasil pengukuran"  # type: ignore[attr-defined]
    assert reason(ValueError("plain")) == "plain"
