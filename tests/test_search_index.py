"""The search index in the database (migration 0007): on PostgreSQL the GIN indexes answer the
search's own expressions; on SQLite the FTS5 table is filled from what was there before the
migration; on both it stays out of the models-versus-migrations comparison."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests import factories
from tests.test_search import results
from tracker.extensions import db
from tracker.search.index import HitKind, PostgresIndex
from tracker.search.schema import include_name
from tracker.search.terms import parse

MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "migrations")


def _dialect() -> str:
    return db.engine.dialect.name


def test_the_index_is_no_models_and_is_left_out_of_the_comparison():
    with db.engine.connect() as connection:
        unfiltered = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                      db.metadata)
        filtered = compare_metadata(MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}), db.metadata)
    left_out = {diff[1].name for diff in unfiltered}
    expected = ({"search_index", "search_index_data", "search_index_idx", "search_index_content",
                 "search_index_docsize", "search_index_config"} if _dialect() == "sqlite"
                else {"ix_search_proposal", "ix_search_section", "ix_search_contribution"})
    assert left_out == expected
    assert filtered == []


@pytest.mark.parametrize("kind", list(HitKind))
def test_postgresql_answers_from_the_gin_indexes(kind):
    if _dialect() != "postgresql":
        pytest.skip("PostgreSQL's indexes; this pass runs on SQLite")
    query = PostgresIndex().matching(kind, parse("hydrogen valleys"))
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(db.session.execute(text(f"EXPLAIN {sql}")).scalars())
    db.session.rollback()
    assert f"ix_search_{kind.value}" in plan


def test_sqlite_fills_the_index_with_what_was_there_before(staff_client):
    if _dialect() != "sqlite":
        pytest.skip("SQLite's FTS5 table; this pass runs on PostgreSQL")
    db.session.commit()
    downgrade(directory=MIGRATIONS, revision="0006")
    try:
        factories.make_proposal(title="Before the index: a bilby")
    finally:
        upgrade(directory=MIGRATIONS)
    assert len(results(staff_client.get("/search?q=bilby"))) == 1
