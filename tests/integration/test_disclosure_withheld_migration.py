"""Migration 0034 (``resolution.disclosure_withheld``, § 35 Abs. 1 S. 4 GemO) goes down and
up again: the two columns gone and back, the resolutions kept."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from tests.integration.test_bias_notice_migration import _to, scratch  # noqa: F401 (fixture)


def test_migration_0034_goes_down_and_up_again(scratch: Engine) -> None:  # noqa: F811
    added = {"disclosure_withheld", "disclosure_withheld_at"}
    _to(scratch, "head")
    assert added <= {c["name"] for c in inspect(scratch).get_columns("resolution")}
    _to(scratch, "0033", down=True)
    assert not added & {c["name"] for c in inspect(scratch).get_columns("resolution")}
    _to(scratch, "head")
    assert added <= {c["name"] for c in inspect(scratch).get_columns("resolution")}
