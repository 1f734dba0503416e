"""Errors as ``application/problem+json`` (RFC 9457)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from parknet.errors import Conflict, Forbidden, ImportRejected, InvalidArgument, NotFound, ParkNetError

__all__ = ["problem", "install_handlers", "PROBLEM_TYPE"]

PROBLEM_TYPE = "application/problem+json"
_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
           409: "Conflict", 422: "Unprocessable Content", 429: "Too Many Requests", 500: "Internal Server Error"}


def problem(status: int, detail: str, *, instance: str | None = None, headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": _TITLES.get(status, "Error"), "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_TYPE, headers=headers)


def _respond(request: Request, status: int, detail: str, headers: dict[str, str] | None = None,
             **extra: Any) -> Any:
    """A problem+json response for the API, an error page (or the sign-in redirect) for pages."""
    from parknet.web.pages.render import error_page, wants_html

    if wants_html(request):
        return error_page(request, status, detail, headers=headers)
    return problem(status, detail, instance=request.url.path, headers=headers, **extra)


def install_handlers(app: Any) -> None:
    """Map HTTP, validation and ParkNet errors to problem+json (pages get an error page)."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        return _respond(request, exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Any:
        errors = [{"location": ".".join(str(p) for p in e.get("loc", ())), "reason": e.get("msg", "")}
                  for e in exc.errors()]
        detail = "the request is not valid: " + "; ".join(f"{e['location']}: {e['reason']}" for e in errors)
        return _respond(request, 422, detail, errors=errors)

    @app.exception_handler(ImportRejected)
    async def rejected(request: Request, exc: ImportRejected) -> Any:
        errors = [{"row": p.row, "field": p.column, "reason": p.reason} for p in exc.problems]
        return _respond(request, 422, "nothing was written: the data has problems", errors=errors, more=exc.more)

    @app.exception_handler(InvalidArgument)
    async def invalid(request: Request, exc: InvalidArgument) -> Any:
        return _respond(request, 422, str(exc), errors=[{"field": exc.argument, "reason": exc.reason}])

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Any:
        return _respond(request, 404, str(exc))

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Any:
        return _respond(request, 403, str(exc))

    @app.exception_handler(Conflict)
    async def conflict(request: Request, exc: Conflict) -> Any:
        return _respond(request, 409, str(exc))

    @app.exception_handler(ParkNetError)
    async def other(request: Request, exc: ParkNetError) -> Any:
        return _respond(request, 400, str(exc))
