"""The meeting screen over HTTP: attendance, bias, votes, quorum and majority as the engine
computes them, the outcome checked before it is recorded, the next item, the minutes."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from api.ui.citations import unbroken
from tests.api.conftest import FixedClock, TestClient
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.api.test_ui_meetings import _post, _post_current, _version
from tests.conftest import World, berlin
from tests.integration.flow import DAY, MEETING_DAY, new_meeting, released
from workflow.models import AgendaItem, Meeting, Person, Proposal, Resolution
from workflow.queries import voting_members


def _invited(world: World) -> tuple[int, int, int]:
    """A Gemeinderat meeting, invited, with a Vorlage and Bekanntgaben on its agenda."""
    pid = released(world)
    meeting = new_meeting(world)
    world.fire(
        "proposal",
        pid,
        "schedule",
        "ilsfeld.secretary",
        berlin(DAY, 12),
        data={"meeting_id": meeting},
    )
    world.run(lambda s: s.add(AgendaItem(meeting_id=meeting, position=2, title="Bekanntgaben")))
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", meeting, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    return pid, meeting, world.get_meeting(meeting).body_id


def _screen(client: TestClient, meeting: int, top: int | None = None) -> str:
    page: str = client.get(
        f"/sitzungen/{meeting}/durchfuehren" + (f"?top={top}" if top else "")
    ).text
    return page


def test_a_session_is_run_on_one_screen(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    pid, meeting, body = _invited(world)
    members = world.run(lambda s: voting_members(s, body))
    names = world.run(lambda s: {p.id: p.name for p in s.exec(select(Person))})
    clock.now = berlin(MEETING_DAY, 18)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting)
    assert (
        "<title>Sitzung durchführen – Sitzung des Gemeinderats am 23.04.2024 – Ratsflow</title>"
        in page
    )
    assert "Vor der Eröffnung" in page
    # Before attendance is saved the boxes are all ticked as a proposal: no verdict on the
    # quorum and no "0 von N" beside them.
    assert "Anwesenheit noch nicht erfasst" in page
    assert "Anwesend (noch nicht gespeichert: alle vorausgewählt)" in page
    assert "beschlussfähig:" not in page
    # the quorum follows the ticks before they are saved (htmx), and records nothing
    preview = f"/sitzungen/{meeting}/durchfuehren/anwesenheit/vorschau"
    assert f'hx-post="{preview}"' in page
    few = client.post(
        preview,
        data={"csrf_token": csrf_of(page), "present": [str(m) for m in members[:3]] + ["x"]},
    )
    assert few.status_code == 200
    assert f"nicht beschlussfähig: 3 von {len(members)} anwesend" in few.text
    assert "(noch nicht gespeichert)" in few.text
    assert "<html" not in few.text, "htmx gets the fragment only"
    enough = client.post(
        preview, data={"csrf_token": csrf_of(page), "present": [str(m) for m in members]}
    )
    assert f"beschlussfähig: {len(members)} von {len(members)} anwesend" in enough.text
    assert "Anwesenheit noch nicht erfasst" in _screen(client, meeting)
    absent = members[-1]
    present = {"present": [str(m) for m in members[:-1]]}
    odd_chair = client.post(
        f"/sitzungen/{meeting}/durchfuehren/anwesenheit",
        data={"csrf_token": csrf_of(page), "version": _version(page), **present,
              "chair_person_id": "nichtda"},
    )  # fmt: skip
    assert "Bitte wählen Sie den Vorsitz aus der Liste." in odd_chair.text
    assert "Anwesenheit gespeichert" not in odd_chair.text
    response = client.post(
        f"/sitzungen/{meeting}/durchfuehren/anwesenheit",
        data={"csrf_token": csrf_of(page), "version": _version(page), **present},
    )
    page = response.text
    assert f"Anwesenheit gespeichert: {len(members) - 1} von {len(members)} anwesend." in page
    assert f"beschlussfähig: {len(members) - 1} von {len(members)} anwesend" in page
    assert f'id="anwesend-{absent}" name="present" value="{absent}">' in page
    opened = _post_current(client, f"/sitzungen/{meeting}/aktionen/open_session", page)
    assert opened.status_code == 303
    page = _screen(client, meeting)
    assert "TOP 1: Neubau Bauhof (Vorlage" in page
    assert "Beschlussvorschlag:" in page
    # without JavaScript the outcome does not carry the typed notes: the page says so
    hint = page.split("Beratungsverlauf speichern</span>")[1].split("</form>")[0]
    assert "<noscript>" in hint
    assert "ohne JavaScript nimmt das Ergebnis den hier getippten Text nicht mit" in hint
    item = world.run(
        lambda s: s.exec(select(AgendaItem).where(AgendaItem.proposal_id == pid)).one().id
    )
    biased = members[1]
    _post_current(
        client,
        f"/sitzungen/{meeting}/durchfuehren/{item}/befangenheit",
        page,
        person_id=str(biased),
        reason="Bruder ist Bieter",
    )
    page = _screen(client, meeting, item)
    assert f"Befangenheit erfasst: {names[biased]} wirkt an Beratung" in page
    assert f"{names[biased]}: Bruder ist Bieter" in page
    entitled = len(members) - 2
    assert f"beschlussfähig: {entitled} von {len(members)} anwesend und stimmberechtigt" in page
    assert f'name="vote-{biased}"' not in page, "the biased member has no vote"
    # before the item's outcome that is the step: the next item waits as a secondary button
    assert re.search(r'kern-btn--secondary" href="[^"]+\?top=\d+"', page)
    assert not re.search(r'kern-btn--primary" href="[^"]+\?top=\d+"', page)
    # a vote casting the biased member's vote is refused by the engine, in words
    voters = [m for m in members[:-1] if m != biased]
    votes = {f"vote-{m}": "yes" for m in voters[:-1]} | {f"vote-{voters[-1]}": "abstain"}
    refused = client.post(
        f"/sitzungen/{meeting}/durchfuehren/{item}/abstimmung",
        data={
            "csrf_token": csrf_of(page),
            "version": _version(page),
            **votes,
            f"vote-{biased}": "yes",
        },
    )
    assert "befangen und darf nicht mitstimmen" in refused.text
    # the screen again (422) with the votes as typed, not a redirect that loses them
    assert refused.status_code == 422
    kept = voters[-1]
    assert f'name="vote-{kept}" value="abstain" id="vote-{kept}-abstain"' in refused.text
    chosen = refused.text.split(f'id="vote-{kept}-abstain"')[1].split(">")[0]
    assert "checked" in chosen
    live = client.post(
        f"/sitzungen/{meeting}/durchfuehren/{item}/vorschau",
        data={"csrf_token": csrf_of(page), "vote-1": "yes", "vote-2": "no"},
    )
    assert "Keine Mehrheit: 1 Ja, 1 Nein, 0 Enthaltungen" in live.text
    assert "Stimmengleichheit gilt als Ablehnung" in live.text
    assert "<html" not in live.text, "htmx gets the fragment only"
    assert world.get(Proposal, pid).state == "scheduled"
    saved = client.post(
        f"/sitzungen/{meeting}/durchfuehren/{item}/abstimmung",
        data={"csrf_token": csrf_of(page), "version": _version(refused.text), **votes},
    )
    yes = len(voters) - 1
    assert f"Mehrheit erreicht: {yes} Ja, 0 Nein, 1 Enthaltung" in saved.text
    shown = re.search(r'name="proposal_version" value="(\d+)"', saved.text)
    assert shown is not None
    check = client.post(
        f"/sitzungen/{meeting}/durchfuehren/{item}/ergebnis/adopt",
        data={"csrf_token": csrf_of(saved.text), "proposal_version": shown.group(1)},
    )
    assert "Bitte prüfen: Beschluss gefasst" in check.text
    # one primary action while the check is shown: "Jetzt verbindlich", not the outcomes below
    outcomes = check.text.split('id="ergebnis"')[1].split('class="rf-actions"')[0]
    assert "kern-btn--primary" not in outcomes
    assert "Widerspruchsfrist der Bürgermeisterin läuft bis 30.04.2024" in check.text
    assert world.get(Proposal, pid).state == "scheduled", "the check records nothing"
    version = re.search(r'name="proposal_version" value="(\d+)"', check.text)
    assert version is not None
    done = client.post(
        f"/sitzungen/{meeting}/durchfuehren/{item}/ergebnis/adopt",
        data={
            "csrf_token": csrf_of(check.text),
            "bestaetigt": "ja",
            "proposal_version": version.group(1),
        },
    )
    assert "TOP 1: Ergebnis „beschlossen“ ist festgestellt." in done.text
    assert "TOP 2: Bekanntgaben" in done.text, "the next item follows"
    after = _screen(client, meeting, item)
    assert re.search(r'kern-btn--primary" href="[^"]+\?top=\d+"', after), "now the next item"
    assert '<h3 class="kern-heading-small">Abstimmung</h3>' not in done.text, "no vote on it"
    resolution = world.run(
        lambda s: s.exec(select(Resolution).where(Resolution.proposal_id == pid)).one()
    )
    assert (resolution.yes, resolution.no, resolution.abstain) == (yes, 0, 1)
    assert resolution.biased == 1
    bekanntgaben = world.run(
        lambda s: s.exec(select(AgendaItem).where(AgendaItem.title == "Bekanntgaben")).one().id
    )
    _post(
        client,
        f"/sitzungen/{meeting}/durchfuehren/{bekanntgaben}/ergebnis",
        done.text,
        version=_version(done.text),
        outcome="noted",
    )
    page = _screen(client, meeting)
    assert "Sitzung schließen" in page
    check = _post_current(client, f"/sitzungen/{meeting}/aktionen/close_session", page)
    assert "Bitte prüfen" in check.text
    _post(
        client,
        f"/sitzungen/{meeting}/aktionen/close_session",
        check.text,
        version=_version(check.text),
        bestaetigt="ja",
    )
    stored: Meeting = world.get_meeting(meeting)
    assert stored.state == "closed"
    # the Sitzung page leads to the signatures by their name
    detail = client.get(f"/sitzungen/{meeting}").text
    assert f'href="/sitzungen/{meeting}/durchfuehren#aktueller-top"' in detail
    assert "Niederschrift unterzeichnen</span>" in detail
    assert "Sitzung durchführen</span>" not in detail
    page = _screen(client, meeting)
    assert unbroken("Niederschrift unterzeichnen (§ 38 Abs. 2 GemO)") in page
    options = re.findall(r'<option value="(\d+:\w+)">', page)
    for signer in (
        [o for o in options if o.endswith(":chair")][:1]
        + [o for o in options if o.endswith(":councillor")][:2]
        + [o for o in options if o.endswith(":secretary")][:1]
    ):
        page = _screen(client, meeting)
        _post_current(
            client,
            f"/sitzungen/{meeting}/durchfuehren/niederschrift",
            page,
            signer=signer,
        )
    page = _screen(client, meeting)
    assert page.count(">unterzeichnet</span>") == 4
    # two councillors signed (§ 38 Abs. 2 S. 1 GemO): a third one, refused, is not offered
    assert len([o for o in options if o.endswith(":councillor")]) > 2
    assert not re.findall(r'<option value="\d+:councillor">', page)
    _post_current(client, f"/sitzungen/{meeting}/aktionen/sign_minutes", page)
    assert world.get_meeting(meeting).state == "minutes_signed"


def test_the_screen_is_for_the_sitzungsdienst(world: World, client: TestClient) -> None:
    _, meeting, _ = _invited(world)
    sign_in(client, "ilsfeld.council")
    assert client.get(f"/sitzungen/{meeting}/durchfuehren").status_code == 403
    sign_in(client, "flein.clerk")
    assert client.get(f"/sitzungen/{meeting}/durchfuehren").status_code == 404
    sign_in(client, "ilsfeld.secretary")
    assert client.get("/sitzungen/999999/durchfuehren").status_code == 404
    assert client.get(f"/sitzungen/{meeting}/durchfuehren?top=abc").status_code == 200


def test_a_member_cannot_vote_before_the_session_is_open(world: World, client: TestClient) -> None:
    pid, meeting, _ = _invited(world)
    item = world.run(
        lambda s: s.exec(select(AgendaItem).where(AgendaItem.proposal_id == pid)).one().id
    )
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting)
    response = _post_current(
        client,
        f"/sitzungen/{meeting}/durchfuehren/{item}/abstimmung",
        page,
        **{"vote-1": "yes"},
    )
    assert response.status_code == 409  # the screen again, the vote as typed
    assert "nur in einer laufenden Sitzung" in response.text
    assert world.get(Proposal, pid).state == "scheduled"


def _attend(client: TestClient, meeting: int, page: str, present: list[str], chair: str) -> str:
    """Posts the attendance form; the screen it returns to."""
    clock: FixedClock = client.app.state.clock  # type: ignore[attr-defined]
    clock.now += timedelta(minutes=1)  # the meeting's version moves with updated_at
    sent = client.post(
        f"/sitzungen/{meeting}/durchfuehren/anwesenheit",
        data={"csrf_token": csrf_of(page), "version": _version(page), "present": present,
              "chair_person_id": chair},
    )  # fmt: skip
    text: str = sent.text
    return text


def test_someone_chairs_and_is_marked_so(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """§ 48 GemO: an absent mayor is represented; without a chair the minutes could never be
    signed (§ 38 Abs. 2), so attendance naming nobody is refused."""
    _, meeting, body = _invited(world)
    members = world.run(lambda s: voting_members(s, body))
    names = world.run(lambda s: {p.id: p.name for p in s.exec(select(Person))})
    mayor = world.data.ilsfeld.mayor.id
    assert mayor in members
    deputy = next(m for m in members if m != mayor)
    clock.now = berlin(MEETING_DAY, 18)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting)
    assert f"{names[mayor]} (Vorsitz)</label>" in page, "the mayor chairs by default"
    without_mayor = [str(m) for m in members if m != mayor]
    page = _attend(client, meeting, page, without_mayor, "")
    # the mayor by name, in words for a Bürgermeisterin as for a Bürgermeister
    assert names[mayor] == "Bürgermeisterin Beate Beispiel"
    assert (
        unbroken(
            "Bürgermeisterin Beate Beispiel ist nicht anwesend: Bitte wählen Sie unter „Vorsitz“, "
            "wer die Sitzung in Stellvertretung leitet: die erste anwesende Stellvertretung in "
            "ihrer Reihenfolge, ist keine anwesend, das an Lebensjahren älteste anwesende Mitglied "
            "(§ 48 Abs. 1 Satz 4, 6, 8 GemO)."
        )
        in page
    )
    assert "Der Bürgermeister" not in page
    assert "Anwesenheit gespeichert" not in page
    assert world.get_meeting(meeting).chair_person_id is None
    page = _attend(client, meeting, page, without_mayor, str(deputy))
    assert "Anwesenheit gespeichert" in page
    assert world.get_meeting(meeting).chair_person_id == deputy
    assert f"{names[deputy]} (Vorsitz)</label>" in page
    assert f"{names[mayor]} (Vorsitz)" not in page
    assert f'name="chair_person_id" value="{deputy}" checked>' in page
    # "Bürgermeister/in" chosen again with the mayor there: he chairs, not the deputy
    everyone = [str(m) for m in members]
    page = _attend(client, meeting, page, everyone, "")
    assert world.get_meeting(meeting).chair_person_id == mayor
    assert f"{names[mayor]} (Vorsitz)</label>" in page
    # the mayor's id is no choice of its own: the empty one ("Keine Stellvertretung") is
    assert 'id="chair_person_id" name="chair_person_id" value="" checked' in page
    opened = _post_current(client, f"/sitzungen/{meeting}/aktionen/open_session", page)
    assert opened.status_code == 303
    page = _screen(client, meeting)
    # in the session the mayor cannot be unticked leaving nobody in the chair
    page = _attend(client, meeting, page, without_mayor, "")
    assert "Bürgermeisterin Beate Beispiel ist nicht anwesend" in page
    assert world.get_meeting(meeting).chair_person_id == mayor


def test_refused_attendance_keeps_the_ticks_and_the_chair_as_sent(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """The mayor unticked and nobody chosen to chair: refused, and the form comes back as
    it was sent, not with the mayor ticked again (saving it unchanged would say he came)."""
    _, meeting, body = _invited(world)
    members = world.run(lambda s: voting_members(s, body))
    mayor = world.data.ilsfeld.mayor.id
    others = [m for m in members if m != mayor]
    absent_too = others[-1]
    clock.now = berlin(MEETING_DAY, 18)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting)
    clock.now += timedelta(minutes=1)
    sent = {
        "csrf_token": csrf_of(page),
        "version": _version(page),
        "present": [str(m) for m in others if m != absent_too],
        f"grund-{mayor}": "Urlaub",
    }
    refused = client.post(f"/sitzungen/{meeting}/durchfuehren/anwesenheit", data=sent)
    assert refused.status_code == 422
    text = refused.text
    assert "Beate Beispiel ist nicht anwesend: Bitte wählen Sie unter „Vorsitz“" in text
    assert world.get_meeting(meeting).chair_person_id is None
    # the screen opens at the error summary (ratsflow.js focuses #fehler), which links to
    # the marked chair field, as every other page shown again with errors
    summary = text.split('id="fehler"')[1].split("</ul>")[0]
    assert '<a class="kern-link" href="#chair_person_id">Bürgermeisterin Beate' in summary
    assert "rf-flashes" not in text, "the summary, not a banner besides"
    for person in (mayor, absent_too):
        assert f'id="anwesend-{person}" name="present" value="{person}">' in text
    for person in others[:-1]:
        assert f'id="anwesend-{person}" name="present" value="{person}" checked>' in text
    assert 'value="Urlaub"' in text
    chair = re.search(r'<fieldset class="kern-fieldset rf-radios.*?</fieldset>', text, re.S)
    assert chair is not None
    # nobody chosen, as sent: the empty choice (the mayor) stays checked
    assert 'id="chair_person_id" name="chair_person_id" value="" ' in chair.group(0)
    assert chair.group(0).count(" checked") == 1
    assert "kern-fieldset--error" in chair.group(0)  # the chair's field is marked
    assert "kern-form-check__radio--error" in chair.group(0)
    # a chair chosen who cannot chair (the absent mayor himself): kept as chosen
    clock.now += timedelta(minutes=1)
    named = client.post(
        f"/sitzungen/{meeting}/durchfuehren/anwesenheit",
        data={**sent, "version": _version(text), "chair_person_id": str(mayor)},
    )
    assert named.status_code == 422
    assert "Beate Beispiel ist nicht anwesend" in named.text
    assert f'id="anwesend-{mayor}" name="present" value="{mayor}">' in named.text
    # sent again with a Stellvertreter: saved as sent
    clock.now += timedelta(minutes=1)
    saved = client.post(
        f"/sitzungen/{meeting}/durchfuehren/anwesenheit",
        data={**sent, "version": _version(named.text), "chair_person_id": str(others[0])},
    )
    assert f"Anwesenheit gespeichert: {len(others) - 1} von {len(members)} anwesend." in saved.text
    assert world.get_meeting(meeting).chair_person_id == others[0]


def test_no_stellvertreter_chairs_while_the_mayor_is_there(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """The screen refuses what the JSON API refuses: in the Gemeinderat "die Stellvertretung
    beschränkt sich auf die Fälle der Verhinderung" (§ 48 Abs. 1 Satz 4 GemO); the refusal
    at the field, the choice kept as sent, nothing saved."""
    _, meeting, body = _invited(world)
    members = world.run(lambda s: voting_members(s, body))
    mayor = world.data.ilsfeld.mayor.id
    deputy = next(m for m in members if m != mayor)
    clock.now = berlin(MEETING_DAY, 18)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting)
    clock.now += timedelta(minutes=1)
    refused = client.post(
        f"/sitzungen/{meeting}/durchfuehren/anwesenheit",
        data={"csrf_token": csrf_of(page), "version": _version(page),
              "present": [str(m) for m in members], "chair_person_id": str(deputy)},
    )  # fmt: skip
    assert refused.status_code == 422
    text = refused.text
    assert "Bürgermeisterin Beate Beispiel kann den Vorsitz in dieser Sitzung führen" in text
    assert unbroken("(§ 48 Abs. 1 Satz 4, 6 GemO)") in text
    assert "Anwesenheit gespeichert" not in text
    assert world.get_meeting(meeting).chair_person_id is None
    summary = text.split('id="fehler"')[1].split("</ul>")[0]
    assert '<a class="kern-link" href="#chair_person_id">Bürgermeisterin Beate' in summary
    chair = re.search(r'<fieldset class="kern-fieldset rf-radios.*?</fieldset>', text, re.S)
    assert chair is not None
    assert "kern-fieldset--error" in chair.group(0)
    assert f'name="chair_person_id" value="{deputy}" checked>' in chair.group(0)


def test_the_chair_field_says_when_it_is_needed_and_who_can_chair(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """Required when the mayor is absent (§ 48 Abs. 1 GemO), not "optional"; the empty
    choice names the mayor who then chairs, never "nobody" disguised as "Bürgermeister/in";
    an absent member is marked, and chosen all the same, refused by name."""
    _, meeting, body = _invited(world)
    members = world.run(lambda s: voting_members(s, body))
    names = world.run(lambda s: {p.id: p.name for p in s.exec(select(Person))})
    mayor = world.data.ilsfeld.mayor.id
    others = [m for m in members if m != mayor]
    clock.now = berlin(MEETING_DAY, 18)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting)
    chair = re.search(r'<fieldset class="kern-fieldset rf-radios.*?</fieldset>', page, re.S)
    assert chair is not None
    field = chair.group(0)
    assert "optional" not in field
    assert "verhindert" not in field
    assert "Pflicht, wenn die Bürgermeisterin fehlt." in field  # the town's title
    assert "Bürgermeister/in" not in field
    empty = '<label class="kern-label" for="chair_person_id">Keine Stellvertretung: Bürgermeisterin'
    assert f"{empty} Beate Beispiel</label>" in field
    assert f'value="{mayor}"' not in field, "the mayor is the empty choice"
    # no Stellvertreter appointed: every member behind "Anderes Mitglied", closed
    assert '<details class="kern-accordion rf-radios__more">' in field
    assert radio(others[0], names[others[0]]) in field
    # the mayor and one more unticked, that one chosen to chair: refused by name, both marked
    away = others[-1]
    clock.now += timedelta(minutes=1)
    refused = client.post(
        f"/sitzungen/{meeting}/durchfuehren/anwesenheit",
        data={"csrf_token": csrf_of(page), "version": _version(page),
              "present": [str(m) for m in others if m != away], "chair_person_id": str(away)},
    )  # fmt: skip
    assert refused.status_code == 422
    refusal = unbroken(
        f"{names[away]} ist nicht als anwesend angekreuzt: Den Vorsitz in Stellvertretung führt "
        "ein anwesendes stimmberechtigtes Mitglied des Gremiums (§ 48 Abs. 1, § 40 Abs. 4, "
        "§ 41 Abs. 2 GemO)."
    )
    assert refusal in refused.text
    assert radio(away, f"{names[away]} (abwesend)", checked=True) in refused.text
    assert '<details class="kern-accordion rf-radios__more" open>' in refused.text  # shown
    assert (
        'for="chair_person_id">Keine Stellvertretung: Bürgermeisterin Beate Beispiel (abwesend)<'
    ) in refused.text
    assert radio(others[0], names[others[0]]) in refused.text


def radio(person: int, text: str, *, checked: bool = False) -> str:
    """A member's choice in the attendance form's "Vorsitz" (the error state aside)."""
    return (
        f'name="chair_person_id" value="{person}"{" checked" if checked else ""}>'
        f'<label class="kern-label" for="chair_person_id-{person}">{text}</label>'
    )


def test_the_screen_numbers_and_orders_the_agenda_as_the_papers_do(
    world: World, client: TestClient
) -> None:
    _, meeting, _ = _invited(world)
    # a non-public item placed between the Vorlage and the Bekanntgaben by its position
    world.run(
        lambda s: s.add(
            AgendaItem(meeting_id=meeting, position=2, title="Grundstück", public=False)
        )
    )
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting)
    agenda = page.split('id="tagesordnung-liste"')[1].split("</nav>")[0]
    titles = re.findall(r"TOP ([^:<]+): ([^<]+)</a>", agenda)
    assert [number for number, _ in titles] == ["1", "2", "NÖ 1"]  # public part first
    assert titles[2][1] == "Grundstück"
    # Each item reads once "TOP 1: …": no list that numbers it again ("1. TOP 1: …").
    assert "<ol" not in agenda
    assert '<ul class="rf-agenda-list">' in agenda


def test_the_council_reads_the_committees_recommendation_on_the_screen(
    world: World, client: TestClient
) -> None:
    from tests.integration.flow import in_session
    from tests.integration.test_documents_course import COUNCIL_HELD, RECOMMENDATION, advised

    course = advised(world)
    in_session(world, course.council, day=COUNCIL_HELD)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, course.council)
    assert "Empfehlung der Vorberatung:</strong> Technischer Ausschuss am 16.04.2024" in page
    assert RECOMMENDATION in page


def test_the_screen_warns_before_the_invited_hour_but_does_not_refuse(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """§ 34 Abs. 1, § 35 Abs. 1 GemO: members and public come at the hour invited to (18:00
    here); the engine opens from the meeting's day on, the screen says so before the hour."""
    _, meeting, _ = _invited(world)
    sign_in(client, "ilsfeld.secretary")
    clock.now = berlin(MEETING_DAY, 17, 30)
    page = _screen(client, meeting)
    assert "Noch vor dem Beginn" in page
    assert "Die Sitzung ist für 18:00 Uhr einberufen." in page
    assert "Sitzung eröffnen" in page  # a warning, not a refusal
    clock.now = berlin(MEETING_DAY, 18)
    assert "Noch vor dem Beginn" not in _screen(client, meeting)
    clock.now = berlin(MEETING_DAY - timedelta(days=1), 19)  # the day before: not open yet
    assert "Noch vor dem Beginn" not in _screen(client, meeting)


