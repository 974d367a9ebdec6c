"""What every form of the meeting screen shares: the meeting it may drive, where it
returns to, the version and numbers it posts, the flash after it, and the screen shown again
with what was typed when it is refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import NamedTuple, TypedDict

from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from api.ui.formatting import sentences
from api.ui.web import PageUser, error_status, error_text, flash, redirect, workflows_of
from workflow.context import Actor
from workflow.digits import as_id, as_number, is_digits
from workflow.errors import InvalidInput, WorkflowError, not_found
from workflow.law.voting import Tally
from workflow.limits import MAX_TEXT
from workflow.models import AgendaItem, Meeting
from workflow.services import deliberation, listing
from workflow.services.meetings import MEETING_ROLES

MAX_COUNT = 10_000


def screen_meeting(session: Session, user: PageUser, meeting_id: int) -> Meeting:
    view = listing.get_meeting(session=session, actor=user.actor, meeting_id=meeting_id)
    if view.meeting.municipality_id != user.actor.municipality_id:
        raise not_found("Sitzung")
    if user.role not in MEETING_ROLES:
        raise StarletteHTTPException(403)
    return view.meeting


def screen_url(meeting_id: int, item_id: int | None = None) -> str:
    return f"/sitzungen/{meeting_id}/durchfuehren" + (f"?top={item_id}" if item_id else "")


def form_version(form: FormData) -> int:
    raw = str(form.get("version") or "")
    version = as_id(raw)
    if version is None:
        raise InvalidInput("Die Seite ist veraltet. Bitte neu laden.", field="version")
    return version


def form_ids(values: list[str]) -> list[int]:
    return [i for i in map(as_id, values) if i is not None]


def keyed(form: FormData, prefix: str) -> dict[int, str]:
    """The values of fields named ``prefix`` and a person's id (``vote-7``, ``grund-7``):
    one per person, by id; a name whose rest is no id is not a field of the screen."""
    found: dict[int, str] = {}
    for key, value in form.items():
        person = as_id(key[len(prefix) :]) if key.startswith(prefix) else None
        if person is not None:
            found[person] = str(value)
    return found


def shown_item(form: FormData) -> int | None:
    """The item the screen showed when the form was posted (hidden ``top``)."""
    top = form_ids([str(form.get("top") or "")])
    return top[0] if top else None


def form_count(form: FormData, name: str) -> int:
    raw = str(form.get(name) or "0").strip() or "0"
    count = as_number(raw, high=MAX_COUNT)
    if count is None:
        raise InvalidInput("Bitte geben Sie die Stimmen als ganze Zahlen ein.", field=name)
    return count


def form_tally(form: FormData) -> Tally:
    """Ja, Nein, Enthaltung as posted by every count form of the meeting screen."""
    return Tally(form_count(form, "ja"), form_count(form, "nein"), form_count(form, "enthaltung"))


def done(request: Request, meeting_id: int, item_id: int | None, text: str) -> Response:
    flash(request, text)
    return redirect(screen_url(meeting_id, item_id))


def refusal_text(request: Request, meeting: Meeting | None, exc: WorkflowError) -> str:
    """The engine's refusal as a sentence, the meeting's state by its definition's label."""
    spec = None
    if meeting is not None:
        try:
            wf = workflows_of(request).get(meeting.definition_name, meeting.definition_version)
            spec = wf.spec
        except KeyError:
            spec = None
    return sentences([error_text(exc, spec)])


MAX_KEPT = MAX_TEXT  # the longest text a screen form takes (a motion's wording)


