"""One error shape for every service: FastAPI's 422 `detail` list (loc, msg, type), its
messages in the language the client asks for (`Accept-Language`; ilp_contracts.text)."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, TypeVar, cast, get_args

from fastapi import Depends, FastAPI, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from ilp_contracts.text import (ENGLISH, N_, Text, _, joined, language_of, placeholders,
                                render)
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException


_LOCATIONS = ("body", "path", "query", "header")
Said = TypeVar("Said")


class PermanentError(Exception):
    """Input that will never succeed however often it is retried: a consumer dead-letters
    it at once instead of redelivering."""

    def detail(self, in_body: bool = True) -> list[dict[str, Any]]:
        """The problems, each with its field path: in an HTTP request's body (`body.…`),
        or – `in_body=False` – in the submission itself, for what came as an event or a
        file's row."""
        return [{"msg": str(self)}]


class UnprocessableError(PermanentError):
    """Input that is well-formed but wrong for the domain (unknown posyandu, bad code)."""

    def __init__(self, field: str | tuple[str | int, ...], reason: str | Text,
                 kind: str = "invalid"):
        super().__init__(reason)
        path = (field,) if isinstance(field, str) else field
        # Body fields by default; ("path"|"query"|"header", name) for the others.
        self.loc = list(path) if path[0] in _LOCATIONS else ["body", *path]
        self.reason = reason
        self.kind = kind

    def detail(self, in_body: bool = True) -> list[dict[str, Any]]:
        loc = self.loc if in_body or self.loc[0] != "body" else self.loc[1:]
        return [{"loc": loc, "msg": self.reason, "type": self.kind}]


class InvalidInput(PermanentError):
    """Several problems at once, each (loc, msg, type), so a form shows all of them."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str, str]]):
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg, _kind in problems))
        self.problems = [UnprocessableError(loc, msg, kind) for loc, msg, kind in problems]

    def detail(self, in_body: bool = True) -> list[dict[str, Any]]:
        return [d for p in self.problems for d in p.detail(in_body)]


class ForbiddenError(PermanentError):
    """The caller's role or wilayah does not allow this (HTTP 403, with the reason)."""

    def detail(self, in_body: bool = True) -> list[dict[str, Any]]:
        return [{"loc": [], "msg": self.args[0] if self.args else "", "type": "forbidden"}]


class NotFoundError(Exception):
    def __init__(self, what: str, hint: str = ""):
        super().__init__(what)
        self.what = what
        self.hint = hint  # where to look instead


def explained(errors: Iterable[Mapping[str, Any]], root: Any,
              under: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Pydantic's errors as messages a person can act on, in any language (each `msg` a
    Text; its context, once in the message, left out). "Extra inputs are not permitted"
    becomes the name that is not known and the one probably meant (`adl_score` → `adl`),
    else the names that are: what an integrator needs to fix a request. `root`: the model
    (or annotation) of the errors' locations below `under` (e.g. "body")."""
    named = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        error = {k: v for k, v in error.items() if k != "ctx"} | {"msg": _worded(error)}
        if error.get("type") == "extra_forbidden" and loc[:len(under)] == under and loc:
            *path, name = loc[len(under):]
            error["msg"] = unknown_name(str(name), _fields_at(root, path))
        named.append(error)
    return named


