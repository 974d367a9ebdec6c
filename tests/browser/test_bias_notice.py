"""A councillor tells the chair of a possible bias before the session (§ 18 Abs. 4 S. 1
GemO) on the invited meeting's page, in a real browser, and takes it back: the form, its
confirmation and the list are accessible (axe), on a desktop and on a phone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, create_engine, select

from workflow.models import Meeting, Membership, User


def _invited_meeting(server_database_url: str) -> int:
    """The demo's invited meeting of a body ``ilsfeld.council`` sits in."""
    engine = create_engine(server_database_url)
    with Session(engine) as session:
        council = session.exec(select(User).where(User.username == "ilsfeld.council")).one()
        bodies = select(Membership.body_id).where(Membership.person_id == council.person_id)
        meeting = session.exec(
            select(Meeting)
            .where(Meeting.state == "invited", col(Meeting.body_id).in_(bodies))
            .order_by(col(Meeting.id))
        ).first()
    engine.dispose()
    assert meeting is not None, "the demo has an invited meeting of the councillor's body"
    return meeting.id or 0


def test_a_councillor_notifies_and_withdraws_a_possible_bias(
    page: Any,
    server_database_url: str,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], list[dict[str, Any]]],
) -> None:
    meeting = _invited_meeting(server_database_url)
    sign_in(page, "ilsfeld.council")
    page.goto(f"/sitzungen/{meeting}")
    # The hint and the form stand apart from the agenda table and from each other as the
    # page's sections do, not tight under the table's last row.
    section, under_table, under_hint = page.evaluate(
        """() => {
            const hint = document.querySelector('#befangenheit');
            const table = hint.previousElementSibling;
            const form = document.querySelector('#befangenheit-mitteilen');
            const section = document.querySelector('section.rf-section');
            return [
                parseFloat(getComputedStyle(section).marginTop),
                hint.getBoundingClientRect().top - table.getBoundingClientRect().bottom,
                form.getBoundingClientRect().top - hint.getBoundingClientRect().bottom,
            ];
        }"""
    )
    assert section > 0
    assert under_table >= section, (under_table, section)
    assert under_hint >= section, (under_hint, section)
    form = page.locator("#befangenheit-mitteilen")
    form.get_by_label("Tagesordnungspunkt").select_option(index=1)
    form.get_by_label("Grund, kurz").fill("Angehöriger ist Bieter")
    form.get_by_role("button", name="Befangenheit mitteilen").click()
    page.wait_for_load_state()
    assert "an den Vorsitzenden und den Sitzungsdienst gegangen" in page.content().replace(
        "\u00a0", " "
    )
    sent = page.locator("#befangenheit-mitgeteilt")
    assert "Grund: Angehöriger ist Bieter" in sent.inner_text()
    check_accessibility(page)
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing wider than a phone
    sent.get_by_role("button", name="Mitteilung zurücknehmen").click()
    page.wait_for_load_state()
    assert "ist zurückgenommen" in page.content().replace("\u00a0", " ")
    assert page.locator("#befangenheit-mitgeteilt").count() == 0
    check_accessibility(page)
