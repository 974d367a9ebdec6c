"""``serve --demo``: the demo story in an empty database, and the demo users' password."""

from __future__ import annotations

import logging

from sqlmodel import Session, col, select

from api.security import hash_password
from workflow.db import unit_of_work
from workflow.demo.play import play
from workflow.models import Municipality, User
from workflow.runtime import Runtime

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "demo"  # DESIGN.md: demo users, all with password "demo" (demo mode only)
DEMO_USERS = (
    "ilsfeld.clerk",
    "ilsfeld.head",
    "ilsfeld.finance",
    "ilsfeld.mayor",
    "ilsfeld.secretary",
    "ilsfeld.council",
    "flein.clerk",
    "flein.council",
    "lra.coordinator",
    "admin",
)


def prepare_demo(runtime: Runtime, served_url: str | None = None) -> None:
    """Play Vorlage 8/2024 into an empty database, then give demo users the demo password.

    A database filled by ``ratsflow demo`` is kept as it is (it holds the finished story);
    its users only get the password, so ``serve --demo`` can continue from there.
    """
    with Session(runtime.engine) as session:
        empty = session.exec(select(Municipality.id)).first() is None
    if empty:
        logger.info("Demodaten werden geladen (Vorlage 8/2024 der Gemeinde Ilsfeld)")
        base = runtime.settings.link_base(served_url)  # RATSFLOW_BASE_URL, else where served
        play(runtime.engine, runtime.workflows, out=logger.info, base_url=base)
    else:
        logger.info("Datenbank nicht leer: Demodaten werden nicht erneut geladen")
    password_hash = hash_password(DEMO_PASSWORD)
    with unit_of_work(runtime.engine) as session:
        users = session.exec(
            select(User).where(
                col(User.username).in_(DEMO_USERS), col(User.password_hash).is_(None)
            )
        ).all()
        for user in users:
            user.password_hash = password_hash
            session.add(user)
    logger.warning("Demomodus: %d Demo-Benutzer mit dem Passwort „demo“", len(users))
