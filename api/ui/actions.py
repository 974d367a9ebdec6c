"""Allowed and blocked actions of an instance as small forms: which data each trigger needs,
read from the form, checked in words before the engine sees it, and fired through
``workflow.services.transition.fire`` (the JSON API's path).

Until the definitions list each action's fields (branch defs), the fields are known here per
trigger. An action whose only unmet guards ask for input (a comment, a meeting) is offered
with that input required, not shown as blocked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session

from api.ui import formatting
from api.ui.action_forms import ActionForm, ActionInput, FormField
from api.ui.meeting_choice import meeting_field
from workflow.access import STAFF_ROLES
from workflow.context import Actor
from workflow.definitions.machines import Workflows
from workflow.digits import MAX_ID, as_number
from workflow.engine import ActionOption
from workflow.errors import StaleVersion
from workflow.meeting_titles import genitive, nominative
from workflow.models import Proposal
from workflow.queries import deciding_body, users_with_role
from workflow.services import actions as action_service
from workflow.services.transition import Fired, fire
from workflow.supervision import OBJECTION_GROUNDS
from workflow.wording import wording_for

# Guards that only ask for input the form supplies, and the field that supplies it.
INPUT_GUARDS = {
    "comment_given": "comment",
    "meeting_given": "meeting_id",
    "simple_matter_declared": "simple_matter",
    "councillors_heard": "councillors_heard",
    "objection_ground_given": "ground",
}
# Actions that change the legal state: checked on a summary page before they are done.
LEGAL_TRIGGERS = frozenset(
    {
        "release",
        "adopt",
        "reject",
        "recommend",
        "object",
        "refer_to_supervision",
        "supervision_confirms",
        "supervision_annuls",
        "object_by_supervision",
        "waive_objection",
        "urgent_decision",
        "decide_instead_of_council",
        "publish",
        "withdraw",
        "circulate",
        "take_note",
    }
)
# Steps checked on the same summary page though they change no legal state: "Vollzug
# abschließen" ends the Beschlusskontrolle of the resolution for good (no Vollzugsaufgabe
# can be added to an executed one), and a resolution that never had a Vollzugsaufgabe is
# easily closed by mistake; the check page says so (``never_had_execution_task``).
CHECKED_TRIGGERS = LEGAL_TRIGGERS | {"complete_execution"}
# Secondary actions never become the page's primary button.
SECONDARY = frozenset({"withdraw", "return_to_author", "remove_from_agenda", "defer"})


def page_actions(
    session: Session,
    workflows: Workflows,
    actor: Actor,
    kind: str,
    instance_id: int,
    now: datetime,
) -> action_service.Actions:
    """The instance's actions as the pages show them: with the guards of another role's
    steps evaluated, for the "Nur für …" hints (``names_others_step``), which the API's
    listing does without."""
    return action_service.actions(
        session=session,
        workflows=workflows,
        actor=actor,
        kind=kind,
        instance_id=instance_id,
        now=now,
        guards_for_holders=True,
    )


# The mayor's exceptional powers: the Eilentscheidung (§ 43 Abs. 4 GemO) and the decision
# instead of a council that cannot decide (§ 37 Abs. 4 GemO) are open in many states but are
# nobody's next step, so they are never named as someone else's.
EXCEPTIONAL = frozenset({"urgent_decision", "decide_instead_of_council"})


def names_others_step(option: ActionOption, takes_part: bool, secondary: AbstractSet[str]) -> bool:
    """Whether a role-refused action is listed as someone else's step ("Nur für …").

    The rule: only for a user whose role takes some step of the definition in this state
    (``takes_part``: a Landratsamt's or a co-signer's page at a final resolution does not
    list the Sitzungsdienst's work), only a forward step (a withdrawal, return or deferral
    is an exit someone may take, not who acts next, nor is an exceptional power), and only
    while it is open for those who hold the role: a guard that is unmet whoever asks
    (already published, not vorlagepflichtig, tasks still open) leaves it out, as it would
    for them; one about the asker (registered ``about_actor``: the requested co-signer, a
    biased mayor) is not counted by the engine (``ActionOption.unmet_for_holders``).
    """
    if not takes_part or option.trigger in secondary or option.trigger in EXCEPTIONAL:
        return False
    return not option.unmet_for_holders


@dataclass(frozen=True)
class Blocked:
    label: str
    reasons: tuple[str, ...]
    by_role: bool = False  # "Nur für …": someone else's step


def told_to(blocked: Sequence[Blocked], role: str) -> list[Blocked]:
    """Someone else's next step ("Nur für Bürgermeister") tells the administration who acts
    next; a councillor or the Landratsamt would read a list of other people's work."""
    staff = role in STAFF_ROLES
    return [b for b in blocked if staff or not b.by_role]


