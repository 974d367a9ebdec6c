"""E-mails that carry documents: the invitation to each member, the Beschlussauszug to the
department that executes a final resolution. Both are actions of the definitions.

Written to the outbox in the firing transaction (delivered later by the sweep), keyed so a
member gets each once. Every recipient's text is built with the recipient's own rights, so
the non-public part of an agenda reaches only those entitled to it (§ 35 Abs. 1 GemO).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from workflow import page_links, papers_access
from workflow.access import agenda_item_readable
from workflow.agenda_numbers import top_number
from workflow.context import Actor, FiringContext
from workflow.deadlines.notify import mail_footer
from workflow.definitions.registry import Action
from workflow.deputies import body_deputies, member_on
from workflow.documents.auszug import build_auszug
from workflow.documents.common import body_name
from workflow.documents.german import day, file_size
from workflow.documents.model import plain_text
from workflow.documents.sitzung import build_einladung, resolution_of, titled
from workflow.meeting_titles import genitive
from workflow.models import (
    AgendaItem,
    Attachment,
    Meeting,
    Membership,
    OutboxAttachment,
    OutboxMessage,
    Person,
    Proposal,
    Resolution,
    User,
)
from workflow.papers_access import person_actor
from workflow.queries import agenda, latest_resolution, meeting_of_item
from workflow.rules.proposal_actions import place_on_agenda
from workflow.services.attachments import list_attachments
from workflow.services.setup import actor_for
from workflow.settings import DEFAULT_MAIL_ATTACHMENT_MAX_BYTES
from workflow.subject_lines import proposal_named

FOOTER = mail_footer()  # invited members without an account have no settings page


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
        return person_actor(self.person)


def members_of(session: Session, body_ids: Iterable[int], meeting: Meeting) -> list[int]:
    """Person ids of the bodies' members with a seat on the session's day."""
    ids = list(set(body_ids))
    if not ids:
        return []
    rows = session.exec(select(Membership).where(col(Membership.body_id).in_(ids)))
    return sorted({m.person_id for m in rows if member_on(m, meeting.meeting_date)})


def invitation_address(person: Person, user: User | None) -> str | None:
    """Where a member's invitation goes: the address kept for the person (the admin enters
    it with the seat), else his account's; None: he is invited in writing."""
    return person.email or (user.email if user is not None and not user.disabled else None)


def members_without_address(
    session: Session, meeting: Meeting, reached: Iterable[Invitee]
) -> list[str]:
    """Members of the body whom no e-mail reaches: the invitation still has to go to them
    (§ 34 Abs. 1 GemO: every member), on paper or by hand."""
    got = {i.person.id for i in reached}
    missing = [p for p in members_of(session, [meeting.body_id], meeting) if p not in got]
    if not missing:
        return []
    people = session.exec(select(Person).where(col(Person.id).in_(missing)))
    return sorted(p.name for p in people)


