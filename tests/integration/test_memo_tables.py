"""``db.memo`` with a read of several tables (``((A, B), …)`` keys): read again once the
firing writes either of them, read through while such a write is pending, kept while
other tables are written (issue 14: the vote guards of GET …/actions share the attendance
changes, a read of two tables)."""

from __future__ import annotations

from tests.conftest import World
from workflow.db import memo, pinned, unit_of_work
from workflow.models import Body, Municipality, User


def test_a_read_of_two_tables_is_read_again_after_a_write_to_either(world: World) -> None:
    reads: list[int] = []

    def load() -> int:
        reads.append(len(reads) + 1)
        return reads[-1]

    key = ((Municipality, Body), "both")
    with unit_of_work(world.engine) as session, pinned(session):
        town = session.get(Municipality, world.data.ilsfeld.municipality.id)
        body = session.get(Body, world.body_id("Gemeinderat"))
        clerk = session.get(User, world.data.users["ilsfeld.clerk"].id)
        assert town is not None
        assert body is not None
        assert clerk is not None
        assert memo(session, key, load) == 1
        assert memo(session, key, load) == 1  # shared within the firing
        clerk.full_name = "Klara Sachbearbeiterin"  # another table: the copy stays
        session.flush()
        assert memo(session, key, load) == 1
        body.name = "Gemeinderat der Gemeinde Ilsfeld"
        assert memo(session, key, load) == 2  # pending: read through
        session.flush()
        assert memo(session, key, load) == 3  # written: read again, then shared
        assert memo(session, key, load) == 3
        town.name = "Ilsfeld (Landkreis Heilbronn)"
        session.flush()
        assert memo(session, key, load) == 4
        session.rollback()
