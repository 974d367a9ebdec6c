"""What a page warns of before an action is taken: deadlines the action would open already
due (``due_on_entry``, from the engine's own due dates) and a Beschlusskontrolle that never
had a Vollzugsaufgabe. The action forms themselves are ``api.ui.actions``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from api.ui import formatting
from api.ui.action_forms import ActionForm
from workflow.context import Actor, local_date
from workflow.deadlines.lifecycle import StartingDeadline
from workflow.definitions.machines import Workflows
from workflow.models import ExecutionTask, Proposal
from workflow.services.deadline_service import deadlines_on_entry

NO_EXECUTION_TASK = "Zu diesem Beschluss wurde nie eine Vollzugsaufgabe erfasst."


def never_had_execution_task(session: Session, proposal_id: int) -> bool:
    """No Vollzugsaufgabe was ever recorded for the Vorlage's resolution, open or closed:
    "Vollzug abschließen" then closes a Beschlusskontrolle that never started."""
    found = session.exec(
        select(ExecutionTask.id).where(ExecutionTask.proposal_id == proposal_id).limit(1)
    ).first()
    return found is None


# Actions whose deadlines may start overdue, told beside the button before it is pressed:
# the co-signing "vor der ersten geplanten Sitzung" is due ten days before that meeting
# (papers with the invitation, § 34 Abs. 1 Satz 1 GemO), so a Vorlage submitted later
# reaches the co-signers already late and nobody had said so.
WARN_IF_DUE_ON_ENTRY = frozenset({"submit"})


@dataclass(frozen=True)
class DueOnEntry:
    """A deadline the action would open already due (today) or past, in words."""

    title: str
    text: str
    explanation: tuple[str, ...]


def due_on_entry(
    session: Session,
    workflows: Workflows,
    actor: Actor,
    proposal: Proposal,
    forms: Sequence[ActionForm],
    now: datetime,
) -> dict[str, list[DueOnEntry]]:
    """Per offered action (``WARN_IF_DUE_ON_ENTRY``), the deadlines it would open that are
    due today or already past: the engine's due dates (``deadlines_on_entry``), not a
    second computation here."""
    today = local_date(now)
    warnings: dict[str, list[DueOnEntry]] = {}
    for form in forms:
        if form.trigger not in WARN_IF_DUE_ON_ENTRY:
            continue
        for starting in deadlines_on_entry(
            session=session,
            workflows=workflows,
            actor=actor,
            kind="proposal",
            instance=proposal,
            trigger=form.trigger,
            now=now,
        ):
            if starting.due_date <= today:
                warnings.setdefault(form.trigger, []).append(
                    _due_words(starting, form.label, today)
                )
    return warnings


def _due_words(starting: StartingDeadline, action: str, today: date) -> DueOnEntry:
    """Which date and why: the due date, the day it is counted from with the rule's legal
    basis, and what to do instead."""
    rule = starting.rule
    due = formatting.date_de(starting.due_date)
    anchor = f"{starting.day_label} {formatting.date_de(starting.anchor)}"
    basis = f"; Rechtsgrundlage: {rule.legal_basis}" if rule.legal_basis else ""
    if rule.direction == "before":
        counted = f"Sie wird vom {anchor} zurückgerechnet{basis}."
    else:
        counted = f"Sie läuft ab dem {anchor}{basis}."
    if starting.due_date == today:
        title = "Frist endet schon heute"
        when = f"endet bei „{action}“ schon heute, am {due}."
        consequence = "Den Mitzeichnenden bliebe nur der heutige Tag."
    else:
        title = "Frist schon vor der Abgabe abgelaufen"
        when = f"wäre bei „{action}“ schon abgelaufen: Sie endete am {due}."
        consequence = "Die Mitzeichnung begänne überfällig."
    text = (
        f"Die Frist „{starting.label}“ {when} {counted} {consequence} Planen Sie die Beratung "
        "für eine spätere Sitzung ein (Beratungsfolge im Entwurf) oder stimmen Sie die "
        "Mitzeichnung vorab mit den Mitzeichnenden ab."
    )
    return DueOnEntry(title, text, tuple(starting.explanation.splitlines()))