@dataclass(frozen=True)
class Kept:
    """What was typed into a refused form of the screen, shown again (422) with its field
    marked, instead of lost behind a redirect: the deliberation notes per item and the
    Befangenheit form."""

    notes: dict[int, str] = field(default_factory=dict)
    notes_errors: dict[int, dict[str, str]] = field(default_factory=dict)
    bias: dict[str, str] = field(default_factory=dict)
    bias_errors: dict[str, str] = field(default_factory=dict)
    # any other form of the screen (``screen_action(keep=…)``): which one, and its fields
    form: str = ""
    values: dict[str, str] = field(default_factory=dict)
    # every value of each field, for ticks sharing a name (``present``: who attends)
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the refused field (``InvalidInput.field``) with the refusal, to mark it
    errors: dict[str, str] = field(default_factory=dict)
    # the refusal as a sentence, for the error summary when no field of the form is named
    refusal: str = ""

    def summary(self) -> dict[str, str]:
        """The error summary (``#fehler``, focused on load as on every page shown again
        with errors): the id of each marked field on the screen with its message, else the
        form's own with the refusal."""
        links: dict[str, str] = {}
        for item_id, errors in self.notes_errors.items():
            for message in errors.values():
                links[f"beratung-{item_id}"] = message
        for name, message in self.bias_errors.items():
            links[field_anchor("befangenheit", name)] = message
        for name, message in self.errors.items():
            links[field_anchor(self.form, name)] = message
        if not links and self.refusal:
            links[field_anchor(self.form, "")] = self.refusal
        return links


# Where a refused form of the screen is (the error summary links there): its first field,
# or the heading of its section.
FORM_ANCHORS = {
    "anwesenheit": "anwesenheit",
    "abstimmung": "abstimmung",
    "stimmenzahlen": "stimmenzahlen",
    "kommen-gehen": "presence-person",
    "vorsitz": "item-chair",
    "antrag": "motion-kind",
    "befangenheit": "bias-person",
    "ergebnis": "free-outcome",
    "niederschrift": "signer",
}
# A form of the screen that exists once per motion, doubtful bias or outcome is named with
# its key: ``antrag-abstimmung:12`` (the vote on motion 12), ``befangenheit-entscheidung:3``
# (the body's decision on declaration 3), ``ergebnis:adopt`` (a Vorlage's outcome).
MOTION_VOTE = "antrag-abstimmung"
BIAS_DECISION = "befangenheit-entscheidung"
OUTCOME = "ergebnis"
# the count forms among them, by the prefix of their fields' ids (``motion-ja-12``)
COUNT_FORMS = {MOTION_VOTE: "motion", BIAS_DECISION: "bias"}
# The ids of the screen's fields by form and name (the engine's names for the counts too:
# ``yes`` is the Ja field).
FIELD_IDS = {
    "anwesenheit": {"chair_person_id": "chair_person_id"},
    "stimmenzahlen": {
        "ja": "counts-ja",
        "yes": "counts-ja",
        "nein": "counts-nein",
        "no": "counts-nein",
        "enthaltung": "counts-enth",
        "abstain": "counts-enth",
    },
    "kommen-gehen": {
        "person_id": "presence-person",
        "richtung": "presence-direction",
        "reason": "presence-reason",
    },
    "vorsitz": {"person_id": "item-chair"},
    "antrag": {
        "art": "motion-kind",
        "antragsteller": "motion-mover-choice",
        "mover": "motion-mover",
        "text": "motion-text",
        "target_body_id": "motion-body",
        "reach": "motion-reach",
    },
    "befangenheit": {"person_id": "bias-person", "reason": "bias-reason"},
    "ergebnis": {"outcome": "free-outcome"},
    "niederschrift": {"signer": "signer", "person_id": "signer", "capacity": "signer"},
}
# A count field's id by its name in the form and in the engine (``yes`` is the Ja field).
COUNT_IDS = {
    "ja": "ja",
    "yes": "ja",
    "nein": "nein",
    "no": "nein",
    "enthaltung": "enth",
    "abstain": "enth",
}


def field_anchor(form: str, name: str) -> str:
    """The id of field ``name`` of screen form ``form``; a member's vote by its first
    choice (``vote-7`` → ``vote-7-yes``), a reason of absence by its own, a motion's count
    by the motion or declaration (``motion-ja-12``, ``bias-nein-3``), an outcome's field by
    its trigger (``recommend-…``); else the form."""
    known = FIELD_IDS.get(form, {}).get(name)
    if known is not None:
        return known
    kind, _, key = form.partition(":")
    if kind in COUNT_FORMS:
        return f"{COUNT_FORMS[kind]}-{COUNT_IDS.get(name, 'ja')}-{key}"
    if kind == OUTCOME and key:
        return f"{key}-{name}" if name else "ergebnis"
    if form == "abstimmung" and name.startswith("vote-") and is_digits(name[5:]):
        return f"{name}-yes"
    if form == "anwesenheit" and name.startswith("grund-") and is_digits(name[6:]):
        return name
    return FORM_ANCHORS.get(form, "aktueller-top")


