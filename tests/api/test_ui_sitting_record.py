"""The meeting screen keeps the record of a decided item as it happened: no opening
attendance rewritten, no bias added afterwards, counts read as those of the vote."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlmodel import select

from api.ui.citations import unbroken
from tests.api.conftest import FixedClock, TestClient
from tests.api.test_ui_foundation import csrf_of, field_of, sign_in
from tests.api.test_ui_meetings import _post, _post_current, _version
from tests.conftest import World, berlin, known
from tests.integration.flow import MEETING_DAY, in_session, item_of
from tests.integration.test_meetings import planned
from workflow.models import (
    AgendaItem,
    Attendance,
    BiasDeclaration,
    ItemAttendance,
    Motion,
    Person,
    Proposal,
    Vote,
)


def _running(world: World, clock: FixedClock) -> tuple[int, int, int, list[int]]:
    pid, mid = planned(world)
    present = in_session(world, mid)
    clock.now = berlin(MEETING_DAY, 19, 30)
    return pid, mid, item_of(world, pid), present


def _doubtful_bias(
    world: World, client: TestClient, base: str, page: str, person: int
) -> tuple[str, int]:
    """A bias declared as doubtful, for the body to decide (§ 18 Abs. 4 Satz 2 GemO): the
    page after it and the declaration's id."""
    doubt = _post_current(
        client, f"{base}/befangenheit", page, person_id=str(person), reason="Nachbar", doubtful="ja"
    )
    page = _follow(client, doubt)
    return page, world.run(lambda s: known(s.exec(select(BiasDeclaration)).one().id))


def _follow(client: TestClient, response: Any) -> str:
    """The screen after a form: where a redirect leads, or the screen shown again."""
    if response.status_code != 303:
        assert response.status_code in (409, 422), response.status_code
        text: str = response.text
        return text
    page: str = client.get(response.headers["location"]).text
    return page


