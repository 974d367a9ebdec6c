"""The labels of released definitions as a municipality reads them (workflow.wording)."""

from __future__ import annotations

import pytest

from workflow.composition import default_registry
from workflow.definitions.machines import load_workflows
from workflow.definitions.spec import DefinitionSpec
from workflow.models import Municipality
from workflow.settings import Settings
from workflow.supervision import mayor_title
from workflow.wording import Wording, actor_role, for_body, for_mayor, mayor_phrase


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Bürgermeister", "Zur Freigabe beim Bürgermeister"),
        ("Bürgermeisterin", "Zur Freigabe bei der Bürgermeisterin"),
        ("Oberbürgermeister", "Zur Freigabe beim Oberbürgermeister"),
        ("Oberbürgermeisterin", "Zur Freigabe bei der Oberbürgermeisterin"),
    ],
)
def test_release_state_follows_the_mayor(title: str, expected: str) -> None:
    assert for_mayor("Zur Freigabe beim Bürgermeister", title) == expected


@pytest.mark.parametrize(
    ("label", "title", "expected"),
    [
        (
            "Eilentscheidung des Bürgermeisters",
            "Bürgermeisterin",
            "Eilentscheidung der Bürgermeisterin",
        ),
        (
            "Eilentscheidung des Bürgermeisters",
            "Oberbürgermeister",
            "Eilentscheidung des Oberbürgermeisters",
        ),
        (
            "Widerspruchsfrist des Bürgermeisters",
            "Oberbürgermeisterin",
            "Widerspruchsfrist der Oberbürgermeisterin",
        ),
        (
            "sofern der Bürgermeister nicht verzichtet",
            "Bürgermeisterin",
            "sofern die Bürgermeisterin nicht verzichtet",
        ),
        ("dem Bürgermeister vorgelegt", "Bürgermeisterin", "der Bürgermeisterin vorgelegt"),
        ("an den Bürgermeister", "Oberbürgermeisterin", "an die Oberbürgermeisterin"),
        # a sentence that starts with the mayor keeps its capital
        (
            "Der Bürgermeister entschied anstelle des Gemeinderats",
            "Bürgermeisterin",
            "Die Bürgermeisterin entschied anstelle des Gemeinderats",
        ),
        (
            "Beim Bürgermeister liegt sie",
            "Oberbürgermeisterin",
            "Bei der Oberbürgermeisterin liegt sie",
        ),
        ("Des Bürgermeisters Wort", "Oberbürgermeister", "Des Oberbürgermeisters Wort"),
        # no phrase of the mayor: unchanged
        ("Bürgermeister/in (Freigabe)", "Bürgermeisterin", "Bürgermeister/in (Freigabe)"),
        ("Beschluss gefasst", "Oberbürgermeister", "Beschluss gefasst"),
        # already the Oberbürgermeister: "Bürgermeister" inside it is not the phrase
        (
            "Eilentscheidung des Oberbürgermeisters",
            "Bürgermeisterin",
            "Eilentscheidung des Oberbürgermeisters",
        ),
    ],
)
def test_mayor_phrases(label: str, title: str, expected: str) -> None:
    assert for_mayor(label, title) == expected


def test_mayor_phrase_cases() -> None:
    assert mayor_phrase("gen", "Oberbürgermeister") == "des Oberbürgermeisters"
    assert mayor_phrase("gen", "Bürgermeisterin") == "der Bürgermeisterin"
    assert mayor_phrase("bei", "Bürgermeister") == "beim Bürgermeister"
    assert mayor_phrase("nom", "Oberbürgermeisterin") == "die Oberbürgermeisterin"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, "Bürgermeister"),
        ({"municipal_status": "stadt"}, "Bürgermeister"),
        # § 42 Abs. 4 GemO
        ({"municipal_status": "grosse_kreisstadt"}, "Oberbürgermeister"),
        ({"municipal_status": "stadtkreis"}, "Oberbürgermeister"),
        ({"mayor_title": "Bürgermeisterin"}, "Bürgermeisterin"),
        (
            {"municipal_status": "grosse_kreisstadt", "mayor_title": "Oberbürgermeisterin"},
            "Oberbürgermeisterin",
        ),
        ({"mayor_title": "Schultheiß"}, "Bürgermeister"),  # not a title of ours: ignored
    ],
)
def test_mayor_title(settings: dict[str, object], expected: str) -> None:
    assert mayor_title(Municipality(name="Musterstadt", settings=settings)) == expected


