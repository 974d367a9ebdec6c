"""A councillor tells the chair of a possible bias before the session (§ 18 Abs. 4 S. 1
GemO) on the invited meeting's page, in a real browser, and takes it back: the form, its
confirmation and the list are accessible (axe), on a desktop and on a phone. The hint, the
form and the Sitzungsdienst's headings under the agenda stand apart from its table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, create_engine, select

from tests.browser.test_narrow import _meeting_with_three_items
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


def _stands_apart(page: Any, selector: str) -> None:
    """The element stands as far below what precedes it (the agenda table, a hint) as the
    page's sections stand apart (``rf-section``), not tight under it."""
    section, gap = page.evaluate(
        """(selector) => {
            const element = document.querySelector(selector);
            const above = element.previousElementSibling;
            const section = document.querySelector('section.rf-section');
            return [
                parseFloat(getComputedStyle(section).marginTop),
                element.getBoundingClientRect().top - above.getBoundingClientRect().bottom,
            ];
        }""",
        selector,
    )
    assert section > 0
    assert gap >= section, (selector, gap, section)


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
    _stands_apart(page, "#befangenheit")
    _stands_apart(page, "#befangenheit-mitteilen")
    form = page.locator("#befangenheit-mitteilen")
    form.get_by_label("Tagesordnungspunkt").select_option(index=1)
    form.get_by_label("Grund, kurz").fill("Angehöriger ist Bieter")
    form.get_by_role("button", name="Befangenheit mitteilen").click()
    page.wait_for_load_state()
    assert "an den Vorsitz und den Sitzungsdienst gegangen" in page.content().replace("\u00a0", " ")
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


def test_the_removed_items_and_the_supplement_stand_apart_from_the_agenda(
    page: Any, server: str, server_database_url: str, sign_in: Callable[[Any, str], None]
) -> None:
    """The Sitzungsdienst's headings under the agenda table: "Nachtrag zur Tagesordnung"
    once invited (§ 34 Abs. 1 Satz 1 GemO), "Abgesetzt" after an item was taken off."""
    sign_in(page, "ilsfeld.secretary")
    page.goto(f"/sitzungen/{_invited_meeting(server_database_url)}")
    _stands_apart(page, "#nachtrag")
    meeting = _meeting_with_three_items(server)
    page.goto(f"/sitzungen/{meeting}")
    row = page.get_by_role("row").filter(has_text="Bekanntgaben")
    row.get_by_role("link", name="Absetzen").click()
    page.get_by_role("button", name="Jetzt verbindlich: Absetzen").click()
    page.wait_for_load_state()
    assert page.locator("#abgesetzt + ul").inner_text() == "Bekanntgaben"
    _stands_apart(page, "#abgesetzt")
