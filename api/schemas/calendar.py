"""Shape of the personal calendar subscription (secret token and feed URL)."""

from __future__ import annotations

from pydantic import Field

from api.schemas.common import Output


class CalendarTokenRead(Output):
    token: str = Field(description="Geheimer Teil der Abonnement-Adresse")
    url: str = Field(description="Adresse des persönlichen Kalenders (iCalendar) zum Abonnieren")
