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


def test_it_documents_the_error_responses_of_every_operation() -> None:
    schema = Client().get("/api/schema/?format=json").json()
    assert schema["components"]["schemas"]["Error"]["required"] == ["status", "errors"]
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) > 40
    for path, method, operation in operations:
        responses = operation["responses"]
        assert "401" in responses, (path, method)
        if method in ("post", "patch", "put", "delete"):
            assert {"400", "409", "429"} <= set(responses), (path, method)
        if "{" in path:
            assert "404" in responses, (path, method)


def test_it_documents_sync_and_the_idempotency_key() -> None:
    schema = Client().get("/api/schema/?format=json").json()
    sync = schema["paths"]["/api/v1/sync"]["get"]
    assert {p["name"] for p in sync["parameters"]} == {"cursor", "page_size"}
    post = schema["paths"]["/api/v1/checkins"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in post["parameters"])


def test_it_serves_allauths_own_specification() -> None:
    response = Client().get("/_allauth/openapi.json")
    assert response.status_code == 200
    assert (
        "/_allauth/app/v1/auth/login" in str(response.json()["paths"]) or response.json()["paths"]
    )
