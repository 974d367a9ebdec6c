"""Who hears of a due deadline, and what they read (German), written to outbox and inbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from sqlmodel import Session, col, select

from workflow.context import BERLIN, local_date
from workflow.deadlines.notice_rows import insert_notices, ride_notices
from workflow.definitions.spec import DeadlineRuleSpec, Recipients
from workflow.deputies import acting_deputy, with_deputies
from workflow.documents import german
from workflow.documents.german import quoted
from workflow.law.budget_coverage import format_euro
from workflow.loaded_rows import Rider
from workflow.meeting_titles import meeting_title
from workflow.models import (
    AgendaItem,
    Body,
    CouncilRequest,
    DecisionRequest,
    DecisionResponse,
    Meeting,
    Municipality,
    Proposal,
    User,
)
from workflow.subject_lines import named, proposal_named

# The kinds of e-mail a user may switch off, as the settings page names them. The invitation
# to a meeting (§ 34 Abs. 1 GemO) is not among them: it must reach every member.
MAIL_KINDS = {
    "cosign": "Bitte um Mitzeichnung einer Vorlage",
    "release": "Vorlage wartet auf Ihre Freigabe",
    "returned": "Ihre Vorlage wurde zurückgegeben",
    "minutes": "Niederschrift zur Unterzeichnung",
    # the in-app notice stays, and the session screen shows it at the item (§ 18 Abs. 4 GemO)
    "bias_notice": "Mitteilungen möglicher Befangenheit vor einer Sitzung",
    "deadline": "Erinnerungen und Warnungen zu Fristen",
    "request": "Abfragen des Landratsamts",
}
DEADLINE_KINDS = ("reminder", "escalation", "expiry")


def mail_kind(message_kind: str) -> str:
    """The switchable kind a message belongs to (deadline acts share one switch)."""
    return "deadline" if message_kind in DEADLINE_KINDS else message_kind


def wants_mail(user: User, message_kind: str) -> bool:
    return bool(user.email) and mail_kind(message_kind) not in (user.mail_off or [])


SUBJECT_PREFIX = {
    "reminder": "Erinnerung",
    "escalation": "Frist überschritten",
    "expiry": "Frist abgelaufen",
}


class DeadlineFacts(Protocol):
    """What a message reads of a deadline: a ``Deadline`` or a plain row of its table (the
    sweep reads rows where it changes nothing)."""

    @property
    def id(self) -> int | None: ...
    @property
    def instance_type(self) -> str: ...
    @property
    def instance_id(self) -> int: ...
    @property
    def municipality_id(self) -> int | None: ...
    @property
    def rule(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def due_date(self) -> date: ...
    @property
    def explanation(self) -> str: ...


@dataclass(frozen=True)
class Subject:
    """What the deadline is about, in words and as a link; ``heading`` where an e-mail's
    subject must name it otherwise: a non-public matter without its title
    (``workflow.subject_lines``)."""

    title: str
    link: str
    heading: str | None = None

    @property
    def in_subject(self) -> str:
        """How the subject line names it."""
        return self.heading or self.title


def describe_instance(
    session: Session, deadline: DeadlineFacts, base_url: str, instance: Any = None
) -> Subject:
    """The deadline's subject in words and as a link; ``instance`` when the caller has it
    loaded already (the sweep), else it is looked up."""
    base = base_url.rstrip("/")
    if deadline.instance_type == "proposal":
        proposal = (
            instance
            if isinstance(instance, Proposal)
            else session.get(Proposal, deadline.instance_id)
        )
        if proposal is not None:
            return Subject(
                f"Vorlage {proposal.label}: {proposal.title}",
                f"{base}/vorlagen/{proposal.id}",
                proposal_named(proposal),
            )
    if deadline.instance_type == "meeting":
        meeting = (
            instance
            if isinstance(instance, Meeting)
            else session.get(Meeting, deadline.instance_id)
        )
        if meeting is not None:
            body = session.get(Body, meeting.body_id)
            return Subject(
                meeting_title(body.name if body else None, meeting.meeting_date),
                f"{base}/sitzungen/{meeting.id}",
            )
    if deadline.instance_type == "decision_request":
        request = session.get(DecisionRequest, deadline.instance_id)
        if request is not None:
            return Subject(f"Abfrage {quoted(request.title)}", f"{base}/abfragen/{request.id}")
    if deadline.instance_type == "decision_response":
        response = session.get(DecisionResponse, deadline.instance_id)
        request = session.get(DecisionRequest, response.request_id) if response else None
        town = session.get(Municipality, response.municipality_id) if response else None
        if response is not None and request is not None and town is not None:
            return Subject(
                # The deadline's label says "Antwort"; this names whose.
                f"Abfrage {quoted(request.title)}, Gemeinde {town.name}",
                f"{base}/abfragen/{request.id}/antworten/{response.id}",
            )
    if deadline.instance_type == "council_request":
        council_request = session.get(CouncilRequest, deadline.instance_id)
        if council_request is not None:
            return Subject(
                f"Antrag {quoted(council_request.subject)}",
                f"{base}/antraege/{council_request.id}",
                named(
                    f"Antrag vom {german.day(council_request.received_on)}",
                    council_request.subject,
                    public=_request_public(session, council_request),
                ),
            )
    return Subject(f"{deadline.instance_type} {deadline.instance_id}", base)


def _request_public(session: Session, request: CouncilRequest) -> bool:
    """An Antrag is as public as what it became: a non-public Vorlage or agenda item keeps
    its subject out of e-mail subjects too (§ 35 Abs. 1 GemO)."""
    became = session.get(Proposal, request.proposal_id) if request.proposal_id else None
    item = session.get(AgendaItem, request.agenda_item_id) if request.agenda_item_id else None
    return (became is None or became.public) and (item is None or item.public)


def details(session: Session, deadline: DeadlineFacts, instance: Any, now: datetime) -> list[str]:
    """Facts that help the reader act: amounts, options, the earliest decision date, or who
    has not answered yet."""
    if isinstance(instance, DecisionResponse):
        request = session.get(DecisionRequest, instance.request_id)
        if request is None:
            return []
        lines = ["Optionen: " + "; ".join(o.get("label", "") for o in request.options)]
        lines.append(f"Ohne Antwort gilt: {request.option_label(request.default_option)}")
        if instance.amount is not None:
            lines.append(f"Betrag bei eigener Durchführung: {format_euro(instance.amount)}")
        proposal = session.get(Proposal, instance.proposal_id) if instance.proposal_id else None
        if proposal is not None:
            from workflow.deadlines.planning import earliest_decision_date

            earliest = earliest_decision_date(session, proposal, now.astimezone(BERLIN).date())
            if earliest is None:
                lines.append(
                    f"Achtung: Für Vorlage {proposal.label} ist keine Sitzung geplant, "
                    "die rechtzeitig beschließen kann."
                )
            elif earliest > request.reply_deadline:
                lines.append(
                    f"Achtung: Vorlage {proposal.label} kann frühestens am {german.day(earliest)} "
                    "beschlossen werden – nach der Antwortfrist "
                    f"({german.day(request.reply_deadline)})."
                )
            else:
                lines.append(
                    f"Frühestmöglicher Beschluss zu Vorlage {proposal.label}: "
                    + german.day(earliest)
                )
        return lines
    if isinstance(instance, DecisionRequest):
        from workflow.rules.decision_rules import pending_responses

        names = []
        for response in pending_responses(session, instance.id or 0):
            town = session.get(Municipality, response.municipality_id)
            names.append(town.name if town else str(response.municipality_id))
        return (
            [f"Noch ohne abschließende Antwort ({len(names)}): " + ", ".join(names)]
            if names
            else []
        )
    return []


def _field(instance: Any, name: str) -> Any:
    """``getattr(instance, name, None)`` without pydantic's slow path for a missing name."""
    return getattr(instance, name) if name in type(instance).model_fields else None