def test_a_decided_item_keeps_its_attendance_and_bias_record(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    pid, mid, item, present = _running(world, clock)
    leaver = present[-1]
    name = world.get(Person, leaver).name
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    base = f"/sitzungen/{mid}/durchfuehren/{item}"
    counted = _post_current(
        client, f"{base}/stimmenzahlen", page, ja=str(len(present)), nein="0", enthaltung="0"
    )
    page = _follow(client, counted)
    assert "Stimmen zum Zeitpunkt der Abstimmung" not in page
    left = _post_current(
        client, f"{base}/kommen-gehen", page, person_id=str(leaver), richtung="geht"
    )
    page = _follow(client, left)
    assert f"({len(present) - 1} stimmberechtigt anwesend; die erfassten Stimmen sind vom " in page
    assert "Stimmen zum Zeitpunkt der Abstimmung; seitdem hat sich die Anwesenheit" in page
    # he is no longer at the table: no bias to declare for him (§ 18 Abs. 5 GemO)
    absent = _post_current(
        client, f"{base}/befangenheit", page, person_id=str(leaver), reason="Nachbar"
    )
    page = _follow(client, absent)
    assert f"{name} ist bei diesem Tagesordnungspunkt nicht anwesend" in page

    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    late = _post_current(
        client, f"{base}/befangenheit", page, person_id=str(present[3]), reason="Bruder ist Bieter"
    )
    page = _follow(client, late)
    assert "Über TOP 1 ist bereits entschieden: Eine Befangenheit wird dafür nicht mehr" in page
    assert world.run(lambda s: s.exec(select(BiasDeclaration)).all()) == []

    assert f'action="/sitzungen/{mid}/durchfuehren/anwesenheit"' not in page
    assert "Wer jetzt kommt oder geht, erfassen Sie beim Tagesordnungspunkt" in page
    rewritten = _post_current(client, f"/sitzungen/{mid}/durchfuehren/anwesenheit", page,
                      present=str(present[0]))  # fmt: skip
    page = _follow(client, rewritten)
    assert "Über TOP 1 ist bereits entschieden: Die Anwesenheit bei Sitzungsbeginn" in page
    still = world.run(
        lambda s: len(
            s.exec(select(Attendance).where(Attendance.meeting_id == mid, Attendance.present)).all()
        )
    )
    assert still == len(present)


def test_deferring_is_checked_before_it_is_recorded(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    pid, mid, item, _ = _running(world, clock)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    url = f"/sitzungen/{mid}/durchfuehren/{item}/ergebnis/defer"
    assert f'action="{url}"' in page
    shown = re.search(r'name="proposal_version" value="(\d+)"', page)
    assert shown is not None
    check = client.post(url, data={"csrf_token": csrf_of(page), "proposal_version": shown.group(1)})
    assert "Bitte prüfen: Vertagen" in check.text
    assert world.get(Proposal, pid).state == "scheduled", "the check records nothing"
    version = re.search(r'name="proposal_version" value="(\d+)"', check.text)
    assert version is not None
    done = client.post(
        url,
        data={"csrf_token": csrf_of(check.text), "bestaetigt": "ja",
              "proposal_version": version.group(1)},
    )  # fmt: skip
    assert "Ergebnis „vertagt“ ist festgestellt" in done.text
    assert world.get(Proposal, pid).state == "ready"


def test_refusals_name_people_and_states_in_words(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    _, mid, item, present = _running(world, clock)
    world.run(lambda s: s.add(AgendaItem(meeting_id=mid, position=2, title="Bekanntgaben")))
    free = world.run(
        lambda s: s.exec(select(AgendaItem).where(AgendaItem.title == "Bekanntgaben")).one().id
    )
    names = world.run(lambda s: {p.id: p.name for p in s.exec(select(Person))})
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    base = f"/sitzungen/{mid}/durchfuehren/{item}"
    votes = {f"vote-{p}": "yes" for p in present}
    voted = _post_current(client, f"{base}/abstimmung", page, **votes)
    page = _follow(client, voted)
    late = _post_current(
        client, f"{base}/befangenheit", page, person_id=str(present[3]), reason="Bruder ist Bieter"
    )
    page = _follow(client, late)
    assert f"{names[present[3]]} ist befangen, die Stimme ist aber erfasst" in page
    assert "Person " not in page

    unknown = _post_current(client, f"{base}/antraege", page, art="",
                    mover="Fraktion FWV", text="Ohne Carport.")  # fmt: skip
    page = _follow(client, unknown)
    assert "Bitte wählen Sie die Art des Antrags: Änderungsantrag, Gegenantrag oder " in page
    assert "amendment" not in page.split('id="fehler"')[1].split("</ul>")[0]

    on_proposal = _post_current(client, f"{base}/ergebnis", page, outcome="noted")
    page = _follow(client, on_proposal)
    assert "Über eine Vorlage wird mit ihren Aktionen entschieden (Beschluss gefasst, " in page
    odd = _post_current(client, f"/sitzungen/{mid}/durchfuehren/{free}/ergebnis", page,
                outcome="erledigt")  # fmt: skip
    page = _follow(client, odd)
    assert "Bitte wählen Sie als Ergebnis „behandelt“, „zur Kenntnis genommen“, „vertagt“." in page

    outsider = world["ilsfeld.secretary"].person_id
    stranger = _post_current(client, f"/sitzungen/{mid}/durchfuehren/anwesenheit", page,
                     present=str(outsider))  # fmt: skip
    page = _follow(client, stranger)
    assert f"Nicht Mitglied des Gremiums: {names[outsider]}." in page

    early = _post_current(client, f"/sitzungen/{mid}/durchfuehren/niederschrift", page,
                  signer=f"{present[0]}:chair")  # fmt: skip
    page = _follow(client, early)
    assert "nach dem Schließen der Sitzung erfasst, bis sie als unterzeichnet festgestellt ist " \
        "(jetziger Stand: „Sitzung läuft“)." in page  # fmt: skip
    assert "in_session" not in page


def test_votes_and_departures_are_worded_for_the_minutes(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    _, mid, item, present = _running(world, clock)
    names = world.run(lambda s: {p.id: p.name for p in s.exec(select(Person))})
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    base = f"/sitzungen/{mid}/durchfuehren/{item}"
    abstentions = {f"vote-{p}": "abstain" for p in present}
    preview = client.post(f"{base}/vorschau", data={"csrf_token": csrf_of(page), **abstentions})
    assert f"Keine Mehrheit: keine Ja-Stimme (0 Ja, 0 Nein, {len(present)} Enthaltungen)" in (
        preview.text
    )
    assert "Stimmengleichheit" not in preview.text

    page, declaration = _doubtful_bias(world, client, base, page, present[2])
    zeros = _post_current(
        client, f"{base}/befangenheit/{declaration}", page, ja="0", nein="0", enthaltung="0"
    )
    page = _follow(client, zeros)
    assert "Bitte geben Sie die Stimmen ein: alle Zahlen sind 0." in page
    decided = _post_current(
        client, f"{base}/befangenheit/{declaration}", page, ja="0", nein="10", enthaltung="0"
    )
    page = _follow(client, decided)
    assert "nicht befangen" in page

    leaver = present[-1]
    left = _post_current(
        client,
        f"{base}/kommen-gehen",
        page,
        person_id=str(leaver),
        richtung="geht",
        nur_dieser_punkt="ja",
    )
    page = _follow(client, left)
    assert f"{names[leaver]} verlässt den Sitzungstisch für TOP 1." in page
    counted = _post_current(
        client, f"{base}/stimmenzahlen", page, ja="10", nein="2", enthaltung="0"
    )
    page = _follow(client, counted)
    assert (
        "<strong>Abgelehnt</strong> – noch nicht möglich. Die Mehrheit hat dem "
        "Beschlussvorschlag zugestimmt: er ist angenommen." in page
    )


def test_over_long_or_odd_input_is_refused_not_cut(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    _, mid, item, present = _running(world, clock)
    names = world.run(lambda s: {p.id: p.name for p in s.exec(select(Person))})
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    for field in ('id="bias-reason"', 'id="presence-reason"', 'id="motion-text"',
                  f'id="grund-{present[-1]}"'):  # fmt: skip
        tag = page.split(field)[1].split(">")[0]
        assert "maxlength=" in tag, field
    base = f"/sitzungen/{mid}/durchfuehren/{item}"
    long = "x" * 2001
    absent = present[-1]
    reasons = _post_current(client, f"/sitzungen/{mid}/durchfuehren/anwesenheit", page,
                    present=str(present[0]),
                    **{f"grund-{absent}": long})  # fmt: skip
    page = _follow(client, reasons)
    assert f"Der Grund der Abwesenheit von {names[absent]} ist zu lang: höchstens 2.000" in page
    going = _post_current(
        client, f"{base}/kommen-gehen", page, person_id=str(absent), richtung="geht", reason=long
    )
    page = _follow(client, going)
    assert "Der Grund des Kommens oder Gehens ist zu lang: höchstens 2.000 Zeichen." in page
    odd = _post_current(
        client,
        f"{base}/kommen-gehen",
        page,
        person_id=str(absent),
        richtung="bleibt",
        reason="Termin",
    )
    page = _follow(client, odd)
    assert "Bitte wählen Sie, ob das Mitglied kommt oder geht." in page
    # the form again, open, with the member and the reason as typed
    assert odd.status_code == 422
    assert f'<option value="{absent}" selected>' in page.split('id="presence-person"')[1]
    assert ">Termin</textarea>" in page
    bias = _post_current(client, f"{base}/befangenheit", page, person_id=str(absent), reason=long)
    page = _follow(client, bias)
    assert "Der Grund der Befangenheit ist zu lang: höchstens 2.000 Zeichen." in page
    wording = _post_current(
        client, f"{base}/antraege", page, art="amendment", mover="FWV", text="y" * 20_001
    )
    page = _follow(client, wording)
    assert "Der Wortlaut des Antrags ist zu lang: höchstens 20.000 Zeichen." in page
    for reach in ("-1", "101"):
        bent = _post_current(
            client,
            f"{base}/antraege",
            page,
            art="amendment",
            mover="FWV",
            text="Ohne Carport.",
            reach=reach,
        )
        page = _follow(client, bent)
        assert "Bitte geben Sie die Reichweite als ganze Zahl von 0 bis 100 ein." in page
        assert ">Ohne Carport.</textarea>" in page  # the motion as typed, to correct
    stored = world.run(
        lambda s: (
            s.exec(select(Motion)).all(),
            s.exec(select(ItemAttendance)).all(),
            s.exec(select(BiasDeclaration)).all(),
            len(s.exec(select(Attendance).where(Attendance.present)).all()),
        )
    )
    assert stored == ([], [], [], len(present))
    assert (
        ".rf-screen { overflow-wrap: anywhere; hyphens: auto; }"
        in client.get("/static/ratsflow.css").text
    )


def test_a_vote_by_name_names_every_member_and_the_preview_only_open_items(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    pid, mid, item, present = _running(world, clock)
    names = world.run(lambda s: {p.id: p.name for p in s.exec(select(Person))})
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    base = f"/sitzungen/{mid}/durchfuehren/{item}"
    one = _post_current(client, f"{base}/abstimmung", page, **{f"vote-{present[0]}": "yes"})
    page = _follow(client, one)
    assert "Bitte erfassen Sie die Stimme (Ja, Nein oder Enthaltung) von " in page
    assert names[present[1]] in page.split("Bitte erfassen Sie die Stimme")[1].split("</")[0]
    assert "Abstimmung gespeichert" not in page
    assert world.run(lambda s: len(s.exec(select(Vote)).all())) == 0
    everyone = {f"vote-{p}": "yes" for p in present}
    saved = _post_current(client, f"{base}/abstimmung", page, **everyone)
    page = _follow(client, saved)
    assert f"Mehrheit erreicht: {len(present)} Ja" in page

    token = {"csrf_token": csrf_of(page), f"vote-{present[0]}": "yes"}
    other_pid, other_mid = planned(world, day=date(2024, 4, 30))
    other_item = item_of(world, other_pid)
    foreign = client.post(f"/sitzungen/{mid}/durchfuehren/{other_item}/vorschau", data=token)
    assert foreign.status_code == 404
    assert other_mid != mid
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    decided = client.post(f"{base}/vorschau", data=token)
    assert decided.status_code == 409
    assert "Mehrheit erreicht" not in decided.text


def test_a_refused_notes_or_bias_form_keeps_what_was_typed(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    _, mid, item, present = _running(world, clock)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    base = f"/sitzungen/{mid}/durchfuehren/{item}"
    old_version = _version(page)
    typed = "Herr Maier fragt nach den Folgekosten; die Verwaltung antwortet. " * 400
    too_long = _post(client, f"{base}/beratung", page, version=old_version,
                     deliberation_notes=typed)  # fmt: skip
    assert too_long.status_code == 422
    area = too_long.text.split(f'id="beratung-{item}"')[1].split("</textarea>")[0]
    assert 'aria-invalid="true"' in area
    assert typed.strip()[:200] in area
    assert "Der Verlauf der Beratung darf höchstens 20000 Zeichen lang sein." in too_long.text

    # someone else saves meanwhile: the typed notes are kept with the stale version
    counted = _post(client, f"{base}/stimmenzahlen", page, version=old_version, ja="3")
    assert counted.status_code == 303
    short = "Die Verwaltung erläutert den Bauablauf."
    stale = _post(client, f"{base}/beratung", page, version=old_version,
                  deliberation_notes=short)  # fmt: skip
    assert stale.status_code == 409
    assert f">{short}</textarea>" in stale.text
    assert "Ihr Text ist unten erhalten." in stale.text
    assert world.get(AgendaItem, item).deliberation_notes is None

    page = stale.text
    empty = _post_current(client, f"{base}/befangenheit", page, doubtful="ja")
    assert empty.status_code == 422
    assert "Bitte wählen Sie das Mitglied, das befangen ist." in empty.text
    assert unbroken("Bitte geben Sie den Grund der Befangenheit an (§ 18 GemO).") in empty.text
    assert 'id="bias-person" name="person_id" aria-describedby="bias-person-fehler"' in empty.text
    assert 'id="bias-doubtful" name="doubtful" value="ja" checked' in empty.text

    counted = _post_current(
        client, f"{base}/kommen-gehen", page, person_id=str(present[-1]), richtung="geht"
    )
    page = _follow(client, counted)
    reason = "Ehefrau ist Inhaberin eines Bieters, Angebot vom 12.03."
    absent = _post_current(
        client, f"{base}/befangenheit", page, person_id=str(present[-1]), reason=reason
    )
    assert absent.status_code == 422
    assert f">{reason}</textarea>" in absent.text
    assert f'<option value="{present[-1]}" selected>' in absent.text
    assert "ist bei diesem Tagesordnungspunkt nicht anwesend" in absent.text
    assert 'aria-describedby="bias-person-fehler" aria-invalid="true"' in absent.text


def _summary(page: str) -> str:
    """The error summary of a page shown again with errors (``#fehler``), which ratsflow.js
    focuses on load, as on every other page of forms."""
    assert page.count('id="fehler"') == 1, "one error summary"
    return page.split('id="fehler"')[1].split("</ul>")[0]


def test_a_refused_screen_form_opens_at_its_error_summary(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """The focus goes to the summary, not to the item's heading (no autofocus there), and
    the summary links to the marked field."""
    _, mid, item, present = _running(world, clock)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    assert 'id="fehler"' not in page
    assert 'id="aktueller-top" tabindex="-1" autofocus>' in page
    base = f"/sitzungen/{mid}/durchfuehren/{item}"
    too_many = _post_current(
        client, f"{base}/stimmenzahlen", page, ja=str(len(present)), nein="2", enthaltung="1"
    )
    assert too_many.status_code == 422
    summary = _summary(too_many.text)
    assert f"{len(present) + 3} Stimmen, aber nur {len(present)} Mitglieder" in summary
    assert 'href="#counts-ja"' in summary
    assert 'id="counts-ja" name="ja" type="number" value="' in too_many.text
    assert 'aria-describedby="counts-ja-fehler" aria-invalid="true"' in too_many.text
    assert "autofocus" not in too_many.text
    assert "rf-flashes" not in too_many.text, "the summary, not a banner besides"

    nobody = _post_current(client, f"{base}/kommen-gehen", page, richtung="geht")
    assert nobody.status_code == 422
    assert 'href="#presence-person">Bitte wählen Sie das Mitglied.' in _summary(nobody.text)

    empty = _post_current(client, f"{base}/befangenheit", page)
    assert empty.status_code == 422
    summary = _summary(empty.text)
    assert 'href="#bias-person">Bitte wählen Sie das Mitglied, das befangen ist.' in summary
    assert 'href="#bias-reason">Bitte geben Sie den Grund der Befangenheit an' in summary

    notes = _post_current(client, f"{base}/beratung", page, deliberation_notes="x" * 20_001)
    assert notes.status_code == 422
    assert f'href="#beratung-{item}">Der Verlauf der Beratung darf' in _summary(notes.text)

    # no field named (the vote lost to a newer version): the summary links to the form
    stale = _post(client, f"{base}/stimmenzahlen", page, version="1", ja="1")
    assert stale.status_code == 409
    assert 'href="#stimmenzahlen">' in _summary(stale.text)


def test_a_refused_outcome_or_motion_vote_opens_at_its_error_summary(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """As every other form of the screen: no redirect to a banner (``#meldungen``), but the
    screen again (not saved) with the error summary linking the field, and what was typed."""
    pid, mid, item, present = _running(world, clock)
    world.run(lambda s: s.add(AgendaItem(meeting_id=mid, position=2, title="Bekanntgaben")))
    free = world.run(
        lambda s: s.exec(select(AgendaItem).where(AgendaItem.title == "Bekanntgaben")).one().id
    )
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    base = f"/sitzungen/{mid}/durchfuehren/{item}"
    proposed = _post_current(
        client,
        f"{base}/antraege",
        page,
        art="amendment",
        mover="Fraktion FWV",
        text="Ohne Carport.",
    )
    page = _follow(client, proposed)
    motion = world.run(lambda s: s.exec(select(Motion)).one().id)

    too_many = _post_current(
        client, f"{base}/antraege/{motion}", page, ja=str(len(present)), nein="5", enthaltung="1"
    )
    assert too_many.status_code == 422
    summary = _summary(too_many.text)
    assert f'href="#motion-ja-{motion}">{len(present) + 6} Stimmen, aber nur ' in summary
    assert f'id="motion-nein-{motion}" name="nein" type="number" value="5"' in too_many.text
    assert f'aria-describedby="motion-ja-{motion}-fehler" aria-invalid="true"' in too_many.text
    assert "autofocus" not in too_many.text
    assert "rf-flashes" not in too_many.text, "the summary, not a banner besides"
    assert world.get(Motion, motion).adopted is None

    # adopting is not open while the motion waits for its vote: the outcome's refusal
    shown = re.search(r'name="proposal_version" value="(\d+)"', page)
    assert shown is not None
    closed = _post(client, f"{base}/ergebnis/adopt", page, proposal_version=shown.group(1))
    assert closed.status_code == 409
    summary = _summary(closed.text)
    assert 'href="#ergebnis">Dieses Ergebnis ist für den Tagesordnungspunkt zurzeit nicht' in (
        summary
    )
    assert '<h3 class="kern-heading-small" id="ergebnis" tabindex="-1">Ergebnis</h3>' in (
        closed.text
    )
    assert "rf-flashes" not in closed.text
    # a stale Vorlage (someone else acted meanwhile): refused by the engine, same place
    stale = _post(client, f"{base}/ergebnis/defer", page, proposal_version="999")
    assert stale.status_code == 409
    assert 'href="#ergebnis">' in _summary(stale.text)
    assert world.get(Proposal, pid).state == "scheduled"

    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={free}").text
    odd = _post_current(client, f"/sitzungen/{mid}/durchfuehren/{free}/ergebnis", page,
                outcome="erledigt")  # fmt: skip
    assert odd.status_code == 422
    assert 'href="#free-outcome">Bitte wählen Sie als Ergebnis ' in _summary(odd.text)
    assert 'aria-describedby="free-outcome-fehler" aria-invalid="true"' in odd.text
    assert "rf-flashes" not in odd.text
    assert world.get(AgendaItem, free).outcome is None

    # the body's decision on a doubtful bias (§ 18 Abs. 4 Satz 2 GemO) is a count form too
    page, declaration = _doubtful_bias(world, client, base, page, present[2])
    zeros = _post_current(
        client, f"{base}/befangenheit/{declaration}", page, ja="0", nein="0", enthaltung="0"
    )
    assert zeros.status_code == 422
    assert f'href="#bias-ja-{declaration}">Bitte geben Sie die Stimmen ein' in _summary(zeros.text)
    assert f'aria-describedby="bias-ja-{declaration}-fehler" aria-invalid="true"' in zeros.text
    assert "rf-flashes" not in zeros.text
    # the minutes are signed once the session is closed: refused, at the signer's field
    early = _post_current(client, f"/sitzungen/{mid}/durchfuehren/niederschrift", page,
                  signer=f"{present[0]}:chair")  # fmt: skip
    assert early.status_code == 409
    assert 'href="#signer">' in _summary(early.text)


def test_the_mover_is_chosen_from_members_and_fraktionen_or_typed(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """Antrag stellen: the body's members and the municipality's current Fraktionen to
    choose from (kept as a reference, shown by name), free text for anyone else."""
    from workflow.models import Faction

    _, mid, item, present = _running(world, clock)
    municipality = world.data.ilsfeld.municipality.id or 0
    fw = Faction(municipality_id=municipality, name="Freie Wähler", short_name="FW")
    gone = Faction(municipality_id=municipality, name="Bürgerliste", dissolved_on=date(2024, 1, 2))
    world.run(lambda s: s.add_all([fw, gone]))
    names = world.run(lambda s: {p.id: p.name for p in s.exec(select(Person))})
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    choice = page.split('id="motion-mover-choice"')[1].split("</select>")[0]
    assert f'<option value="fraktion:{fw.id}">Fraktion: Freie Wähler (FW)</option>' in choice
    assert f'<option value="mitglied:{present[0]}">Mitglied: {names[present[0]]}</option>' in (
        choice
    )
    assert "Bürgerliste" not in choice  # dissolved
    typed = field_of(page, "motion-mover")  # not required: a choice above is enough
    assert "Pflicht, wenn oben „andere/r“ gewählt ist" in typed
    assert " required" not in typed
    base = f"/sitzungen/{mid}/durchfuehren/{item}/antraege"

    chosen = f"fraktion:{fw.id}"
    both = _post_current(client, base, page, art="amendment",
                 antragsteller=chosen, mover="Verwaltung", text="Mit Carport.")  # fmt: skip
    assert both.status_code == 422
    summary = both.text.split('id="fehler"')[1].split("</ul>")[0]
    assert "entweder aus der Liste wählen oder als andere/n eintragen" in summary
    assert 'value="Verwaltung"' in both.text  # the input kept
    stale = _post(client, base, both.text, version=_version(both.text), art="amendment",
                  antragsteller=f"fraktion:{gone.id}", text="Mit Carport.")  # fmt: skip
    assert stale.status_code == 422
    assert "Die Fraktion „Bürgerliste“ ist aufgelöst" in stale.text.split('id="fehler"')[1]
    assert 'href="#motion-mover-choice"' in stale.text
    outsider = world["ilsfeld.secretary"].person_id  # of the town, not of the council
    assert f'value="mitglied:{outsider}"' not in choice
    foreign = _post(client, base, stale.text, version=_version(stale.text), art="amendment",
                    antragsteller=f"mitglied:{outsider}", text="Mit Carport.")  # fmt: skip
    assert foreign.status_code == 422
    refusal = foreign.text.split('id="fehler"')[1].split("</ul>")[0]
    assert "Sabine Schreiber ist kein stimmberechtigtes Mitglied des Gremiums" in refusal
    assert 'href="#motion-mover-choice"' in refusal

    page = _follow(client, _post(client, base, foreign.text, version=_version(foreign.text),
                                 art="amendment", antragsteller=f"fraktion:{fw.id}",
                                 text="Mit Carport."))  # fmt: skip
    assert "(Antragsteller/in: Freie Wähler (FW))" in page
    page = _follow(client, _post_current(client, base, page, art="close_debate",
                                 antragsteller=f"mitglied:{present[0]}"))  # fmt: skip
    assert f"(Antragsteller/in: {names[present[0]]})" in page
    page = _follow(client, _post_current(client, base, page, art="adjourn",
                                 mover="Verwaltung"))  # fmt: skip
    assert "(Antragsteller/in: Verwaltung)" in page
    movers = world.run(
        lambda s: [
            (m.mover, m.mover_person_id, m.mover_faction_id)
            for m in s.exec(select(Motion).order_by(Motion.id))  # type: ignore[arg-type]
        ]
    )
    assert movers == [
        ("Freie Wähler (FW)", None, fw.id),
        (names[present[0]], present[0], None),
        ("Verwaltung", None, None),
    ]


def test_a_free_items_outcome_saves_the_notes_typed_with_it(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    _, mid, _, _ = _running(world, clock)
    world.run(lambda s: s.add(AgendaItem(meeting_id=mid, position=2, title="Bekanntgaben")))
    free = world.run(
        lambda s: s.exec(select(AgendaItem).where(AgendaItem.title == "Bekanntgaben")).one().id
    )
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={free}").text
    base = f"/sitzungen/{mid}/durchfuehren/{free}"
    # one form: the notes' textarea inside the outcome's, its own button sent elsewhere
    form = page.split(f'action="{base}/ergebnis"')[1].split("</form>")[0]
    assert f'id="beratung-{free}" name="deliberation_notes"' in form
    assert f'formaction="{base}/beratung"' in form

    # refused outcome: nothing saved, the notes as typed are shown again
    notes = "Die Bürgermeisterin berichtet über den Stand der Bauarbeiten am Rathaus."
    odd = _post_current(
        client, f"{base}/ergebnis", page, outcome="erledigt", deliberation_notes=notes
    )
    assert odd.status_code == 422
    assert f">{notes}</textarea>" in odd.text
    assert world.get(AgendaItem, free).deliberation_notes is None

    saved = _post(client, f"{base}/ergebnis", odd.text, version=_version(odd.text),
                  outcome="noted", deliberation_notes=f"  {notes}\r\n")  # fmt: skip
    assert saved.status_code == 303
    stored = world.get(AgendaItem, free)
    assert stored.outcome == "noted"
    assert stored.deliberation_notes == notes
    page = _follow(client, saved)
    assert "Ergebnis gespeichert: zur Kenntnis genommen." in page


def test_notes_refused_with_a_free_outcome_keep_both_unsaved(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    _, mid, _, _ = _running(world, clock)
    world.run(lambda s: s.add(AgendaItem(meeting_id=mid, position=2, title="Anfragen")))
    free = world.run(
        lambda s: s.exec(select(AgendaItem).where(AgendaItem.title == "Anfragen")).one().id
    )
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={free}").text
    typed = "Herr Maier fragt nach dem Winterdienst. " * 600
    refused = _post_current(client, f"/sitzungen/{mid}/durchfuehren/{free}/ergebnis", page,
                    outcome="handled",
                    deliberation_notes=typed)  # fmt: skip
    assert refused.status_code == 422
    assert "Der Verlauf der Beratung darf höchstens 20000 Zeichen lang sein." in refused.text
    area = refused.text.split(f'id="beratung-{free}"')[1].split("</textarea>")[0]
    assert 'aria-invalid="true"' in area
    assert f'href="#beratung-{free}"' in _summary(refused.text)
    stored = world.get(AgendaItem, free)
    assert stored.outcome is None, "one savepoint: the outcome is not kept without its notes"
    assert stored.deliberation_notes is None


def test_a_vorlage_outcome_keeps_the_notes_across_its_check_and_saves_them_with_it(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    pid, mid, item, _ = _running(world, clock)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    url = f"/sitzungen/{mid}/durchfuehren/{item}/ergebnis/defer"
    form = page.split(f'action="{url}"')[1].split("</form>")[0]
    # the outcome's form carries the notes' place, filled on sending (ratsflow.js)
    assert f'data-rf-beratung="beratung-{item}"' in form
    assert '<input type="hidden" name="deliberation_notes" value="" disabled>' in form
    shown = re.search(r'name="proposal_version" value="(\d+)"', page)
    assert shown is not None
    notes = "Die Fraktion FWV bittet um eine weitere Vorberatung im Ausschuss."
    check = _post_current(client, url, page, proposal_version=shown.group(1),
                  deliberation_notes=notes)  # fmt: skip
    assert check.status_code == 200
    assert "Bitte prüfen: Vertagen" in check.text
    # the check records nothing, the text is shown as typed and carried to the confirmation
    assert world.get(AgendaItem, item).deliberation_notes is None
    assert f">{notes}</textarea>" in check.text
    assert "data-rf-geaendert" in check.text
    confirm = check.text.split('name="bestaetigt" value="ja"')[1].split("</form>")[0]
    assert f'<input type="hidden" name="deliberation_notes" value="{notes}">' in confirm
    version = re.search(r'name="proposal_version" value="(\d+)"', check.text)
    assert version is not None
    done = _post(client, url, check.text, bestaetigt="ja", proposal_version=version.group(1),
                 version=_version(check.text), deliberation_notes=notes)  # fmt: skip
    assert done.status_code == 303
    assert world.get(Proposal, pid).state == "ready"
    assert world.get(AgendaItem, item).deliberation_notes == notes


def test_a_stale_vorlage_outcome_saves_neither_it_nor_the_notes(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    pid, mid, item, _ = _running(world, clock)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    url = f"/sitzungen/{mid}/durchfuehren/{item}/ergebnis/defer"
    shown = re.search(r'name="proposal_version" value="(\d+)"', page)
    assert shown is not None
    notes = "Die Verwaltung erläutert den Zeitplan."
    # a stale proposal version: the notes saved first are rolled back with the refusal
    stale = _post_current(client, url, page, bestaetigt="ja", proposal_version="999",
                  deliberation_notes=notes)  # fmt: skip
    assert stale.status_code == 409
    assert f">{notes}</textarea>" in stale.text
    assert world.get(AgendaItem, item).deliberation_notes is None
    assert world.get(Proposal, pid).state == "scheduled"