class ScreenCall(TypedDict):
    """What every service call of the meeting screen takes from the frame (``**call``):
    the session, who acts, when, and on which meeting."""

    session: Session
    actor: Actor
    now: datetime
    meeting_id: int


class Onward(NamedTuple):
    """A form's flash text with the item the screen goes on to (after an outcome: the next
    open one) instead of the item it was posted for."""

    item_id: int | None
    text: str


NOTES = "deliberation_notes"


def typed_notes(form: FormData) -> str | None:
    """The Beratungsverlauf posted with another form of the item (its outcome), or None
    when that form did not carry it."""
    value = form.get(NOTES)
    return value if isinstance(value, str) else None


def save_typed_notes(call: ScreenCall, item_id: int, notes: str | None, version: int) -> int:
    """Record the Beratungsverlauf typed above an item's outcome with that outcome, through
    the notes' own service call in the caller's savepoint (§ 38 Abs. 1 GemO): the text is
    not lost when "Ergebnis speichern" is pressed without saving it first. Unchanged (or not
    posted), nothing is recorded. The meeting's version for the next write is returned."""
    if notes is None:
        return version
    item = call["session"].get(AgendaItem, item_id)
    stored = (item.deliberation_notes if item is not None else None) or ""
    if notes.replace("\r\n", "\n").strip() == stored:
        return version
    recorded = deliberation.record_notes(
        **call, item_id=item_id, expected_version=version, notes=notes
    )
    return recorded.meeting_version


def with_typed_notes(
    item_id: int, again: Callable[[Kept, int | None, int], Response]
) -> Callable[[Kept, int | None, int], Response]:
    """A refused outcome posted with the Beratungsverlauf shows the screen again with the
    text as typed, a refusal of the text itself marked at its field."""

    def show(kept: Kept, at: int | None, status: int) -> Response:
        if NOTES in kept.values:
            marked = {k: v for k, v in kept.errors.items() if k == NOTES}
            kept = replace(
                kept,
                notes={item_id: kept.values[NOTES]},
                notes_errors={item_id: marked} if marked else {},
                errors={k: v for k, v in kept.errors.items() if k != NOTES},
            )
        return again(kept, at, status)

    return show


def screen_action(
    request: Request,
    form: FormData,
    session: Session,
    user: PageUser,
    now: datetime,
    meeting_id: int,
    item_id: int | None | Callable[[FormData], int | None],
    act: Callable[[FormData, ScreenCall], str | Onward],
    *,
    keep: tuple[str, Callable[[Kept, int | None, int], Response]],
) -> Response:
    """The frame of a form of the meeting screen: read the form, check the screen may drive
    the meeting, run ``act`` (parse, one service call with ``**call``, the flash text) in a
    savepoint, and return to the screen at ``item_id`` (or the item the form names) with the
    flash. Refused, ``keep`` (the form's name and how to show the screen again) shows the
    screen with what was typed and the error summary (``#fehler``, 409/422), as every page
    of forms does: a redirect to a banner would lose the input and the focus."""
    meeting = screen_meeting(session, user, meeting_id)
    at = item_id(form) if callable(item_id) else item_id
    try:
        with session.begin_nested():
            result = act(
                form, ScreenCall(session=session, actor=user.actor, now=now, meeting_id=meeting_id)
            )
    except WorkflowError as exc:
        # the screen again with what was typed (a vote of fifteen names is not lost), from
        # the database's state: the rolled-back savepoint may have left bumped versions
        session.expire_all()
        name, again = keep
        text = refusal_text(request, meeting, exc)
        values = {k: v[:MAX_KEPT] for k, v in form.items() if isinstance(v, str)}
        lists = {
            k: tuple(v[:MAX_KEPT] for v in form.getlist(k) if isinstance(v, str))
            for k in form.keys()
        }
        field_name = exc.field if isinstance(exc, InvalidInput) else None
        errors = {field_name: text} if field_name else {}
        kept = Kept(form=name, values=values, lists=lists, errors=errors, refusal=text)
        return again(kept, at, error_status(exc))
    if isinstance(result, Onward):
        return done(request, meeting_id, result.item_id, result.text)
    return done(request, meeting_id, at, result)
