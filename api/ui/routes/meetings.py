"""Sitzungen: the list (upcoming first) and the month calendar per body, a new meeting, one
meeting with its agenda and actions, and doing one (check before the invitation)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from sqlmodel import Session
from starlette.responses import Response

from api.deps import NowDep, SessionDep, SettingsDep
from api.ui import formatting
from api.ui.action_forms import ActionForm, ActionInput
from api.ui.actions import done_words, fire_action, page_actions, read_input, told_to
from api.ui.document_links import HELD, meeting_documents
from api.ui.history import history_entries
from api.ui.links import ON_SCREEN
from api.ui.meeting_actions import (
    in_writing_rows,
    invitation_check,
    late_reason_missing,
    meeting_forms,
    resend_options,
    undelivered,
    without_address,
)
from api.ui.meeting_views import (
    AGENDA_STATES,
    agenda_parts,
    bias_notice_form,
    body_names,
    meeting_title,
    month_grid,
    month_label,
    schedulable,
    shift_month,
    staff_notices,
)
from api.ui.routes.legality import meeting_summaries
from api.ui.routes.publication import announcement_context
from api.ui.web import (
    HANDLING_ONLY,
    PageRoute,
    PageUser,
    PageUserDep,
    PostedForm,
    changed_meanwhile,
    error_status,
    error_text,
    flash,
    public_page_instead,
    redirect,
    render,
    workflows_of,
)
from workflow.context import local_date
from workflow.digits import as_id
from workflow.documents import mailing
from workflow.errors import NotFound, WorkflowError
from workflow.models import Body, Meeting
from workflow.queries import agenda
from workflow.rules.common import count_of
from workflow.services import listing, missed_meetings
from workflow.services import meetings as meeting_service
from workflow.services.deadline_service import list_deadlines
from workflow.services.due_announcements import last_day, when_words
from workflow.services.notices import announcements_of
from workflow.wording import municipality_wording

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
MeetingId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[str | None, Query(max_length=200)]
Trigger = Annotated[str, Path(max_length=64)]
MEETING_ROLES = meeting_service.MEETING_ROLES
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$", re.ASCII)  # "1٨:3٠" is no time
PERIODS = (
    ("kommend", "Anstehende Sitzungen"),
    ("vergangen", "Vergangene Sitzungen"),
    ("alle", "Alle Sitzungen"),
)


def _town(user: PageUser) -> int:
    if user.actor.municipality_id is None:
        raise NotFound("Sitzungen gibt es nur für Gemeinden.")
    return user.actor.municipality_id


@router.get("/sitzungen")
def meeting_list(
    request: Request,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    gremium: Text = None,
    zeitraum: Text = None,
) -> Response:
    today = local_date(now)
    bodies = body_names(session, user.actor.municipality_id)
    body_id = as_id(gremium or "")
    if body_id not in bodies:
        body_id = None
    period = zeitraum if zeitraum in {p for p, _ in PERIODS} else "kommend"
    found = (
        listing.meetings_between(
            session=session,
            actor=user.actor,
            municipality_id=user.actor.municipality_id,
            body_id=body_id,
            start=today if period == "kommend" else None,
            end=today if period == "vergangen" else None,
        )
        if user.actor.municipality_id is not None
        else []
    )

    def coming(meeting: Meeting) -> bool:
        # a session held today is past, not "anstehend" (as on the public portal)
        return meeting.meeting_date > today or (
            meeting.meeting_date == today and meeting.state not in HELD
        )

    upcoming = [m for m in found if coming(m)] if period != "vergangen" else []
    past = (
        sorted((m for m in found if not coming(m)), key=_key, reverse=True)
        if period != "kommend"
        else []
    )
    context = {
        "upcoming": upcoming,
        "past": past,
        "bodies": bodies,
        "body_options": [(str(k), v) for k, v in bodies.items()],
        "periods": PERIODS,
        "params": {"gremium": str(body_id or ""), "zeitraum": period},
        "can_create": user.role in MEETING_ROLES,
        "today": today,
        "municipal": user.actor.municipality_id is not None,
    }
    return render(request, "sitzungen/list.html", context)


def _key(meeting: Meeting) -> tuple[date, str]:
    return meeting.meeting_date, meeting.start_time


@router.get("/sitzungen/kalender")
def meeting_calendar(
    request: Request,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    gremium: Text = None,
    monat: Text = None,
) -> Response:
    town = _town(user)
    today = local_date(now)
    year, month = today.year, today.month
    match = re.fullmatch(r"(\d{4})-(\d{2})", monat or "", re.ASCII)
    if match and 1900 <= int(match.group(1)) <= 2999 and 1 <= int(match.group(2)) <= 12:
        year, month = int(match.group(1)), int(match.group(2))
    bodies = body_names(session, town)
    body_id = as_id(gremium or "")
    if body_id not in bodies:
        body_id = None
    first = date(year, month, 1)
    last = date(*shift_month(year, month, 1), 1).toordinal() - 1
    found = listing.meetings_between(
        session=session,
        actor=user.actor,
        municipality_id=town,
        body_id=body_id,
        start=first,
        end=date.fromordinal(last),
    )
    before, after = shift_month(year, month, -1), shift_month(year, month, 1)
    context = {
        "weeks": month_grid(year, month, found),
        "month_label": month_label(year, month),
        "previous": (f"{before[0]:04d}-{before[1]:02d}", month_label(*before)),
        "following": (f"{after[0]:04d}-{after[1]:02d}", month_label(*after)),
        "month": f"{year:04d}-{month:02d}",
        "bodies": bodies,
        "body_options": [(str(k), v) for k, v in bodies.items()],
        "params": {"gremium": str(body_id or "")},
        "today": today,
        "count": len(found),
    }
    return render(request, "sitzungen/calendar.html", context)


@router.get("/sitzungen/neu")
def new_meeting_page(
    request: Request, user: PageUserDep, session: SessionDep, now: NowDep
) -> Response:
    _may_create(user)
    values = {"start_time": "18:00", "location": "Rathaus, Sitzungssaal"}
    return _new_page(request, session, user, values, {}, local_date(now))


def _may_create(user: PageUser) -> None:
    if user.role not in MEETING_ROLES:
        raise NotFound("Sitzungen legen der Sitzungsdienst und der Bürgermeister an.")


def _new_page(
    request: Request,
    session: Session,
    user: PageUser,
    values: dict[str, str],
    errors: dict[str, str],
    today: date,
    status: int = 200,
) -> Response:
    bodies = body_names(session, _town(user))
    context = {
        "values": values,
        "errors": errors,
        "date_example": new_meeting_example(today),
        # § 34 Abs. 1 GemO: the mayor convenes, named by the municipality's title
        "convener": municipality_wording(session, user.actor.municipality_id).text(
            "Der Bürgermeister"
        ),
        "body_options": [(str(k), v) for k, v in bodies.items()],
    }
    return render(request, "sitzungen/new.html", context, status=status)


@router.post("/sitzungen/neu")
def create_meeting(
    request: Request, user: PageUserDep, session: SessionDep, now: NowDep, form: PostedForm
) -> Response:
    _may_create(user)
    values = {
        k: str(form.get(k) or "").strip()
        for k in ("body_id", "meeting_date", "start_time", "location")
    }
    errors: dict[str, str] = {}
    bodies = body_names(session, _town(user))
    body_id = as_id(values["body_id"])
    if body_id not in bodies:
        errors["body_id"] = "Bitte wählen Sie das Gremium aus."
    day = formatting.parse_date_de(values["meeting_date"]) if values["meeting_date"] else None
    if day is None:
        example = new_meeting_example(local_date(now))
        errors["meeting_date"] = f"Bitte geben Sie den Sitzungstag als Datum ein, {example}."
    if not TIME.match(values["start_time"]):
        errors["start_time"] = "Bitte geben Sie den Beginn als Uhrzeit ein, z. B. 18:30."
    if not values["location"] or len(values["location"]) > 200:
        errors["location"] = "Bitte geben Sie den Sitzungsort ein (höchstens 200 Zeichen)."
    if errors:
        return _new_page(request, session, user, values, errors, local_date(now), status=422)
    assert body_id is not None
    assert day is not None
    meeting = meeting_service.create_meeting(
        session=session,
        workflows=workflows_of(request),
        actor=user.actor,
        now=now,
        body_id=body_id,
        meeting_date=day,
        start_time=values["start_time"],
        location=values["location"],
    )
    flash(request, f"Die {meeting_title(session.get(Body, body_id), meeting)} ist angelegt.")
    return redirect(f"/sitzungen/{meeting.id}")


def move_example(meeting_day: date, today: date) -> str:
    """The example day in the hint of "Sitzung verlegen": a week after the meeting's day,
    or after today for a meeting whose day has passed."""
    return formatting.date_example(max(meeting_day, today) + timedelta(days=7))


def new_meeting_example(today: date) -> str:
    """The example day of "Neue Sitzung": three weeks ahead, time for the invitation a week
    before the session (§ 34 Abs. 1 S. 1 GemO)."""
    return formatting.date_example(today + timedelta(weeks=3))


def detail_context(
    request: Request, session: Session, user: PageUser, meeting_id: int, now: NowDep
) -> dict[str, object]:
    view = listing.get_meeting(session=session, actor=user.actor, meeting_id=meeting_id)
    meeting = view.meeting
    own = user.actor.municipality_id == meeting.municipality_id
    forms: list[ActionForm] = []
    blocked: list[object] = []
    history: list[dict[str, object]] = []
    if own:
        found = page_actions(session, workflows_of(request), user.actor, "meeting", meeting_id, now)
        forms, blocked_list = meeting_forms(found.options)
        blocked = list(told_to(blocked_list, user.role))
        # as on a Vorlage's page: the municipality's people, each event under the rule of
        # its agenda item (a councillor not those of a non-public item he may not open)
        history = history_entries(workflows_of(request), session, user.actor, meeting)
    public, closed, removed = agenda_parts(session, view.items)
    editor = own and user.role in MEETING_ROLES
    today = local_date(now)
    body = session.get(Body, meeting.body_id)
    # § 34 Abs. 1, § 37 Abs. 1 S. 1 GemO: its day passed without it; moved or cancelled
    missed = missed_meetings.of(
        meeting, today, municipality_wording(session, meeting.municipality_id).mayor
    )
    return {
        "missed": missed,
        "meeting": meeting,
        **meeting_documents(session, user.actor, meeting, bool(closed)),
        "body": body,
        "title": meeting_title(body, meeting),
        "notice": view.notice,
        "public_items": public,
        "closed_items": closed,
        "removed_items": removed,
        # § 18 Abs. 4 S. 1 GemO: a member of the body tells the chair before the session
        "bias_notice": bias_notice_form(session, user.actor, meeting, [*public, *closed], removed),
        # before the session; in it the screen shows them at the item
        "staff_notices": staff_notices(session, meeting, [*public, *closed])
        if editor and meeting.state == "invited"
        else [],
        "forms": [f for f in forms if f.trigger not in ON_SCREEN],
        "blocked": blocked,
        "history": history,
        "may_order": editor and meeting.state in AGENDA_STATES,
        # before the invitation (after it: cancelled and convened anew, § 34 Abs. 1 GemO)
        "may_move": editor and meeting.state in missed_meetings.MOVABLE,
        "move_example": move_example(meeting.meeting_date, today),
        "may_remove": editor and meeting.state in (*AGENDA_STATES, "invited"),
        # § 34 GemO: after the invitation a Nachtrag, in session only an emergency
        "may_supplement": editor and meeting.state in ("invited", "in_session"),
        "candidates": [(str(p.id), f"{p.label}: {p.title}") for p in schedulable(session, meeting)]
        if editor and meeting.state in (*AGENDA_STATES, "invited", "in_session")
        else [],
        # a missed meeting is moved first: inviting to a day gone by is no way out; once
        # invited, whether the period was kept (§ 34 Abs. 1 Satz 1 GemO)
        "invitation": invitation_check(session, meeting, today)
        if missed is None
        and (
            meeting.state in AGENDA_STATES
            or (meeting.state == "invited" and meeting.invited_at is not None)
        )
        else None,
        "deadlines": list(
            list_deadlines(
                session=session,
                workflows=workflows_of(request),
                actor=user.actor,
                instance_type="meeting",
                instance_id=meeting_id,
            )
        )
        if own
        else [],
        "today": today,
        # § 34 Abs. 1 S. 1 GemO: whom the invitation did not reach, to invite in writing
        "undelivered": undelivered(session, meeting)
        if editor and meeting.invited_at is not None
        else None,
        # § 34 Abs. 1 S. 1 GemO: the members invited in writing, and on which day
        "in_writing": in_writing_rows(session, meeting)
        if editor and meeting.invited_at is not None
        else [],
        # one member's invitation once more (did not arrive, given up), before the session
        "resend": resend_options(session, meeting)
        if editor and meeting.state == "invited" and meeting.meeting_date >= today
        else [],
        "runs": editor
        and missed is None  # an invited session whose day passed can no longer open
        and meeting.state in ("invited", "in_session", "closed"),
        # § 35 Abs. 1 S. 4 GemO: non-public resolutions to announce in this session.
        "announce": announcement_context(session, meeting) if editor else None,
        # § 34 Abs. 1 S. 7 GemO: the ortsübliche Bekanntgaben recorded so far
        "announced": announcements_of(session, meeting.id or 0) if editor else [],
        # its last day: the Bekanntmachungssatzung's lead (announcement_days), else the day
        # before the session; none owed for an emergency session (§ 34 Abs. 2 GemO)
        "announce_by": when_words(*last_day(session, meeting))
        if editor and not meeting.emergency_reason
        else None,
    }


@router.get("/sitzungen/{meeting_id}")
def meeting_detail(
    request: Request, meeting_id: MeetingId, user: PageUserDep, session: SessionDep, now: NowDep
) -> Response:
    meeting = listing.get_meeting(session=session, actor=user.actor, meeting_id=meeting_id).meeting
    elsewhere = public_page_instead(user, meeting.municipality_id, f"/sitzungen/{meeting_id}")
    return elsewhere or meeting_page(request, session, user, meeting_id, now)


def meeting_page(
    request: Request,
    session: Session,
    user: PageUser,
    meeting_id: int,
    now: datetime,
    *,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    """The Sitzung page; ``extra`` carries a form's errors and input when it is shown again
    (422) after a mistake."""
    context = detail_context(request, session, user, meeting_id, now)
    context["legality"] = meeting_summaries(session, user, meeting_id, now)
    context.update(extra or {})
    return render(request, "sitzungen/detail.html", context, status=status)


def _invited_words(session: Session, meeting_id: int) -> tuple[str, str]:
    """Whom the invitation reached, and whom it did not (no e-mail address), with the tone
    of the message: the secretary need not look it up in the outbox."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return "", "info"
    people = mailing.invitees(session, meeting, agenda(session, meeting_id))
    members = sum(1 for p in people if not p.heard and not p.deputy)
    words = f"Die Einladung ging per E-Mail an {count_of(members, 'Mitglied', 'Mitglieder')}"
    others = len(people) - members
    if others:
        more = count_of(others, "weitere Person", "weitere Personen")
        words += f" und {more} (Stellvertretungen, anzuhörende Gremien)"
    words += "."
    unreached = mailing.members_without_address(session, meeting, people)
    if not unreached:
        return words, "success"
    return (
        f"{words} Ohne E-Mail-Adresse, bitte auf anderem Weg einladen: {', '.join(unreached)}.",
        "warning",
    )


