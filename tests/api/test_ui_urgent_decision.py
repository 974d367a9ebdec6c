"""The Eilentscheidung's form (§ 43 Abs. 4 GemO) states when the mayor may decide instead of
the council and what he owes the councillors afterwards, with the citation kept whole."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from api.ui.citations import NBSP, unbroken
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World
from tests.integration.flow import released
from workflow.services.proposals import StepInput

CONDITION = unbroken(
    "Nur in einer dringenden Angelegenheit des Gemeinderats: Ihre Erledigung kann ohne "
    "erheblichen Nachteil für die Gemeinde nicht einmal bis zu einer ohne Frist und formlos "
    "einberufenen Sitzung des Gemeinderats (§ 34 Abs. 2 GemO) aufgeschoben werden "
    "(§ 43 Abs. 4 Satz 1 GemO)."
)
DUTY = unbroken(
    "Die Gründe für die Eilentscheidung und die Art der Erledigung sind den Gemeinderäten "
    "unverzüglich mitzuteilen (§ 43 Abs. 4 Satz 2 GemO)."
)


def _hint_of(html: str, field_id: str) -> str:
    """The hint the field is described by (its ``aria-describedby``)."""
    field = re.search(rf'<textarea[^>]*id="{field_id}"[^>]*>', html)
    assert field is not None, field_id
    assert f'aria-describedby="{field_id}-hinweis"' in field.group(0)
    hint = re.search(rf'<div class="kern-hint" id="{field_id}-hinweis">(.*?)</div>', html, re.S)
    assert hint is not None
    return hint.group(1)


def test_the_urgent_decision_form_states_the_condition_and_the_duty_to_inform(
    world: World, client: TestClient
) -> None:
    pid = released(world)
    sign_in(client, "ilsfeld.mayor")
    page = client.get(f"/vorlagen/{pid}").text
    start = page.index('<h3 class="kern-heading-small">Eilentscheidung treffen</h3>')
    box = page[start : page.index("</form>", start)]
    hint = _hint_of(box, "urgent_decision-comment")
    assert CONDITION in hint
    assert DUTY in hint
    assert f"§{NBSP}43 Abs.{NBSP}4 Satz{NBSP}1 GemO" in hint  # never broken after "§"
    assert "Begründung der Eilentscheidung" in box

    # the action's own page (also where a refused form comes back) says the same
    action = client.get(f"/vorlagen/{pid}/aktionen/urgent_decision").text
    hint = _hint_of(action, "comment")
    assert CONDITION in hint
    assert DUTY in hint
    refused = client.post(
        f"/vorlagen/{pid}/aktionen/urgent_decision",
        data={"csrf_token": csrf_of(action), "version": _version(action)},
    )
    assert refused.status_code == 422
    assert "Bitte geben Sie eine Begründung der Eilentscheidung ein." in refused.text
    assert DUTY in refused.text


def test_a_committees_matter_names_the_committee_and_its_members(
    world: World, client: TestClient
) -> None:
    """§ 43 Abs. 4 Satz 3 GemO: for a matter the Technischer Ausschuss decides, the session
    not waited for is the committee's and its members are the ones to be told."""
    committee = world.body_id("Technischer Ausschuss")
    pid = released(world, steps=[StepInput(body_id=committee, decides=True)])
    sign_in(client, "ilsfeld.mayor")
    hint = _hint_of(client.get(f"/vorlagen/{pid}/aktionen/urgent_decision").text, "comment")
    assert (
        unbroken(
            "Nur in einer dringenden Angelegenheit, über die der Technische Ausschuss "
            "beschließt: Ihre Erledigung kann ohne erheblichen Nachteil für die Gemeinde nicht "
            "einmal bis zu einer ohne Frist und formlos einberufenen Sitzung des Technischen "
            "Ausschusses (§ 34 Abs. 2 GemO) aufgeschoben werden "
            "(§ 43 Abs. 4 Satz 1 und 3 GemO)."
        )
        in hint
    )
    assert (
        unbroken(
            "Die Gründe für die Eilentscheidung und die Art der Erledigung sind den "
            "Mitgliedern des Technischen Ausschusses unverzüglich mitzuteilen "
            "(§ 43 Abs. 4 Satz 2 und 3 GemO)."
        )
        in hint
    )
    assert "Gemeinderat" not in hint
    assert DUTY not in hint


def test_other_reasons_carry_no_urgency_hint(world: World, client: TestClient) -> None:
    """The hint belongs to the Eilentscheidung alone: withdrawing asks only for a reason."""
    pid = released(world)
    sign_in(client, "ilsfeld.mayor")
    page = client.get(f"/vorlagen/{pid}").text
    assert page.count("unverzüglich mitzuteilen") == 1
    withdraw = client.get(f"/vorlagen/{pid}/aktionen/withdraw")
    assert withdraw.status_code == 200
    assert 'name="comment"' in withdraw.text
    assert "unverzüglich mitzuteilen" not in withdraw.text


