#!/usr/bin/env bash
# Install (Debian) and start a local PostgreSQL server with a `newsdesk` role and database for the tests.
# Prints the SQLAlchemy URL to use as NEWSDESK_TEST_PG.
set -euo pipefail
exec 3>&1 1>&2  # everything but the URL goes to stderr: callers capture stdout
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
# The server daemon must not inherit fd 3 (the caller's capture pipe), or `$(...)` waits for it forever.
pg_ctlcluster "$version" main start 3>&- </dev/null >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 && break
  sleep 1
done
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='newsdesk'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE newsdesk LOGIN SUPERUSER PASSWORD 'newsdesk'\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='newsdesk'\"" | grep -q 1 ||
  su postgres -c "createdb -O newsdesk newsdesk"
echo "postgresql+psycopg://newsdesk:newsdesk@127.0.0.1:5432/newsdesk" >&3
