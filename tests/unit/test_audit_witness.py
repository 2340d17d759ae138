"""Shipping audit checkpoints to an HTTP witness, a real local HTTP server: it receives each
signed checkpoint once and in order; while it is unreachable the checkpoints stay in the
local file, the error says so, the round is counted as failed, and the next round ships them."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from prometheus_client import REGISTRY

from invoicepipe.adapters.checkpoint_witness import WitnessUnavailable, safe_label
from invoicepipe.adapters.db.audit import AuditEvent
from invoicepipe.errors import AuditChainBroken
from invoicepipe.runtime import ship_metered
from invoicepipe.services.audit import checkpoint, ship_checkpoints


class Witness:
    """GET: the last checkpoint held (204 when none); POST: keep one. Optionally wants a token."""

    def __init__(self, token=None):
        self.received: list[dict] = []
        self.token = token
        witness = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _authorised(self) -> bool:
                if witness.token and self.headers.get("Authorization") != f"Bearer {witness.token}":
                    self.send_response(401)
                    self.end_headers()
                    return False
                return True

            def do_GET(self):
                if not self._authorised():
                    return
                if not witness.received:
                    self.send_response(204)
                    self.end_headers()
                    return
                body = json.dumps(witness.received[-1]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                if not self._authorised():
                    return
                witness.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(201)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/witness/invoicepipe"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def witness():
    w = Witness()
    yield w
    w.stop()


def append(app, n, start=0):
    for i in range(start, start + n):
        with app.uow.begin() as tx:
            tx.audit.append(AuditEvent(step="route", actor="worker:test", outcome="auto", document_id=1 + i, inputs={"i": i}))


def shipping(outcome: str) -> float:
    return REGISTRY.get_sample_value("invoicepipe_audit_checkpoint_shipping_total", {"outcome": outcome}) or 0.0


def test_the_witness_receives_each_checkpoint_once_and_in_order(app, witness):
    append(app, 3)
    checkpoint(app)
    assert ship_checkpoints(app, witness.url) == {"shipped": 1, "to": witness.url, "last": 1}
    append(app, 2, 3)
    checkpoint(app)
    append(app, 1, 5)
    checkpoint(app)
    assert ship_checkpoints(app, witness.url)["shipped"] == 2
    assert ship_checkpoints(app, witness.url)["shipped"] == 0  # nothing new: nothing sent
    assert [c["n"] for c in witness.received] == [1, 2, 3]
    local = [json.loads(line) for line in app.settings.audit_checkpoint_path.read_text().splitlines()]
    assert witness.received == local  # exactly the signed lines


def test_an_unreachable_witness_keeps_the_checkpoints_and_the_next_round_ships_them(app, witness):
    append(app, 2)
    checkpoint(app)
    url = witness.url.replace("http://", "http://operator:s3cret@")
    app.settings = replace(app.settings, audit_ship_to=(url,))
    ship_metered(app)
    port = witness.server.server_address[1]
    witness.stop()  # the witness goes away; two more checkpoints are written meanwhile
    for n in range(2):
        append(app, 1, 10 + n)
        checkpoint(app)
    with pytest.raises(WitnessUnavailable) as caught:
        ship_checkpoints(app, url)
    message = str(caught.value)
    assert "unreachable" in message and f"127.0.0.1:{port}/witness/invoicepipe" in message
    assert "keeps every checkpoint (up to #3)" in message and "next run sends what the witness lacks" in message
    assert "s3cret" not in message and "operator" not in message
    failed = shipping("failed")
    assert ship_metered(app) == [] and shipping("failed") == failed + 1  # counted: the alert's input
    assert len(app.settings.audit_checkpoint_path.read_text().splitlines()) == 3  # kept locally

    back = Witness()  # the witness is back (here a fresh one holding #1, as the first held)
    try:
        back.received = list(witness.received)
        shipped = shipping("shipped")
        [result] = ship_metered(replace_url(app, back.url))
        assert result["shipped"] == 2 and [c["n"] for c in back.received] == [1, 2, 3]
        assert shipping("shipped") == shipped + 1
    finally:
        back.stop()


def test_a_witness_failing_part_way_names_the_checkpoints_still_to_send(app, witness, monkeypatch):
    from invoicepipe.adapters import checkpoint_witness

    for n in range(3):
        append(app, 1, n)
        checkpoint(app)
    posts = []
    real = checkpoint_witness.HttpWitness.append

    def flaky(self, record):
        posts.append(record["n"])
        if len(posts) == 2:
            raise WitnessUnavailable(f"the checkpoint witness {self.label} answered 503 to POST")
        real(self, record)

    monkeypatch.setattr(checkpoint_witness.HttpWitness, "append", flaky)
    with pytest.raises(WitnessUnavailable, match=r"answered 503 to POST: checkpoints #2..#3 stay in .* next run"):
        ship_checkpoints(app, witness.url)
    monkeypatch.setattr(checkpoint_witness.HttpWitness, "append", real)
    assert ship_checkpoints(app, witness.url)["shipped"] == 2
    assert [c["n"] for c in witness.received] == [1, 2, 3]


def replace_url(app, url):
    app.settings = replace(app.settings, audit_ship_to=(url,))
    return app


def test_a_witness_holding_another_checkpoint_is_refused_not_overwritten(app, witness):
    append(app, 2)
    checkpoint(app)
    ship_checkpoints(app, witness.url)
    witness.received[-1] = {**witness.received[-1], "root": "0" * 64}  # edited there (its signature no longer holds)
    with pytest.raises(AuditChainBroken, match="not signed with the audit keys"):
        ship_checkpoints(app, witness.url)


def test_a_witness_wanting_a_token_gets_it_and_an_error_status_is_clear(app):
    guarded = Witness(token="witness-token-123")
    try:
        append(app, 1)
        checkpoint(app)
        with pytest.raises(WitnessUnavailable, match="answered 401 to GET"):
            ship_checkpoints(app, guarded.url)
        app.settings = replace(app.settings, audit_witness_token="witness-token-123")
        assert ship_checkpoints(app, guarded.url)["shipped"] == 1
    finally:
        guarded.stop()


def test_safe_label_drops_credentials_and_query():
    assert safe_label("https://u:p@witness.example:8443/a/b?token=x#f") == "https://witness.example:8443/a/b"
