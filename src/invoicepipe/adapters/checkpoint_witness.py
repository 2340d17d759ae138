"""An HTTP witness for audit checkpoints: a service off the host that keeps every signed
checkpoint it is sent, so the database's admins cannot cut both the log and its seal.

The protocol is two requests on one URL:

- ``GET URL`` answers the last checkpoint the witness holds, as JSON (``204``/``404``: none);
- ``POST URL`` with one checkpoint as JSON (``Content-Type: application/json``) stores it;
  any 2xx is success.

Checkpoints go in order, each only once the witness acknowledged the one before, so a
witness, like a shipped file, only ever grows. Written with the standard library's
``urllib`` (two request kinds, JSON bodies, a timeout) rather than a new dependency.
An unreachable or failing witness is a ``WitnessUnavailable`` (transient): the checkpoints
stay in the local file and go with the next round. Messages name the witness by scheme,
host and path only: no credentials from the URL, no response body.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Optional
from urllib.parse import urlsplit, urlunsplit

from ..errors import ConfigError, TransientError

TIMEOUT_S = 10.0
SCHEMES = ("http://", "https://")


class WitnessUnavailable(TransientError):
    """The witness did not take a checkpoint (unreachable, timed out, or answered an error)."""


def is_witness_url(destination: str) -> bool:
    return destination.startswith(SCHEMES)


def safe_label(url: str) -> str:
    """The URL without user, password, query or fragment: what messages and logs may show."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


class HttpWitness:
    def __init__(self, url: str, timeout_s: float = TIMEOUT_S, token: Optional[str] = None):
        if not is_witness_url(url):
            raise ConfigError(f"not an http(s) witness URL: {safe_label(url)!r}")
        parts = urlsplit(url)
        # user:password in the URL is sent as HTTP Basic authentication, never in the URL.
        self.url = urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path or "/", parts.query, ""))
        self.basic = (f"{parts.username or ''}:{parts.password or ''}" if parts.username else None)
        self.timeout_s, self.token = timeout_s, token
        self.label = safe_label(url)

    def _request(self, method: str, body: Optional[bytes] = None) -> tuple[int, bytes]:
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.basic:
            headers["Authorization"] = "Basic " + base64.b64encode(self.basic.encode("utf-8")).decode("ascii")
        request = urllib.request.Request(self.url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310 - http(s) only, checked above
                return response.status, response.read(1_000_000)
        except urllib.error.HTTPError as exc:
            if method == "GET" and exc.code == 404:
                return 404, b""
            raise WitnessUnavailable(f"the checkpoint witness {self.label} answered {exc.code} to {method}") from None
        except (urllib.error.URLError, OSError) as exc:
            why = getattr(exc, "reason", exc)
            raise WitnessUnavailable(f"the checkpoint witness {self.label} is unreachable ({_short(why)})") from None

    def last(self) -> Optional[dict]:
        """The last checkpoint the witness holds, or None."""
        status, body = self._request("GET")
        if status in (204, 404) or not body.strip():
            return None
        try:
            record = json.loads(body)
        except ValueError:
            raise WitnessUnavailable(f"the checkpoint witness {self.label} answered GET with something that is not JSON") from None
        if not isinstance(record, dict):
            raise WitnessUnavailable(f"the checkpoint witness {self.label} answered GET with JSON that is not a checkpoint")
        return record

    def append(self, record: dict) -> None:
        self._request("POST", json.dumps(record, sort_keys=True, separators=(",", ":")).encode("utf-8"))


def _short(reason: object) -> str:
    """An OS or socket error's words, without anything a server sent."""
    text = getattr(reason, "strerror", None) or str(reason)
    return text.splitlines()[0][:120] if text else "no answer"
