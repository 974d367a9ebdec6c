"""``/docs`` works without internet: Swagger UI comes from the package, no external host."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

URL = re.compile(r"""https?://[^\s"'<>)]+""")
REFERENCE = re.compile(r"""(?:src|href)=["']([^"']+)["']""")
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)""")


def test_docs_page_loads_every_asset_from_the_server(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert URL.findall(page.text) == []
    assert '"validatorUrl": null' in page.text  # Swagger UI's default calls validator.swagger.io
    references = REFERENCE.findall(page.text)
    assert {r.rsplit("/", 1)[-1] for r in references} == {
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "favicon-32x32.png",
    }
    for reference in references:
        assert reference.startswith("/docs/static/"), reference
        asset = client.get(reference)
        assert asset.status_code == 200, reference
        assert len(asset.content) > 500, reference
    assert "SwaggerUIBundle" in client.get("/docs/static/swagger-ui-bundle.js").text
    css = client.get("/docs/static/swagger-ui.css").text
    assert CSS_URL.findall(css), "the stylesheet's images are inline"
    assert all(u.startswith("data:") for u in CSS_URL.findall(css))
    licence = client.get("/docs/static/LICENSE")
    assert "Apache License" in licence.text


def test_openapi_and_oauth_redirect_name_no_external_host(client: TestClient) -> None:
    schema = client.get("/openapi.json")
    assert schema.status_code == 200
    assert URL.findall(schema.text) == []
    redirect = client.get("/docs/oauth2-redirect")
    assert redirect.status_code == 200
    assert URL.findall(redirect.text) == []


def test_redoc_is_not_offered(client: TestClient) -> None:
    response = client.get("/redoc")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
