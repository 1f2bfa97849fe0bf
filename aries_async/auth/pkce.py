"""PKCE (RFC 7636) and the authorization request's ``state``: sans-I/O helpers of the sign-in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string

from aries_async.errors import ValidationError

__all__ = ["check_code_verifier", "make_pkce_pair", "same_state"]


def make_pkce_pair() -> tuple[str, str]:
    """A fresh ``(code_verifier, code_challenge)`` pair: 64 URL-safe characters and their S256."""
    verifier = secrets.token_urlsafe(48)  # 64 characters, inside RFC 7636's 43..128
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


_VERIFIER_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-._~")


def check_code_verifier(verifier: str) -> None:
    """Refuse a PKCE verifier RFC 7636 (4.1) does not allow: 43 to 128 characters of
    ``A-Z a-z 0-9 - . _ ~``.

    Raises:
        ValidationError: it is shorter, longer, or has another character (not quoted).
    """
    if not 43 <= len(verifier) <= 128 or not _VERIFIER_CHARACTERS.issuperset(verifier):
        raise ValidationError(
            f"a PKCE code_verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~ "
            f"(RFC 7636); this one has {len(verifier)} characters",
            field="code_verifier",
        )


def same_state(received: str | None, expected: str) -> bool:
    """Whether a callback's ``state`` is the one issued (constant time; any text accepted)."""
    if received is None:
        return False
    return hmac.compare_digest(received.encode("utf-8", "replace"), expected.encode("utf-8"))
