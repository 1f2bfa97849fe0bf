"""HTTP transport and retry policy."""

from aries_async.http.transport import Response, Transport

__all__ = ["Response", "Transport"]
