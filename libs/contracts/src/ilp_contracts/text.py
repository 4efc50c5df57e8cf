"""What people read, in their language. A message is written once, in English, as a
template with its values (`_("{value} kg is too heavy", value=w)`), and rendered in the
language the reader asked for (HTTP `Accept-Language`), from gettext catalogues kept
beside this module (`locale/<language>/LC_MESSAGES/ilp.po`, translators' usual format).
Code that refuses something stays free of I/O and of who is asking: it returns a `Text`,
and the edge (an HTTP response, a report) renders it. English is the default – what
integrators' tools and logs read – and a message not yet translated falls back to it."""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.messages.pofile import read_po
from pydantic_core import PydanticCustomError

ENGLISH = "en"
LANGUAGES = (ENGLISH, "id")
# Older Java and Android report Indonesian by its withdrawn ISO 639 code "in".
_ALIASES = {"in": "id"}
_LOCALE_DIR = Path(__file__).parent / "locale"


class Text(str):
    """A message: the English text itself (so it goes wherever a string goes – logs, dead
    letters, JSON), which remembers its template and values to be said in another language."""

    template: str
    values: Mapping[str, Any]

    def __new__(cls, template: str, values: Mapping[str, Any] | None = None) -> Text:
        values = dict(values or {})
        text = super().__new__(cls, template.format_map(values))
        text.template, text.values = template, values
        return text

    def render(self, language: str) -> str:
        if language == ENGLISH:
            return str.__str__(self)
        template = catalogue(language).get(self.template)  # else said in English, numbers too
        return (template or self.template).format_map(
            {name: _Number(value, language) if template and _is_number(value)
             else _day(value, language) if template and isinstance(value, date)
             else render(value, language) for name, value in self.values.items()})


class _Number:
    """A number written as the language writes it – in Indonesian 0,5 kg and 1.000 baris –
    whatever the template's format says (`{low:g}`, `{rows:,}`)."""

    def __init__(self, value: float, language: str) -> None:
        self.value, self.symbols = value, _separators(language)

    def __format__(self, spec: str) -> str:
        return format(self.value, spec).translate(self.symbols)


def _day(value: date, language: str) -> str:
    """A day as the language writes it – in Indonesian 17 Agustus 2026; in English it stays
    the ISO date the English text has."""
    return format_date(value, "d MMMM yyyy", locale=language)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@cache
def _separators(language: str) -> dict[int, str]:
    """Python's "." and "," as the language's decimal and group separators (CLDR)."""
    symbols = Locale.parse(language).number_symbols["latn"]
    return str.maketrans({".": symbols["decimal"], ",": symbols["group"]})


def _(template: str, /, **values: Any) -> Text:
    """A message to translate (the gettext name, so `pybabel extract` finds it)."""
    return Text(template, values)


def N_(template: str) -> str:
    """A template marked for translation, given its values later (`_(TEMPLATES[k], …)`),
    or rendered by another's (pydantic's messages, by their type)."""
    return template


def render(value: Any, language: str) -> Any:
    """A message – or anything else, unchanged – in `language`."""
    return value.render(language) if isinstance(value, Text) else value


def joined(parts: Iterable[Text | str], separator: str = "; ") -> Text:
    """Several messages as one, each in the reader's language."""
    named = {f"part{i}": part for i, part in enumerate(parts)}
    return Text(separator.join("{%s}" % name for name in named), named)


@cache
def catalogue(language: str) -> dict[str, str]:
    """The translations of one language (msgid → msgstr), read once per process."""
    path = _LOCALE_DIR / language / "LC_MESSAGES" / "ilp.po"
    if not path.exists():
        return {}
    with path.open("rb") as po:
        messages = read_po(po)
    return {str(m.id): str(m.string) for m in messages
            if m.id and m.string and not m.fuzzy}


def placeholders(template: str) -> set[str]:
    """The values a template names (a translation must name the same)."""
    return {name for _text, name, _spec, _conversion in string.Formatter().parse(template)
            if name}


def language_of(accept_language: str | None) -> str:
    """The language to answer in, from an `Accept-Language` header (RFC 9110: the
    client's preferences with q-values): the first we have, else English."""
    ranked = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _semicolon, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        ranked.append((-quality, position, _ALIASES.get(primary, primary)))
    for quality, _position, language in sorted(ranked):
        if quality < 0 and language in LANGUAGES:
            return language
    return ENGLISH


def refusal(kind: str, text: Text) -> PydanticCustomError:
    """A validation error of our own `kind` whose message is read in its reader's
    language: the Text rides in the error's context (`message`), where the edge finds it."""
    return PydanticCustomError(kind, "{message}", {"message": text})


def reason(exc: BaseException) -> str:
    """An exception's message as it was said: a Text keeps its translations."""
    said = exc.args[0] if exc.args else None
    return said if isinstance(said, Text) else str(exc)
