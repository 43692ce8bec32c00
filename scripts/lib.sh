# Shared set-up for scripts/dev and scripts/test. Sourced, not run.
# Installs what is missing (idempotent; a no-op on a machine that has it all).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
# The server names its bundle files after this; the build below writes those names.
export LEPTOS_OUTPUT_NAME=callboard

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
  local c
  for c in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c" >&2
  done
  start_wasm_bindgen_install
}

# The wasm-bindgen CLI must equal the crate version in Cargo.lock. It compiles in
# the background (~5 min cold) while the server builds; build_app waits for it.
WBG_LOG="$ROOT/target/wasm-bindgen-install.log"
start_wasm_bindgen_install() {
  local wbg
  wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
  [ -n "$wbg" ] || die "cannot find the wasm-bindgen version in Cargo.lock"
  WBG_VERSION="$wbg"
  if wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then WBG_PID=; return; fi
  log "installing wasm-bindgen-cli $wbg in the background"
  mkdir -p "$ROOT/target"
  # Not --locked: its lock file names crate versions this registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$wbg" >"$WBG_LOG" 2>&1 &
  WBG_PID=$!
}

wait_wasm_bindgen() {
  if [ -n "${WBG_PID:-}" ]; then
    wait "$WBG_PID" || { cat "$WBG_LOG" >&2; die "installing wasm-bindgen-cli failed"; }
    WBG_PID=
  fi
  wasm-bindgen --version 2>/dev/null | grep -q " ${WBG_VERSION}\$" \
    || die "wasm-bindgen-cli ${WBG_VERSION} is not installed"
}

# Builds what cargo-leptos would, with cargo and the wasm-bindgen CLI directly
# (cargo-leptos itself took 26 minutes to compile on a fresh 2-core machine):
#   target/debug/callboard            the server (release: target/release/callboard)
#   <site>/pkg/callboard.{js,wasm,css} and the files of public/ in <site>
#     (<site> is $2, by default target/site)
# `build_app release DIR` builds the optimised pair; scripts/release adds wasm-opt.
build_app() {
  local mode="${1:-debug}" site="${2:-$ROOT/target/site}" profile_args=() wasm_args=() wasm_dir
  if [ "$mode" = release ]; then
    profile_args=(--release); wasm_args=(--profile wasm-release); wasm_dir=wasm-release
  else
    wasm_dir=debug
  fi
  log "building the server ($mode)"
  cargo build "${profile_args[@]}" --bin callboard --no-default-features --features ssr >&2
  log "building the browser bundle ($mode)"
  cargo build "${wasm_args[@]}" --lib --target wasm32-unknown-unknown \
    --no-default-features --features hydrate >&2
  wait_wasm_bindgen
  local pkg="$site/pkg"
  rm -rf "$pkg"; mkdir -p "$pkg"
  cp -R "$ROOT/public/." "$site/"
  wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name callboard \
    "$ROOT/target/wasm32-unknown-unknown/$wasm_dir/callboard.wasm" >&2
  # Leptos asks for <output-name>.wasm; wasm-bindgen writes <out-name>_bg.wasm.
  mv "$pkg/callboard_bg.wasm" "$pkg/callboard.wasm"
  cp "$ROOT/style/main.css" "$pkg/callboard.css"
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

# Prints a TCP port on 127.0.0.1 that nothing listens on, trying $1 first: a
# server left running on the usual port (by a developer or an earlier run on
# this machine) must never answer for the one a script is about to start.
free_port() {
  python3 - "$1" <<'PY'
import socket, sys
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); return True
    except OSError:
        return False
    finally:
        s.close()
want = int(sys.argv[1])
for p in [want] + list(range(want + 1, want + 200)):
    if free(p):
        print(p); break
else:
    sys.exit("no free port near %d" % want)
PY
}

# Migrates a fresh template database the integration tests clone (one per test).
prepare_test_template() {
  local bin="$1"
  recreate_db callboard_test_template
  DATABASE_URL=$(app_url callboard_test_template) DATABASE_ADMIN_URL=$(owner_url callboard_test_template) \
    "$bin" migrate >&2
}

# Starts server $1 (site root $2) on a free port near $3 with a fresh e2e
# database and a super admin; exports E2E_* for Playwright; the server stops
# when the calling script exits. Waits until this very process answers.
start_e2e_server() {
  local bin="$1" site="$2" port
  port=$(free_port "$3")
  recreate_db callboard_e2e callboard_test_template
  export DATABASE_URL; DATABASE_URL=$(app_url callboard_e2e)
  export DATABASE_ADMIN_URL; DATABASE_ADMIN_URL=$(owner_url callboard_e2e)
  export LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$site"
  export CALLBOARD_BASE_DOMAIN=callboard.localhost CALLBOARD_PUBLIC_URL="http://callboard.localhost:$port"
  export CALLBOARD_ENCRYPTION_KEY; CALLBOARD_ENCRYPTION_KEY=$(new_key)
  export E2E_ADMIN_EMAIL=e2e-admin@callboard.localhost
  export E2E_ADMIN_PASSWORD; E2E_ADMIN_PASSWORD="e2e-$(new_key | tr -dc 'a-zA-Z0-9' | head -c 20)"
  "$bin" create-super-admin --email "$E2E_ADMIN_EMAIL" --password "$E2E_ADMIN_PASSWORD" >/dev/null
  # The voice platform, faked (FAKE_PLATFORM_BIN: examples/fake_platform):
  # the server and the tests' CLI calls both talk to it.
  E2E_FAKE_PID=
  if [ -n "${FAKE_PLATFORM_BIN:-}" ]; then
    local fake_port; fake_port=$(free_port 3190)
    "$FAKE_PLATFORM_BIN" "127.0.0.1:$fake_port" > "$ROOT/target/fake-platform.log" 2>&1 &
    E2E_FAKE_PID=$!
    export RETELL_API_BASE="http://127.0.0.1:$fake_port"
    for _ in $(seq 1 50); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' "$RETELL_API_BASE/get-agent/agent_probe")" = 401 ] && break
      sleep 0.1
    done
  fi
  # A real SMTP server for the outbox (MAIL_SINK_BIN: examples/mail_sink);
  # the tests read what it received over HTTP (E2E_MAIL_URL/messages).
  E2E_MAIL_PID=
  if [ -n "${MAIL_SINK_BIN:-}" ]; then
    local smtp_port mail_port; smtp_port=$(free_port 3250); mail_port=$(free_port 3260)
    "$MAIL_SINK_BIN" "127.0.0.1:$smtp_port" "127.0.0.1:$mail_port" > "$ROOT/target/mail-sink.log" 2>&1 &
    E2E_MAIL_PID=$!
    export CALLBOARD_SMTP_URL="smtp://127.0.0.1:$smtp_port" E2E_MAIL_URL="http://127.0.0.1:$mail_port"
    for _ in $(seq 1 50); do
      curl -fsS "$E2E_MAIL_URL/messages" >/dev/null 2>&1 && break
      sleep 0.1
    done
  fi
  "$bin" serve > "$ROOT/target/e2e-server.log" 2>&1 &
  E2E_SERVER_PID=$!
  trap 'kill $E2E_SERVER_PID $E2E_FAKE_PID $E2E_MAIL_PID 2>/dev/null || true' EXIT
  local _
  for _ in $(seq 1 150); do
    kill -0 "$E2E_SERVER_PID" 2>/dev/null || { cat "$ROOT/target/e2e-server.log" >&2; die "the server did not start"; }
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 || die "the server on port $port does not answer"
  export E2E_BASE_URL="http://callboard.localhost:$port" E2E_BIN="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
  log "e2e server on port $port"
}
