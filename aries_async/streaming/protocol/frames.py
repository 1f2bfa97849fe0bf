"""The client's messages as text frames (auth, ping, requests, market, chart and account
subscribe/unsubscribe), and the correlation ids they carry."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

__all__ = [
    "IdFactory",
    "encode_account_subscribe",
    "encode_account_unsubscribe",
    "encode_auth",
    "encode_chart_subscribe",
    "encode_chart_unsubscribe",
    "encode_market_subscribe",
    "encode_market_unsubscribe",
    "encode_ping",
    "encode_request",
]


def _dumps(message: Mapping[str, Any]) -> str:
    return orjson.dumps(message).decode()


class IdFactory:
    """Correlation ids ``prefix-1``, ``prefix-2``... (unique per stream)."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def __call__(self, prefix: str) -> str:
        """The next id with ``prefix``."""
        return f"{prefix}-{next(self._counter)}"


# -- encoders ---------------------------------------------------------------------------------


def encode_auth(token: str, request_id: str) -> str:
    """The ``POST /auth`` request (token directly in ``body.token``; websocket.md 2.3).

    The result contains the token: never log it.
    """
    return _dumps(
        {
            "type": "request",
            "id": request_id,
            "payload": {"method": "POST", "path": "/auth", "body": {"token": token}},
        }
    )


def encode_request(
    request_id: str,
    method: str,
    path: str,
    query: Mapping[str, Any] | None = None,
    body: Any = None,
) -> str:
    """A REST-like ``request`` over the socket (websocket.md 2.7)."""
    payload: dict[str, Any] = {"method": method, "path": path}
    if query:
        payload["query"] = dict(query)
    if body is not None:
        payload["body"] = body
    return _dumps({"type": "request", "id": request_id, "payload": payload})


def encode_ping(request_id: str) -> str:
    """``{"type": "ping", "id": ...}``."""
    return _dumps({"type": "ping", "id": request_id})


def encode_market_subscribe(request_id: str, items: Sequence[Mapping[str, Any]]) -> str:
    """A market ``subscribe`` with an array payload of per-symbol requests."""
    return _dumps({"type": "subscribe", "id": request_id, "payload": list(items)})


def encode_market_unsubscribe(request_id: str, items: Sequence[str | Mapping[str, Any]]) -> str:
    """A market ``unsubscribe``: items are bare symbols or ``{symbol, quote: true, ...}``."""
    return _dumps({"type": "unsubscribe", "id": request_id, "payload": list(items)})


def encode_account_subscribe(
    request_id: str, topic: str, params: Mapping[str, Any] | None = None
) -> str:
    """An account-socket ``subscribe`` (object payload ``{topic, params}``)."""
    return _topic_frame("subscribe", request_id, topic, params)


def encode_account_unsubscribe(
    request_id: str, topic: str, params: Mapping[str, Any] | None = None
) -> str:
    """An account-socket ``unsubscribe`` (the payload of its ``subscribe``)."""
    return _topic_frame("unsubscribe", request_id, topic, params)


def _topic_frame(kind: str, request_id: str, topic: str, params: Mapping[str, Any] | None) -> str:
    """An account-socket frame of type ``kind`` for ``topic`` (``params`` left out when empty)."""
    payload: dict[str, Any] = {"topic": topic}
    if params:
        payload["params"] = dict(params)
    return _dumps({"type": kind, "id": request_id, "payload": payload})


def encode_chart_subscribe(request_id: str, payload: Mapping[str, Any]) -> str:
    """A charts-socket ``subscribe``: one symbol, ``{type, symbol, symbolType?}``."""
    return _dumps({"type": "subscribe", "id": request_id, "payload": dict(payload)})


def encode_chart_unsubscribe(request_id: str, kind: str, symbol: str) -> str:
    """A charts-socket ``unsubscribe`` of one ``payload.type`` of one symbol."""
    return _dumps(
        {"type": "unsubscribe", "id": request_id, "payload": {"type": kind, "symbol": symbol}}
    )
