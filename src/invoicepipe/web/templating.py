"""Jinja2 templates with autoescaping on, and the helpers the templates use."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates

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


def make_templates() -> Jinja2Templates:
    # Autoescape every template whatever its name: vendor names and reasons are untrusted text.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals["qs"] = query_string
    env.filters["percent"] = _percent
    env.filters["age"] = _age
    return Jinja2Templates(env=env)


def render(request: Request, name: str, status: int = 200, **context: Any):
    """A template response with the current user and CSRF token in the context."""
    base = {"user": getattr(request.state, "user", None), "csrf": getattr(request.state, "csrf", None)}
    return request.app.state.templates.TemplateResponse(request, name, {**base, **context}, status_code=status)