# Pydantic's own messages translated (by their templates) where a client asks for it.
_PYDANTIC = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "finite_number": N_("Input should be a finite number"),
    "string_type": N_("Input should be a valid string"),
    "string_too_short": N_("String should have at least {min_length} character{expected_plural}"),
    "string_too_long": N_("String should have at most {max_length} character{expected_plural}"),
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
    "too_short": N_("{field_type} should have at least {min_length} "
                     "item{expected_plural} after validation, not {actual_length}"),
    "too_long": N_("{field_type} should have at most {max_length} "
                    "item{expected_plural} after validation, not {actual_length}"),
    "literal_error": N_("Input should be {expected}"),
    "enum": N_("Input should be {expected}"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "date_type": N_("Input should be a valid date"),
    "date_parsing": N_("Input should be a valid date in the format YYYY-MM-DD, {error}"),
    "date_from_datetime_parsing": N_("Input should be a valid date or datetime, {error}"),
    "datetime_parsing": N_("Input should be a valid datetime, {error}"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be a valid dictionary or instance of {class_name}"),
    "list_type": N_("Input should be a valid list"),
    "json_invalid": N_("Invalid JSON: {error}"),
    "value_error": N_("Value error, {error}"),
}


# What Starlette answers by itself (a path or method nobody serves).
_HTTP_PHRASES = {N_("Not Found"), N_("Method Not Allowed")}


def _worded(error: Mapping[str, Any]) -> str:
    """An error's message as a Text: ours (in the context of a `refusal` or a validator's
    ValueError) or pydantic's by its template; else as pydantic said it."""
    ctx, said = error.get("ctx") or {}, str(error.get("msg", ""))
    if isinstance(message := ctx.get("message"), Text):
        return message
    reason = ctx.get("error")
    if isinstance(reason, Exception) and reason.args and isinstance(reason.args[0], Text):
        ctx = {**ctx, "error": reason.args[0]}
    template = _PYDANTIC.get(str(error.get("type")))
    if " or " in (expected := str(ctx.get("expected", ""))):  # "'a', 'b' or 'c'"
        some, _or, last = expected.rpartition(" or ")
        ctx = {**ctx, "expected": Text(N_("{some} or {last}"), {"some": some, "last": last})}
    if "expected_plural" not in ctx:  # pydantic's own, worked out when it says it
        bound = ctx.get("min_length", ctx.get("max_length"))
        ctx = {**ctx, "expected_plural": "" if bound == 1 else "s"}
    if template is None or not placeholders(template) <= ctx.keys():
        return said
    # pydantic writes a bound of 0.0 as "0"; a rendering still unlike its own stays its own
    worded = Text(template, {k: int(v) if isinstance(v, float) and v.is_integer() else v
                             for k, v in ctx.items()})
    return worded if worded == said else said


# What is said of a name nobody reads: with none known, with the one probably meant, with
# those known – of a body's field, or of a query parameter (`ilp_kit.params`).
_UNKNOWN = {
    "field": (N_("unknown field {name!r}"),
              N_("unknown field {name!r}; did you mean {meant!r}?"),
              N_("unknown field {name!r}; expected one of: {known}")),
    "parameter": (N_("unknown query parameter {name!r}: this endpoint takes none"),
                  N_("unknown query parameter {name!r}; did you mean {meant!r}?"),
                  N_("unknown query parameter {name!r}; expected one of: {known}"))}


def unknown_name(name: str, known: Iterable[str] | None, what: str = "field") -> Text:
    """A name nobody reads, with the one probably meant, else those known."""
    none, meant_one, listed = _UNKNOWN[what]
    known = sorted(known or ())
    if not known:
        return Text(none, {"name": name})
    if meant := probably_meant(name, known):
        return Text(meant_one, {"name": name, "meant": meant})
    return Text(listed, {"name": name, "known": ", ".join(known)})


def probably_meant(name: str, known: Iterable[str]) -> str | None:
    """The known name an unknown one was probably meant as: a typo (`wieght_kg`), or a
    known name with more or less around it (`adl_score`)."""
    known = list(known)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6) or sorted(
        (k for k in known if name.startswith(k) or k.startswith(name)), key=len)[-1:]
    return close[0] if close else None


def _fields_at(annotation: Any, path: Sequence[str | int]) -> list[str] | None:
    """The field names of the model at `path` (list positions pass through to the item)."""
    for step in path:
        if isinstance(step, int):
            continue
        model = _model_in(annotation)
        field = model.model_fields.get(step) if model else None
        if field is None:
            return None
        annotation = field.annotation
    model = _model_in(annotation)
    return [field.alias or name for name, field in model.model_fields.items()] if model else None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model inside `X | None`, `list[X]`, `Annotated[X, …]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        if (model := _model_in(arg)) is not None:
            return model
    return None


def json_safe(value: Any) -> Any:
    """The refused input echoed back as JSON can hold: NaN and Infinity as text (JSON has
    no such numbers; rendering them made the 422 a 500)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        body = getattr(request.scope.get("route"), "body_field", None)
        root = body.field_info.annotation if body is not None else None
        detail = explained(exc.errors(), root, under=("body",))
        return JSONResponse(status_code=422, content={"detail": json_safe(
            jsonable_encoder(said_in(detail, language_asked(request))))})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code in (204, 304):  # no body may follow
            return Response(status_code=exc.status_code, headers=exc.headers)
        phrase = isinstance(exc.detail, str) and exc.detail in _HTTP_PHRASES
        detail = Text(exc.detail) if phrase else exc.detail
        return JSONResponse(status_code=exc.status_code, headers=exc.headers,
                            content={"detail": said_in(detail, language_asked(request))})

    @app.exception_handler(UnprocessableError)
    async def unprocessable(request: Request, exc: UnprocessableError) -> JSONResponse:
        return _refused(request, 422, exc.detail())

    @app.exception_handler(InvalidInput)
    async def invalid(request: Request, exc: InvalidInput) -> JSONResponse:
        return _refused(request, 422, exc.detail())

    @app.exception_handler(ForbiddenError)
    async def forbidden(request: Request, exc: ForbiddenError) -> JSONResponse:
        return _refused(request, 403, exc.detail())

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> JSONResponse:
        said = _("{what} not found", what=exc.what)
        return _refused(request, 404, joined([said, exc.hint]) if exc.hint else said)


def _refused(request: Request, status: int, detail: Any) -> JSONResponse:
    return JSONResponse(status_code=status, content={
        "detail": said_in(detail, language_asked(request))})


def language_asked(request: Request) -> str:
    return language_of(request.headers.get("accept-language"))


def said_in(value: Said, language: str) -> Said:
    """A response with every message in it (Text) in `language`."""
    return value if language == ENGLISH else cast(Said, _rendered(value, language))


def _rendered(value: Any, language: str) -> Any:
    if isinstance(value, dict):
        return {k: _rendered(v, language) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rendered(v, language) for v in value]
    return render(value, language)


async def _language(accept_language: Annotated[str | None, Header(
        description="the language of messages: `id` (Bahasa Indonesia) or `en`, the default",
        examples=["id-ID,id;q=0.9"])] = None) -> str:
    return language_of(accept_language)


Language = Annotated[str, Depends(_language)]
"""The language a client reads (its `Accept-Language`), for an endpoint whose answer says
something to a person (a report of refused rows)."""
