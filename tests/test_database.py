"""Database behaviour on each engine: SQLite's pragmas and immediate writes, migrations."""

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from tests import factories
from tracker.extensions import db
from tracker.programmes.models import Programme
from tracker.search.schema import include_name


def test_migrations_match_the_models():
    """The schema the migrations built is the one the models describe."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_a_fresh_database_holds_no_demo_data():
    """Demo data appears only through seed-demo, never through migrations."""
    for table in db.metadata.sorted_tables:
        assert db.session.execute(text(f'SELECT COUNT(*) FROM "{table.name}"')).scalar() == 0


def _is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def test_sqlite_connections_enforce_foreign_keys_use_wal_and_wait():
    if not _is_sqlite():
        pytest.skip("SQLite-only pragmas; this pass runs on PostgreSQL")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_concurrent_read_modify_write_loses_no_update(app):
    """Eight workers handling POSTs each read a number and write it back plus one: none fails,
    none is lost. On SQLite a POST's transaction begins IMMEDIATE, so a second writer waits
    for the first instead of failing with "database is locked"; on PostgreSQL the row lock
    (SELECT ... FOR UPDATE) does the same.
    """
    programme_id = factories.make_programme(board_quorum=1).id
    db.session.commit()
    errors = []

    def worker():
        try:
            with app.test_request_context("/", method="POST"):
                query = db.select(Programme).where(Programme.id == programme_id)
                if not _is_sqlite():
                    query = query.with_for_update()
                row = db.session.scalar(query)
                row.board_quorum = row.board_quorum + 1
                db.session.commit()
        except Exception as error:  # the test reports any failure below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    assert db.session.get(Programme, programme_id).board_quorum == 9


def test_stale_object_update_is_refused():
    """The version column refuses a write based on an old read (optimistic locking)."""
    from sqlalchemy.orm.exc import StaleDataError

    programme = factories.make_programme()
    db.session.execute(
        text("UPDATE programme SET version = version + 1 WHERE id = :id"), {"id": programme.id}
    )
    programme.region = "Changed on a stale copy"
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()
