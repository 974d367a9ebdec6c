"""Migration 0032 (``user.credentials_version``) goes down and up again; the account keeps
its row, and the config-version triggers on "user" (migration 0023) survive both ways."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from tests.integration.test_bias_notice_migration import _to, scratch  # noqa: F401 (fixture)


def _triggers_on_user(engine: Engine) -> int:
    query = (
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'user'"
        if engine.dialect.name == "sqlite"
        else "SELECT count(*) FROM information_schema.triggers"
        " WHERE event_object_table = 'user' AND trigger_schema = current_schema()"
    )
    with engine.connect() as conn:
        return int(conn.execute(text(query)).scalar_one())


def test_migration_0032_goes_down_and_up_again(scratch: Engine) -> None:  # noqa: F811
    _to(scratch, "head")
    triggers = _triggers_on_user(scratch)
    assert triggers > 0
    with scratch.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO municipality (id, name, subdivision, settings)"
                " VALUES (1, 'Ilsfeld', 'BW', '{}')"
            )
        )
        conn.execute(
            text(
                'INSERT INTO "user" (id, username, full_name, role, municipality_id, disabled,'
                " finance_office, mail_off, created_at)"
                " VALUES (1, 'ilsfeld.clerk', 'Clara Klar', 'clerk', 1, false, false, '[]',"
                " '2026-12-07 10:00:00')"
            )
        )
    columns = {c["name"] for c in inspect(scratch).get_columns("user")}
    assert "credentials_version" in columns
    _to(scratch, "0031", down=True)
    assert "credentials_version" not in {c["name"] for c in inspect(scratch).get_columns("user")}
    assert _triggers_on_user(scratch) == triggers
    _to(scratch, "head")
    with scratch.connect() as conn:
        row = conn.execute(text('SELECT username, credentials_version FROM "user"')).one()
    assert tuple(row) == ("ilsfeld.clerk", 0)
    assert _triggers_on_user(scratch) == triggers
