"""Who acts, and the context a guard or action sees while one trigger fires."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from workflow.loaded_rows import Rider

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Actor:
    """A user as the engine sees it; ``system`` fires expiry actions and automatic steps."""

    username: str
    role: str
    municipality_id: int | None = None
    user_id: int | None = None
    person_id: int | None = None
    district_id: int | None = None
    # Stellvertretung: set while a deputy acts for an absent holder (workflow.deputies);
    # ``username`` stays the deputy's, ``user_id`` and ``role`` are the holder's.
    on_behalf_of: str | None = None
    on_behalf_of_name: str | None = None
    acting_user_id: int | None = None

    @property
    def is_system(self) -> bool:
        return self.role == "system"


SYSTEM = Actor(username="system", role="system")


def local_date(moment: datetime, tz: ZoneInfo = BERLIN) -> date:
    """Legal deadlines run on calendar dates in Europe/Berlin, whatever UTC says."""
    return moment.astimezone(tz).date()


@dataclass
class FiringContext:
    session: Session
    kind: str
    instance: Any
    actor: Actor
    now: datetime
    trigger: str
    source: str
    dest: str
    data: Mapping[str, Any] = field(default_factory=dict)
    comment: str | None = None
    tz: ZoneInfo = BERLIN
    # Facts actions want to put into the audit event (e.g. the resolution's vote count).
    audit_data: dict[str, Any] = field(default_factory=dict)
    # For actions that start or fire other instances (sending a district's request opens
    # one response per municipality) and link to them in notifications. A
    # ``workflow.definitions.machines.Workflows``; typed loosely because the machines are built
    # on this context (no import circle); readers annotate it (``Workflows | None``).
    workflows: Any = None
    base_url: str = ""
    # What one action hands to the next of the same firing instead of reading it back
    # (e.g. the co-signers just asked, for their notification).
    handed_on: dict[str, Any] = field(default_factory=dict)
    # Writes that go out with the firing's versioned UPDATE and only if it wins (a task
    # message's notices and e-mails; ``workflow.loaded_rows.Rider``, issue 14).
    riding: list[Rider] = field(default_factory=list)

    @property
    def today(self) -> date:
        return local_date(self.now, self.tz)
