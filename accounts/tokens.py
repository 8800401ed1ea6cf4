import hashlib
import secrets


def new_token() -> str:
    """192 bits from the operating system's CSPRNG, URL-safe."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    # The token carries 192 random bits, so a fast unsalted hash cannot be
    # brute-forced and lets us look the invitation up by an indexed column.
    return hashlib.sha256(token.encode()).hexdigest()
