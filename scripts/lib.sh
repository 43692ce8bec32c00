# Shared set-up for scripts/dev and scripts/test. Sourced, not run.
# Installs what is missing (idempotent; a no-op on a machine that has it all).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
CARGO_LEPTOS_VERSION=0.3.10

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then as_root apt-get update -qq >&2; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

ensure_rust_tools() {
  command -v cargo >/dev/null || die "cargo is not installed (https://rustup.rs)"
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown >&2
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    # 0.3.11 needs a newer rustc than this toolchain; 0.3.10 builds Leptos 0.8 apps.
    log "installing cargo-leptos $CARGO_LEPTOS_VERSION (once per machine, ~13 min)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked >&2
  fi
  local wbg
  wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
  [ -n "$wbg" ] || die "cannot find the wasm-bindgen version in Cargo.lock"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then
    # The CLI must equal the crate version; cargo-leptos cannot download it here.
    log "installing wasm-bindgen-cli $wbg"
    cargo install wasm-bindgen-cli --version "$wbg" >&2
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null; then
    log "installing Debian's chromium"
    apt_install chromium
  fi
}

ensure_node_packages() {
  command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    log "installing end-to-end test packages"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
}

# --- PostgreSQL -------------------------------------------------------------
# PG_SUPER: a superuser connection used only to create roles and databases.
# Uses $PG_SUPERUSER_URL, else the machine's server on 127.0.0.1:5432, else a
# private cluster under .data/pg that this script starts.

pg_ok() { psql "$1" -Atqc 'select 1' >/dev/null 2>&1; }

find_pg_bin() {
  local d
  if command -v pg_ctl >/dev/null; then dirname "$(command -v pg_ctl)"; return; fi
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && { echo "$d"; return; }
  return 1
}

start_private_pg() {
  local bin data port run
  bin=$(find_pg_bin) || { log "installing PostgreSQL"; apt_install postgresql; bin=$(find_pg_bin); }
  data="$ROOT/.data/pg"
  port="${CALLBOARD_PG_PORT:-55432}"
  run=()
  if [ "$(id -u)" = 0 ]; then run=(runuser -u postgres --); fi  # PostgreSQL refuses to run as root
  if [ ! -f "$data/PG_VERSION" ]; then
    log "creating a private PostgreSQL cluster in .data/pg"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown -R postgres "$ROOT/.data/pg"
    "${run[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! "${run[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "starting the private PostgreSQL on port $port"
    "${run[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p $port -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  PG_SUPER="postgresql://postgres@127.0.0.1:$port/postgres"
}

ensure_postgres() {
  command -v psql >/dev/null || apt_install postgresql-client
  if [ -n "${PG_SUPERUSER_URL:-}" ]; then
    PG_SUPER="$PG_SUPERUSER_URL"
  elif pg_ok "postgresql://postgres@127.0.0.1:5432/postgres"; then
    PG_SUPER="postgresql://postgres@127.0.0.1:5432/postgres"
  else
    start_private_pg
  fi
  pg_ok "$PG_SUPER" || die "cannot connect to PostgreSQL as a superuser ($PG_SUPER)"
  PG_HOSTPORT=$(printf '%s' "$PG_SUPER" | sed -E 's#^[a-z]+://[^@]*@([^/]+)/.*#\1#')
  create_roles "$PG_SUPER"
}

# The roles the migrations expect (README: Database roles), on the server at $1.
create_roles() {
  psql "$1" -v ON_ERROR_STOP=1 -Atq <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callboard_owner') THEN
    CREATE ROLE callboard_owner LOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callboard_app') THEN
    CREATE ROLE callboard_app LOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callboard_platform') THEN
    CREATE ROLE callboard_platform NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callboard_lookup') THEN
    CREATE ROLE callboard_lookup NOLOGIN; END IF;
END $$;
ALTER ROLE callboard_app NOSUPERUSER NOBYPASSRLS NOINHERIT NOCREATEDB NOCREATEROLE;
ALTER ROLE callboard_platform NOSUPERUSER NOBYPASSRLS NOLOGIN;
ALTER ROLE callboard_lookup NOSUPERUSER NOBYPASSRLS NOLOGIN;
ALTER ROLE callboard_owner NOSUPERUSER;
GRANT callboard_platform TO callboard_app;
GRANT callboard_lookup TO callboard_app;
SQL
}

# Recreates database $1 (owned by callboard_owner), optionally from template $2.
recreate_db() {
  psql "$PG_SUPER" -v ON_ERROR_STOP=1 -Atq -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" \
    -c "CREATE DATABASE \"$1\" OWNER callboard_owner ${2:+TEMPLATE \"$2\"}"
}

ensure_db() {
  if [ -z "$(psql "$PG_SUPER" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$1'")" ]; then
    psql "$PG_SUPER" -v ON_ERROR_STOP=1 -Atq -c "CREATE DATABASE \"$1\" OWNER callboard_owner"
  fi
}

app_url() { echo "postgresql://callboard_app@$PG_HOSTPORT/$1"; }
owner_url() { echo "postgresql://callboard_owner@$PG_HOSTPORT/$1"; }

new_key() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }
