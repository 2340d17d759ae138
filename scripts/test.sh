#!/usr/bin/env bash
# Set up, start Redis and PostgreSQL on 127.0.0.1 (non-default ports, throwaway data), run
# the whole test suite (unit, integration, browser), and stop the servers again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# promtool (rule checks and unit tests) and prometheus (the scrape integration test) come
# from Debian's prometheus package; under CI=true the tests fail without them.
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
  echo "test: installing Debian package: prometheus"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends prometheus
fi

REDIS_PORT=${INVOICEPIPE_TEST_REDIS_PORT:-6390}
PG_PORT=${INVOICEPIPE_TEST_PG_PORT:-5439}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
work=$(mktemp -d /tmp/invoicepipe-test.XXXXXX)
chmod 755 "$work"

stop_servers() {
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  if [ -n "$PG_BIN" ] && [ -d "$work/pg" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
trap stop_servers EXIT

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log"
export INVOICEPIPE_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"

if [ -n "$PG_BIN" ]; then
  mkdir -p "$work/pg"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$work/pg"
  as_postgres "$PG_BIN/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" \
    -o "-p $PG_PORT -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off" -w start >/dev/null
  export INVOICEPIPE_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
  # the fault tests stop and start the server (tests/integration/test_faults.py)
  export INVOICEPIPE_TEST_PG_DATA="$work/pg" INVOICEPIPE_TEST_PG_BIN="$PG_BIN"
fi

# The integration test's Prometheus listens here (127.0.0.1 only).
export INVOICEPIPE_TEST_PROMETHEUS_PORT=${INVOICEPIPE_TEST_PROMETHEUS_PORT:-9390}
export OMP_THREAD_LIMIT=1
# The unit tests are CPU-bound and share nothing (no server, no port, tmp_path each), so
# they run first on every core (pytest-xdist); the integration and browser tests share the
# servers above and start pools whose timing a busy core would stretch, so they run after,
# one at a time. Arguments naming tests (an existing path, optionally with ::) run as given,
# in one run, as before.
named=0
for arg in "$@"; do [ -e "${arg%%::*}" ] && named=1; done
set +e
if [ $named -eq 1 ]; then
  .venv/bin/python -m pytest "$@"
  status=$?
else
  .venv/bin/python -m pytest -n "${INVOICEPIPE_TEST_WORKERS:-$(nproc)}" tests/unit "$@"
  unit=$?
  .venv/bin/python -m pytest tests --ignore=tests/unit "$@"
  status=$?
  # pytest's 5 is "no tests collected": a phase a -k filter left empty is no failure unless
  # both are (then the filter matched nothing at all)
  if [ $status -eq 5 ] && [ $unit -ne 5 ]; then status=$unit
  elif [ $status -eq 0 ] && [ $unit -ne 5 ]; then status=$unit
  fi
fi
set -e
exit $status