def _version(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found is not None
    return found.group(1)


def test_after_a_committees_eilentscheidung_the_page_names_the_committee(
    world: World, client: TestClient
) -> None:
    """§ 43 Abs. 4 Satz 3 GemO: the mayor informs the Technischer Ausschuss; the Vorlage
    page's step and its deadline say so, not "Gemeinderat"."""
    committee = world.body_id("Technischer Ausschuss")
    pid = released(world, steps=[StepInput(body_id=committee, decides=True)])
    sign_in(client, "ilsfeld.mayor")
    action = client.get(f"/vorlagen/{pid}/aktionen/urgent_decision").text
    sent = client.post(
        f"/vorlagen/{pid}/aktionen/urgent_decision",
        data={"csrf_token": csrf_of(action), "version": _version(action),
              "comment": "Auftrag muss morgen vergeben werden", "bestaetigt": "ja"},
        follow_redirects=False,
    )  # fmt: skip
    assert sent.status_code == 303, sent.text
    page = client.get(f"/vorlagen/{pid}").text
    # (the state diagram shows the definition's own words for every Vorlage)
    actions = page.split('id="aktionen"', 1)[1].split("</section>", 1)[0]
    assert "Technischen Ausschuss über Eilentscheidung unterrichtet" in actions
    assert "Gemeinderat" not in actions
    fristen = page.split('id="fristen"', 1)[1].split("</section>", 1)[0]
    assert "Unterrichtung des Technischen Ausschusses über die Eilentscheidung" in fristen
    assert "Gemeinderat" not in fristen
    report = client.get(f"/vorlagen/{pid}/aktionen/report_urgent_decision")
    assert report.status_code == 200
    assert "Technischen Ausschuss über Eilentscheidung unterrichtet" in report.text


def _urgent_decision(client: TestClient, pid: int) -> None:
    action = client.get(f"/vorlagen/{pid}/aktionen/urgent_decision").text
    sent = client.post(
        f"/vorlagen/{pid}/aktionen/urgent_decision",
        data={"csrf_token": csrf_of(action), "version": _version(action),
              "comment": "Auftrag muss morgen vergeben werden", "bestaetigt": "ja"},
        follow_redirects=False,
    )  # fmt: skip
    assert sent.status_code == 303, sent.text


def _report(client: TestClient, pid: int) -> str:
    """Fire report_urgent_decision; the page it leads to (with the banner)."""
    form = client.get(f"/vorlagen/{pid}/aktionen/report_urgent_decision").text
    sent = client.post(
        f"/vorlagen/{pid}/aktionen/report_urgent_decision",
        data={"csrf_token": csrf_of(form), "version": _version(form), "bestaetigt": "ja"},
    )
    assert sent.status_code == 200, sent.text
    text: str = sent.text
    return text


def _verlauf(page: str) -> str:
    return page.split('id="verlauf-titel"', 1)[1].split("</section>", 1)[0]


def test_the_verlauf_names_the_committee_that_was_told(
    world: World, client: TestClient, as_user: Any
) -> None:
    """§ 43 Abs. 4 Satz 3 GemO: once the mayor told the Technischer Ausschuss, the banner,
    the Verlauf and the JSON history name it, though the released definitions' done label
    says "Gemeinderat"; the state reads as Ilsfeld's mayor is: a Bürgermeisterin."""
    committee = world.body_id("Technischer Ausschuss")
    pid = released(world, steps=[StepInput(body_id=committee, decides=True)])
    sign_in(client, "ilsfeld.mayor")
    _urgent_decision(client, pid)
    page = client.get(f"/vorlagen/{pid}").text
    assert "Eilentscheidung der Bürgermeisterin" in page.split('id="aktionen"', 1)[0]  # state

    done = _report(client, pid)
    assert "Technischen Ausschuss über Eilentscheidung unterrichtet" in done  # the banner
    verlauf = _verlauf(client.get(f"/vorlagen/{pid}").text)
    assert "Technischen Ausschuss über Eilentscheidung unterrichtet" in verlauf
    assert "Gemeinderat" not in verlauf
    # the diagram on the page is worded alike: the committee's step, the mayor's state
    page = client.get(f"/vorlagen/{pid}").text
    diagram = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Eilentscheidung der Bürgermeisterin" in diagram
    assert "Technischen Ausschuss über" in diagram  # the edge's label, wrapped

    history = client.get(
        f"/api/v1/proposals/{pid}/history", headers=as_user("ilsfeld.mayor")
    ).json()
    reported = [e for e in history if e["trigger"] == "report_urgent_decision"]
    assert [e["done_label"] for e in reported] == [
        "Technischen Ausschuss über Eilentscheidung unterrichtet"
    ]


def test_the_councils_matter_keeps_the_gemeinderat(world: World, client: TestClient) -> None:
    pid = released(world)
    sign_in(client, "ilsfeld.mayor")
    _urgent_decision(client, pid)
    _report(client, pid)
    verlauf = _verlauf(client.get(f"/vorlagen/{pid}").text)
    assert "Gemeinderat über Eilentscheidung unterrichtet" in verlauf