# The Eilentscheidung's condition and duty, told where the mayor gives its reasons: § 43
# Abs. 4 GemO lets the mayor decide instead of the council only in an urgent matter that
# cannot wait even for a session convened without notice or form (§ 34 Abs. 2 GemO), and
# obliges him to tell the councillors the reasons and the manner of the decision at once.
URGENT_DECISION_HINT = (
    "Nur in einer dringenden Angelegenheit des Gemeinderats: Ihre Erledigung kann ohne "
    "erheblichen Nachteil für die Gemeinde nicht einmal bis zu einer ohne Frist und formlos "
    "einberufenen Sitzung des Gemeinderats (§ 34 Abs. 2 GemO) aufgeschoben werden "
    "(§ 43 Abs. 4 Satz 1 GemO). Die Gründe für die Eilentscheidung und die Art der "
    "Erledigung sind den Gemeinderäten unverzüglich mitzuteilen (§ 43 Abs. 4 Satz 2 GemO). "
    "Nennen Sie hier, warum die Sache nicht warten kann."
)


def urgent_decision_hint(session: Session, proposal: Proposal) -> str:
    """The Eilentscheidung's hint for this Vorlage: § 43 Abs. 4 Satz 3 GemO applies Sätze 1
    and 2 to the matters a beschließender Ausschuss decides, so for a committee's matter the
    hint names that committee (whose session, convened under § 34 Abs. 2 as its procedure
    follows the council's, § 39 Abs. 5 GemO, cannot be waited for) and its members as the
    ones to be told."""
    body = deciding_body(session, proposal)
    if body is None or body.kind != "deciding_committee":
        return URGENT_DECISION_HINT
    of = genitive(body.name)
    return (
        f"Nur in einer dringenden Angelegenheit, über die {nominative(body.name)} "
        "beschließt: Ihre Erledigung kann ohne erheblichen Nachteil für die Gemeinde nicht "
        f"einmal bis zu einer ohne Frist und formlos einberufenen Sitzung {of} "
        "(§ 34 Abs. 2 GemO) aufgeschoben werden (§ 43 Abs. 4 Satz 1 und 3 GemO). Die Gründe "
        f"für die Eilentscheidung und die Art der Erledigung sind den Mitgliedern {of} "
        "unverzüglich mitzuteilen (§ 43 Abs. 4 Satz 2 und 3 GemO). "
        "Nennen Sie hier, warum die Sache nicht warten kann."
    )


def _comment(required: bool, trigger: str, urgent_hint: str = URGENT_DECISION_HINT) -> FormField:
    label = "Begründung" if required else "Anmerkung"
    hint = None
    if trigger == "return_to_author":
        label = "Anmerkung für die Verfasserin oder den Verfasser"
    elif trigger == "urgent_decision":
        label = "Begründung der Eilentscheidung"
        hint = urgent_hint
    return FormField("comment", label, "textarea", required=required, hint=hint)


def fields_for(
    session: Session, proposal: Proposal, trigger: str, needs: set[str], now: datetime
) -> tuple[FormField, ...]:
    fields: list[FormField] = []
    if trigger == "submit":
        cosigners = [
            u
            for u in users_with_role(session, proposal.municipality_id, "cosigner")
            if u.id != proposal.author_id
        ]
        options = tuple(
            (u.username, f"{u.full_name}{' (Kämmerei)' if u.finance_office else ''}")
            for u in cosigners
        )
        fields.append(
            FormField(
                "cosigners",
                "Mitzeichnung durch",
                "checkboxes",
                hint="Ohne Auswahl zeichnen alle Amtsleitungen mit; die Kämmerei zeichnet bei "
                "Ausgaben außerhalb des Haushaltsplans immer mit.",
                options=options,
            )
        )
    if "meeting_id" in needs or trigger == "schedule":
        fields.append(meeting_field(session, proposal, now))
    if trigger == "recommend":
        fields.append(
            FormField("recommendation", "Empfehlung an das beschließende Gremium", "textarea")
        )
    if "simple_matter" in needs or trigger == "circulate":
        fields.append(
            FormField(
                "simple_matter",
                "Es handelt sich um einen Gegenstand einfacher Art (§ 37 Abs. 1 Satz 2 GemO).",
                "checkbox",
                required=True,
            )
        )
    if "ground" in needs or trigger == "object":
        fields.append(
            FormField(
                "ground",
                "Widerspruchsgrund (§ 43 Abs. 2 GemO)",
                "select",
                required=True,
                hint="Nur ein Widerspruch wegen Rechtswidrigkeit kann nach erneutem Beschluss "
                "zur Rechtsaufsichtsbehörde führen (§ 43 Abs. 2 Satz 5 GemO).",
                options=tuple(OBJECTION_GROUNDS.items()),
            )
        )
    if "councillors_heard" in needs or trigger == "decide_instead_of_council":
        fields.append(
            FormField(
                "councillors_heard",
                "Die nicht befangenen Gemeinderäte wurden angehört (§ 37 Abs. 4 Satz 1 GemO).",
                "checkbox",
                required=True,
            )
        )
    urgent_hint = (
        urgent_decision_hint(session, proposal)
        if trigger == "urgent_decision"
        else URGENT_DECISION_HINT
    )
    fields.append(_comment("comment" in needs, trigger, urgent_hint))
    return tuple(fields)


