"""Shapes of the Fraktionen of a municipality (§ 32a GemO)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from api.schemas.common import NO_NUL, Id, Input, Name, Output, Version

ShortName = Annotated[str, Field(max_length=50, pattern=NO_NUL)]


class FactionMemberRead(Output):
    person_id: int
    person_name: str
    role: str = Field(description="chair (Vorsitz) oder member")


class FactionRead(Output):
    id: int
    municipality_id: int
    name: str
    short_name: str
    dissolved_on: date | None = Field(description="Tag der Auflösung; null: besteht")
    version: int = Field(description="auch als ETag; für Änderungen als If-Match")
    members: list[FactionMemberRead]


class FactionsRead(Output):
    data: list[FactionRead]
    count: int


class FactionCreate(Input):
    name: Name = Field(description="z. B. Freie Wähler")
    short_name: ShortName = Field(default="", description="z. B. FW")


class FactionRename(Input):
    name: Name
    short_name: ShortName = ""
    expected_version: Version | None = None


class FactionMemberWrite(Input):
    person_id: Id
    role: Literal["chair", "member"] = "member"


class FactionMembersWrite(Input):
    """All members at once; who is not listed leaves the Fraktion."""

    members: Annotated[list[FactionMemberWrite], Field(max_length=200)]
    expected_version: Version | None = None


class FactionDissolve(Input):
    expected_version: Version | None = None
