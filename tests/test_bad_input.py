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
