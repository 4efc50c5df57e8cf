"""One error shape for every service: FastAPI's 422 `detail` list (loc, msg, type)."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, get_args

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel


_LOCATIONS = ("body", "path", "query", "header")


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

    def __init__(self, field: str | tuple[str | int, ...], reason: str, kind: str = "invalid"):
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
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg, _ in problems))
        self.problems = [UnprocessableError(loc, msg, kind) for loc, msg, kind in problems]

    def detail(self, in_body: bool = True) -> list[dict[str, Any]]:
        return [d for p in self.problems for d in p.detail(in_body)]


class ForbiddenError(PermanentError):
    """The caller's role or wilayah does not allow this (HTTP 403, with the reason)."""

    def detail(self, in_body: bool = True) -> list[dict[str, Any]]:
        return [{"loc": [], "msg": str(self), "type": "forbidden"}]


class NotFoundError(Exception):
    def __init__(self, what: str, hint: str = ""):
        super().__init__(what)
        self.what = what
        self.hint = hint  # where to look instead


def name_unknown_fields(errors: Iterable[Mapping[str, Any]], root: Any,
                        under: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Pydantic's "Extra inputs are not permitted" as the name that is not known and the
    one probably meant (`adl_score` → `adl`), else the names that are: what an integrator
    needs to fix a request. `root`: the model (or annotation) of the errors' locations
    below `under` (e.g. "body"); others are left as they are."""
    named = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if error.get("type") == "extra_forbidden" and loc[:len(under)] == under and loc:
            *path, name = loc[len(under):]
            error = {**error, "msg": _unknown(str(name), _fields_at(root, path))}
        named.append(dict(error))
    return named


def _unknown(name: str, known: list[str] | None) -> str:
    if not known:
        return f"unknown field {name!r}"
    if meant := probably_meant(name, known):
        return f"unknown field {name!r}; did you mean {meant!r}?"
    return f"unknown field {name!r}; expected one of: {', '.join(sorted(known))}"


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
        detail = name_unknown_fields(exc.errors(), root, under=("body",))
        return JSONResponse(status_code=422, content={"detail": json_safe(
            jsonable_encoder(detail))})

    @app.exception_handler(UnprocessableError)
    async def unprocessable(_: Request, exc: UnprocessableError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": exc.detail()})

    @app.exception_handler(InvalidInput)
    async def invalid(_: Request, exc: InvalidInput) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": exc.detail()})

    @app.exception_handler(ForbiddenError)
    async def forbidden(_: Request, exc: ForbiddenError) -> JSONResponse:
        return JSONResponse(status_code=403, content={"detail": exc.detail()})

    @app.exception_handler(NotFoundError)
    async def not_found(_: Request, exc: NotFoundError) -> JSONResponse:
        hint = f"; {exc.hint}" if exc.hint else ""
        return JSONResponse(status_code=404, content={"detail": f"{exc.what} not found{hint}"})
