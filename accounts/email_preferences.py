"""Which emails a person wants, by kind, and the unsubscribe link each carries.

Reminders and partner activity are not essential: each can be turned off in
Settings or with one press from the email itself (RFC 8058 one-click, so a mail
provider's "Unsubscribe" works signed out). Security notices and sign-in codes
are always sent and carry no such link.

The link's token names a person and a kind, signed; it does not expire, since
an email can be read long after it came. All it can do is stop that kind.
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


def unsubscribe_url(user: User, kind: str) -> str:
    token = signing.dumps({"u": str(user.pk), "k": kind}, salt=SALT)
    return f"{settings.SITE_URL}/email/unsubscribe?t={token}"


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
