"""Who hears of a due deadline, and what they read (German), written to outbox and inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from workflow.models import Body, Deadline, Meeting, Notification, OutboxMessage, Proposal, User
from workflow.spec import DeadlineRuleSpec, Recipients

SUBJECT_PREFIX = {
    "reminder": "Erinnerung",
    "escalation": "Frist überschritten",
    "expiry": "Frist abgelaufen",
}


@dataclass(frozen=True)
class Subject:
    """What the deadline is about, in words and as a link."""

    title: str
    link: str


def describe_instance(session: Session, deadline: Deadline, base_url: str) -> Subject:
    base = base_url.rstrip("/")
    if deadline.instance_type == "proposal":
        proposal = session.get(Proposal, deadline.instance_id)
        if proposal is not None:
            return Subject(
                f"Vorlage {proposal.label}: {proposal.title}", f"{base}/vorlagen/{proposal.id}"
            )
    if deadline.instance_type == "meeting":
        meeting = session.get(Meeting, deadline.instance_id)
        if meeting is not None:
            body = session.get(Body, meeting.body_id)
            name = body.name if body else "Gremium"
            return Subject(
                f"Sitzung {name} am {meeting.meeting_date:%d.%m.%Y}",
                f"{base}/sitzungen/{meeting.id}",
            )
    return Subject(f"{deadline.instance_type} {deadline.instance_id}", base)


def recipients(session: Session, deadline: Deadline, instance: Any, who: Recipients) -> list[User]:
    """Users of the instance's municipality holding one of the roles, plus the owner."""
    users: dict[int, User] = {}
    if who.roles and deadline.municipality_id is not None:
        for user in session.exec(
            select(User).where(
                User.municipality_id == deadline.municipality_id,
                col(User.role).in_(who.roles),
                ~col(User.disabled),
            )
        ):
            users[user.id or 0] = user
    owner_id = getattr(instance, "author_id", None)
    if who.owner and owner_id is not None:
        owner = session.get(User, owner_id)
        if owner is not None and not owner.disabled:
            users[owner.id or 0] = owner
    return [users[k] for k in sorted(users)]


def compose(
    kind: str, deadline: Deadline, rule: DeadlineRuleSpec, subject: Subject
) -> tuple[str, str]:
    """German subject and body: what is due, by when, for which Vorlage or Sitzung, a link."""
    due = f"{deadline.due_date:%d.%m.%Y}"
    title = f"{SUBJECT_PREFIX[kind]}: {deadline.label} – {subject.title} (bis {due})"
    lines = [
        "Guten Tag,",
        "",
    ]
    if kind == "reminder":
        lines.append(f"die Frist „{deadline.label}“ läuft am {due} ab.")
    elif kind == "escalation":
        lines.append(
            f"die Frist „{deadline.label}“ ist am {due} abgelaufen und noch nicht erledigt."
        )
    else:
        lines.append(f"die Frist „{deadline.label}“ ist mit Ablauf des {due} verstrichen.")
    lines += [
        "",
        f"Betrifft: {subject.title}",
        f"Rechtsgrundlage: {rule.legal_basis}" if rule.legal_basis else "",
        "",
        "Berechnung der Frist:",
        deadline.explanation,
        "",
        f"Zur Bearbeitung: {subject.link}",
        "",
        "Diese Nachricht wurde von Ratsflow automatisch erstellt.",
    ]
    return title, "\n".join(line for line in lines if line is not None)


def notify(
    session: Session,
    *,
    act_key: str,
    kind: str,
    deadline: Deadline,
    rule: DeadlineRuleSpec,
    instance: Any,
    who: Recipients,
    base_url: str,
    now: datetime,
) -> int:
    """One outbox e-mail and one in-app notice per recipient, keyed so it exists once."""
    subject = describe_instance(session, deadline, base_url)
    title, body = compose(kind, deadline, rule, subject)
    written = 0
    for user in recipients(session, deadline, instance, who):
        key = f"{act_key}:user:{user.id}"
        if session.exec(select(Notification.id).where(Notification.key == key)).first():
            continue
        session.add(
            Notification(
                key=key,
                user_id=user.id or 0,
                kind=kind,
                title=title,
                body=body,
                link=subject.link,
                instance_type=deadline.instance_type,
                instance_id=deadline.instance_id,
                deadline_id=deadline.id,
                created_at=now,
            )
        )
        if user.email:
            session.add(
                OutboxMessage(
                    key=key,
                    user_id=user.id,
                    to_address=user.email,
                    subject=title,
                    body=body,
                    created_at=now,
                    next_attempt_at=now,
                )
            )
        written += 1
    return written
