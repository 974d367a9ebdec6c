"""E-mails that carry documents: the invitation to each member, the Beschlussauszug to the
department that executes a final resolution. Both are actions of the definitions.

Written to the outbox in the firing transaction (delivered later by the sweep), keyed so a
member gets each once. Every recipient's text is built with the recipient's own rights, so
the non-public part of an agenda reaches only those entitled to it (§ 35 Abs. 1 GemO).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from workflow import page_links
from workflow.access import agenda_item_readable
from workflow.context import Actor, FiringContext
from workflow.definitions.registry import Action
from workflow.deputies import body_deputies, member_on
from workflow.documents.auszug import build_auszug
from workflow.documents.common import body_name, genitive
from workflow.documents.german import day
from workflow.documents.model import plain_text
from workflow.documents.sitzung import build_einladung, resolution_of
from workflow.models import (
    AgendaItem,
    Meeting,
    Membership,
    OutboxMessage,
    Person,
    Proposal,
    Resolution,
    User,
)
from workflow.queries import agenda, latest_resolution, meeting_of_item
from workflow.services.attachments import list_attachments
from workflow.services.setup import actor_for

FOOTER = "Diese Nachricht wurde von Ratsflow automatisch erstellt."


@dataclass(frozen=True)
class Invitee:
    person: Person
    user: User | None
    address: str
    heard: bool  # member of a body to be heard (§ 70 Abs. 1, § 65 Abs. 2 GemO)
    deputy: bool = False  # a member's personal deputy, who gets a copy (Stellvertretung)

    def actor(self) -> Actor:
        if self.user is not None:
            return actor_for(self.user)
        return Actor(
            username=f"person:{self.person.id}",
            role="council_member",
            municipality_id=self.person.municipality_id,
            person_id=self.person.id,
        )


def _members(session: Session, body_ids: Iterable[int], meeting: Meeting) -> list[int]:
    ids = list(set(body_ids))
    if not ids:
        return []
    rows = session.exec(select(Membership).where(col(Membership.body_id).in_(ids)))
    return sorted({m.person_id for m in rows if member_on(m, meeting.meeting_date)})


def invitees(session: Session, meeting: Meeting, items: list[AgendaItem]) -> list[Invitee]:
    """The members of the body, then those of the bodies to be heard on an item; people
    without an e-mail address (of their own or of their login) are left out."""
    heard_bodies: set[int] = set()
    for item in items:
        proposal = session.get(Proposal, item.proposal_id) if item.proposal_id else None
        if proposal is not None:
            heard_bodies.update(proposal.hearing_bodies)
    members = _members(session, [meeting.body_id], meeting)
    heard = [
        p for p in _members(session, heard_bodies - {meeting.body_id}, meeting) if p not in members
    ]
    # The members' personal deputies get a copy, so they can stand in (Hauptsatzung).
    deputies = sorted(
        {d for ds in body_deputies(session, meeting.body_id).values() for d in ds}
        - set(members)
        - set(heard)
    )
    # Persons and their accounts in two queries, not two per person (issue 14).
    wanted = [*members, *heard, *deputies]
    persons = (
        {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(wanted)))}
        if wanted
        else {}
    )
    users: dict[int, User] = {}
    if wanted:
        for u in session.exec(
            select(User)
            .where(col(User.person_id).in_(wanted), ~col(User.disabled))
            .order_by(col(User.id))
        ):
            users.setdefault(u.person_id or 0, u)
    result: list[Invitee] = []
    for person_id, is_heard in [*((p, False) for p in members), *((p, True) for p in heard)]:
        person = persons.get(person_id)
        if person is None:
            continue
        user = users.get(person_id)
        address = person.email or (user.email if user else None)
        if address:
            result.append(Invitee(person, user, address, is_heard))
    for person_id in deputies:
        person = persons.get(person_id)
        if person is None:
            continue
        user = users.get(person_id)
        address = person.email or (user.email if user else None)
        if address:
            result.append(Invitee(person, user, address, heard=False, deputy=True))
    return result


def _queue(
    session: Session,
    key: str,
    user: User | None,
    address: str,
    subject: str,
    body: str,
    ctx: FiringContext,
) -> None:
    if session.exec(select(OutboxMessage.id).where(OutboxMessage.key == key)).first():
        return
    session.add(
        OutboxMessage(
            key=key,
            user_id=user.id if user else None,
            municipality_id=ctx.instance.municipality_id,
            to_address=address,
            subject=subject,
            body=body,
            created_at=ctx.now,
            next_attempt_at=ctx.now,
        )
    )


def invitation_text(session: Session, meeting: Meeting, invitee: Invitee, base: str) -> str:
    """The Einladung as the invitee may read it, with links to the Sitzungsmappe and to
    each attachment (links, not files: mailboxes refuse large mails)."""
    actor = invitee.actor()
    items = [
        i
        for i in agenda(session, meeting.id or 0)
        if agenda_item_readable(session, actor, meeting, i)
    ]
    lines = [plain_text(build_einladung(session, meeting, items)).rstrip(), ""]
    if invitee.deputy:
        lines += [
            "Sie erhalten diese Einladung zur Kenntnis als Stellvertreterin oder Stellvertreter "
            "eines Mitglieds des Gremiums; sind Sie verhindert oder ist das Mitglied anwesend, "
            "ist nichts zu veranlassen.",
            "",
        ]
    if invitee.heard:
        lines += [
            "Sie erhalten diese Einladung als Mitglied eines Gremiums, das zu einem Gegenstand "
            "der Tagesordnung zu hören ist (§ 70 Abs. 1, § 65 Abs. 2 GemO).",
            "",
        ]
    lines.append(f"Sitzungsmappe (PDF): {base}{page_links.sitzungsmappe(meeting.id)}")
    files = list_attachments(
        session=session, actor=actor, kind="meeting", instance_id=meeting.id or 0
    )
    for item in items:
        if item.proposal_id is not None:
            files += list_attachments(
                session=session, actor=actor, kind="proposal", instance_id=item.proposal_id
            )
    if files:
        lines.append("Anlagen:")
        lines += [
            f"- {f.name} ({f.size} Bytes): {base}{page_links.attachment(f.id)}" for f in files
        ]
    lines += ["", FOOTER]
    return "\n".join(lines) + "\n"


def send_invitations(ctx: FiringContext) -> None:
    """§ 34 Abs. 1 S. 1 GemO: the invitation with the agenda and the documents goes to every
    member; members of bodies to be heard are invited too (§ 70 Abs. 1, § 65 Abs. 2 GemO)."""
    meeting: Meeting = ctx.instance
    session = ctx.session
    base = ctx.base_url.rstrip("/")
    items = agenda(session, meeting.id or 0)
    subject = (
        f"Einladung: Sitzung {genitive(body_name(session, meeting.body_id))} "
        f"am {day(meeting.meeting_date)}, {meeting.start_time} Uhr"
    )
    sent = 0
    for invitee in invitees(session, meeting, items):
        body = invitation_text(session, meeting, invitee, base)
        key = f"invitation:meeting:{meeting.id}:person:{invitee.person.id}"
        _queue(session, key, invitee.user, invitee.address, subject, body, ctx)
        sent += 1
    ctx.audit_data.update(invitations=sent)


def executing_department(session: Session, proposal: Proposal) -> list[User]:
    """Users of the proposal's Amt; without one, its author."""
    users: list[User] = []
    if proposal.department:
        users = list(
            session.exec(
                select(User)
                .where(
                    User.municipality_id == proposal.municipality_id,
                    User.department == proposal.department,
                    ~col(User.disabled),
                )
                .order_by(col(User.id))
            )
        )
    if not users and proposal.author_id is not None:
        author = session.get(User, proposal.author_id)
        users = [author] if author is not None and not author.disabled else []
    return users


def send_resolution_extract(ctx: FiringContext) -> None:
    """Once a resolution is final it is executed (Vollzug, § 43 Abs. 1 GemO): the
    Beschlussauszug goes to the department that executes it."""
    proposal: Proposal = ctx.instance
    session = ctx.session
    resolution: Resolution | None = latest_resolution(session, proposal.id or 0)
    if resolution is None or resolution.agenda_item_id is None:
        return
    item = session.get(AgendaItem, resolution.agenda_item_id)
    meeting = meeting_of_item(session, item)
    if item is None or meeting is None or resolution_of(session, item) is None:
        return
    document = build_auszug(session, meeting, item, resolution, agenda(session, meeting.id or 0))
    base = ctx.base_url.rstrip("/")
    link = base + page_links.item_document(meeting.id, item.id, "beschlussauszug", "pdf")
    body = f"{plain_text(document).rstrip()}\n\nAls PDF: {link}\n\n{FOOTER}\n"
    subject = f"Beschlussauszug zum Vollzug: Vorlage {proposal.label} – {proposal.title}"
    count = 0
    for user in executing_department(session, proposal):
        if user.email:
            key = f"extract:resolution:{resolution.id}:user:{user.id}"
            _queue(session, key, user, user.email, subject, body, ctx)
            count += 1
    ctx.audit_data.update(extracts=count)


ACTIONS = [
    Action("send_invitations", send_invitations),
    Action("send_resolution_extract", send_resolution_extract),
]
