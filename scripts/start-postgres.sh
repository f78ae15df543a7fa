#!/usr/bin/env bash
# Start a local PostgreSQL (Debian's cluster tools) and print a URL for the test database.
set -euo pipefail
ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$ver main$"; then
  pg_createcluster "$ver" main >&2
fi
pg_ctlcluster "$ver" main start >&2 2>/dev/null || true
port=$(pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $3}')
su postgres -c "psql -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname='nianbao'\"" | grep -q 1 ||
  su postgres -c "psql -p $port -qc \"CREATE ROLE nianbao LOGIN SUPERUSER PASSWORD 'nianbao'\""
su postgres -c "psql -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname='nianbao_test'\"" | grep -q 1 ||
  su postgres -c "psql -p $port -qc 'CREATE DATABASE nianbao_test OWNER nianbao'"
echo "postgresql+psycopg://nianbao:nianbao@127.0.0.1:$port/nianbao_test"
