"""A Vorlage already loaded in the session is read by its municipality's staff without a
query (``listing.get_proposal``, issue 14: GET …/actions loads it with the firing's first
query); everybody else still goes through the read clause, loaded or not."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from tests.conftest import World
from tests.integration.flow import new_proposal
from workflow.context import SYSTEM
from workflow.db import unit_of_work
from workflow.errors import NotFound
from workflow.models import Proposal
from workflow.services.listing import get_proposal


def test_a_loaded_draft_is_read_by_its_staff_alone(world: World) -> None:
    pid = new_proposal(world)  # a draft: internal work of Ilsfeld's administration
    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    with unit_of_work(world.engine) as session:
        loaded = session.get(Proposal, pid)  # held: the identity map keeps weak references
        assert loaded is not None
        event.listen(world.engine, "before_cursor_execute", count)
        try:
            for staff in (world["ilsfeld.clerk"], world["ilsfeld.mayor"], SYSTEM):
                assert get_proposal(session=session, actor=staff, proposal_id=pid) is loaded
            assert sent == []
            for outsider in ("ilsfeld.council", "flein.clerk", "flein.council"):
                with pytest.raises(NotFound):
                    get_proposal(session=session, actor=world[outsider], proposal_id=pid)
            assert len(sent) == 3  # each asked the database
            with pytest.raises(NotFound):
                get_proposal(session=session, actor=None, proposal_id=pid)  # anonymous
        finally:
            event.remove(world.engine, "before_cursor_execute", count)
