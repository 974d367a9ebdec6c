"""Reference data (Landkreis Heilbronn) and the demo municipality's bodies, people and users."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlmodel import Session, select

from workflow.context import Actor
from workflow.demo.data import municipality_names, municipality_statuses
from workflow.models import Body, BodyDeputy, District, Membership, Municipality, Person, User
from workflow.supervision import MAYOR_TITLE_SETTING, MAYOR_TITLES, STATUS_SETTING

DISTRICT_NAME = "Landkreis Heilbronn"


def load_district(
    session: Session, names: list[str], statuses: Mapping[str, str] | None = None
) -> District:
    """The district and its municipalities; ``statuses`` names the Städte and Große
    Kreisstädte (§§ 3, 5 GemO), which name themselves and are supervised accordingly."""
    district = session.exec(select(District).where(District.name == DISTRICT_NAME)).first()
    if district is None:
        district = District(name=DISTRICT_NAME)
        session.add(district)
        session.flush()
    existing = set(session.exec(select(Municipality.name)))
    for name in names:
        if name not in existing:
            status = (statuses or {}).get(name)
            settings: dict[str, object] = {STATUS_SETTING: status} if status else {}
            session.add(Municipality(name=name, district_id=district.id, settings=settings))
    session.flush()
    return district


def municipality_by_name(session: Session, name: str) -> Municipality | None:
    return session.exec(select(Municipality).where(Municipality.name == name)).first()


# Fictional members: the demo must not put words into real councillors' mouths.
ILSFELD_COUNCILLORS = [
    "Anna Bauer",
    "Bernd Keller",
    "Claudia Wolf",
    "Dieter Hahn",
    "Eva Schäfer",
    "Frank Roth",
    "Gisela Maier",
    "Hans Vogel",
    "Ingrid Braun",
    "Jürgen Seitz",
    "Karin Lang",
    "Lukas Zimmer",
    "Monika Fuchs",
    "Norbert Graf",
    "Olga Stein",
    "Peter Kern",
    "Renate Busch",
    "Stefan Ott",
]
FLEIN_COUNCILLORS = [
    "Tanja Lorenz",
    "Uwe Haas",
    "Vera König",
    "Walter Berg",
    "Xenia Frey",
    "Yannick Pohl",
    "Zoe Brandt",
    "Albert Kuhn",
    "Beate Sommer",
    "Carl Winter",
    "Doris Ernst",
    "Emil Jung",
    "Frieda Horn",
    "Georg Simon",
]


@dataclass
class DemoTown:
    municipality: Municipality
    mayor: Person
    councillors: list[Person]
    bodies: dict[str, Body] = field(default_factory=dict)


# Aufgabengebiete after a typical Hauptsatzung (§ 39 Abs. 1 S. 1 GemO): council matters in
# them are pre-deliberated by the committee (§ 39 Abs. 4 S. 1), keys of workflow.law.subjects.
ILSFELD_REMITS = {
    "Technischer Ausschuss": ["bauwesen", "umwelt"],
    "Verwaltungsausschuss": ["finanzen", "personal", "soziales"],
}


def _town(
    session: Session,
    name: str,
    mayor_name: str,
    councillors: list[str],
    committees: list[str],
    remits: dict[str, list[str]] | None = None,
) -> DemoTown:
    municipality = municipality_by_name(session, name)
    assert municipality is not None, name
    mayor = Person(municipality_id=municipality.id or 0, name=mayor_name)
    title = mayor_name.split(" ", 1)[0]
    if title in MAYOR_TITLES:  # the labels name her "Bürgermeisterin" (workflow.wording)
        municipality.settings = {**(municipality.settings or {}), MAYOR_TITLE_SETTING: title}
    people = [Person(municipality_id=municipality.id or 0, name=n) for n in councillors]
    session.add_all([mayor, *people])
    session.flush()
    town = DemoTown(municipality=municipality, mayor=mayor, councillors=people)
    council = Body(municipality_id=municipality.id or 0, name="Gemeinderat", kind="council")
    session.add(council)
    session.flush()
    town.bodies["Gemeinderat"] = council
    session.add(Membership(body_id=council.id or 0, person_id=mayor.id or 0, role="chair"))
    session.add_all(Membership(body_id=council.id or 0, person_id=p.id or 0) for p in people)
    for i, committee in enumerate(committees):
        body = Body(
            municipality_id=municipality.id or 0,
            name=committee,
            kind="deciding_committee",
            remit=list((remits or {}).get(committee, [])),
        )
        session.add(body)
        session.flush()
        town.bodies[committee] = body
        session.add(Membership(body_id=body.id or 0, person_id=mayor.id or 0, role="chair"))
        members = people[i * 4 : i * 4 + 8] if len(people) >= i * 4 + 8 else people[:8]
        session.add_all(Membership(body_id=body.id or 0, person_id=p.id or 0) for p in members)
    session.flush()
    return town


def _committee_deputies(session: Session, town: DemoTown, committee: str) -> None:
    """Each ordinary member of ``committee`` gets a personal deputy among the councillors not
    on it (Hauptsatzung, § 40 Abs. 1 S. 2 GemO), the last of them first, so that the session
    screen's "vertreten durch" has someone to offer."""
    body = town.bodies[committee]
    seated = set(
        session.exec(
            select(Membership.person_id).where(
                Membership.body_id == body.id, Membership.role != "chair"
            )
        )
    )
    members = [p for p in town.councillors if p.id in seated]
    outside = [p for p in reversed(town.councillors) if p.id not in seated]
    session.add_all(
        BodyDeputy(
            body_id=body.id or 0,
            member_person_id=member.id or 0,
            deputy_person_id=deputy.id or 0,
        )
        for member, deputy in zip(members, outside, strict=False)
    )
    session.flush()


