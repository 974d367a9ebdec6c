"""The display layer of the definitions' words: labels as one municipality and one Vorlage
read them.

Released definitions never change (``definitions/versions.lock``), and they were written
for a male Bürgermeister and the Gemeinderat: "Zur Freigabe beim Bürgermeister",
"Gemeinderat über Eilentscheidung unterrichtet". Whatever shows a state, a step or a
diagram of an instance asks a ``Wording`` for it, which names

- the municipality's mayor by the title it set or its status gives ("bei der
  Bürgermeisterin", "des Oberbürgermeisters"; § 42 Abs. 4 GemO,
  ``workflow.supervision.mayor_title``), and
- for the steps of an Eilentscheidung, the body whose matter it was: § 43 Abs. 4 Satz 3
  GemO applies Sätze 1 and 2 to a beschließender Ausschuss, so its members, not the
  council, are told ("Technischer Ausschuss über Eilentscheidung unterrichtet").

Display text only: no guard, hash or machine reads it. The engine keeps the definition's
own words (``DefinitionSpec.state_label``) for everything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import object_session
from sqlmodel import Session

from workflow.definitions.spec import DefinitionSpec, TransitionSpec
from workflow.documents import german
from workflow.meeting_titles import accusative, genitive
from workflow.models import Body, Municipality, Proposal
from workflow.queries import deciding_body
from workflow.roles import SHORT_ROLE_LABELS
from workflow.supervision import FEMININE_MAYOR_TITLES, mayor_title

DEFAULT_MAYOR = "Bürgermeister"

# The mayor as the released labels name him: article (or "beim") and the noun, declined;
# the article capitalised where a sentence starts with him ("Der Bürgermeister entschied").
_MAYOR = re.compile(r"\b([Bb]eim|[Dd]em|[Dd]es|[Dd]en|[Dd]er) Bürgermeister(s?)\b")
# The article of each case, (masculine, feminine); "beim" is "bei dem".
_ARTICLES = {
    "nom": ("der", "die"),
    "gen": ("des", "der"),
    "dat": ("dem", "der"),
    "bei": ("beim", "bei der"),
    "acc": ("den", "die"),
}
_CASES = {"beim": "bei", "dem": "dat", "des": "gen", "den": "acc", "der": "nom"}

# The step of an Eilentscheidung that names the council (§ 43 Abs. 4 GemO), like the
# deadline of its Unterrichtung: worded for the body whose matter it was. Not
# "decide_instead_of_council": § 37 Abs. 4 GemO is the council's alone (a committee that
# cannot decide is replaced by the council, § 39 Abs. 5 Satz 3).
URGENT_STEPS = frozenset({"report_urgent_decision"})
COUNCIL = "Gemeinderat"


def mayor_phrase(case: str, title: str) -> str:
    """``bei der Bürgermeisterin``, ``des Oberbürgermeisters``: the mayor with the article
    of ``case`` (nom, gen, dat, acc, or "bei" for "beim")."""
    feminine = title in FEMININE_MAYOR_TITLES
    article = _ARTICLES[case][feminine]
    noun = f"{title}s" if case == "gen" and not feminine else title
    return f"{article} {noun}"


def for_mayor(label: str, title: str) -> str:
    """The label with the mayor named by ``title``: "Zur Freigabe beim Bürgermeister" →
    "Zur Freigabe bei der Bürgermeisterin"."""
    if title == DEFAULT_MAYOR or "Bürgermeister" not in label:
        return label

    def replace(match: re.Match[str]) -> str:
        written, genitive_s = match.group(1), match.group(2)
        article = written.lower()
        if article == "der" and genitive_s:
            return match.group(0)  # "der Bürgermeisters" is no phrase of ours
        phrase = mayor_phrase(_CASES[article], title)
        return german.sentence_start(phrase) if written[0].isupper() else phrase

    return _MAYOR.sub(replace, label)


def for_body(label: str, body: str) -> str:
    """The label with the council replaced by ``body``: "[den] Gemeinderat über
    Eilentscheidung unterrichtet" → "Technischen Ausschuss über …" (whom the mayor
    informed, as the step's button says it), "Unterrichtung des Gemeinderats …" →
    "Unterrichtung des Technischen Ausschusses …"."""
    if body == COUNCIL:
        return label
    label = label.replace(f"des {COUNCIL}s", genitive(body))
    if label.startswith(f"{COUNCIL} "):
        label = accusative(body).removeprefix("den ") + label[len(COUNCIL) :]
    return label


@dataclass(frozen=True)
class Wording:
    """How the labels of a definition read for one municipality (its mayor's title) and,
    for a Vorlage, the body deciding it (asked only when a step of an Eilentscheidung is
    worded: ``deciding_body`` returns its name, or None for the council or none)."""

    mayor: str = DEFAULT_MAYOR
    deciding_body: Callable[[], str | None] | None = field(default=None, compare=False)

    def text(self, label: str) -> str:
        """Any label of the definition (state, deadline, button) with the mayor's title."""
        return for_mayor(label, self.mayor)

    def state(self, spec: DefinitionSpec, name: str) -> str:
        """The state's label, as pages, lists, tasks and e-mails show it."""
        return self.text(spec.state_label(name))

    def done(self, transition: TransitionSpec) -> str:
        """What a record names the step once it happened (its done_label)."""
        return self.for_step(transition.trigger, transition.done)

    def label(self, transition: TransitionSpec) -> str:
        """The step's own label (a button, an edge of the diagram)."""
        return self.for_step(transition.trigger, transition.label)

    def step(self, spec: DefinitionSpec, trigger: str, source: str | None, dest: str) -> str | None:
        """``DefinitionSpec.step_label`` worded: the done label of the step an audit event
        records, None for an event that only shares its name."""
        step = spec.step(trigger, source, dest)
        return self.done(step) if step is not None else None

    def deadline(self, trigger_or_rule: str, label: str) -> str:
        """A deadline's label; ``urgent_report`` (the Unterrichtung) names the body."""
        if trigger_or_rule == "urgent_report":
            return self._body(self.text(label))
        return self.text(label)

    def spec(self, spec: DefinitionSpec) -> DefinitionSpec:
        """The definition with every state and step label worded (for the diagram)."""
        if self.mayor == DEFAULT_MAYOR and self.deciding_body is None:
            return spec
        states = tuple(s.model_copy(update={"label": self.text(s.label)}) for s in spec.states)
        transitions = tuple(
            t.model_copy(
                update={
                    "label": self.label(t),
                    "done_label": self.done(t) if t.done_label is not None else None,
                }
            )
            for t in spec.transitions
        )
        return spec.model_copy(update={"states": states, "transitions": transitions})

    def for_step(self, trigger: str, label: str) -> str:
        """A label of the step ``trigger`` (its button, its done label), worded."""
        worded = self.text(label)
        return self._body(worded) if trigger in URGENT_STEPS else worded

    def _body(self, label: str) -> str:
        body = self.deciding_body() if self.deciding_body is not None else None
        return for_body(label, body) if body else label


DEFAULT = Wording()


def municipality_wording(
    session: Session | None, municipality_id: int | None, proposal: Proposal | None = None
) -> Wording:
    """The wording for the municipality (its row from the session's identity map where
    loaded); with ``proposal``, also the body deciding it (queried only when needed)."""
    town = (
        session.get(Municipality, municipality_id)
        if session is not None and municipality_id is not None
        else None
    )
    title = mayor_title(town) if town is not None else DEFAULT_MAYOR
    if proposal is None or session is None or proposal.id is None:
        return Wording(title)
    return Wording(title, _deciding_body_name(session, proposal))


def actor_role(role: str, town: Municipality | None) -> str:
    """Who acted, beside his name where an event is told (Verlauf, Neu seit, a return's
    remark): the role's short label, the mayor by the title of the municipality the event
    belongs to ("Oberbürgermeisterin", § 42 Abs. 4 GemO); "Bürgermeister/in" without one.
    A deputy acting for the mayor acts in the mayor's office and is named by it (with "in
    Vertretung für" beside his name)."""
    if role == "mayor" and town is not None:
        return mayor_title(town)
    return SHORT_ROLE_LABELS.get(role, "Unbekannte Rolle")


def wording_for(instance: object, session: Session | None = None) -> Wording:
    """The wording of an instance's municipality (a proposal with its deciding body); the
    session is the instance's own when none is given; the default without a session."""
    if session is None:
        session = object_session(instance)  # type: ignore[assignment]
    municipality_id = getattr(instance, "municipality_id", None)
    proposal = instance if isinstance(instance, Proposal) else None
    return municipality_wording(session, municipality_id, proposal)


def committee_deciding(session: Session, proposal: Proposal) -> Body | None:
    """The beschließender Ausschuss deciding the Vorlage, None where the council (or no
    body) does: § 43 Abs. 4 Satz 3 GemO, only such a committee takes the council's place."""
    body = deciding_body(session, proposal)
    return body if body is not None and body.kind == "deciding_committee" else None


def _deciding_body_name(session: Session, proposal: Proposal) -> Callable[[], str | None]:
    found: list[str | None] = []

    def name() -> str | None:
        if not found:
            body = committee_deciding(session, proposal)
            found.append(body.name if body is not None else None)
        return found[0]

    return name