def test_before_its_day_a_session_is_refused_for_its_day_alone(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """Before the day it was invited to, "Sitzung eröffnen" says when it can open, not also
    that no attendance is recorded and the body is not quorate (§ 37 Abs. 2 GemO): that is
    the state of every meeting a week ahead, not a fault. On the day both are told."""
    _, meeting, _ = _invited(world)
    sign_in(client, "ilsfeld.secretary")
    clock.now = berlin(MEETING_DAY - timedelta(days=1), 10)
    for page in (client.get(f"/sitzungen/{meeting}").text, _screen(client, meeting)):
        assert "Die Sitzung ist erst am 23.04.2024." in page
        assert "Die Anwesenheit ist nicht erfasst" not in page
        assert "Nicht beschlussfähig" not in page
    clock.now = berlin(MEETING_DAY, 18)
    page = _screen(client, meeting)
    assert "Die Sitzung ist erst am" not in page
    assert "Die Anwesenheit ist nicht erfasst" in page
    # the day after, the meeting page says it is missed, and only that (missed_meetings)
    clock.now = berlin(MEETING_DAY + timedelta(days=1), 9)
    page = client.get(f"/sitzungen/{meeting}").text
    assert unbroken("an einem späteren Tag ist sie nicht ordnungsmäßig einberufen") in page
    assert "Die Anwesenheit ist nicht erfasst" not in page
    assert "Nicht beschlussfähig" not in page


def _committee_voted(world: World) -> tuple[int, int, int]:
    """A Technischer Ausschuss in session, having voted on a Vorlage it advises on: the
    Vorlage, the meeting and the agenda item."""
    from tests.integration.flow import in_session, item_of, scheduled, vote
    from workflow.services.proposals import StepInput

    plan = [
        StepInput(body_id=world.body_id("Technischer Ausschuss"), advises=True),
        StepInput(body_id=world.body_id("Gemeinderat"), decides=True),
    ]
    pid = released(world, steps=plan)
    committee = new_meeting(world, "Technischer Ausschuss")
    scheduled(world, pid, committee)
    present = in_session(world, committee)
    vote(world, pid, dict.fromkeys(present, "yes"))
    return pid, committee, item_of(world, pid)


def test_an_advising_committee_is_not_offered_a_resolution(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """A vorberatender Ausschuss recommends (§ 39 Abs. 4 GemO): its screen offers no
    "Abgelehnt" refused because the Vorlage "ist angenommen", nor a "Beschluss gefasst"."""
    _, meeting, item = _committee_voted(world)
    clock.now = berlin(MEETING_DAY, 20)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting, item)
    assert "Empfehlung beschließen" in page
    assert "er ist angenommen" not in page
    assert "<strong>Abgelehnt</strong>" not in page
    assert "<strong>Beschluss gefasst</strong>" not in page
    assert "nur vorberatend" not in page


def test_the_check_before_a_recommendation_shows_its_wording(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """What the committee recommends is checked before it is recorded, in the words and
    under the heading its minutes will print, as the other outcomes show their effects."""
    pid, meeting, item = _committee_voted(world)
    clock.now = berlin(MEETING_DAY, 20)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting, item)
    shown = re.search(r'name="proposal_version" value="(\d+)"', page)
    assert shown is not None
    url = f"/sitzungen/{meeting}/durchfuehren/{item}/ergebnis/recommend"
    wording = "Der Ausschuss empfiehlt, den Bauhof am Standort Nord zu errichten."
    check = client.post(
        url,
        data={"csrf_token": csrf_of(page), "proposal_version": shown.group(1),
              "recommendation": wording},
    )  # fmt: skip
    assert "Bitte prüfen: Empfehlung beschließen" in check.text
    row = check.text.split('id="pruefen"')[1].split("</dl>")[0]
    assert "Empfehlung an den Gemeinderat" in row
    assert wording in row
    assert world.get(Proposal, pid).state == "scheduled", "the check records nothing"
    # the form below keeps the wording, and going back leads there, not to a fresh screen
    area = check.text.split('id="recommend-recommendation"')[1].split("</textarea>")[0]
    assert area.endswith(f">{wording}")
    assert '<a class="kern-link" href="#recommend-recommendation">Eingabe ändern</a>' in check.text
    assert f'href="/sitzungen/{meeting}/durchfuehren?top={item}">Abbrechen</a>' not in check.text
    # Without words of its own: the wording the vote gives, as it will be recorded.
    check = client.post(url, data={"csrf_token": csrf_of(page), "proposal_version": shown.group(1)})
    row = check.text.split('id="pruefen"')[1].split("</dl>")[0]
    assert "Zustimmung empfohlen" in row
    done = client.post(
        url,
        data={"csrf_token": csrf_of(check.text), "proposal_version": shown.group(1),
              "bestaetigt": "ja"},
    )  # fmt: skip
    # the outcome as the minutes print it (workflow.outcomes), not the action "… beschließen"
    assert "TOP 1: Ergebnis „Empfehlung beschlossen“ ist festgestellt." in done.text
    page = _screen(client, meeting, item)
    assert "Erledigt: " in page
    assert "Empfehlung beschlossen</span>" in page


def test_a_committees_minutes_are_signed_by_its_members_and_go_to_it(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """§ 38 Abs. 2 GemO for a committee (§ 39 Abs. 5, § 41 GemO): two Ausschussmitglieder
    sign, and the minutes are brought to the committee's notice, not the Gemeinderat's
    (meeting definition version 4)."""
    pid, meeting, _ = _committee_voted(world)
    world.fire("proposal", pid, "recommend", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    world.fire("meeting", meeting, "close_session", "ilsfeld.secretary", berlin(MEETING_DAY, 21))
    stored = world.get_meeting(meeting)
    assert (stored.definition_name, stored.definition_version) == ("meeting", 4)
    spec = world.workflows.get("meeting", 4).spec
    words = {t.trigger: t.label for t in spec.transitions}
    assert words["present_minutes"] == "Niederschrift dem Gremium zur Kenntnis gebracht"
    (deadline,) = next(st for st in spec.states if st.name == "closed").deadlines
    assert deadline.label == "Niederschrift unterzeichnen und dem Gremium zur Kenntnis bringen"
    clock.now = berlin(MEETING_DAY, 22)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting)
    assert "Es unterzeichnen: wer den Vorsitz geführt hat, zwei Ausschussmitglieder, die " in page
    assert "Ratsmitglied" not in page
    member = r'<option value="(\d+:councillor)">[^<]*\(Ausschussmitglied\)</option>'
    signer = re.search(member, page)
    assert signer is not None
    signed = _post_current(
        client,
        f"/sitzungen/{meeting}/durchfuehren/niederschrift",
        page,
        signer=signer.group(1),
    )
    page = client.get(signed.headers["location"]).text
    assert "(Ausschussmitglied) erfasst." in page
    assert "(Ausschussmitglied): <span" in page


def test_a_refused_outcome_keeps_the_wording_typed_into_it(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """A refused outcome comes back as the screen with the error summary (``#fehler``), the
    recommendation typed into its form kept, not a banner above a fresh, empty form."""
    pid, meeting, item = _committee_voted(world)
    clock.now = berlin(MEETING_DAY, 20)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting, item)
    wording = "Der Ausschuss empfiehlt, den Bauhof am Standort Nord zu errichten."
    stale = client.post(
        f"/sitzungen/{meeting}/durchfuehren/{item}/ergebnis/recommend",
        data={"csrf_token": csrf_of(page), "proposal_version": "999",
              "recommendation": wording},
        follow_redirects=False,
    )  # fmt: skip
    assert stale.status_code == 409
    assert stale.text.count('id="fehler"') == 1
    assert 'href="#ergebnis">' in stale.text.split('id="fehler"')[1].split("</ul>")[0]
    area = stale.text.split('id="recommend-recommendation"')[1].split("</textarea>")[0]
    assert area.endswith(f">{wording}")
    assert "rf-flashes" not in stale.text
    assert "Bitte prüfen: Empfehlung beschließen" not in stale.text
    assert world.get(Proposal, pid).state == "scheduled"
