#!/usr/bin/env bash
# Run the test suite against a throwaway PostgreSQL server.
#
# Starts a private server (temp data dir, free port on 127.0.0.1, trust auth,
# durability off), creates database tracker_test, runs
#   .venv/bin/python -m pytest $PYTEST_ARGS
# with TEST_DATABASE_URL pointing at it, then stops the server and deletes the
# data dir. Exits with pytest's status.
#
# PostgreSQL not installed: as root, apt-get installs it; otherwise, under CI
# this is an error, and on a developer machine the pass is skipped (exit 0)
# with a loud banner.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY=.venv/bin/python
DB_NAME=tracker_test

banner() { # banner LINE... — print a boxed message to stderr
    local line
    echo "######################################################################" >&2
    for line in "$@"; do echo "## $line" >&2; done
    echo "######################################################################" >&2
}

is_root() { [ "$(id -u)" = 0 ]; }

# Directory holding both initdb and pg_ctl: the highest /usr/lib/postgresql/*/bin,
# else pg_config --bindir, else wherever they are on PATH.
find_pg_bindir() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
    done
    if command -v pg_config >/dev/null 2>&1; then
        dir=$(pg_config --bindir 2>/dev/null || true)
        if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
    fi
    if command -v initdb >/dev/null 2>&1; then
        dir=$(dirname "$(readlink -f "$(command -v initdb)")")
        if [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
    fi
    return 1
}

if [ ! -x "$PY" ]; then
    banner "ERROR: $PY not found — run 'make install' first."
    exit 1
fi

PGBIN=$(find_pg_bindir || true)
if [ -z "$PGBIN" ] && is_root; then
    echo "PostgreSQL not found; installing Debian's postgresql package" >&2
    if apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql; then
        PGBIN=$(find_pg_bindir || true)
    fi
fi
if [ -z "$PGBIN" ]; then
    if [ -n "${CI:-}" ]; then
        banner "ERROR: PostgreSQL (initdb, pg_ctl) not found, and CI is set." \
               "The PostgreSQL test pass cannot run. Install the postgresql package."
        exit 1
    fi
    banner "" \
           "SKIPPED: PostgreSQL not found — the PostgreSQL pass did NOT run." \
           "" \
           "Only the SQLite results are meaningful. To run this pass, install" \
           "PostgreSQL (Debian: apt-get install postgresql) and re-run" \
           "'make test-postgres'." \
           ""
    exit 0
fi

# PostgreSQL refuses to run as root: as root, run the server as 'postgres'.
if is_root; then
    if ! id postgres >/dev/null 2>&1; then
        banner "ERROR: running as root but there is no 'postgres' user to run PostgreSQL as."
        exit 1
    fi
    as_pg() { (cd "$PGDATA_DIR" && runuser -u postgres -- "$@"); }
else
    as_pg() { "$@"; }
fi

PGDATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tracker-pg.XXXXXX")
SERVER_STARTED=

cleanup() {
    local status=$?
    if [ -n "$SERVER_STARTED" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PGDATA_DIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if is_root; then
    chown postgres: "$PGDATA_DIR"
fi
chmod 700 "$PGDATA_DIR"

echo "PostgreSQL: $("$PGBIN/postgres" --version) (from $PGBIN)"

if ! initdb_output=$(as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres --no-locale -E UTF8 2>&1); then
    echo "$initdb_output" >&2
    banner "ERROR: initdb failed (output above)."
    exit 1
fi

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

SERVER_STARTED=1
if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/log" -w \
        -o "-p $PORT -k $PGDATA_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
    cat "$PGDATA_DIR/log" >&2 || true
    banner "ERROR: the PostgreSQL server did not start (log above)."
    exit 1
fi

"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB_NAME"

export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB_NAME"
echo "TEST_DATABASE_URL=$TEST_DATABASE_URL"

# PYTEST_ARGS is split on whitespace (no globbing).
read -r -a pytest_args <<<"${PYTEST_ARGS:-}"
set +e
"$PY" -m pytest "${pytest_args[@]}"
status=$?
set -e
exit "$status"
