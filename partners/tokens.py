import hashlib
import secrets

from django.utils.crypto import salted_hmac

from attune.crypto import keyring


def new_token() -> str:
    """192 bits from the operating system's CSPRNG, URL-safe."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    # The token carries 192 random bits, so a fast unsalted hash cannot be
    # brute-forced and lets us look the invitation up by an indexed column.
    return hashlib.sha256(token.encode()).hexdigest()


def _sealing_aad(invitation_id: object) -> bytes:
    # Bound to its row: a sealed token copied onto another invitation does not open.
    # The text keeps the app's old name: tokens sealed before the move still open.
    return f"accounts.invitation.token_sealed:{invitation_id}".encode()


def seal_token(token: str, *, invitation_id: object) -> str:
    """The token encrypted at rest until its email is sent (see Invitation)."""
    return keyring().encrypt(token, aad=_sealing_aad(invitation_id))


def open_token(sealed: str, *, invitation_id: object) -> str:
    """Raises attune.crypto.DecryptionError when no configured key opens it."""
    return keyring().decrypt(sealed, aad=_sealing_aad(invitation_id))


def hash_address(email: str) -> str:
    """A keyed hash of an email address: counts sends to it without keeping it.

    An address is guessable, so a plain hash would give it away; the key is the
    project's SECRET_KEY, through Django's own keyed hash.
    """
    return salted_hmac(
        "attune.invited-address", email.strip().lower(), algorithm="sha256"
    ).hexdigest()
