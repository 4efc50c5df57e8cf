"""One error shape for every service: FastAPI's 422 `detail` list (loc, msg, type)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


_LOCATIONS = ("body", "path", "query", "header")


class UnprocessableError(Exception):
    """Input that is well-formed but wrong for the domain (unknown posyandu, bad code)."""

    def __init__(self, field: str | tuple[str | int, ...], reason: str, kind: str = "invalid"):
        super().__init__(reason)
        path = (field,) if isinstance(field, str) else field
        # Body fields by default; ("path"|"query"|"header", name) for the others.
        self.loc = list(path) if path[0] in _LOCATIONS else ["body", *path]
        self.reason = reason
        self.kind = kind


class NotFoundError(Exception):
    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(UnprocessableError)
    async def unprocessable(_: Request, exc: UnprocessableError) -> JSONResponse:
        return JSONResponse(status_code=422, content={
            "detail": [{"loc": exc.loc, "msg": exc.reason, "type": exc.kind}]})

    @app.exception_handler(NotFoundError)
    async def not_found(_: Request, exc: NotFoundError) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": f"{exc.what} not found"})