def _form(
    request: Request, session: Session, user: PageUser, meeting_id: int, trigger: str, now: NowDep
) -> ActionForm:
    found = page_actions(session, workflows_of(request), user.actor, "meeting", meeting_id, now)
    forms, _ = meeting_forms(found.options)
    for form in forms:
        if form.trigger == trigger:
            return form
    raise NotFound("Diese Aktion ist für diese Sitzung zurzeit nicht möglich.")


@router.get("/sitzungen/{meeting_id}/aktionen/{trigger}")
def meeting_action_page(
    request: Request,
    meeting_id: MeetingId,
    trigger: Trigger,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
) -> Response:
    form = _form(request, session, user, meeting_id, trigger, now)
    return _action_page(request, session, user, meeting_id, form, ActionInput(), now)


def _action_page(
    request: Request,
    session: Session,
    user: PageUser,
    meeting_id: int,
    form: ActionForm,
    given: ActionInput,
    now: NowDep,
    *,
    refusal: str | None = None,
    preview: object | None = None,
    status: int = 200,
) -> Response:
    view = listing.get_meeting(session=session, actor=user.actor, meeting_id=meeting_id)
    meeting = view.meeting
    body = session.get(Body, meeting.body_id)
    context = {
        "meeting": meeting,
        "title": meeting_title(body, meeting),
        "form": form,
        "given": given,
        "errors": given.errors,
        "refusal": refusal,
        "preview": preview,
        "invitation": invitation_check(session, meeting, local_date(now))
        if form.trigger == "invite"
        else None,
        "items": [i for i in view.items if not i.removed],
        "unreached": without_address(session, meeting) if form.trigger == "invite" else None,
    }
    return render(request, "sitzungen/action.html", context, status=status)


