"""The mailbox poller against a real Dovecot on 127.0.0.1: how fast a round takes messages,
and what an outage of the mail server costs (time from the server's return to the next
complete round, with the back-off), and that nothing is lost or taken twice across it.

    .venv/bin/python benchmarks/mail_poll.py [--messages 40] [--rounds 3] [--outages 2,10] [--port P]

Prints medians; needs Dovecot (Debian dovecot-imapd). SQLite in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from invoicepipe.adapters.broker import DeferredEnqueuer  # noqa: E402
from invoicepipe.adapters.imap import ImapMailbox  # noqa: E402
from invoicepipe.bootstrap import bootstrap  # noqa: E402
from invoicepipe.config import Settings  # noqa: E402
from invoicepipe.services.mail_poller import MailPoller  # noqa: E402
from tests.integration.dovecot import Dovecot  # noqa: E402
from tests.mail_samples import invoice_mail  # noqa: E402


def make_app(folder: Path, dovecot: Dovecot, **env):
    settings = Settings.from_env({**dovecot.env(), **env}, var_dir=folder / "var", inbox_dir=folder / "inbox",
                                 database_url=f"sqlite:///{folder / 'var' / 'mail.db'}")
    app = bootstrap(settings, log_level="ERROR")
    app.enqueuer = DeferredEnqueuer()
    return app


def taken(app) -> int:
    with app.uow.begin() as tx:
        return tx.mail.counts().get("taken", 0)


def round_throughput(dovecot, folder, messages: int, rounds: int, tag: str) -> list[float]:
    rates = []
    app = make_app(folder / "throughput", dovecot)
    for r in range(rounds):
        dovecot.deliver(*[invoice_mail(f"{tag}-R{r}-{n}") for n in range(messages)])
        poller = MailPoller(app, ImapMailbox(app.settings.mail))
        start = time.perf_counter()
        report = poller.run_once()
        elapsed = time.perf_counter() - start
        poller.mailbox.close()
        assert report.count("taken") == messages, report.outcomes
        rates.append(messages / elapsed)
    app.close()
    return rates


class CountingPoller(MailPoller):
    failed_rounds = 0

    def _failed(self, exc):
        self.failed_rounds += 1
        super()._failed(exc)


def outage(dovecot, folder, seconds: float, tag: str) -> dict:
    """Server down for ``seconds`` while 5 messages wait; time from its return to the round
    that took them."""
    app = make_app(folder / f"outage-{tag}", dovecot, INVOICEPIPE_IMAP_POLL_INTERVAL="0.5",
                   INVOICEPIPE_IMAP_BACKOFF_BASE="0.5", INVOICEPIPE_IMAP_BACKOFF_CAP="8")
    poller = CountingPoller(app, ImapMailbox(app.settings.mail))
    thread = threading.Thread(target=poller.run, daemon=True)
    thread.start()
    time.sleep(1.0)
    dovecot.stop()
    time.sleep(seconds)
    dovecot.start()
    back = time.perf_counter()
    dovecot.deliver(*[invoice_mail(f"{tag}-{n}") for n in range(5)])
    while taken(app) < 5 and time.perf_counter() - back < 120:
        time.sleep(0.05)
    recovered = time.perf_counter() - back
    failures = poller.failed_rounds
    poller.stopping.set()
    thread.join(30)
    with app.uow.begin() as tx:
        counts = tx.mail.counts()
    app.close()
    return {"recovered_s": recovered, "failed_rounds": failures, "counts": counts}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--outages", default="2,10", help="seconds the server is down, comma-separated")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--port", type=int, default=None, help="STARTTLS port (IMAPS: the next); default: free ports")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    dovecot = Dovecot(*((args.port, args.port + 1) if args.port else (None, None)))
    try:
        dovecot.start()
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            rates = round_throughput(dovecot, folder, args.messages, args.rounds, "T")
            print(f"round of {args.messages} messages (one PDF each), IMAPS, SQLite: median {statistics.median(rates):.1f} "
                  f"messages/s over {args.rounds} rounds (min {min(rates):.1f}, max {max(rates):.1f})")
            for seconds in (float(s) for s in args.outages.split(",")):
                runs = [outage(dovecot, folder, seconds, f"O{seconds:g}-{i}") for i in range(args.repeats)]
                lost_or_twice = [r["counts"] for r in runs if r["counts"] != {"taken": 5}]
                print(f"server down {seconds:g} s: taken again after its return in median "
                      f"{statistics.median(r['recovered_s'] for r in runs):.2f} s "
                      f"(max {max(r['recovered_s'] for r in runs):.2f} s; failed rounds median "
                      f"{statistics.median(r['failed_rounds'] for r in runs):g}); "
                      f"{'every message taken exactly once' if not lost_or_twice else f'LEDGER OFF: {lost_or_twice}'}")
    finally:
        dovecot.cleanup()


if __name__ == "__main__":
    main()
