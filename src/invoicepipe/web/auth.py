"""Who is calling, and may they: the dependencies every route uses.

Browsers authenticate with the session cookie; every state-changing request made that way
must carry the session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``).
Systems send ``Authorization: Bearer <API token>``; no cookie is involved, so CSRF does not
apply there. Roles are checked here on the server for every route, and again in services.
"""

from __future__ import annotations

import hmac
from typing import Optional

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from ..services.users import SESSION_LIFETIME, Forbidden, NotAuthenticated, User, require_role, session_user, token_user

SESSION_COOKIE = "invoicepipe_session"
LOGIN_CSRF_COOKIE = "invoicepipe_login"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

bearer_scheme = HTTPBearer(auto_error=False, description="API token from `invoicepipe token add NAME` (or `user add --role integrator`)")
cookie_scheme = APIKeyCookie(name=SESSION_COOKIE, auto_error=False,
                             description="browser session from POST /login; state-changing requests also need X-CSRF-Token")


class CsrfRefused(Forbidden):
    """A cookie-authenticated state change without the session's CSRF token."""


async def submitted_csrf(request: Request) -> Optional[str]:
    """The CSRF token a state-changing request carries (header first, then form field)."""
    if request.method in SAFE_METHODS:
        return None
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get("csrf_token")
        return value if isinstance(value, str) else None
    return None


def tokens_match(submitted: Optional[str], expected: Optional[str]) -> bool:
    return bool(submitted and expected) and hmac.compare_digest(submitted.encode(), expected.encode())


def _identify(request: Request, bearer: Optional[HTTPAuthorizationCredentials], cookie: Optional[str], csrf: Optional[str]) -> User:
    core = request.app.state.core
    if bearer is not None:
        user = token_user(core, bearer.credentials)
        if user is None:
            raise NotAuthenticated("the API token is not valid")
        request.state.user, request.state.csrf = user, None
        return user
    found = session_user(core, cookie)
    if found is None:
        raise NotAuthenticated("log in first")
    user, expected = found
    request.state.user, request.state.csrf = user, expected
    if request.method not in SAFE_METHODS and not tokens_match(csrf, expected):
        raise CsrfRefused("this form is no longer valid or did not come from invoicepipe (CSRF token missing or wrong); "
                          "reload the page and try again")
    return user


def allow(*roles: str):
    """A dependency admitting users who hold (or outrank) one of ``roles``."""

    def dependency(request: Request, bearer: Optional[HTTPAuthorizationCredentials] = Depends(bearer_scheme),
                   cookie: Optional[str] = Depends(cookie_scheme), csrf: Optional[str] = Depends(submitted_csrf)) -> User:
        user = _identify(request, bearer, cookie, csrf)
        require_role(user, *roles)
        return user

    return dependency


def optional_user(request: Request, cookie: Optional[str] = Depends(cookie_scheme)) -> Optional[User]:
    """The logged-in user for pages that also work without one (the login page)."""
    found = session_user(request.app.state.core, cookie)
    if found is None:
        return None
    request.state.user, request.state.csrf = found
    return found[0]


def cookie_secure(request: Request) -> bool:
    mode = request.app.state.config.cookie_secure
    return mode == "true" or (mode == "auto" and request.url.scheme == "https")


def set_session_cookie(response, request: Request, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=int(SESSION_LIFETIME.total_seconds()), path="/", httponly=True,
                        samesite="lax", secure=cookie_secure(request))


def clear_session_cookie(response, request: Request) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=cookie_secure(request))


REVIEWER = allow("reviewer")  # reviewers, controllers and admins
CONTROLLER = allow("controller")  # controllers and admins
ADMIN = allow("admin")
UPLOADER = allow("reviewer", "integrator")
