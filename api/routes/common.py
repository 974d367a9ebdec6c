"""Parameter types and documented error sets the routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from api.problems import responses
from api.schemas.common import MAX_ID

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=200, description="Einträge je Seite")]
Cursor = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="next_cursor der vorigen Seite",
    ),
]
FilterId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
StateFilter = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=64,
        description="Zustand (Code, z. B. draft); ein unbekannter ergibt 422 mit der Liste",
    ),
]
YearFilter = Annotated[int | None, Query(ge=1900, le=2999)]

READ = responses(401, 404)
WRITE = responses(401, 403, 404, 409, 412, 428)
