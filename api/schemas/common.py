"""Constrained scalar types shared by every shape.

Bounds mirror the columns, so no input reaches the database that it would refuse with an
error (a 500): ids fit a 32-bit integer, strings fit their VARCHAR and carry no NUL byte,
which PostgreSQL rejects in text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict

from workflow.digits import MAX_ID as MAX_ID  # the API's bounds name it here
from workflow.limits import MAX_REASON, MAX_TEXT

NO_NUL = r"^[^\x00]*$"

# JSON bodies are taken at their word: ``true`` is no version and ``1`` no yes/no answer
# (pydantic's lax mode would coerce both). Query and path parameters arrive as text and
# use their own lax types (api.routes.common).
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
Version = Annotated[
    int, Strict(), Field(ge=1, le=MAX_ID, description="die zuletzt gelesene Version")
]
Year = Annotated[int, Strict(), Field(ge=1900, le=2999)]
Flag = Annotated[bool, Strict()]
Text = Annotated[str, Field(max_length=MAX_TEXT, pattern=NO_NUL)]
# A reason or comment the minutes and the audit log quote: the engine's own bound
# (workflow.limits), so a longer one is refused with the other input errors (422).
Comment = Annotated[str, Field(max_length=MAX_REASON, pattern=NO_NUL)]
Reason = Comment
RequiredReason = Annotated[str, Field(min_length=1, max_length=MAX_REASON, pattern=NO_NUL)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]


Name = Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]
Title = Annotated[str, Field(min_length=1, max_length=500, pattern=NO_NUL)]
Short = Annotated[str, Field(max_length=200, pattern=NO_NUL)]


class Input(BaseModel):
    """Request bodies refuse unknown fields: a typo must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class FieldMessage(Output):
    field: str
    message: str
