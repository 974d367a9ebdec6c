"""The migrations build the schema the models describe: tables, columns, keys and indexes.

The engine writes through both (the ORM from the models, hand-built statements from their
tables) and the benchmarks' index decisions live in migrations (e.g. 0027 dropped indexes a
unique key already leads): a model that still declares a dropped index, or a migration that
forgets one a model declares, would leave a fresh database unlike a migrated one."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel


def test_migrated_schema_is_what_the_models_declare(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_no_index_is_the_leading_part_of_another(engine: Engine) -> None:
    """Every index is written with its row; one whose columns lead another index (or the
    unique key's) serves no query the longer one does not serve."""
    inspector = inspect(engine)
    redundant = []
    for table in inspector.get_table_names():
        keyed = [tuple(ix["column_names"]) for ix in inspector.get_indexes(table)]
        keyed += [tuple(uq["column_names"]) for uq in inspector.get_unique_constraints(table)]
        for index in inspector.get_indexes(table):
            columns = tuple(index["column_names"])
            if index.get("dialect_options", {}).get("postgresql_where") or index["unique"]:
                continue
            longer = [k for k in keyed if len(k) > len(columns) and k[: len(columns)] == columns]
            if longer:
                redundant.append((table, index["name"], longer))
    assert redundant == []