def invitees(session: Session, meeting: Meeting, items: list[AgendaItem]) -> list[Invitee]:
    """The members of the body, then those of the bodies to be heard on an item; people
    without an e-mail address (of their own or of their login) are left out."""
    heard_bodies: set[int] = set()
    for item in items:
        proposal = session.get(Proposal, item.proposal_id) if item.proposal_id else None
        if proposal is not None:
            heard_bodies.update(proposal.hearing_bodies)
    members = members_of(session, [meeting.body_id], meeting)
    heard = [
        p
        for p in members_of(session, heard_bodies - {meeting.body_id}, meeting)
        if p not in members
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
        address = invitation_address(person, user)
        if address:
            result.append(Invitee(person, user, address, is_heard))
    for person_id in deputies:
        person = persons.get(person_id)
        if person is None:
            continue
        user = users.get(person_id)
        address = invitation_address(person, user)
        if address:
            result.append(Invitee(person, user, address, heard=False, deputy=True))
    return result


@dataclass(frozen=True)
class Letter:
    """One recipient's text and the files that go with it (the rest are links in the text)."""

    body: str
    files: list[Attachment] = field(default_factory=list)


def _queue(
    session: Session,
    key: str,
    user: User | None,
    address: str,
    subject: str,
    body: str,
    ctx: FiringContext | None = None,
    *,
    municipality_id: int | None = None,
    now: datetime | None = None,
    files: Iterable[Attachment] = (),
    new: bool = False,
) -> None:
    if not new and _queued(session, key):
        return
    at = ctx.now if ctx is not None else now
    assert at is not None
    message = OutboxMessage(
        key=key,
        user_id=user.id if user else None,
        municipality_id=ctx.instance.municipality_id if ctx is not None else municipality_id,
        to_address=address,
        subject=subject,
        body=body,
        created_at=at,
        next_attempt_at=at,
    )
    session.add(message)
    files = list(files)
    if files:
        session.flush()
        session.add_all(
            OutboxAttachment(
                outbox_message_id=message.id or 0,
                sha256=f.sha256,
                name=f.name,
                content_type=f.content_type,
                size=f.size,
            )
            for f in files
        )


def _queued(session: Session, key: str) -> bool:
    """Each message once (a firing repeated after a lost answer writes nothing new)."""
    return (
        session.exec(select(OutboxMessage.id).where(OutboxMessage.key == key)).first() is not None
    )


def split_files(
    files: Iterable[Attachment], max_bytes: int
) -> tuple[list[Attachment], list[Attachment]]:
    """(as files, as links): in their order, each file goes with the mail while all files
    together stay within ``max_bytes``; the others, and every one above it, as links."""
    attached: list[Attachment] = []
    linked: list[Attachment] = []
    total = 0
    seen: set[int | None] = set()
    for f in files:
        if f.id in seen:
            continue
        seen.add(f.id)
        if total + f.size <= max_bytes:
            attached.append(f)
            total += f.size
        else:
            linked.append(f)
    return attached, linked


def file_lines(
    attached: list[Attachment], linked: list[Attachment], base: str, *, signed_in: bool = True
) -> list[str]:
    """The Anlagen: those sent as files, then those to download. A recipient without an
    account (``signed_in`` False) cannot open a file's page: he finds them in his Mappe."""

    def line(f: Attachment) -> str:
        link = f": {base}{page_links.attachment(f.id)}" if signed_in else ""
        return f"- {f.name} ({file_size(f.size)}){link}"

    lines: list[str] = []
    if attached:
        lines.append("Anlagen (dieser E-Mail als Datei beigefügt):")
        lines += [line(f) for f in attached]
    if linked:
        lines.append(
            "Anlagen zum Herunterladen (zu groß für den Versand als Datei):"
            if signed_in
            else "Weitere Anlagen (zu groß für den Versand als Datei, in der Sitzungsmappe):"
        )
        lines += [line(f) for f in linked]
    return lines


def mappe_lines(
    session: Session, meeting: Meeting, invitee: Invitee, base: str, now: datetime
) -> list[str]:
    """The link to the Sitzungsmappe: an account holder signs in to open it; a member without
    an account gets a personal link that opens it without (``workflow.papers_access``)."""
    url = f"{base}{page_links.sitzungsmappe(meeting.id)}"
    if invitee.user is not None:
        return [f"Sitzungsmappe (PDF): {url}"]
    token = papers_access.grant(session, meeting, invitee.person, now)
    return [
        f"Sitzungsmappe (PDF, Ihr persönlicher Link bis {day(papers_access.last_day(meeting))}; "
        "bitte nicht weitergeben): "
        f"{url}?zugang={token}"
    ]


def _readable_files(
    session: Session, actor: Actor, meeting: Meeting | None, items: Iterable[AgendaItem]
) -> list[Attachment]:
    """The meeting's and the items' Vorlagen's Anlagen the recipient may read (§ 35 Abs. 1
    GemO: non-public files only for the entitled, as ``list_attachments`` decides)."""
    files: list[Attachment] = []
    if meeting is not None:
        files += list_attachments(
            session=session, actor=actor, kind="meeting", instance_id=meeting.id or 0
        )
    for item in items:
        if item.proposal_id is not None:
            files += list_attachments(
                session=session, actor=actor, kind="proposal", instance_id=item.proposal_id
            )
    return files


def invitation_text(
    session: Session,
    meeting: Meeting,
    invitee: Invitee,
    base: str,
    max_bytes: int = DEFAULT_MAIL_ATTACHMENT_MAX_BYTES,
    *,
    now: datetime,
) -> Letter:
    """The Einladung as the invitee may read it, with a link to the Sitzungsmappe; the
    Anlagen as files up to ``max_bytes`` together, the others as links."""
    actor = invitee.actor()
    items = [
        i
        for i in agenda(session, meeting.id or 0)
        if agenda_item_readable(session, actor, meeting, i)
    ]
    # The e-mail links the Sitzungsmappe (and attaches the Anlagen that fit): not "beigefügt".
    papers = "Die Sitzungsunterlagen finden Sie in der Sitzungsmappe (Link unten)."
    lines = [plain_text(build_einladung(session, meeting, items, papers)).rstrip(), ""]
    lines += _notes(invitee)
    lines += mappe_lines(session, meeting, invitee, base, now)
    attached, linked = split_files(_readable_files(session, actor, meeting, items), max_bytes)
    lines += file_lines(attached, linked, base, signed_in=invitee.user is not None)
    lines += ["", FOOTER]
    return Letter("\n".join(lines) + "\n", attached)


def _notes(invitee: Invitee) -> list[str]:
    lines: list[str] = []
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
    return lines


def _sitting(session: Session, meeting: Meeting) -> str:
    """``Sitzung des Gemeinderats am 23.04.2024, 18:00 Uhr``."""
    return (
        f"Sitzung {genitive(body_name(session, meeting.body_id))} "
        f"am {day(meeting.meeting_date)}, {meeting.start_time} Uhr"
    )


def send_invitations(
    ctx: FiringContext, max_bytes: int = DEFAULT_MAIL_ATTACHMENT_MAX_BYTES
) -> None:
    """§ 34 Abs. 1 S. 1 GemO: the invitation with the agenda and the documents goes to every
    member; members of bodies to be heard are invited too (§ 70 Abs. 1, § 65 Abs. 2 GemO)."""
    meeting: Meeting = ctx.instance
    session = ctx.session
    # the keys written before, in one query (a firing repeated writes nothing new, issue 14)
    written = set(
        session.exec(
            select(OutboxMessage.key).where(
                col(OutboxMessage.key).startswith(invitation_keys(meeting.id or 0))
            )
        )
    )
    sent = 0
    for invitee in invitees(session, meeting, agenda(session, meeting.id or 0)):
        if invitation_key(meeting, invitee.person) in written:
            continue
        queue_invitation(session, meeting, invitee, ctx.base_url, ctx.now, max_bytes, new=True)
        sent += 1
    ctx.audit_data.update(invitations=sent)


def invitation_keys(meeting_id: int) -> str:
    """The beginning of the keys of a session's invitations (one per member)."""
    return f"invitation:meeting:{meeting_id}:person:"


def invitation_key(meeting: Meeting, person: Person) -> str:
    """One invitation per member and session (``OutboxMessage.key``)."""
    return f"{invitation_keys(meeting.id or 0)}{person.id}"


def queue_invitation(
    session: Session,
    meeting: Meeting,
    invitee: Invitee,
    base_url: str,
    now: datetime,
    max_bytes: int = DEFAULT_MAIL_ATTACHMENT_MAX_BYTES,
    *,
    new: bool = False,
) -> None:
    """Write one member's invitation to the outbox (a key already written stays as it is;
    ``new``: the caller knows it is not)."""
    letter = invitation_text(session, meeting, invitee, base_url.rstrip("/"), max_bytes, now=now)
    _queue(
        session,
        invitation_key(meeting, invitee.person),
        invitee.user,
        invitee.address,
        f"Einladung: {_sitting(session, meeting)}",
        letter.body,
        municipality_id=meeting.municipality_id,
        now=now,
        files=letter.files,
        new=new,
    )


def send_supplement(
    *,
    session: Session,
    item: AgendaItem,
    now: datetime,
    base_url: str,
    max_bytes: int = DEFAULT_MAIL_ATTACHMENT_MAX_BYTES,
) -> int:
    """A Nachtrag to an agenda already sent reaches the members like the invitation did
    (§ 34 Abs. 1 S. 1 GemO); a non-public item only those entitled (§ 35 Abs. 1 GemO).
    An urgent addition in the running session (§ 34 Abs. 2) is announced there, not by
    mail. Returns the number of mails written."""
    meeting = session.get(Meeting, item.meeting_id)
    if not item.supplement or meeting is None or meeting.state != "invited":
        return 0
    base = base_url.rstrip("/")
    items = agenda(session, meeting.id or 0)
    sitting = _sitting(session, meeting)
    subject = f"Nachtrag zur Tagesordnung: {sitting}"
    number = top_number(session, item)
    count = 0
    for invitee in invitees(session, meeting, items):
        actor = invitee.actor()
        if not agenda_item_readable(session, actor, meeting, item):
            continue
        lines = [
            f"Die Tagesordnung der {sitting} wird ergänzt (Nachtrag, § 34 Abs. 1 GemO):",
            "",
            f"{'TOP ' if item.public else ''}{number} | {titled(item)}",
        ]
        if item.urgent_reason:
            lines.append(f"Dringlichkeit (§ 34 Abs. 2 GemO): {item.urgent_reason}")
        key = f"supplement:item:{item.id}:person:{invitee.person.id}"
        if _queued(session, key):
            continue
        lines += ["", *_notes(invitee)]
        lines += mappe_lines(session, meeting, invitee, base, now)
        attached, linked = split_files(_readable_files(session, actor, None, [item]), max_bytes)
        lines += file_lines(attached, linked, base, signed_in=invitee.user is not None)
        lines += ["", FOOTER]
        _queue(
            session,
            key,
            invitee.user,
            invitee.address,
            subject,
            "\n".join(lines) + "\n",
            municipality_id=meeting.municipality_id,
            now=now,
            files=attached,
        )
        count += 1
    return count


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
    # A resolution taken in a non-public item stays out of the subject too (§ 35 Abs. 1 GemO).
    named = proposal_named(proposal, public=item.public and resolution.public)
    subject = f"Beschlussauszug zum Vollzug: {named}"
    count = 0
    for user in executing_department(session, proposal):
        if user.email:
            key = f"extract:resolution:{resolution.id}:user:{user.id}"
            _queue(session, key, user, user.email, subject, body, ctx)
            count += 1
    ctx.audit_data.update(extracts=count)


def actions(*, max_attachment_bytes: int = DEFAULT_MAIL_ATTACHMENT_MAX_BYTES) -> list[Action]:
    """The mailing actions, with the size up to which Anlagen go as files."""

    def invite(ctx: FiringContext) -> None:
        send_invitations(ctx, max_attachment_bytes)

    def place(ctx: FiringContext) -> None:
        """The Vorlage onto the meeting's agenda (``place_on_agenda``); after the invitation
        a Nachtrag, which reaches the members by e-mail like the invitation (§ 34 Abs. 1
        S. 1 GemO) whichever way it was scheduled (the agenda's page or service, or the
        Vorlage's transition through the API)."""
        place_on_agenda(ctx)
        item = ctx.session.get(AgendaItem, ctx.audit_data["agenda_item_id"])
        assert item is not None
        send_supplement(
            session=ctx.session,
            item=item,
            now=ctx.now,
            base_url=ctx.base_url,
            max_bytes=max_attachment_bytes,
        )

    invite.__doc__ = send_invitations.__doc__
    return [
        Action("send_invitations", invite),
        Action("send_resolution_extract", send_resolution_extract),
        Action("place_on_agenda", place),
    ]
