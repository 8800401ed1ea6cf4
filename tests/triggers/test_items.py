import pytest

from triggers.models import Boundary, Trigger

pytestmark = pytest.mark.django_db


def test_it_creates_lists_edits_and_deletes_a_trigger(alice, alice_api) -> None:
    created = alice_api.post(
        "/api/v1/triggers", {"title": "Being interrupted", "intensity": 2}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["category"] == "other" and body["needs"] == [] and body["notes"] == ""
    assert body["shared"] is False and body["shared_at"] is None

    listed = alice_api.get("/api/v1/triggers").json()
    assert [item["id"] for item in listed["results"]] == [body["id"]]

    patched = alice_api.patch(
        f"/api/v1/triggers/{body['id']}", {"intensity": 5, "needs": ["comfort"]}, format="json"
    )
    assert patched.status_code == 200
    stored = Trigger.objects.get(pk=body["id"])
    assert (stored.intensity, stored.needs, stored.title) == (5, ["comfort"], "Being interrupted")

    assert alice_api.delete(f"/api/v1/triggers/{body['id']}").status_code == 204
    assert not Trigger.objects.exists()


def test_it_creates_a_boundary(alice, alice_api) -> None:
    created = alice_api.post(
        "/api/v1/boundaries",
        {"statement": "Ask before borrowing money", "area": "money"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["firmness"] == "firm"
    assert Boundary.objects.get().owner == alice


@pytest.mark.parametrize(
    ("path", "payload", "param", "code"),
    [
        ("triggers", {}, "title", "required"),
        ("triggers", {"title": ""}, "title", "blank"),
        ("triggers", {"title": "x" * 201}, "title", "max_length"),
        ("triggers", {"title": 7}, "title", "invalid"),
        ("triggers", {"title": "t", "intensity": 6}, "intensity", "max_value"),
        ("triggers", {"title": "t", "intensity": 0}, "intensity", "min_value"),
        ("triggers", {"title": "t", "intensity": "3"}, "intensity", "invalid"),
        ("triggers", {"title": "t", "intensity": True}, "intensity", "invalid"),
        ("triggers", {"title": "t", "category": "weather"}, "category", "invalid_choice"),
        ("triggers", {"title": "t", "needs": ["cake"]}, "needs.0", "invalid_choice"),
        ("triggers", {"title": "t", "needs": ["space", "space"]}, "needs", "duplicate"),
        ("triggers", {"title": "t", "needs": "space"}, "needs", "not_a_list"),
        ("triggers", {"title": "t", "signs": "x" * 2001}, "signs", "max_length"),
        ("triggers", {"title": "t", "notes": "x" * 5001}, "notes", "max_length"),
        ("triggers", {"title": "t", "shared": True}, "shared", "unknown_field"),
        ("boundaries", {}, "statement", "required"),
        ("boundaries", {"statement": "s", "area": "space"}, "area", "invalid_choice"),
        ("boundaries", {"statement": "s", "firmness": "soft"}, "firmness", "invalid_choice"),
        ("boundaries", {"statement": "s", "why": None}, "why", "null"),
    ],
)
def test_it_explains_bad_input_field_by_field(alice_api, path, payload, param, code) -> None:
    response = alice_api.post(f"/api/v1/{path}", payload, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert {"param": param, "code": code}.items() <= errors[0].items(), errors
    assert not Trigger.objects.exists() and not Boundary.objects.exists()


def test_it_rejects_a_bad_edit_without_changing_anything(alice_api) -> None:
    item = alice_api.post("/api/v1/triggers", {"title": "t"}, format="json").json()
    response = alice_api.patch(
        f"/api/v1/triggers/{item['id']}", {"title": "new", "intensity": 9}, format="json"
    )
    assert response.status_code == 400
    assert Trigger.objects.get().title == "t"


def test_it_answers_404_for_an_unknown_or_malformed_id(alice_api) -> None:
    assert alice_api.get("/api/v1/triggers/00000000-0000-0000-0000-000000000000").status_code == 404
    assert alice_api.get("/api/v1/triggers/not-a-uuid").status_code == 404