def role_holders(
    session: Session, deadline: DeadlineFacts, instance: Any, who: Recipients
) -> dict[int, User]:
    """Users of the instance's municipality holding one of the roles, and the coordinators of
    its district for ``district_coordinator``."""
    users: dict[int, User] = {}
    local_roles = [r for r in who.roles if r != "district_coordinator"]
    if local_roles and deadline.municipality_id is not None:
        for user in session.exec(
            select(User).where(
                User.municipality_id == deadline.municipality_id,
                col(User.role).in_(local_roles),
                ~col(User.disabled),
            )
        ):
            users[user.id or 0] = user
    if "district_coordinator" not in who.roles:
        return users
    district_id = _field(instance, "district_id")
    if district_id is None and deadline.municipality_id is not None:
        municipality = session.get(Municipality, deadline.municipality_id)
        district_id = municipality.district_id if municipality else None
    if district_id is not None:
        for user in session.exec(
            select(User).where(
                User.district_id == district_id,
                User.role == "district_coordinator",
                ~col(User.disabled),
            )
        ):
            users[user.id or 0] = user
    return users


def _with_owner(
    session: Session, users: dict[int, User], instance: Any, who: Recipients
) -> list[User]:
    owner_id = _field(instance, "author_id")
    if who.owner and owner_id is not None:
        owner = session.get(User, owner_id)
        if owner is not None and not owner.disabled:
            users = {**users, owner.id or 0: owner}
    return [users[k] for k in sorted(users)]


