#!/usr/bin/env bash
# Makes sure what the test suite needs outside Python is here: PostgreSQL answering on
# 127.0.0.1:5432 with a `test` database, Debian's chromium for the browser tests, and Pango for
# WeasyPrint.
# Installs them with apt when run as root on a machine that lacks them.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests..."
  apt_install chromium
fi

# WeasyPrint (PDF certificates) needs Pango.
if ! ldconfig -p | grep -q "libpango-1.0"; then
  echo "Installing Pango for WeasyPrint..."
  apt_install libpango-1.0-0 libpangoft2-1.0-0
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "Installing PostgreSQL..."
    apt_install postgresql
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba=/etc/postgresql/$version/main/pg_hba.conf
  # Trust local connections: this server exists only for the test suite.
  if ! grep -q "peerpath-test" "$hba"; then
    { printf 'host all all 127.0.0.1/32 trust # peerpath-test\nhost all all ::1/128 trust # peerpath-test\n'
      as_root cat "$hba"; } > /tmp/pg_hba.conf.new
    as_root cp /tmp/pg_hba.conf.new "$hba"
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432
if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test"
fi