@router.post("/sitzungen/{meeting_id}/aktionen/{trigger}")
def do_meeting_action(
    request: Request,
    meeting_id: MeetingId,
    trigger: Trigger,
    user: PageUserDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    values: PostedForm,
) -> Response:
    flat: dict[str, object] = {k: values.get(k) for k in values}
    version = as_id(str(values.get("version") or ""))
    confirmed = values.get("bestaetigt") == "ja"
    try:
        form = _form(request, session, user, meeting_id, trigger, now)
    except NotFound:
        current = listing.get_meeting(session=session, actor=user.actor, meeting_id=meeting_id)
        if version is None or version == current.meeting.version:
            raise
        return changed_meanwhile(request, "Die Sitzung", f"/sitzungen/{meeting_id}")
    given = read_input(form, flat)
    if late_reason_missing(form, given.data):
        given.errors["late_reason"] = (
            "Bitte begründen Sie die kürzere Frist oder geben Sie den Grund der Notsitzung an."
        )
    if given.errors:
        return _action_page(request, session, user, meeting_id, form, given, now, status=422)
    workflows = workflows_of(request)
    dry_run = form.legal and not confirmed
    try:
        fired = fire_action(
            session=session,
            workflows=workflows,
            actor=user.actor,
            proposal_id=meeting_id,
            trigger=trigger,
            version=version,
            given=given,
            now=now,
            base_url=settings.link_base(str(request.base_url)),
            dry_run=dry_run,
            kind="meeting",
        )
    except WorkflowError as exc:
        session.expire_all()
        meeting = session.get(Meeting, meeting_id)
        spec = (
            workflows.get(meeting.definition_name, meeting.definition_version).spec
            if meeting
            else None
        )
        return _action_page(
            request,
            session,
            user,
            meeting_id,
            form,
            given,
            now,
            refusal=error_text(exc, spec),
            status=error_status(exc),
        )
    if dry_run:
        session.expire_all()
        return _action_page(request, session, user, meeting_id, form, given, now, preview=fired)
    meeting = session.get(Meeting, meeting_id)
    assert meeting is not None
    flash(request, done_words(meeting_title(session.get(Body, meeting.body_id), meeting), fired))
    if trigger == "invite":
        flash(request, *_invited_words(session, meeting_id))
    if trigger in ON_SCREEN:
        return redirect(f"/sitzungen/{meeting_id}/durchfuehren")
    return redirect(f"/sitzungen/{meeting_id}")
