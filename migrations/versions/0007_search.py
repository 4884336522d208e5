"""Search: the full-text index over proposals (title and summary), sections (text) and
contributions (title and body).

SQLite: an FTS5 table, search_index, with Porter stemming, kept in step by triggers on the
three tables, and filled from what is there now. Its rowid is the object's id * 4 + 1, 2 or 3
(proposal, section, contribution), so a trigger finds its row at once.
PostgreSQL: GIN indexes on to_tsvector('english', ...) of the same text; tracker/search/index.py
searches with exactly these expressions, so the planner uses them.
Neither is an ORM model: tracker/search/schema.py's include_name leaves them out when the
models are compared with the database.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# (kind, its number in the rowid, table, the title column or '' for none, the body column)
SOURCES = (
    ("proposal", 1, "proposal", "title", "summary"),
    ("section", 2, "section", None, "text"),
    ("contribution", 3, "contribution", "title", "body"),
)

POSTGRESQL_INDEXES = (
    ("ix_search_proposal", "proposal", """(title || ' ') || summary"""),
    ("ix_search_section", "section", '"text"'),
    ("ix_search_contribution", "contribution", """(title || ' ') || body"""),
)


def _proposal_id(table: str, row: str) -> str:
    return f"{row}.id" if table == "proposal" else f"{row}.proposal_id"


def _title(title: str | None, row: str) -> str:
    return f"{row}.{title}" if title else "''"


def _sqlite_upgrade():
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "kind UNINDEXED, object_id UNINDEXED, proposal_id UNINDEXED, title, body, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    for kind, number, table, title, body in SOURCES:
        new_title = _title(title, "new")
        op.execute(
            f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO search_index (rowid, kind, object_id, proposal_id, title, body) "
            f"VALUES (new.id * 4 + {number}, '{kind}', new.id, {_proposal_id(table, 'new')}, "
            f"{new_title}, new.{body}); END"
        )
        changed = ", ".join(column for column in (title, body) if column)
        op.execute(
            f"CREATE TRIGGER search_{table}_update AFTER UPDATE OF {changed} ON {table} BEGIN "
            f"UPDATE search_index SET title = {new_title}, body = new.{body} "
            f"WHERE rowid = new.id * 4 + {number}; END"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM search_index WHERE rowid = old.id * 4 + {number}; END"
        )
        op.execute(
            f"INSERT INTO search_index (rowid, kind, object_id, proposal_id, title, body) "
            f"SELECT {table}.id * 4 + {number}, '{kind}', {table}.id, {_proposal_id(table, table)}, "
            f"{_title(title, table)}, {table}.{body} FROM {table}"
        )


def _sqlite_downgrade():
    for _, _, table, _, _ in SOURCES:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS search_{table}_{event}")
    op.execute("DROP TABLE IF EXISTS search_index")


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    elif dialect == "postgresql":
        for name, table, text in POSTGRESQL_INDEXES:
            op.execute(f"CREATE INDEX {name} ON {table} USING gin (to_tsvector('english'::regconfig, {text}))")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_downgrade()
    elif dialect == "postgresql":
        for name, _, _ in POSTGRESQL_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
