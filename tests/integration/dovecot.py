"""A real Dovecot IMAP server for the mailbox tests, on 127.0.0.1, with a throwaway config.

Everything lives in one temporary folder: the config, the base_dir (sockets, pid file), the
Maildir, a passwd-file with one user and a self-signed certificate made at test time (the
``cryptography`` package), trusted by the client only through a CA-file setting.

Dovecot refuses to run its login and mail processes as root. Run by root (as in CI), it
starts as root and drops to the Debian package's ``dovenull`` (login), ``dovecot``
(internal) and ``nobody`` (the mail user, owner of the Maildir); run by anyone else, every
one of those is the current user and nothing needs privileges.
"""

from __future__ import annotations

import datetime
import grp
import ipaddress
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

USER, PASSWORD = "ap-inbox", "imap-secret-7f3a9c"


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports: each socket is held until all are bound, since a port
    given back can be handed out again at once (IMAP and IMAPS once got the same one)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (valid one day)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "invoicepipe test imap")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


class Dovecot:
    def __init__(self, imap_port: Optional[int] = None, imaps_port: Optional[int] = None):
        self.binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        self.root = Path(tempfile.mkdtemp(prefix="invoicepipe-dovecot-"))
        self.root.chmod(0o755)  # the login and mail users must reach base_dir and the Maildir
        chosen = free_ports(2)
        self.imap_port, self.imaps_port = imap_port or chosen[0], imaps_port or chosen[1]
        self.ca_file, key = make_certificate(self.root)
        if os.geteuid() == 0:
            mail_user, login_user, internal_user, internal_group = pwd.getpwnam("nobody"), "dovenull", "dovecot", "dovecot"
        else:
            mail_user = pwd.getpwuid(os.getuid())
            login_user = internal_user = mail_user.pw_name
            internal_group = grp.getgrgid(os.getgid()).gr_name
        home = self.root / "home"
        home.mkdir()
        os.chown(home, mail_user.pw_uid, mail_user.pw_gid)
        (self.root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{mail_user.pw_uid}:{mail_user.pw_gid}::{home}::\n")
        self.config = self.root / "dovecot.conf"
        self.config.write_text(f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{self.ca_file}
ssl_key = <{key}
disable_plaintext_auth = yes
auth_mechanisms = plain
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = 1
mail_location = maildir:{home}/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {self.root}/users
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
namespace inbox {{
  inbox = yes
}}
""")

    # -- the server ----------------------------------------------------------------------
    def start(self) -> None:
        # The master daemonizes; its children would hold a captured pipe open, so its own
        # complaints go to a file (and the log_path) instead.
        with open(self.root / "start.err", "ab") as err:
            started = subprocess.run([self.binary, "-c", str(self.config)], stdin=subprocess.DEVNULL, stdout=err, stderr=err, timeout=30)
        if started.returncode != 0:
            raise RuntimeError(f"dovecot did not start: {(self.root / 'start.err').read_text(errors='replace')[-2000:]}")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.imaps_port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not listen on {self.imaps_port}: {self.log()[-2000:]}")

    def stop(self) -> None:
        """The server goes away: the master and every login and mail process with it (a
        mail process would otherwise serve its open connection on to its end)."""
        pid_file = self.root / "run" / "master.pid"
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text().split()[0])
        try:
            group = os.getpgid(pid)
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pid_file.unlink(missing_ok=True)
            return
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        if group != os.getpgrp():  # the master is its own session's leader; never our own group
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
        pid_file.unlink(missing_ok=True)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- what the tests do as the mail server's other side ---------------------------------
    def env(self, security: str = "tls") -> dict:
        """The INVOICEPIPE_IMAP_* settings of this server (fast polls and back-off for tests)."""
        return {"INVOICEPIPE_IMAP_HOST": "127.0.0.1", "INVOICEPIPE_IMAP_USER": USER, "INVOICEPIPE_IMAP_PASSWORD": PASSWORD,
                "INVOICEPIPE_IMAP_SECURITY": security,
                "INVOICEPIPE_IMAP_PORT": str(self.imaps_port if security == "tls" else self.imap_port),
                "INVOICEPIPE_IMAP_CA_FILE": str(self.ca_file), "INVOICEPIPE_IMAP_POLL_INTERVAL": "0.2",
                "INVOICEPIPE_IMAP_BACKOFF_BASE": "0.2", "INVOICEPIPE_IMAP_BACKOFF_CAP": "1", "INVOICEPIPE_IMAP_TIMEOUT": "5"}

    def client(self):
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.imaps_port, ssl=True, timeout=10,
                            ssl_context=ssl.create_default_context(cafile=str(self.ca_file)))
        client.login(USER, PASSWORD)
        return client

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            for raw in messages:
                client.append(folder, raw)
        finally:
            client.logout()

    def messages(self, folder: str) -> list[bytes]:
        client = self.client()
        try:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            found = client.fetch(uids, [b"BODY.PEEK[]"]) if uids else {}
            return [found[u][b"BODY[]"] for u in sorted(found)]
        finally:
            client.logout()
