"""/api/v1/auth: password login setting the session cookie, logout, and who am I."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from parknet.services.accounts import (
    SESSION_LIFETIME, LoginFailed, Principal, TooManyAttempts, authenticate, close_session, open_session,
)
from parknet.web.policy import AUTHENTICATED, PUBLIC
from parknet.web.problems import problem
from parknet.web.security import SESSION_COOKIE, Allow, engine_of

__all__ = ["router", "login_response", "client_address"]

router = APIRouter(prefix="/api/v1", tags=["auth"])


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class Me(BaseModel):
    username: str
    role: str
    zone_id: str | None
    csrf_token: str | None = None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def set_session_cookie(request: Request, response: Response, session_id: str) -> None:
    response.set_cookie(SESSION_COOKIE, session_id, max_age=int(SESSION_LIFETIME.total_seconds()), httponly=True,
                        samesite="lax", secure=request.url.scheme == "https", path="/")


def login_response(request: Request, username: str, password: str) -> tuple[Principal | None, str | None, Response | None]:
    """Authenticate; on failure return a problem response (401, or 429 after too many failures)."""
    try:
        principal = authenticate(engine_of(request), username, password, client_address(request))
    except TooManyAttempts as exc:
        return None, None, problem(429, str(exc), headers={"Retry-After": "900"})
    except LoginFailed as exc:
        return None, None, problem(401, str(exc))
    session_id, csrf = open_session(engine_of(request), principal)
    return Principal(principal.user_id, principal.username, principal.role, principal.zone_id, csrf), session_id, None


@router.post("/auth/login", response_model=Me, responses={401: {}, 429: {}})
def login(body: LoginRequest, request: Request, response: Response, _: object = Depends(Allow(PUBLIC))) -> Me | Response:
    """Sign in; sets the HttpOnly session cookie and returns the CSRF token for unsafe requests."""
    principal, session_id, failure = login_response(request, body.username, body.password)
    if failure is not None:
        return failure
    assert principal is not None and session_id is not None
    set_session_cookie(request, response, session_id)
    return Me(username=principal.username, role=principal.role, zone_id=principal.zone_id,
              csrf_token=principal.csrf_token)


@router.post("/auth/logout", status_code=204)
def logout(request: Request, _: Principal = Depends(Allow(AUTHENTICATED))) -> Response:
    if cookie := request.cookies.get(SESSION_COOKIE):
        close_session(engine_of(request), cookie)
        request.app.state.credentials.forget("s:" + cookie)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=Me)
def me(principal: Principal = Depends(Allow(AUTHENTICATED))) -> Me:
    return Me(username=principal.username, role=principal.role, zone_id=principal.zone_id,
              csrf_token=principal.csrf_token)