def recipients(
    session: Session, deadline: DeadlineFacts, instance: Any, who: Recipients
) -> list[User]:
    """Users of the instance's municipality holding one of the roles, the coordinators of its
    district for ``district_coordinator``, plus the owner."""
    return _with_owner(session, role_holders(session, deadline, instance, who), instance, who)


def mail_footer(base_url: str | None = None) -> str:
    """The last line of every e-mail; ``base_url`` for recipients with an account, who choose
    their e-mails on their settings page (invited members without one have none)."""
    made = "Diese Nachricht wurde von Ratsflow automatisch erstellt."
    if base_url is None:
        return made
    settings = f"{base_url.rstrip('/')}/einstellungen"
    return f"{made} Welche E-Mails Sie erhalten, stellen Sie unter {settings} ein."


def compose(
    kind: str,
    deadline: DeadlineFacts,
    rule: DeadlineRuleSpec,
    subject: Subject,
    extra: list[str] | None = None,
    base_url: str | None = None,
    today: date | None = None,
) -> tuple[str, str]:
    """German subject and body: what is due, by when, for which Vorlage or Sitzung, a link."""
    due = german.day(deadline.due_date)
    title = f"{SUBJECT_PREFIX[kind]}: {deadline.label} – {subject.in_subject} (bis {due})"
    lines: list[str | None] = [
        "Guten Tag,",
        "",
    ]
    if kind == "reminder":
        # Each reminder says how near the day is: the second is not a copy of the first.
        left = (deadline.due_date - today).days if today is not None else -1
        when = {0: "heute", 1: "morgen"}.get(left, f"in {left} Tagen" if left > 1 else "")
        on = f"{when}, am {due}," if when else f"am {due}"  # the date as an apposition
        lines.append(f"die Frist „{deadline.label}“ läuft {on} ab.")
    elif kind == "escalation":
        lines.append(
            f"die Frist „{deadline.label}“ ist am {due} abgelaufen und noch nicht erledigt."
        )
    else:
        lines.append(f"die Frist „{deadline.label}“ ist mit Ablauf des {due} verstrichen.")
    lines += [
        "",
        f"Betrifft: {subject.title}",
        f"Rechtsgrundlage: {rule.legal_basis}" if rule.legal_basis else None,
        "",
        *(extra or []),
        *([""] if extra else []),
        "Berechnung der Frist:",
        deadline.explanation,
        "",
        f"Zur Bearbeitung: {subject.link}",
        "",
        mail_footer(base_url),
    ]
    return title, "\n".join(line for line in lines if line is not None)


@dataclass(frozen=True)
class Message:
    kind: str  # reminder | escalation | expiry, or a task kind of MAIL_KINDS
    title: str
    body: str
    link: str | None
    instance_type: str | None
    instance_id: int | None
    deadline_id: int | None = None


class KeyTaken(Exception):
    """A notice the batch wanted to write exists already: the sweep redoes the batch act by
    act, which skips it exactly as ``send_to`` does."""


@dataclass
class Batch:
    """What the acts of one sweep batch share (one transaction): the recipients and deputies
    looked up so far (the sweep hands the same ones to all batches of a run), the subjects
    and texts, and the notices and e-mails, inserted together by ``write``."""

    recipients: dict[tuple[Any, ...], dict[int, User]] = field(default_factory=dict)
    deputies: dict[tuple[int, date], User | None] = field(default_factory=dict)
    # The users told, deputies included, per holders and day; the subject per instance;
    # the composed text per what it says: acts of the batch repeat them.
    told: dict[tuple[Any, ...], list[User]] = field(default_factory=dict)
    subjects: dict[tuple[str, int], Subject] = field(default_factory=dict)
    texts: dict[tuple[Any, ...], tuple[str, str]] = field(default_factory=dict)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)  # ``_mail_row``s

    def with_deputies(self, session: Session, users: list[User], day: date) -> list[User]:
        """``deputies.with_deputies``, each holder's deputy looked up once per batch."""
        result: dict[int, User] = {u.id or 0: u for u in users}
        for user in users:
            cache = (user.id or 0, day)
            if cache not in self.deputies:
                self.deputies[cache] = acting_deputy(session, user, day)
            deputy = self.deputies[cache]
            if deputy is not None:
                result.setdefault(deputy.id or 0, deputy)
        return list(result.values())

    def write(self, session: Session) -> None:
        """Insert the collected rows with ``insert_notices``. The notices go in with
        ``ON CONFLICT (key) DO NOTHING``; none should exist (the acts are claimed, their keys
        unique), and should one after all, ``KeyTaken`` makes the sweep redo the batch act by
        act, as before, so that each act's note counts only the notices it wrote."""
        if not self.notifications:
            return
        new = insert_notices(session, self.notifications, self.outbox)
        if len(new) < len({row["key"] for row in self.notifications}):
            raise KeyTaken  # the e-mails written with them go back with the savepoint
        self.notifications.clear()
        self.outbox.clear()