def test_who_acted_is_named_by_the_town_s_mayor_title() -> None:
    """The mayor of an event's municipality by its title; the other roles, and the mayor
    where no municipality is known, by the role's short label."""
    city = Municipality(name="Musterstadt", settings={"mayor_title": "Oberbürgermeisterin"})
    assert actor_role("mayor", city) == "Oberbürgermeisterin"
    assert actor_role("mayor", Municipality(name="Musterdorf", settings={})) == "Bürgermeister"
    assert actor_role("mayor", None) == "Bürgermeister/in"
    assert actor_role("cosigner", city) == "Mitzeichnung"
    assert actor_role("system", city) == "automatisch"
    assert actor_role("nobody", city) == "Unbekannte Rolle"


@pytest.mark.parametrize(
    ("label", "body", "expected"),
    [
        (
            "Gemeinderat über Eilentscheidung unterrichtet",
            "Technischer Ausschuss",
            "Technischen Ausschuss über Eilentscheidung unterrichtet",
        ),
        (
            "Unterrichtung des Gemeinderats über die Eilentscheidung",
            "Verwaltungsausschuss",
            "Unterrichtung des Verwaltungsausschusses über die Eilentscheidung",
        ),
        (
            "Gemeinderat über Eilentscheidung unterrichtet",
            "Ausschuss für Technik und Umwelt",
            "Ausschuss für Technik und Umwelt über Eilentscheidung unterrichtet",
        ),
        (
            "Unterrichtung des Gemeinderats über die Eilentscheidung",
            "Ausschuss für Technik und Umwelt",
            "Unterrichtung des Ausschusses für Technik und Umwelt über die Eilentscheidung",
        ),
        (
            "Gemeinderat über Eilentscheidung unterrichtet",
            "Gemeinderat",
            "Gemeinderat über Eilentscheidung unterrichtet",
        ),
    ],
)
def test_for_body(label: str, body: str, expected: str) -> None:
    assert for_body(label, body) == expected


@pytest.fixture(scope="module")
def proposal_specs() -> list[DefinitionSpec]:
    """Every version of the proposal definition, released ones with their done_labels."""
    workflows = load_workflows([Settings().definitions_dir], default_registry())
    found = [w.spec for (name, _), w in workflows.by_key.items() if name == "proposal"]
    assert len(found) >= 5
    return sorted(found, key=lambda s: s.version)


def test_every_proposal_version_worded(proposal_specs: list[DefinitionSpec]) -> None:
    """Each released version's release state, its Eilentscheidung and the report of it read
    in the municipality's and the Vorlage's words; the spec itself is left as released."""
    asked: list[str] = []

    def committee() -> str:
        asked.append("body")
        return "Technischer Ausschuss"

    wording = Wording("Bürgermeisterin", committee)
    for spec in proposal_specs:
        assert wording.state(spec, "awaiting_release") == "Zur Freigabe bei der Bürgermeisterin"
        assert wording.state(spec, "urgent_decided") == "Eilentscheidung der Bürgermeisterin"
        report = next(t for t in spec.transitions if t.trigger == "report_urgent_decision")
        assert wording.done(report) == "Technischen Ausschuss über Eilentscheidung unterrichtet"
        # § 37 Abs. 4 GemO is the council's alone: never worded for a committee
        instead = next(t for t in spec.transitions if t.trigger == "decide_instead_of_council")
        assert wording.done(instead) == "Anstelle des Gemeinderats entschieden"
        assert spec.state_label("awaiting_release") == "Zur Freigabe beim Bürgermeister"
        worded = wording.spec(spec)
        assert worded.state_label("awaiting_release") == "Zur Freigabe bei der Bürgermeisterin"
        assert worded.step_label(report.trigger, report.source[0], report.dest) == (
            "Technischen Ausschuss über Eilentscheidung unterrichtet"
        )
    release = next(t for t in proposal_specs[-1].transitions if t.trigger == "release")
    asked.clear()
    assert wording.done(release) == "Freigegeben"
    assert asked == []  # the deciding body is asked only for the Eilentscheidung's steps


def test_default_wording_is_the_definition(proposal_specs: list[DefinitionSpec]) -> None:
    spec = proposal_specs[-1]
    assert Wording().spec(spec) is spec
    assert Wording().state(spec, "awaiting_release") == "Zur Freigabe beim Bürgermeister"
