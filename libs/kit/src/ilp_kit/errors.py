"""One error shape for every service: FastAPI's 422 `detail` list (loc, msg, type)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


_LOCATIONS = ("body", "path", "query", "header")


class PermanentError(Exception):
    """Input that will never succeed however often it is retried: a consumer dead-letters
    it at once instead of redelivering."""

    def detail(self) -> list[dict[str, object]]:
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

    def detail(self) -> list[dict[str, object]]:
        return [{"loc": self.loc, "msg": self.reason, "type": self.kind}]


class InvalidInput(PermanentError):
    """Several problems at once, each (loc, msg, type), so a form shows all of them."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str, str]]):
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg, _ in problems))
        self.problems = [UnprocessableError(loc, msg, kind) for loc, msg, kind in problems]

    def detail(self) -> list[dict[str, object]]:
        return [d for p in self.problems for d in p.detail()]


class ForbiddenError(PermanentError):
    """The caller's role or wilayah does not allow this (HTTP 403, with the reason)."""

    def detail(self) -> list[dict[str, object]]:
        return [{"loc": [], "msg": str(self), "type": "forbidden"}]


class NotFoundError(Exception):
    def __init__(self, what: str, hint: str = ""):
        super().__init__(what)
        self.what = what
        self.hint = hint  # where to look instead


def install_error_handlers(app: FastAPI) -> None:
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
