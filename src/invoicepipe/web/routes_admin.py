"""Administration in the browser (admins): accounts, roles, disabling, password resets and
API tokens; and every person's own password change.

Secrets (a new person's first password, a reset password, a new API token) are shown once,
on the response to the POST that made them, never in a URL or a redirect; everything else
redirects back to the list (post/redirect/get). Every change is an audit event.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from ..errors import NotFound, PermanentError, StateConflict
from ..services import users as accounts
from ..services.users import NotAuthenticated, User
from .auth import ADMIN, REVIEWER, SESSION_COOKIE
from .routes_review import form_fields
from .templating import query_string, render

router = APIRouter(include_in_schema=False)
DONE = {"role": "role changed", "disable": "disabled; their sessions ended", "enable": "enabled", "revoke": "API token revoked"}


def admin_page(request: Request, status: int = 200, notice=None, error=None, secret=None):
    core = request.app.state.core
    return render(request, "admin.html", status=status, users=accounts.list_users(core), tokens=accounts.list_tokens(core),
                  roles=accounts.ROLES, human_roles=accounts.HUMAN_ROLES, notice=notice, error=error, secret=secret)


@router.get("/admin/users")
def users_page(request: Request, done: str = "", who: str = "", user: User = Depends(ADMIN)):
    notice = f"{who}: {DONE[done]}." if done in DONE and who else None
    return admin_page(request, notice=notice)


@router.post("/admin/users")
def add_account(request: Request, user: User = Depends(ADMIN), form: dict = Depends(form_fields)):
    """A new account; a person gets a one-time password to hand over, an integration account its token."""
    core = request.app.state.core
    role = form.get("role", "")
    password = secrets.token_urlsafe(12) if role in accounts.HUMAN_ROLES else None
    try:
        created, token = accounts.add_user(core, form.get("username", ""), role, password, user.actor)
    except (PermanentError, StateConflict) as exc:
        return admin_page(request, status=422 if isinstance(exc, PermanentError) else 409, error=str(exc))
    what = "first password" if password else "API token"
    return admin_page(request, secret={"who": created.username, "what": what, "value": password or token})


@router.post("/admin/users/{username}/{action}")
def change_account(request: Request, username: str, action: str, user: User = Depends(ADMIN), form: dict = Depends(form_fields)):
    core = request.app.state.core
    try:
        if action == "role":
            accounts.set_role(core, username, form.get("role", ""), user.actor)
        elif action in ("disable", "enable"):
            if action == "disable" and username == user.username:
                raise StateConflict("you cannot disable your own account")
            accounts.set_active(core, username, action == "enable", user.actor)
        elif action == "reset":
            secret = accounts.reset_password(core, username, user.actor)
            return admin_page(request, secret={"who": username, "what": "new password (their sessions ended)", "value": secret})
        elif action == "token":
            secret = accounts.issue_api_token(core, username, (form.get("label") or "")[:100] or None, user.actor)
            return admin_page(request, secret={"who": username, "what": "API token", "value": secret})
        else:
            raise NotFound(f"no action {action!r}")
    except (PermanentError, StateConflict) as exc:
        return admin_page(request, status=422 if isinstance(exc, PermanentError) else 409, error=str(exc))
    return RedirectResponse(f"/admin/users?{query_string(done=action, who=username)}", status_code=303)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: str, user: User = Depends(ADMIN), form: dict = Depends(form_fields)):
    try:
        done = accounts.revoke_token(request.app.state.core, token_id, user.actor)
    except PermanentError as exc:
        return admin_page(request, status=422, error=str(exc))
    return RedirectResponse(f"/admin/users?{query_string(done='revoke', who=done['username'])}", status_code=303)


@router.get("/account/password")
def password_form(request: Request, done: str = "", user: User = Depends(REVIEWER)):
    return render(request, "password.html", notice="Your password was changed; your other sessions ended." if done else None, error=None)


@router.post("/account/password")
def change_password(request: Request, user: User = Depends(REVIEWER), form: dict = Depends(form_fields)):
    if form.get("new_password", "") != form.get("repeat_password", ""):
        return render(request, "password.html", status=422, notice=None, error="the two new passwords differ")
    try:
        accounts.change_password(request.app.state.core, user, form.get("current_password", ""), form.get("new_password", ""),
                                 request.cookies.get(SESSION_COOKIE))
    except PermanentError as exc:
        return render(request, "password.html", status=422, notice=None, error=str(exc))
    except NotAuthenticated as exc:
        return render(request, "password.html", status=403, notice=None, error=str(exc))
    return RedirectResponse("/account/password?done=1", status_code=303)
