"""Log in and out. The login form is protected against login CSRF with a double-submit
cookie (there is no session yet to hold a token); logout needs the session's token."""

from __future__ import annotations

import secrets
from typing import Optional

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from ..services.users import NotAuthenticated, TooManyAttempts, User, login, logout
from .auth import (LOGIN_CSRF_COOKIE, REVIEWER, SESSION_COOKIE, clear_session_cookie, cookie_secure, optional_user,
                   set_session_cookie, tokens_match)
from .templating import render

router = APIRouter(include_in_schema=False)


def safe_next(target: Optional[str]) -> str:
    """Only local paths: a crafted ?next= must not send a user to another site after login."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/queue"


def _login_page(request: Request, next_url: str, status: int = 200, error: Optional[str] = None):
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(request, "login.html", status=status, next=next_url, login_csrf=token, error=error)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, path="/login", httponly=True, samesite="strict",
                        secure=cookie_secure(request))
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/queue", user: Optional[User] = Depends(optional_user)):
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, safe_next(next))


@router.post("/login")
def login_submit(request: Request, username: str = Form(""), password: str = Form(""), csrf_token: str = Form(""),
                 next: str = Form("/queue")):
    target = safe_next(next)
    if not tokens_match(csrf_token, request.cookies.get(LOGIN_CSRF_COOKIE)):
        return _login_page(request, target, 403, "The login form expired. Please try again.")
    ip = request.client.host if request.client else "unknown"
    try:
        session = login(request.app.state.core, username, password, ip)
    except TooManyAttempts as exc:
        return _login_page(request, target, 429, str(exc))
    except NotAuthenticated as exc:
        return _login_page(request, target, 401, str(exc))
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, request, session.token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout_submit(request: Request, user: User = Depends(REVIEWER)):
    logout(request.app.state.core, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, request)
    return response
