"""Engine set-up: SQLite pragmas and IMMEDIATE write transactions, a health check."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from tracker.extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The largest id an INTEGER primary key holds on both databases (PostgreSQL's 4-byte integer):
# a larger number from a URL or a form names nothing, and must not reach the driver.
MAX_ID = 2**31 - 1
_writing: ContextVar[bool] = ContextVar("writing", default=False)


@contextmanager
def write_transactions() -> Iterator[None]:
    """Outside a request (CLI commands, jobs), mark the work as writing: BEGIN IMMEDIATE."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def configure_engine(engine: Engine) -> None:
    """Apply the per-connection settings this engine's database needs."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)


def _sqlite_on_connect(dbapi_connection, _connection_record) -> None:
    """Foreign keys on, WAL, a busy timeout; let SQLAlchemy emit BEGIN itself."""
    # pysqlite's own transaction handling would issue a deferred BEGIN; take it over.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_begin(connection) -> None:
    """Begin IMMEDIATE for anything that may write, so concurrent writers queue, not fail.

    A deferred transaction that reads and later writes can hit "database is locked" when
    another writer got there first; taking the write lock at BEGIN makes writers wait their
    turn (up to busy_timeout) instead. Requests that may write (POST and the like) and work
    inside `write_transactions()` begin IMMEDIATE; safe requests and other reads begin
    deferred, and under WAL they never block a writer.
    """
    writing = _writing.get() or (has_request_context() and request.method not in READ_ONLY_METHODS)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def database_is_reachable() -> bool:
    """Whether a trivial query succeeds."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver or network failure means "not reachable"
        db.session.rollback()
        return False
