"""The search index's database objects that no model describes: on SQLite the FTS5 table (and
the shadow tables FTS5 keeps beside it), on PostgreSQL the GIN expression indexes. Migration
0007 creates them; `include_name` leaves them out when the models are compared with the
database (migrations/env.py and tests/test_database.py)."""

FTS_TABLE = "search_index"
INDEX_PREFIX = "ix_search_"


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """False for the search index's own tables and indexes, True for everything else."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(FTS_TABLE)
    if type_ == "index":
        return not name.startswith(INDEX_PREFIX)
    return True
