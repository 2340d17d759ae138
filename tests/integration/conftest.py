"""Real servers for integration tests.

``scripts/test.sh`` starts Redis and PostgreSQL on 127.0.0.1 and exports their URLs. A
developer running pytest without them gets skips; under CI (``CI=true``) a missing server
is a failure, so a green CI run always means the real servers were exercised.
"""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.requirements import require



@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("INVOICEPIPE_TEST_REDIS_URL")
    require(bool(url), "Redis (INVOICEPIPE_TEST_REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as exc:
        require(False, f"Redis at {url} ({exc})")
    return url


@pytest.fixture
def clean_redis(redis_url) -> str:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    return redis_url


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    url = os.environ.get("INVOICEPIPE_TEST_POSTGRES_URL")
    require(bool(url), "PostgreSQL (INVOICEPIPE_TEST_POSTGRES_URL)")
    return url


@pytest.fixture
def postgres_url(postgres_admin_url):
    """A fresh, empty database for one test, dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"ip_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)  # the server may have been restarted
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        require(False, f"PostgreSQL at {postgres_admin_url} ({exc})")
    base = postgres_admin_url.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Every test using this runs on both databases."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'var' / 'it.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def tesseract() -> str:
    path = shutil.which("tesseract")
    require(path is not None, "Tesseract (tesseract-ocr)")
    return path


@pytest.fixture
def dovecot():
    """A real Dovecot IMAP server on 127.0.0.1 (IMAP with STARTTLS, and IMAPS) with one user
    and a self-signed certificate, thrown away after the test. INVOICEPIPE_TEST_IMAP_PORT
    names the STARTTLS port (IMAPS is the next one); without it the system picks free ports."""
    from tests.integration.dovecot import Dovecot

    require(shutil.which("dovecot") is not None or os.path.exists("/usr/sbin/dovecot"), "Dovecot (Debian package dovecot-imapd)")
    base = os.environ.get("INVOICEPIPE_TEST_IMAP_PORT")
    server = Dovecot(*((int(base), int(base) + 1) if base else (None, None)))
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def app_role(postgres_url):
    """A fresh application role on the test database; dropped afterwards."""
    name = f"ip_app_{uuid.uuid4().hex[:8]}"
    yield name
    owner = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.execute(text(f'DROP OWNED BY "{name}"'))
        conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
    owner.dispose()