def split_options(
    session: Session, proposal: Proposal, options: list[ActionOption], now: datetime
) -> tuple[list[ActionForm], list[Blocked]]:
    """A Vorlage's allowed actions as forms and blocked ones with their reasons in words."""
    return forms_from(
        [_worded(session, proposal, o) for o in options],
        input_guards=INPUT_GUARDS,
        fields=lambda trigger, needs: fields_for(session, proposal, trigger, needs, now),
        legal=CHECKED_TRIGGERS,
        secondary=SECONDARY,
    )


def _worded(session: Session, proposal: Proposal, option: ActionOption) -> ActionOption:
    """An option's label for this Vorlage (``workflow.wording``): after an Eilentscheidung
    in a committee's matter the mayor informs that committee's members (§ 43 Abs. 4 Satz 3
    GemO), not the council the released definitions name ("Gemeinderat über
    Eilentscheidung unterrichtet"); the mayor by the municipality's title."""
    label = wording_for(proposal, session).for_step(option.trigger, option.label)
    return option if label == option.label else replace(option, label=label)


def given_lines(form: ActionForm, data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What the user entered in an action's fields, as the check page repeats it before the
    confirmation: each field's label and the value in words (a choice by its label, a ticked
    box as "ja"), in the form's order; fields left empty are not named."""
    lines = []
    for f in form.fields:
        value = data.get(f.name)
        if value is None or value == "" or value is False or value == []:
            continue
        words = dict(f.options)
        if value is True:
            text = "ja"
        elif isinstance(value, list | tuple):
            text = ", ".join(words.get(str(v), str(v)) for v in value)
        else:
            text = words.get(str(value), str(value))
        lines.append((f.label, text))
    return lines


def forms_from(
    options: list[ActionOption],
    *,
    input_guards: Mapping[str, str],
    fields: Callable[[str, set[str]], tuple[FormField, ...]],
    legal: AbstractSet[str],
    secondary: AbstractSet[str],
) -> tuple[list[ActionForm], list[Blocked]]:
    """Allowed actions as forms (the first non-secondary one is primary and comes first, the
    secondary ones last) and blocked ones with their reasons in words, for any kind of
    instance. An unmet guard named in ``input_guards`` only asks for input on the form;
    actions not possible in this state or for this kind of Vorlage are left out: they are
    noise; so are one that does not apply to this matter (``ActionOption.inapplicable``:
    not vorlagepflichtig), one that is another holder's turn (``ActionOption.others_turn``:
    not asked to co-sign), the exits of one whose part is done (``ActionOption.part_done``), and
    another role's action unless ``names_others_step`` says it helps."""
    forms: list[ActionForm] = []
    blocked: list[Blocked] = []
    takes_part = any(o.blocked_by not in ("state", "role") for o in options)
    done = any(o.part_done for o in options)
    for option in options:
        if option.blocked_by == "state":
            continue
        if option.blocked_by == "role":
            if not names_others_step(option, takes_part, secondary):
                continue
            roles = ", ".join(formatting.role_label(r) for r in option.roles)
            blocked.append(Blocked(option.label, (f"Nur für {roles}",), by_role=True))
            continue
        if option.inapplicable or option.others_turn or (done and option.trigger in secondary):
            continue
        # What the user must give: the inputs the engine names required (its input guards,
        # e.g. the comment of a return), and any input guard still reported unmet.
        required = {f.path.removeprefix("data.") for f in option.fields if f.required}
        needs = {input_guards[g.name] for g in option.unmet_guards if g.name in input_guards}
        needs |= required & set(input_guards.values())
        other = list(option.premise_reasons) or [
            g.message for g in option.unmet_guards if g.name not in input_guards
        ]
        if other:
            blocked.append(Blocked(option.label, tuple(other)))
            continue
        forms.append(
            ActionForm(
                trigger=option.trigger,
                label=option.label,
                dest_label="",
                fields=fields(option.trigger, needs),
                legal=option.trigger in legal,
            )
        )
    for i, form in enumerate(forms):
        if form.trigger not in secondary:
            forms[i] = ActionForm(**{**form.__dict__, "primary": True})
            break
    # The page reads top down: the primary (forward) step first, then the other steps, the
    # returns, withdrawals and cancellations last; otherwise in the definition's order,
    # which is no order of importance ("return_to_author" is listed before "release").
    forms.sort(key=lambda f: 0 if f.primary else 2 if f.trigger in secondary else 1)
    return forms, blocked


