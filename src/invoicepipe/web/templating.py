"""Jinja2 templates with autoescaping on, and the helpers the templates use."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates

from .locale import money, number, request_locale

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def query_string(params: Optional[dict] = None, **extra: Any) -> str:
    """A query string of the non-empty values, for links that keep the current filters."""
    merged = {**(params or {}), **extra}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def _percent(value: Optional[float]) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def _age(hours: Optional[float]) -> str:
    if hours is None:
        return ""
    if hours < 1:
        return f"{max(1, round(hours * 60))} min"
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours // 24:.0f} d {hours % 24:.0f} h"


@jinja2.pass_context
def _money(ctx, value, currency: Optional[str] = None) -> str:
    return money(value, currency, ctx.get("ui_locale"))


@jinja2.pass_context
def _number(ctx, value) -> str:
    """A quantity or unit price with grouping, keeping up to four decimals (0.125 stays 0.125)."""
    return number(value, ctx.get("ui_locale"))


@jinja2.pass_context
def _amount(ctx, value) -> str:
    """A price or line amount without currency symbol, grouped, at least two decimals."""
    return number(value, ctx.get("ui_locale"), cents=True)


def _roles_held(user) -> list[str]:
    """The roles ``user`` holds or outranks (for "may this person override that?")."""
    return [r for r in ("reviewer", "controller", "admin") if user is not None and user.has_role(r)]


def make_templates() -> Jinja2Templates:
    # Autoescape every template whatever its name: vendor names and reasons are untrusted text.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals["qs"] = query_string
    env.filters["percent"] = _percent
    env.filters["age"] = _age
    env.filters["money"] = _money
    env.filters["number"] = _number
    env.filters["amount"] = _amount
    env.globals["user_roles"] = _roles_held
    return Jinja2Templates(env=env)


def render(request: Request, name: str, status: int = 200, **context: Any):
    """A template response with the current user and CSRF token in the context."""
    base = {"user": getattr(request.state, "user", None), "csrf": getattr(request.state, "csrf", None),
            "ui_locale": request_locale(request)}
    return request.app.state.templates.TemplateResponse(request, name, {**base, **context}, status_code=status)
