"""municipality.config_version: a new random value whenever its configuration is written

Triggers on ``body``, ``user`` and ``absence`` give the municipality concerned a new random
``config_version`` on every insert, update and delete, whoever writes (the application or
an administrator in SQL). ``workflow.config_cache`` serves a firing's bodies, role holders
and absences from a copy made under the version the firing read with its row lock
(issue 14). Random rather than counted: a database emptied and filled again (a restore, a
test's TRUNCATE … RESTART IDENTITY) never repeats a version a running process has cached.

SQLite drops a table's triggers when a migration recreates the table (``batch_alter_table``
on ``body``, ``user`` or ``absence``): such a migration must create them again
(``create_triggers``); tests/integration/test_config_cache.py fails if they are missing.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The municipality a row of each watched table belongs to, as SQL over NEW/OLD.
_OWNER = {
    "body": "{row}.municipality_id",
    "user": "{row}.municipality_id",
    "absence": '(SELECT municipality_id FROM "user" WHERE id = {row}.user_id)',
}

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION ratsflow_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owners integer[] := ARRAY[]::integer[];
BEGIN
    IF TG_OP <> 'INSERT' THEN
        owners := owners || CASE TG_TABLE_NAME
            WHEN 'absence' THEN (SELECT municipality_id FROM "user"
                                 WHERE id = (to_jsonb(OLD) ->> 'user_id')::integer)
            ELSE (to_jsonb(OLD) ->> 'municipality_id')::integer END;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        owners := owners || CASE TG_TABLE_NAME
            WHEN 'absence' THEN (SELECT municipality_id FROM "user"
                                 WHERE id = (to_jsonb(NEW) ->> 'user_id')::integer)
            ELSE (to_jsonb(NEW) ->> 'municipality_id')::integer END;
    END IF;
    UPDATE municipality SET config_version = (random() * 9e18)::bigint WHERE id = ANY(owners);
    RETURN NULL;
END $$
"""


def create_triggers(table: str) -> None:
    """The triggers of one watched table (both dialects)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f'CREATE TRIGGER ratsflow_config_{table} AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION ratsflow_config_changed()"
        )
        return
    rows = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}
    for event, names in rows.items():
        owners = ", ".join(_OWNER[table].format(row=name) for name in names)
        op.execute(
            f'CREATE TRIGGER ratsflow_config_{table}_{event} AFTER {event.upper()} ON "{table}" '
            f"BEGIN UPDATE municipality SET config_version = random() WHERE id IN ({owners}); END"
        )


def upgrade() -> None:
    op.add_column(
        "municipality",
        sa.Column("config_version", sa.BigInteger(), nullable=False, server_default="0"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
    for table in _OWNER:
        create_triggers(table)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in _OWNER:
        if postgres:
            op.execute(f'DROP TRIGGER ratsflow_config_{table} ON "{table}"')
        else:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER ratsflow_config_{table}_{event}")
    if postgres:
        op.execute("DROP FUNCTION ratsflow_config_changed()")
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("config_version")
