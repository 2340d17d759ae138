"""Hostile requests: chunked uploads past the limit, a full or read-only blob store, forged
proxy headers, HSTS, common passwords, and names that would forge lines."""

import errno
import re
import socket
import time

import pytest
from fastapi.testclient import TestClient

from invoicepipe.adapters.blobs import FolderBlobStore
from invoicepipe.errors import PermanentError
from invoicepipe.services.passwords import check_password
from invoicepipe.services.users import MAX_FAILURES, add_user, issue_api_token
from invoicepipe.web.app import create_app
from invoicepipe.web.config import WebConfig, parse_trusted_proxies
from invoicepipe.web.server import WebServer
from tests.fakes import fake_pdf
from tests.masterdata_samples import invoice_lines
from tests.web_helpers import PASSWORD, client_for, log_in, person

MB = 1024 * 1024


@pytest.fixture
def anna(app):
    return person(app, "anna", "reviewer")


def multipart_head(boundary: str, field: str, name: str) -> bytes:
    return (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n"
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n").encode()


def endless_body(boundary: str, field: str):
    """A multipart body that would go on for 300 MB; the client stops early if refused."""
    yield multipart_head(boundary, field, "big.pdf")
    for _ in range(300 * 16):
        yield b"0" * (64 * 1024)


# -- chunked uploads ------------------------------------------------------------------------

def test_a_chunked_api_upload_past_the_limit_is_413_in_the_test_client(app, anna):
    boundary = "xyz"
    sent = 0

    def body():
        nonlocal sent
        for chunk in endless_body(boundary, "file"):
            sent += len(chunk)
            yield chunk
            if sent > 2 * anna.app.state.config.max_upload_bytes:
                return  # the test client buffers the body: stop at twice the limit

    response = anna.post("/api/invoices", content=body(), headers={
        "X-CSRF-Token": anna.csrf, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 413 and "upload larger than" in response.json()["detail"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(app, monkeypatch):
    monkeypatch.setenv("INVOICEPIPE_MAX_UPLOAD_MB", "1")
    web = WebServer(app, "127.0.0.1", free_port())
    web.start()
    yield web
    web.stop()


def send_chunked(port: int, path: str, headers: dict, boundary: str, field: str) -> tuple[str, int]:
    """Stream a chunked upload until the server answers; returns (status line, bytes sent)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Transfer-Encoding: chunked",
            f"Content-Type: multipart/form-data; boundary={boundary}", *(f"{k}: {v}" for k, v in headers.items())]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    sent, answer = 0, b""
    sock.setblocking(False)
    try:
        for chunk in endless_body(boundary, field):
            try:
                answer += sock.recv(65536)
            except BlockingIOError:
                pass
            if answer:
                break
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except BlockingIOError:
                time.sleep(0.01)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        sock.setblocking(True)
        while b"\r\n" not in answer:
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    finally:
        sock.close()
    return answer.split(b"\r\n", 1)[0].decode(), sent


def test_a_chunked_upload_on_a_real_server_is_refused_without_reading_the_rest(app, server):
    add_user(app, "erp", "integrator", None, "user:test")
    token = issue_api_token(app, "erp", "test", "user:test")
    status, sent = send_chunked(server.port, "/api/invoices", {"Authorization": f"Bearer {token}"}, "b1", "file")
    assert status == "HTTP/1.1 413 Request Entity Too Large" or status.startswith("HTTP/1.1 413")
    assert sent < 10 * MB  # answered long before the 300 MB the client would have sent


def test_the_upload_page_refuses_a_chunked_body_on_a_real_server(app, server):
    anna = person(app, "anna", "reviewer")
    cookie = "; ".join(f"{k}={v}" for k, v in anna.cookies.items())
    status, sent = send_chunked(server.port, "/upload", {"Cookie": cookie, "X-CSRF-Token": anna.csrf}, "b2", "files")
    assert status.startswith("HTTP/1.1 413") and sent < 10 * MB


# -- storage full or read-only ----------------------------------------------------------------

class FailingBlobStore(FolderBlobStore):
    """The real store, on a disk that refuses every write with ``code``."""

    def __init__(self, root, code):
        super().__init__(root)
        self.code = code

    def put_stream(self, sha256, chunks):
        def refused():
            raise OSError(self.code, "simulated")
            yield b""  # a generator: the write fails where the disk would, mid-write

        return super().put_stream(sha256, refused())


class RecordingLog:
    """The app's logger, remembering (level, event) of every line."""

    def __init__(self, inner):
        self.inner, self.lines = inner, []

    def __getattr__(self, level):
        def log(event, **kw):
            self.lines.append((level, event))
            return getattr(self.inner, level)(event, **kw)
        return log


@pytest.mark.parametrize("code,words", [(errno.ENOSPC, "no space left"), (errno.EROFS, "read-only"), (errno.EACCES, "permission denied")])
def test_a_full_or_read_only_blob_store_answers_503_and_logs_an_error(app, anna, code, words):
    app.blobs = FailingBlobStore(app.settings.blob_dir, code)
    app.log = RecordingLog(app.log)
    api = anna.post("/api/invoices", headers={"X-CSRF-Token": anna.csrf}, files={"file": ("a.pdf", fake_pdf(*invoice_lines()), "application/pdf")})
    assert api.status_code == 503 and words in api.json()["detail"] and "storage unavailable" in api.json()["detail"]
    page = anna.post("/upload", data={"csrf_token": anna.csrf}, files={"files": ("a.pdf", fake_pdf("x"), "application/pdf")})
    assert page.status_code == 503 and words in page.text
    assert app.log.lines.count(("error", "web_storage_unavailable")) == 2


def test_a_blob_folder_that_cannot_be_created_is_storage_unavailable(app, tmp_path):
    from invoicepipe.errors import StorageUnavailable, TransientError

    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    with pytest.raises(StorageUnavailable) as err:
        FolderBlobStore(blocked).put(b"data")
    assert isinstance(err.value, TransientError) and "storage unavailable" in str(err.value)


# -- proxy headers and HSTS -------------------------------------------------------------------

def test_rotating_x_forwarded_for_does_not_bypass_the_login_limit(app):
    add_user(app, "anna", "reviewer", PASSWORD, "user:test")
    client = client_for(app)  # default settings: no trusted proxy
    for n in range(MAX_FAILURES):
        client.headers["X-Forwarded-For"] = f"203.0.113.{n}"
        assert log_in(client, "anna", "wrong-password-guess").status_code == 401
    client.headers["X-Forwarded-For"] = "198.51.100.77"
    assert log_in(client, "anna").status_code == 429


def test_the_real_server_does_not_trust_forwarded_headers_from_localhost(app, server):
    """uvicorn on its own believes X-Forwarded-For from 127.0.0.1; ours believes nobody by default."""
    import httpx

    add_user(app, "anna", "reviewer", PASSWORD, "user:test")
    with httpx.Client(base_url=server.url.rstrip("/")) as client:
        def attempt(password, forwarded):
            page = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            return client.post("/login", data={"username": "anna", "password": password, "csrf_token": token},
                               headers={"X-Forwarded-For": forwarded, "X-Forwarded-Proto": "https"}).status_code
        for n in range(MAX_FAILURES):
            assert attempt("wrong-password-guess", f"203.0.113.{n}") == 401
        assert attempt(PASSWORD, "198.51.100.1") == 429
        assert "strict-transport-security" not in client.get("/login", headers={"X-Forwarded-Proto": "https"}).headers


def test_a_trusted_proxy_supplies_the_client_address_and_scheme(app):
    add_user(app, "anna", "reviewer", PASSWORD, "user:test")
    web = create_app(app, WebConfig(trusted_proxies=("10.0.0.2",)))
    via_proxy = TestClient(web, client=("10.0.0.2", 4000))
    via_proxy.headers["X-Forwarded-For"] = "203.0.113.9"
    for _ in range(MAX_FAILURES):
        assert log_in(via_proxy, "anna", "wrong-password-guess").status_code == 401
    assert log_in(via_proxy, "anna").status_code == 429  # the forwarded client is limited...
    via_proxy.headers["X-Forwarded-For"] = "203.0.113.10"
    assert log_in(via_proxy, "anna").status_code == 303  # ...not everyone behind the proxy
    direct = TestClient(web, client=("192.0.2.50", 4000))
    for n in range(MAX_FAILURES):
        direct.headers["X-Forwarded-For"] = f"198.51.100.{n}"
        assert log_in(direct, "anna", "wrong-password-guess").status_code == 401
    assert log_in(direct, "anna").status_code == 429  # not a proxy: its header is ignored

    https = via_proxy.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert https.headers["strict-transport-security"].startswith("max-age=")
    forged = direct.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in forged.headers


def test_hsts_only_over_https(app):
    assert "strict-transport-security" not in client_for(app).get("/login").headers
    assert "max-age=31536000" in client_for(app, "https://testserver").get("/login").headers["strict-transport-security"]


def test_trusted_proxies_setting_is_validated():
    assert parse_trusted_proxies("") == () and WebConfig.from_env({}).trusted_proxies == ()
    assert parse_trusted_proxies(" 10.0.0.5, 10.1.0.0/16 ,::1") == ("10.0.0.5", "10.1.0.0/16", "::1")
    from invoicepipe.errors import ConfigError

    for bad in ("*", "proxy.local", "10.0.0.300"):
        with pytest.raises(ConfigError, match="INVOICEPIPE_TRUSTED_PROXIES"):
            parse_trusted_proxies(bad)


# -- passwords ----------------------------------------------------------------------------------

@pytest.mark.parametrize("password", ["password1234", "Password2024!", "qwertyqwerty", "iloveyou!!!!", "aaaaaaaaaaaaaaaa",
                                      "monkey123456"])
def test_common_passwords_are_refused_with_a_clear_reason(app, password):
    with pytest.raises(PermanentError, match="too common"):
        add_user(app, "anna", "reviewer", password, "user:test")


def test_short_passwords_still_fail_on_length_and_a_good_one_passes():
    with pytest.raises(PermanentError, match="at least 12 characters"):
        check_password("Zx9!kq")
    check_password("correct horse battery staple")
    check_password(PASSWORD)


# -- names that would forge lines ---------------------------------------------------------------

def test_a_newline_in_a_file_name_cannot_forge_a_list_line(tmp_path, monkeypatch, capsys):
    from invoicepipe.cli import main

    monkeypatch.setenv("INVOICEPIPE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("INVOICEPIPE_INBOX", str(tmp_path / "inbox"))
    monkeypatch.delenv("INVOICEPIPE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INVOICEPIPE_REDIS_URL", raising=False)
    name = "a.pdf\n   99  exported      fast  2026-01-01T00:00:00  paid.pdf\x1b[2K\u202e"
    (tmp_path / name).write_bytes(b"<html>x</html>")
    main(["ingest", str(tmp_path / name)])
    capsys.readouterr()
    main(["list"])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and "\x1b" not in lines[0] and "\u202e" not in lines[0]
    assert "a.pdf_   99  exported" in lines[0]


def test_a_bad_database_url_is_refused_without_echoing_its_password():
    from invoicepipe.config import Settings
    from invoicepipe.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        Settings.from_env({"INVOICEPIPE_DATABASE_URL": "mysql://ap:s3cret-p@ss@db/ap"})
    assert "s3cret" not in str(err.value) and "ap:***@db/ap" in str(err.value)


def test_an_attachment_name_with_newlines_is_stored_as_one_line(app):
    """Multipart uploads here cannot carry CR/LF in a name, but an e-mail can (RFC 2231)."""
    import base64

    from invoicepipe.services.ingest import ingest_bytes
    from invoicepipe.services.queries import list_documents

    pdf = base64.b64encode(fake_pdf(*invoice_lines())).decode()
    raw = ("From: ap@vendor.example\r\nSubject: invoice\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nattached\r\n"
           "--XX\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
           "Content-Disposition: attachment; filename*=utf-8''a.pdf%0A%20%20%2099%20%20exported%20paid.pdf\r\n\r\n"
           f"{pdf}\r\n--XX--\r\n")
    result = ingest_bytes(app, raw.encode(), "mail.eml", "email", "user:test")
    names = [d["filename"] for d in list_documents(app, None, 10)]
    assert result.documents and names
    assert all("\n" not in n and "\r" not in n for n in names)
    assert any(n.startswith("a.pdf_   99  exported") for n in names)


def test_a_read_only_database_file_is_storage_unavailable(tmp_path):
    """SQLite on a read-only medium: the write fails as storage, not as a bare 500."""
    import sqlite3

    from sqlalchemy import create_engine, text

    from invoicepipe.adapters.db.uow import UnitOfWork
    from invoicepipe.errors import StorageUnavailable

    path = tmp_path / "ro.db"
    sqlite3.connect(path).execute("CREATE TABLE x (a INTEGER)").connection.close()
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(StorageUnavailable, match="storage unavailable: the database cannot write"):
        with UnitOfWork(engine, b"k" * 32).begin() as tx:
            tx.conn.execute(text("INSERT INTO x VALUES (1)"))
    engine.dispose()
