import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_serves_an_openapi_3_schema_with_the_session_token_scheme() -> None:
    response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    scheme = schema["components"]["securitySchemes"]["sessionToken"]
    assert scheme == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Session-Token",
        "description": scheme["description"],
    }
    paths = schema["paths"]
    for path in ("/api/v1/me", "/api/v1/invitations", "/api/v1/partnership"):
        assert path in paths
    assert {"sessionToken": []} in paths["/api/v1/me"]["get"]["security"]


def test_it_serves_the_browsable_docs_without_a_cdn() -> None:
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html
