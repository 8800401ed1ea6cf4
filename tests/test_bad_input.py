"""Bad input gets a clear JSON error in the shared shape, never a 500."""

import base64

import pytest

from tests.test_errors import assert_error_shape

pytestmark = pytest.mark.django_db


def cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "value",
    [
        cursor("p=x"),
        cursor("p=2026-13-45"),
        cursor("p=2026-01-01"),
        cursor("p=2026-01-01T10:00:00"),
        cursor("p=9999-12-31T23:59:59-23:59"),
        cursor("p=0001-01-01T00:00:00+23:59"),
        cursor("o=-1"),
        cursor("r=x"),
        "not base64 at all!",
        "%ff",
    ],
)
def test_it_answers_a_cursor_it_cannot_read_with_400(alice_api, value) -> None:
    response = alice_api.get("/api/v1/triggers", {"cursor": value})
    body = assert_error_shape(response, 400)
    assert body["errors"] == [
        {
            "code": "invalid_cursor",
            "message": "This page link is not valid any more: start from the first page.",
            "param": "cursor",
        }
    ]


def test_it_still_follows_a_cursor_it_made(alice_api) -> None:
    for number in range(3):
        alice_api.post("/api/v1/triggers", {"title": f"t{number}"}, format="json")
    first = alice_api.get("/api/v1/triggers", {"page_size": 2}).json()
    second = alice_api.get(first["next"])
    assert second.status_code == 200
    assert [item["title"] for item in second.json()["results"]] == ["t0"]


BODY_PATHS = ["/api/v1/triggers", "/_allauth/app/v1/auth/login"]


@pytest.mark.parametrize("path", BODY_PATHS)
def test_it_answers_a_body_over_the_upload_limit_with_413(alice_api, settings, path) -> None:
    body = '{"title": "' + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + '"}'
    response = alice_api.generic("POST", path, body, content_type="application/json")
    result = assert_error_shape(response, 413)
    assert result["errors"][0]["code"] == "too_large"


@pytest.mark.parametrize("path", BODY_PATHS)
@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_it_answers_json_nested_too_deeply_with_400(alice_api, path, opening) -> None:
    closing = "]" if opening == "[" else "}"
    body = opening * 100_000 + "1" + closing * 100_000
    response = alice_api.generic("POST", path, body, content_type="application/json")
    result = assert_error_shape(response, 400)
    assert result["errors"][0]["code"] == "parse_error"


def test_it_still_reads_json_nested_a_little(alice_api) -> None:
    response = alice_api.post("/api/v1/triggers", {"title": [[[["deep"]]]]}, format="json")
    result = assert_error_shape(response, 400)
    assert result["errors"][0]["param"] == "title"