def read_input(form: ActionForm, values: Mapping[str, Any]) -> ActionInput:
    """The submitted values of an action form, with messages for what is missing."""
    result = ActionInput()
    for f in form.fields:
        raw = values.get(f.name)
        if f.kind == "checkboxes":
            chosen = [str(v) for v in (raw or []) if str(v)]
            allowed = {v for v, _ in f.options}
            if any(c not in allowed for c in chosen):
                result.errors[f.name] = "Bitte wählen Sie nur aus der Liste."
            elif chosen:
                result.data[f.name] = chosen
            continue
        text = str(raw).strip() if isinstance(raw, str) else ""
        if f.kind == "checkbox":
            if text:
                result.data[f.name] = True
            elif f.required:
                result.errors[f.name] = "Bitte bestätigen Sie dies, um fortzufahren."
            continue
        if not text:
            if f.required:
                result.errors[f.name] = _missing(f)
            continue
        if f.name == "comment":
            result.comment = text
        elif f.kind == "select":
            if text not in {v for v, _ in f.options}:
                result.errors[f.name] = dict(f.refusals).get(
                    text, "Bitte wählen Sie einen Eintrag aus der Liste."
                )
            else:
                number = as_number(text, high=MAX_ID)
                result.data[f.name] = text if number is None else number
        else:
            result.data[f.name] = text
    return result


def _missing(f: FormField) -> str:
    if f.name == "comment":
        # named as the field is labelled: a return asks for an Anmerkung, not a Begründung
        return f"Bitte geben Sie eine {f.label} ein."
    if f.name == "meeting_id":
        return "Bitte wählen Sie die Sitzung aus."
    return f"Bitte füllen Sie „{f.label}“ aus."


def done_words(subject: str, fired: Fired) -> str:
    """The result of an action as a sentence that says what happened: "Vorlage 3/2026:
    Freigegeben. Neuer Stand: Beratungsreif – zur Terminierung." Each step's done_label, the
    automatic ones it led to after it; the new state only where it adds to the words."""
    steps = [fired]
    while steps[-1].followed_by:  # an automatic step may lead to another
        steps.append(steps[-1].followed_by[-1])
    final = steps[-1]
    words = f"{subject}: {'; '.join(s.done_label for s in steps)}."
    if final.dest_label.casefold() != final.done_label.casefold():
        words += f" Neuer Stand: {final.dest_label}."
    return words


def fire_action(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    proposal_id: int,
    trigger: str,
    version: int | None,
    given: ActionInput,
    now: datetime,
    base_url: str,
    dry_run: bool = False,
    kind: str = "proposal",
) -> Fired:
    """Fire as the JSON API does; ``dry_run`` fires inside a savepoint and rolls it back, so
    the check page shows exactly the state and deadlines the real step will open.

    A page's form always carries the version it was shown at: a missing or malformed one
    is refused as stale, never read as "do not check" (the API's ``None``)."""
    if version is None:
        raise StaleVersion(expected=None, actual=None)
    with session.begin_nested() as savepoint:
        fired = fire(
            session=session,
            workflows=workflows,
            kind=kind,
            instance_id=proposal_id,
            trigger=trigger,
            actor=actor,
            now=now,
            expected_version=version,
            comment=given.comment,
            data=given.data,
            base_url=base_url,
        )
        if dry_run:
            savepoint.rollback()
    return fired
