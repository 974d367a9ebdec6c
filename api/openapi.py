"""The OpenAPI document as schemathesis and client generators need it (LIBRARIES.md §4).

FastAPI documents errors as ``application/json`` with its own validation shape and optional
parameters as ``anyOf [X, null]``; here every error becomes an ``application/problem+json``
``Problem``, 400/422/500 are documented everywhere, optional parameters drop ``null`` (a
client omits them, it never sends the text "null"), and routes that also serve anonymous
callers say so with an empty security alternative.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.problems import PROBLEM_JSON, Problem, responses

ALWAYS = (400, 422, 500)
METHODS = ("get", "put", "post", "patch", "delete")


def _problem_schemas() -> dict[str, Any]:
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    return {"Problem": schema, **defs}


def _drop_null(schema: dict[str, Any]) -> dict[str, Any]:
    options = schema.get("anyOf")
    if not isinstance(options, list):
        return schema
    rest = [o for o in options if o != {"type": "null"}]
    if len(rest) != 1:
        return schema
    merged = {k: v for k, v in schema.items() if k != "anyOf"}
    merged.update(rest[0])
    if merged.get("default", 0) is None:
        merged.pop("default")
    return merged


def _operation(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        if "schema" in parameter:
            parameter["schema"] = _drop_null(parameter["schema"])
    documented = operation.setdefault("responses", {})
    for status, entry in responses(*ALWAYS).items():
        documented[str(status)] = entry
    for status, entry in documented.items():
        if status.startswith(("4", "5")):
            entry["content"] = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    security = operation.get("security")
    if security and any("OptionalBearer" in s for s in security):
        operation["security"] = [{"OAuth2PasswordBearer": []}, {}]


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    for path in document.get("paths", {}).values():
        for method in METHODS:
            if method in path:
                _operation(path[method])
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas.update(_problem_schemas())
    schemes = components.get("securitySchemes", {})
    schemes.pop("OptionalBearer", None)
    app.openapi_schema = document
    return document
