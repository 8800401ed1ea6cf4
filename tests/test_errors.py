"""Every /api/v1/ answer that is not a success has the one shape allauth uses."""

import pytest

from accounts import services

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status
    assert body["errors"], body
    for error in body["errors"]:
        assert set(error) <= {"code", "message", "param"}
        assert error["code"] and error["message"]
    return body


def test_it_shapes_malformed_json(alice_api) -> None:
    response = alice_api.generic(
        "PATCH", "/api/v1/me", '{"display_name": ', content_type="application/json"
    )
    body = assert_error_shape(response, 400)
    assert body["errors"][0]["code"] == "parse_error"


def test_it_shapes_a_body_that_is_not_an_object(alice_api) -> None:
    body = assert_error_shape(alice_api.patch("/api/v1/me", [1, 2], format="json"), 400)
    assert body["errors"][0]["code"] == "invalid"


def test_it_shapes_wrong_types_with_the_field_name(alice_api) -> None:
    body = assert_error_shape(
        alice_api.patch("/api/v1/me", {"display_name": ["A"], "timezone": 3}, format="json"), 400
    )
    assert {error["param"] for error in body["errors"]} == {"display_name", "timezone"}


def test_it_shapes_an_unknown_timezone(alice_api) -> None:
    body = assert_error_shape(
        alice_api.patch("/api/v1/me", {"timezone": "Europe/Atlantis"}, format="json"), 400
    )
    assert body["errors"] == [
        {
            "code": "invalid_timezone",
            "message": "Not a known IANA timezone name (for example Europe/Berlin).",
            "param": "timezone",
        }
    ]


def test_it_shapes_a_missing_token_as_401_with_a_challenge(anon) -> None:
    response = anon.get("/api/v1/me")
    assert_error_shape(response, 401)
    assert "X-Session-Token" in response["WWW-Authenticate"]


def test_it_shapes_a_bad_token_as_401(anon) -> None:
    response = anon.get("/api/v1/me", HTTP_X_SESSION_TOKEN="not-a-session")
    body = assert_error_shape(response, 401)
    assert body["errors"][0]["code"] == "not_authenticated"


def test_it_shapes_an_unknown_route_as_404(alice_api, anon) -> None:
    assert_error_shape(alice_api.get("/api/v1/no-such-thing"), 404)
    assert_error_shape(anon.get("/api/v1/me/"), 404)


def test_it_shapes_an_unknown_id_as_404(alice_api) -> None:
    response = alice_api.delete("/api/v1/invitations/00000000-0000-0000-0000-000000000000")
    assert_error_shape(response, 404)


def test_it_shapes_a_wrong_method_as_405(alice_api) -> None:
    body = assert_error_shape(alice_api.put("/api/v1/me", {}, format="json"), 405)
    assert body["errors"][0]["code"] == "method_not_allowed"


def test_it_shapes_a_conflict_as_409(alice, bob, alice_api) -> None:
    body = assert_error_shape(alice_api.post("/api/v1/invitations", {}, format="json"), 409)
    assert body["errors"][0]["code"] == "already_paired"


def test_it_shapes_an_unexpected_error_as_500_without_details(alice_api, monkeypatch) -> None:
    def explode(**kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "profile_update", explode)
    response = alice_api.patch("/api/v1/me", {"display_name": "A"}, format="json")
    body = assert_error_shape(response, 500)
    assert body["errors"][0]["code"] == "server_error"
    assert "secret internals" not in response.content.decode()


def test_it_marks_api_responses_as_not_cacheable(alice_api, anon) -> None:
    assert "no-store" in alice_api.get("/api/v1/me")["Cache-Control"]
    assert "no-store" in anon.get("/api/v1/me")["Cache-Control"]


# The framework's stock sentences, in attune's voice; each keeps its code.
def test_it_says_blank_and_too_long_in_attunes_voice(alice_api) -> None:
    body = alice_api.post("/api/v1/triggers", {"title": ""}, format="json").json()
    assert body["errors"][0]["code"] == "blank"
    assert body["errors"][0]["message"] == "Please write something here."
    body = alice_api.post("/api/v1/triggers", {"title": "x" * 5000}, format="json").json()
    assert body["errors"][0]["code"] == "max_length"
    assert body["errors"][0]["message"].startswith("That's a little long: please keep it to ")
    assert "Ensure" not in str(body)


def test_it_says_required_in_attunes_voice(alice_api) -> None:
    body = alice_api.post("/api/v1/triggers", {}, format="json").json()
    assert {(e["code"], e["message"]) for e in body["errors"]} >= {
        ("required", "Please fill this in.")
    }


def test_it_says_not_found_in_attunes_voice(alice_api) -> None:
    for path in ("/api/v1/no-such-thing", "/api/v1/triggers/00000000-0000-0000-0000-000000000000"):
        error = alice_api.get(path).json()["errors"][0]
        assert error["code"] == "not_found"
        assert error["message"] == (
            "There's nothing here: it may have been removed, or it isn't yours to see."
        )


def test_it_says_not_signed_in_and_wrong_method_in_attunes_voice(anon, alice_api) -> None:
    assert anon.get("/api/v1/me").json()["errors"][0] == {
        "code": "not_authenticated",
        "message": "Please sign in to continue.",
    }
    assert alice_api.put("/api/v1/me", {}, format="json").json()["errors"][0] == {
        "code": "method_not_allowed",
        "message": "This can't be done here.",
    }


def test_it_leaves_attunes_own_messages_as_they_are() -> None:
    from attune.api.errors import in_our_voice

    assert in_our_voice("Please try again.") == "Please try again."
    assert in_our_voice("Ensure this field has no more than 7 characters.") == (
        "That's a little long: please keep it to 7 characters or fewer."
    )
    assert in_our_voice("Request was throttled. Expected available in 3 seconds.") == (
        "That's a lot at once: please wait a little and try again."
    )


def test_it_says_allauths_sign_in_mistakes_in_attunes_voice(alice, anon) -> None:
    response = anon.post(
        "/_allauth/app/v1/auth/login",
        {"email": "alice@example.com", "password": "not the password"},
        format="json",
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["code"] == "email_password_mismatch" and error["param"] == "password"
    assert (
        error["message"] == "That email and password don't match. Please check them and try again."
    )
    assert int(response["Content-Length"]) == len(response.content)


def test_it_says_a_weak_password_in_attunes_voice(anon) -> None:
    response = anon.post(
        "/_allauth/app/v1/auth/signup",
        {"email": "erin@example.com", "password": "1234"},
        format="json",
    )
    messages = {error["message"] for error in response.json()["errors"]}
    assert "Please use more than numbers in your password." in messages
    assert not any("This password" in message for message in messages)
