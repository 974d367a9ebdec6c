"""userdeputy: its writes give the municipality a new ``config_version`` too

Who acts for whom in Vertretung (§ 48 GemO, ``workflow.deputies.represented``) was read
with a query of its own on every GET …/actions (issue 14). Watched like bodies, users and
absences since migration 0023, it comes from ``workflow.config_cache`` as long as nothing
changed. A deputy belongs to the municipality of the user he stands in for
(``services.deputies.set_user_deputies`` refuses others), so the row's owner is its
``user_id``'s municipality, as for an absence.

As with migration 0023: SQLite drops a table's triggers when a migration recreates the table
(``batch_alter_table`` on ``userdeputy``); such a migration must create them again.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 23:15:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Migration 0023's function, with the rows owned through a user: absence and userdeputy.
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION ratsflow_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owners integer[] := ARRAY[]::integer[];
BEGIN
    IF TG_OP <> 'INSERT' THEN
        owners := owners || CASE WHEN TG_TABLE_NAME IN ('absence', 'userdeputy')
            THEN (SELECT municipality_id FROM "user"
                  WHERE id = (to_jsonb(OLD) ->> 'user_id')::integer)
            ELSE (to_jsonb(OLD) ->> 'municipality_id')::integer END;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        owners := owners || CASE WHEN TG_TABLE_NAME IN ('absence', 'userdeputy')
            THEN (SELECT municipality_id FROM "user"
                  WHERE id = (to_jsonb(NEW) ->> 'user_id')::integer)
            ELSE (to_jsonb(NEW) ->> 'municipality_id')::integer END;
    END IF;
    UPDATE municipality SET config_version = (random() * 9e18)::bigint WHERE id = ANY(owners);
    RETURN NULL;
END $$
"""

_OWNER = '(SELECT municipality_id FROM "user" WHERE id = {row}.user_id)'
_EVENTS = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER ratsflow_config_userdeputy AFTER INSERT OR UPDATE OR DELETE ON "
            "userdeputy FOR EACH ROW EXECUTE FUNCTION ratsflow_config_changed()"
        )
        return
    for event, names in _EVENTS.items():
        owners = ", ".join(_OWNER.format(row=name) for name in names)
        op.execute(
            f"CREATE TRIGGER ratsflow_config_userdeputy_{event} AFTER {event.upper()} ON "
            "userdeputy BEGIN UPDATE municipality SET config_version = random() "
            f"WHERE id IN ({owners}); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ratsflow_config_userdeputy ON userdeputy")
        return  # the function's extra case is harmless without the trigger
    for event in _EVENTS:
        op.execute(f"DROP TRIGGER ratsflow_config_userdeputy_{event}")