@dataclass
class DemoData:
    district: District
    ilsfeld: DemoTown
    flein: DemoTown
    users: dict[str, User]


def load_demo_data(session: Session) -> DemoData:
    """Landkreis Heilbronn, Ilsfeld and Flein with bodies and members, and the demo users."""
    district = load_district(session, municipality_names(), municipality_statuses())
    committees = ["Technischer Ausschuss", "Verwaltungsausschuss"]
    ilsfeld = _town(
        session,
        "Ilsfeld",
        "Bürgermeisterin Beate Beispiel",
        ILSFELD_COUNCILLORS,
        committees,
        ILSFELD_REMITS,
    )
    _committee_deputies(session, ilsfeld, "Technischer Ausschuss")
    flein = _town(session, "Flein", "Bürgermeister Florian Muster", FLEIN_COUNCILLORS, committees)
    mid, fid = ilsfeld.municipality.id, flein.municipality.id
    secretary = Person(municipality_id=mid or 0, name="Sabine Schreiber")
    session.add(secretary)
    session.flush()
    specs = [
        (
            "ilsfeld.clerk",
            "Sven Frank",
            "clerk",
            mid,
            None,
            "Fachbereich Allgemeine Verwaltung",
            False,
        ),
        (
            "ilsfeld.head",
            "Heike Amtsleiter",
            "cosigner",
            mid,
            None,
            "Fachbereich Allgemeine Verwaltung",
            False,
        ),
        ("ilsfeld.finance", "Felix Kämmerer", "cosigner", mid, None, "Kämmerei", True),
        ("ilsfeld.mayor", ilsfeld.mayor.name, "mayor", mid, ilsfeld.mayor.id, None, False),
        (
            "ilsfeld.secretary",
            secretary.name,
            "secretary",
            mid,
            secretary.id,
            "Sitzungsdienst",
            False,
        ),
        (
            "ilsfeld.council",
            ilsfeld.councillors[0].name,
            "council_member",
            mid,
            ilsfeld.councillors[0].id,
            None,
            False,
        ),
        ("flein.clerk", "Franziska Fleiner", "clerk", fid, None, "Hauptamt", False),
        (
            "flein.council",
            flein.councillors[0].name,
            "council_member",
            fid,
            flein.councillors[0].id,
            None,
            False,
        ),
        (
            "lra.coordinator",
            "Lara Landrat",
            "district_coordinator",
            None,
            None,
            "Landratsamt Heilbronn",
            False,
        ),
        ("admin", "Ada Admin", "admin", mid, None, "IT", False),
    ]
    users: dict[str, User] = {}
    for username, full_name, role, municipality_id, person_id, department, finance in specs:
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            municipality_id=municipality_id,
            district_id=district.id if role == "district_coordinator" else None,
            person_id=person_id,
            department=department,
            finance_office=finance,
            email=f"{username}@example.org",
        )
        session.add(user)
        users[username] = user
    session.flush()
    return DemoData(district=district, ilsfeld=ilsfeld, flein=flein, users=users)


def actor_for(user: User) -> Actor:
    return Actor(
        username=user.username,
        role=user.role,
        municipality_id=user.municipality_id,
        user_id=user.id,
        person_id=user.person_id,
        district_id=user.district_id,
    )
