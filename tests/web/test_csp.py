"""The Content-Security-Policy: strict everywhere, with the Swagger page's own
inline blocks allowed by hash and nothing else."""

import re

import pytest
from django.test import Client

from tests.web.test_invite_page import browser_login
from web.middleware import STRICT_POLICY

pytestmark = pytest.mark.django_db


def test_the_strict_policy_allows_nothing_inline() -> None:
    assert STRICT_POLICY == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


@pytest.mark.parametrize(
    "path", ["/login", "/signup", "/invite/unknown", "/_allauth/browser/v1/config", "/nowhere"]
)
def test_it_sends_the_strict_policy_to_everyone(path) -> None:
    assert Client().get(path)["Content-Security-Policy"] == STRICT_POLICY


def test_it_sends_the_strict_policy_with_api_json(alice) -> None:
    client = browser_login(alice)
    for path in ("/today", "/api/v1/me", "/api/v1/partnership"):
        assert client.get(path)["Content-Security-Policy"] == STRICT_POLICY


def test_it_allows_the_swagger_page_exactly_its_own_inline_blocks() -> None:
    response = Client().get("/api/docs/")
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    script_src = re.search(r"script-src ([^;]+)", policy).group(1).split()
    style_src = re.search(r"style-src ([^;]+)", policy).group(1).split()
    assert script_src[0] == "'self'" and len(script_src) == 2
    assert script_src[1].startswith("'sha256-")
    assert style_src[0] == "'self'" and style_src[1].startswith("'sha256-")
    assert "frame-ancestors 'none'" in policy
