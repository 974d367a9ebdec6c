"""Migration 0033 (``papersaccess``, personal links to a Sitzungsmappe) goes down and up
again: the table with its unique hash and indexes, gone and back."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from tests.integration.test_bias_notice_migration import _to, scratch  # noqa: F401 (fixture)


def test_migration_0033_goes_down_and_up_again(scratch: Engine) -> None:  # noqa: F811
    _to(scratch, "head")
    assert "papersaccess" in inspect(scratch).get_table_names()
    _to(scratch, "0032", down=True)
    assert "papersaccess" not in inspect(scratch).get_table_names()
    _to(scratch, "head")
    found = inspect(scratch)
    assert {c["name"] for c in found.get_columns("papersaccess")} == {
        "id", "token_sha256", "meeting_id", "person_id", "created_at", "expires_at",
    }  # fmt: skip
    assert {i["name"] for i in found.get_indexes("papersaccess")} >= {
        "ix_papersaccess_meeting_id",
        "ix_papersaccess_person_id",
    }
    unique = [u["column_names"] for u in found.get_unique_constraints("papersaccess")]
    indexed_unique = [i["column_names"] for i in found.get_indexes("papersaccess") if i["unique"]]
    assert ["token_sha256"] in unique + indexed_unique