def _notification_row(key: str, user: User, message: Message, now: datetime) -> dict[str, Any]:
    return {
        "key": key,
        "user_id": user.id or 0,
        "kind": message.kind,
        "title": message.title,
        "body": message.body,
        "link": message.link,
        "instance_type": message.instance_type,
        "instance_id": message.instance_id,
        "deadline_id": message.deadline_id,
        "created_at": now,
        "read_at": None,
    }


def _mail_row(key: str, user: User) -> dict[str, Any]:
    return {"key": key, "municipality_id": user.municipality_id, "to_address": user.email}


def send_to(
    session: Session,
    *,
    key_prefix: str,
    users: list[User],
    message: Message,
    now: datetime,
    batch: Batch | None = None,
    riding: list[Rider] | None = None,
) -> int:
    """One in-app notice per user and an outbox e-mail unless the user switched that kind
    off, each keyed so it exists once: a key already written (by an earlier call or a
    concurrent transaction) writes neither again. With a ``batch`` the rows are collected
    for its bulk insert (and their keys checked there); with ``riding`` (a firing's, see
    ``FiringContext.riding``) they go out with the firing's versioned UPDATE."""
    if batch is not None:
        for user in users:
            key = f"{key_prefix}:user:{user.id}"
            batch.notifications.append(_notification_row(key, user, message, now))
            if user.email and wants_mail(user, message.kind):
                batch.outbox.append(_mail_row(key, user))
        return len(users)
    unique = {f"{key_prefix}:user:{user.id}": user for user in users}
    if not unique:
        return 0
    # All recipients' notices and the e-mails of the new ones (issue 14): the keys written now.
    notices = [_notification_row(key, user, message, now) for key, user in unique.items()]
    mails = [
        _mail_row(key, user)
        for key, user in unique.items()
        if user.email and wants_mail(user, message.kind)
    ]
    if riding is not None and ride_notices(riding, notices, mails):
        return len(notices)  # counted as written: a firing's notices are new
    return len(insert_notices(session, notices, mails))


def notify(
    session: Session,
    *,
    act_key: str,
    kind: str,
    deadline: DeadlineFacts,
    rule: DeadlineRuleSpec,
    instance: Any,
    who: Recipients,
    base_url: str,
    now: datetime,
    batch: Batch | None = None,
) -> int:
    """Tell the rule's recipients that a deadline is coming, has passed, or has expired."""
    if batch is None:
        subject = describe_instance(session, deadline, base_url)
        extra = details(session, deadline, instance, now)
        title, body = compose(kind, deadline, rule, subject, extra, base_url, local_date(now))
    else:
        # The same, each instance described once per batch and each distinct text composed
        # once (acts of one batch often share the deadline rule, day and instance).
        where = (deadline.instance_type, deadline.instance_id)
        subject = batch.subjects.get(where) or batch.subjects.setdefault(
            where, describe_instance(session, deadline, base_url, instance)
        )
        extra = details(session, deadline, instance, now)
        said = (
            kind,
            deadline.label,
            deadline.due_date,
            deadline.explanation,
            rule.legal_basis,
            subject,
            tuple(extra),
        )
        text = batch.texts.get(said)
        if text is None:
            text = batch.texts[said] = compose(
                kind, deadline, rule, subject, extra, base_url, local_date(now)
            )
        title, body = text
    message = Message(
        kind=kind,
        title=title,
        body=body,
        link=subject.link,
        instance_type=deadline.instance_type,
        instance_id=deadline.instance_id,
        deadline_id=deadline.id,
    )
    day = now.astimezone(BERLIN).date()
    if batch is None:
        # An absent recipient's acting deputy hears of it too (Stellvertretung, § 48 GemO).
        users = with_deputies(session, recipients(session, deadline, instance, who), day)
    else:
        # The same, the role holders looked up once per batch for the same municipality and
        # roles, the owner added (preloaded by the sweep), the deputies once per holder.
        holders = (
            deadline.municipality_id,
            _field(instance, "district_id") if "district_coordinator" in who.roles else None,
            tuple(who.roles),
        )
        if holders not in batch.recipients:
            batch.recipients[holders] = role_holders(session, deadline, instance, who)
        owner = _field(instance, "author_id") if who.owner else None
        told = (holders, owner, day)
        users = batch.told.get(told) or []
        if told not in batch.told:
            found = _with_owner(session, batch.recipients[holders], instance, who)
            users = batch.told[told] = batch.with_deputies(session, found, day)
    return send_to(session, key_prefix=act_key, users=users, message=message, now=now, batch=batch)
