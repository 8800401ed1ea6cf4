"""Which emails a person wants, by kind, and the unsubscribe link each carries.

Reminders and partner activity are not essential: each can be turned off in
Settings or with one press from the email itself (RFC 8058 one-click, so a mail
provider's "Unsubscribe" works signed out). Security notices and sign-in codes
are always sent and carry no such link.

The link's token names a person and a kind, signed; it does not expire, since
an email can be read long after it came. All it can do is stop that kind.

In an email's body the link is `/email/unsubscribe#<token>`: the fragment never
reaches a server, and the page (web/static/web/js/pages/unsubscribe.js) POSTs the
token in a body. The `List-Unsubscribe` header is the one exception (below).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing

from accounts.models import User

# The kind's name (API, links) → the person's field.
KINDS = {
    "reminders": "email_reminders",
    "partner_activity": "email_partner_activity",
}
SALT = "accounts.email-unsubscribe"


def wants(user: User, kind: str) -> bool:
    return bool(getattr(user, KINDS[kind]))


def of(user: User) -> dict[str, bool]:
    return {kind: wants(user, kind) for kind in KINDS}


def token_for(user: User, kind: str) -> str:
    return signing.dumps({"u": str(user.pk), "k": kind}, salt=SALT)


def unsubscribe_page_url(user: User, kind: str) -> str:
    """The link for an email's body: the token in the fragment, never sent."""
    return f"{settings.SITE_URL}/email/unsubscribe#{token_for(user, kind)}"


def unsubscribe_url(user: User, kind: str) -> str:
    """The link for the `List-Unsubscribe` header, token in the query string.

    The one place a token of ours travels in a URL, because it must: a mail
    provider's one-click unsubscribe (RFC 8058) POSTs to exactly this https URL,
    with no cookie, no page and no script to read a fragment. What it exposes to
    a log is small: the token can stop one kind of email for one person, and
    nothing else (no reading, no sign-in, nothing about anyone)."""
    return f"{settings.SITE_URL}/email/unsubscribe?t={token_for(user, kind)}"


def unsubscribe_headers(user: User, kind: str) -> dict[str, str]:
    """The headers every non-essential email carries (RFC 2369, RFC 8058)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user, kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def read(token: str) -> tuple[str, str] | None:
    """(user id, kind) from an unsubscribe token, or None if it is not ours."""
    try:
        data: Any = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in KINDS or not data.get("u"):
        return None
    return str(data["u"]), str(data["k"])
