"""Rendering helpers shared by the pages: templates, language, the demo-data banner, error pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from parknet.web.i18n import DEFAULT_LANG, LANGS, translate
from parknet.web.security import CSRF_FIELD, principal_of

__all__ = ["templates", "render", "lang_of", "wants_html", "error_page"]

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))


def lang_of(request: Request) -> str:
    lang = request.cookies.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def wants_html(request: Request) -> bool:
    """Page routes (not /api/, not /healthz) answer errors with HTML."""
    path = request.url.path
    return not (path.startswith("/api/") or path == "/healthz")


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    principal = principal_of(request)
    base = {
        "request": request, "lang": lang, "user": principal,
        "t": lambda key, **v: translate(key, lang, **v),
        "csrf_field": CSRF_FIELD, "csrf_token": principal.csrf_token if principal else "",
        "demo": request.app.state.demo_label(),
    }
    return templates.TemplateResponse(request, template, {**base, **context}, status_code=status_code)


def error_page(request: Request, status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    if status == 401:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    response = render(request, "error.html", status_code=status, status=status, detail=detail)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
