"""Task messages: whoever must act next hears of it, in the app and by e-mail (outbox).

Actions of the definitions, so every path that fires a transition (pages, JSON API, sweep)
sends the same messages: the requested co-signers when a Vorlage is submitted, the mayor
when the co-signing is complete, the author when a Vorlage is returned, the signers when a
session is closed and its minutes are to be signed (§ 38 Abs. 2 GemO). The invitation to
the members is sent by ``send_invitations`` (workflow.documents). A user may switch each
kind of e-mail off (``User.mail_off``); the in-app notice stays.
"""

from __future__ import annotations

from sqlmodel import col, select

from workflow.context import FiringContext
from workflow.deadlines.notify import Message, mail_footer, send_to
from workflow.definitions.registry import Action
from workflow.deputies import with_deputies
from workflow.documents.german import quoted
from workflow.meeting_titles import meeting_title
from workflow.models import Body, Meeting, Proposal, User
from workflow.queries import cosignatures, councillor_signers, users_with_role
from workflow.roles import MAIL_ROLES
from workflow.rules.common import member_words, proposal
from workflow.subject_lines import proposal_named


def _active(users: list[User]) -> list[User]:
    return [u for u in users if not u.disabled]


def _author_name(ctx: FiringContext, p: Proposal) -> str:
    author = ctx.session.get(User, p.author_id) if p.author_id else None
    return author.full_name if author else "Die Sachbearbeitung"


def _send(ctx: FiringContext, kind: str, users: list[User], title: str, lines: list[str]) -> None:
    """One message per occasion: keyed by kind, instance and the version it reached."""
    base = ctx.base_url.rstrip("/")
    instance = ctx.instance
    link = f"{base}/vorlagen/{instance.id}" if ctx.kind == "proposal" else None
    if ctx.kind == "meeting":
        link = f"{base}/sitzungen/{instance.id}"
    body = "\n".join(
        ["Guten Tag,", "", *lines, "", f"Zur Bearbeitung: {link}", "", mail_footer(base)]
    )
    send_to(
        ctx.session,
        key_prefix=f"task:{kind}:{ctx.kind}:{instance.id}:v{instance.version}:{ctx.trigger}",
        # An absent user's task also reaches his acting deputy (workflow.deputies).
        users=_active(with_deputies(ctx.session, _active(users), ctx.today)),
        message=Message(
            kind=kind,
            title=title,
            body=body,
            link=link,
            instance_type=ctx.kind,
            instance_id=instance.id,
        ),
        now=ctx.now,
        riding=ctx.riding,
    )


def notify_cosigners(ctx: FiringContext) -> None:
    """After ``request_cosignatures``: each requested co-signer is asked."""
    p = proposal(ctx)
    users: list[User] | None = ctx.handed_on.get("requested_cosigners")
    if users is None:  # not asked in this firing: whoever has not signed yet
        ctx.session.flush()
        ids = [c.user_id for c in cosignatures(ctx.session, p.id or 0) if c.signed_at is None]
        users = list(ctx.session.exec(select(User).where(col(User.id).in_(ids)))) if ids else []
    _send(
        ctx,
        "cosign",
        users,
        f"Bitte um Mitzeichnung: {proposal_named(p)}",
        [
            f"{_author_name(ctx, p)} bittet Sie, die Vorlage {p.label} {quoted(p.title)} "
            "mitzuzeichnen.",
            "Sie können mitzeichnen oder die Vorlage mit einer Anmerkung zurückgeben.",
        ],
    )


def notify_mayor(ctx: FiringContext) -> None:
    """Co-signing complete: the Vorlage waits for the mayor's release."""
    p = proposal(ctx)
    town = p.municipality_id
    _send(
        ctx,
        "release",
        [u for r in MAIL_ROLES["release"] for u in users_with_role(ctx.session, town, r)],
        f"Zur Freigabe: {proposal_named(p)}",
        [
            f"die Mitzeichnung der Vorlage {p.label} {quoted(p.title)} ist abgeschlossen.",
            "Die Vorlage wartet auf Ihre Freigabe.",
        ],
    )


def notify_author(ctx: FiringContext) -> None:
    """Returned with a note: the author revises the draft."""
    p = proposal(ctx)
    author = ctx.session.get(User, p.author_id) if p.author_id else None
    note = (ctx.comment or "").strip()
    _send(
        ctx,
        "returned",
        [author] if author is not None else [],
        f"Zurückgegeben: {proposal_named(p)}",
        [
            f"die Vorlage {p.label} {quoted(p.title)} wurde Ihnen zur Überarbeitung zurückgegeben.",
            *([f"Anmerkung: {note}"] if note else []),
        ],
    )


def notify_minutes_signers(ctx: FiringContext) -> None:
    """Session closed: the chair, the Schriftführer and the councillors who may sign
    (§ 38 Abs. 2 S. 1 GemO) are asked to sign the minutes."""
    meeting: Meeting = ctx.instance
    persons = set(councillor_signers(ctx.session, meeting))
    if meeting.chair_person_id is not None:
        persons.add(meeting.chair_person_id)
    users = {
        u.id: u
        for u in ctx.session.exec(select(User).where(col(User.person_id).in_(persons)))
        if u.municipality_id == meeting.municipality_id
    }
    for role in MAIL_ROLES["minutes"]:
        for secretary in users_with_role(ctx.session, meeting.municipality_id, role):
            users[secretary.id] = secretary
    body = ctx.session.get(Body, meeting.body_id)
    title = meeting_title(body.name if body else None, meeting.meeting_date)
    _send(
        ctx,
        "minutes",
        [users[k] for k in sorted(k for k in users if k is not None)],
        f"Niederschrift zur Unterzeichnung: {title}",
        [
            # the offices as the sitting page names them ("Es unterzeichnen: wer den Vorsitz
            # geführt hat, …"), not "die oder der Vorsitzende"
            f"die {title} ist geschlossen. Die Niederschrift unterzeichnen der Vorsitz, zwei "
            f"{member_words(body.kind if body else 'council')[1]}, die an der Sitzung "
            "teilgenommen haben, und die Schriftführung (§ 38 Abs. 2 GemO).",
        ],
    )


ACTIONS = [
    Action("notify_cosigners", notify_cosigners),
    Action("notify_mayor", notify_mayor),
    Action("notify_author", notify_author),
    Action("notify_minutes_signers", notify_minutes_signers),
]
