"""The simulator's access tokens as JWTs signed with HS256: made, and their claims read back.

A token the simulator has forgotten (swept once expired) is still told apart from one it never
issued by its signature, and its ``exp`` says why it is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["b64", "signed_claims", "signed_jwt"]

_HEAD = {"alg": "HS256", "typ": "JWT"}


def b64(data: bytes) -> str:
    """``data`` as unpadded URL-safe base64 (a JWT part, a PKCE challenge)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    """Unpadded URL-safe base64 as bytes.

    Raises:
        ValueError: not base64.
    """
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json(value: Mapping[str, object]) -> str:
    return b64(json.dumps(value, separators=(",", ":")).encode())


def _signature(key: bytes, head: str, body: str) -> bytes:
    return hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()


def signed_jwt(key: bytes, claims: Mapping[str, object]) -> str:
    """A JWT of ``claims`` signed with ``key``."""
    head, body = _json(_HEAD), _json(claims)
    return f"{head}.{body}.{b64(_signature(key, head, body))}"


def signed_claims(key: bytes, token: str) -> dict[str, Any] | None:
    """The claims of ``token`` when ``key`` signed it, else None (not a JWT, or not ours)."""
    head, _, rest = token.partition(".")
    body, _, sig = rest.partition(".")
    try:
        if not hmac.compare_digest(_unb64(sig), _signature(key, head, body)):
            return None
        claims = json.loads(_unb64(body))
    except ValueError:  # not base64 or not JSON
        return None
    return claims if isinstance(claims, dict) else None
