"""What every ``invoicepipe`` subcommand shares: exit codes, the acting user, bootstrap."""

from __future__ import annotations

import getpass

EXIT_OK, EXIT_NOT_OK, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_CONFIG, EXIT_AUDIT, EXIT_TIMEOUT, EXIT_UNREACHABLE = range(8)


def current_user() -> str:
    """The audit actor for a command typed by a person."""
    try:
        return f"user:{getpass.getuser()}"
    except Exception:  # no passwd entry (containers with an arbitrary uid)
        return "user:unknown"


def make_app(workers: bool = False, **kw):
    """Bootstrap; an embedded command without workers defers its messages to `invoicepipe up`."""
    from .adapters.broker import DeferredEnqueuer
    from .bootstrap import bootstrap

    app = bootstrap(**kw)
    if app.settings.embedded and not workers:
        app.enqueuer = DeferredEnqueuer()
    return app
