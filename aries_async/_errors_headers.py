"""The headers an :class:`~aries_async.errors.APIError` keeps of its answer: all of them but
those that may carry a credential, read-only, looked up in any case."""

from __future__ import annotations

from collections.abc import Mapping

from multidict import CIMultiDict, CIMultiDictProxy

__all__ = ["CREDENTIAL_HEADERS", "shown_headers"]

CREDENTIAL_HEADERS = frozenset(
    ("authorization", "proxy-authorization", "cookie", "set-cookie", "set-cookie2")
)
"""The headers (lower case) an error never keeps: they carry credentials or a session, and
errors get logged, pickled and attached to bug reports."""


def shown_headers(headers: Mapping[str, str]) -> CIMultiDictProxy[str]:
    """A read-only copy of ``headers`` (every value of a repeated header, in order) without
    :data:`CREDENTIAL_HEADERS`. Pieces of a secret in the other values are the caller's to
    blank out first: only it knows the secrets its request carried."""
    kept: CIMultiDict[str] = CIMultiDict(
        (name, value) for name, value in headers.items() if name.lower() not in CREDENTIAL_HEADERS
    )
    return CIMultiDictProxy(kept)
