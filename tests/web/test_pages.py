"""The page shells: who may open which, and where everyone else is sent."""

import pytest
from django.test import Client

from tests.web.test_invite_page import browser_login

pytestmark = pytest.mark.django_db

MEMBER_PAGES = [
    "/today",
    "/checkin",
    "/mine",
    "/partner",
    "/history",
    "/invite",
    "/settings",
    "/logout",
]


def test_it_sends_the_home_page_to_log_in_or_to_today(alice) -> None:
    assert Client().get("/")["Location"] == "/login"
    assert browser_login(alice).get("/")["Location"] == "/today"


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_it_asks_visitors_to_log_in_first_and_come_back(path) -> None:
    response = Client().get(f"{path}?x=1")
    assert response.status_code == 302
    assert response["Location"] == f"/login?next={path}%3Fx%3D1"


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_it_serves_each_page_with_its_module_and_the_navigation(alice, path) -> None:
    response = browser_login(alice).get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<script type="module" src="/static/web/js/pages/' in html
    assert 'aria-current="page"' in html
    assert 'aria-label="Main"' in html
    assert "style=" not in html and "<style" not in html
    assert "<script>" not in html
    assert response["Cache-Control"].startswith("max-age=0")
    assert "csrftoken" in response.cookies


def test_it_sends_people_who_are_signed_in_on_from_log_in_and_sign_up(alice) -> None:
    client = browser_login(alice)
    assert client.get("/login")["Location"] == "/today"
    assert client.get("/signup?next=/partner")["Location"] == "/partner"
    assert client.get("/login?next=https://elsewhere.example/")["Location"] == "/today"
    assert client.get("/login?next=//elsewhere.example/")["Location"] == "/today"


@pytest.mark.parametrize(
    "path",
    [
        "/login",
        "/signup",
        "/account/verify-email",
        "/account/verify-email/some-key",
        "/account/password/reset",
        "/account/password/reset/key/some-key",
    ],
)
def test_it_serves_the_account_pages_to_anyone(path) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert "csrftoken" in response.cookies


def test_it_keeps_allauths_signup_link_working() -> None:
    response = Client().get("/account/signup?next=/invite/abc")
    assert response["Location"] == "/signup?next=/invite/abc"


def test_it_hands_the_curated_feelings_to_the_check_in_page(alice) -> None:
    html = browser_login(alice).get("/checkin").content.decode()
    assert 'data-feelings="[&quot;calm&quot;, &quot;content&quot;' in html
    assert "&quot;comfort&quot;" in html


def test_it_only_shows_pages(alice) -> None:
    client = browser_login(alice)
    token = client.cookies["csrftoken"].value
    assert client.post("/today", HTTP_X_CSRFTOKEN=token).status_code == 405
