"""New rows of table models for a firing's hot path (issue 14), without the constructor's
per-field cost."""

from __future__ import annotations

import functools
from typing import Any, TypeVar, cast

from sqlalchemy import inspect

T = TypeVar("T")


def new_row(model: type[T], **values: Any) -> T:
    """``model(**values)`` for a firing's hot path at a tenth of the cost (issue 14): a
    SQLModel table model's constructor sets every field through SQLAlchemy's and pydantic's
    ``__setattr__`` (about 50 µs for an audit event); this fills the new instance's dict with
    ``values`` and the other fields' defaults at once. The instance is transient, as
    constructed; a table model validates nothing in either case. An unknown field is a
    TypeError (the constructor would drop it silently)."""
    defaults = _field_defaults(cast(Any, model))
    unknown = values.keys() - defaults.keys()
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    instance = inspect(model).class_manager.new_instance()
    row = {
        name: field.get_default(call_default_factory=True)
        for name, field in defaults.items()
        if field is not None and name not in values
    }
    row.update(values)
    inspect(instance).dict.update(row)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
    return cast(T, instance)


@functools.cache
def _field_defaults(model: Any) -> dict[str, Any]:
    """The model's fields: a required one maps to None, the others to their FieldInfo."""
    return {
        name: None if field.is_required() else field for name, field in model.model_fields.items()
    }
