"""Migrations and the schema in tables.py agree, on SQLite and PostgreSQL; the history is linear."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from newsdesk.store import Store
from newsdesk.store.database import MIGRATIONS, _alembic_config
from newsdesk.store.tables import metadata


def _ours(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    # Full-text search tables, triggers and PostgreSQL's generated search_vector column are raw SQL:
    # not part of the Core metadata.
    if type_ == "column" and name == "search_vector":
        return False
    return not (type_ == "table" and reflected and compare_to is None)


def test_migrated_database_matches_tables_py(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": _ours, "compare_type": False, "target_metadata": metadata}
        )
        diff = compare_metadata(context, metadata)
    changes = [d for d in diff if not (isinstance(d, tuple) and d[0] in ("remove_index", "add_index"))]
    assert changes == [], f"tables.py and the migrations disagree: {changes}"


def test_history_is_linear() -> None:
    script = ScriptDirectory.from_config(_alembic_config())
    assert len(script.get_heads()) == 1
    assert len(list(script.walk_revisions())) == len(list((MIGRATIONS / "versions").glob("*.py")))
