import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["triggers", "me", "partnership", "sync"])
def test_it_answers_304_when_nothing_changed(alice, bob, alice_api, path) -> None:
    first = alice_api.get(f"/api/v1/{path}")
    assert first.status_code == 200
    etag = first["ETag"]
    again = alice_api.get(f"/api/v1/{path}", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""


def test_it_answers_200_with_a_new_etag_after_a_change(alice, alice_api) -> None:
    etag = alice_api.get("/api/v1/triggers")["ETag"]
    alice_api.post("/api/v1/triggers", {"title": "New"}, format="json")
    changed = alice_api.get("/api/v1/triggers", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert len(changed.json()["results"]) == 1


def test_an_etag_never_lets_another_person_read_a_cached_body(alice_api, carol_api) -> None:
    etag = alice_api.get("/api/v1/me")["ETag"]
    response = carol_api.get("/api/v1/me", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["email"] == "carol@example.com"
