"""``StreamOpener``: the ``async with`` handle that :class:`~aries_async.client.AriesClient`
returns for a stream, loading the streaming code off the event loop on first use; ``Streams``:
the client's methods that return them."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, Unpack

from aries_async._deprecation import renamed_arguments
from aries_async._lazy import load
from aries_async._validate import require_text
from aries_async.errors import ClientClosedError

if TYPE_CHECKING:
    from aries_async.auth.session import AuthSession
    from aries_async.config import ClientConfig
    from aries_async.http.transport import Transport
    from aries_async.resources.orders import Orders
    from aries_async.streaming.accounts import AccountStream
    from aries_async.streaming.base import StreamBase
    from aries_async.streaming.charts import ChartStream
    from aries_async.streaming.config import StreamConfig
    from aries_async.streaming.connection import Connector
    from aries_async.streaming.lookup import OrderLookup
    from aries_async.streaming.market import MarketStream

__all__ = ["AccountOpenerOptions", "OpenerOptions", "StreamOpener", "Streams"]


S = TypeVar("S", bound="StreamBase")


class OpenerOptions(TypedDict, total=False):
    """The keyword arguments of ``client.market_stream()`` and ``client.chart_stream()``: those
    every stream takes (:class:`~aries_async.streaming.base.StreamOptions`) but the token
    callbacks the client passes itself. Declared here, as checking a call must not load the
    streaming code."""

    config: StreamConfig | None
    sleep: Callable[[float], Awaitable[Any]]
    monotonic: Callable[[], float]
    wall_clock: Callable[[], float]
    rand: Callable[[], float]
    connect: Connector | None


class AccountOpenerOptions(OpenerOptions, total=False):
    """The keyword arguments of ``client.account_stream()``: :class:`OpenerOptions` and the
    account stream's own."""

    reconcile: OrderLookup | None
    reconcile_attempts: int


_KEYWORDS = OpenerOptions.__optional_keys__
_ACCOUNT_KEYWORDS = AccountOpenerOptions.__optional_keys__


def _check_keywords(owner: object, method: str, given: Any, taken: frozenset[str]) -> None:
    """Refuse a keyword the stream does not take when the opener is called (as Python refuses
    one a function does not take), rather than at ``async with``.

    Raises:
        TypeError: ``given`` holds a name not in ``taken``.
    """
    for name in given:
        if name not in taken:
            raise TypeError(
                f"{type(owner).__name__}.{method}() got an unexpected keyword argument "
                f"{name!r} (it takes {', '.join(sorted(taken))})"
            )


class StreamOpener(Generic[S]):
    """What :meth:`AriesClient.market_stream <aries_async.client.AriesClient.market_stream>` and
    :meth:`AriesClient.account_stream <aries_async.client.AriesClient.account_stream>` return:
    ``async with`` it, and the block gets the stream (:class:`~aries_async.streaming.
    MarketStream`, :class:`~aries_async.streaming.AccountStream`), closed when the block ends.

    The streaming code (websockets, the event models) is imported on first use in a worker
    thread: a program that never streams does not pay for it, and opening the first stream
    does not hold up the event loop (the imports take some 50 ms of CPU).

    Example:
        >>> async def main(client: AriesClient) -> None:                    # doctest: +SKIP
        ...     async with client.market_stream() as stream:
        ...         await stream.subscribe("AAPL")
    """

    __slots__ = ("_build", "_call", "_modules", "_open", "_stream")

    def __init__(
        self,
        modules: tuple[str, ...],
        build: Callable[[], S],
        open_streams: set[Any],
        call: str = "client.market_stream()",
    ) -> None:
        self._modules = modules
        self._build = build
        self._open = open_streams
        self._call = call
        self._stream: S | None = None

    def __repr__(self) -> str:
        return f"<StreamOpener: async with {self._call} as stream>"

    if not TYPE_CHECKING:  # type checkers keep refusing what the opener does not have

        def __getattr__(self, name: str) -> Any:
            # Reached only for a name the opener lacks: most likely the stream's own
            # (subscribe, quotes...), the async with left out, as across notebook cells.
            if name.startswith("_"):
                raise AttributeError(name)
            raise AttributeError(
                f"'StreamOpener' object has no attribute {name!r}: the stream is what "
                f"`async with {self._call} as stream:` gives (to keep one open across "
                "notebook cells: `stream = await stack.enter_async_context(...)` on a "
                "contextlib.AsyncExitStack, closed with `await stack.aclose()`)"
            )

    async def __aenter__(self) -> S:
        if self._stream is not None:
            raise RuntimeError("a stream opener is entered once; call the client again")
        for module in self._modules:
            await load(module)
        stream = self._stream = self._build()
        entered: S = await stream.__aenter__()
        self._open.add(stream)
        # Closed with its own aclose() (a notebook's stream, entered without async with),
        # the stream leaves the client's open streams then, not when the client closes.
        stream._on_aclose(functools.partial(self._open.discard, stream))
        return entered

    async def __aexit__(self, *exc_info: Any) -> None:
        if self._stream is not None:
            self._open.discard(self._stream)
            await self._stream.__aexit__(*exc_info)


class Streams:
    """The streams of :class:`~aries_async.client.AriesClient`, each opened with ``async with``
    on the client's event loop (on another one, entering raises
    :class:`~aries_async.errors.WrongEventLoopError`). Their status events are stamped by the
    client's ``wall_clock`` (unless ``wall_clock`` is given). Closing the client closes the
    streams it opened that are still open (their consumers end as at the stream's own
    close), and entering one from a closed client raises
    :class:`~aries_async.errors.ClientClosedError`. A stream's old keyword ``clock``
    (its ``monotonic``) still works for one release, with a :class:`DeprecationWarning` from
    the call. A keyword a stream does not take is a :class:`TypeError` from the call, too.
    """

    config: ClientConfig

    if not TYPE_CHECKING:  # hidden from type checkers: a misspelt name stays their error

        def __getattr__(self, name: str) -> Any:
            # The client's own: finance-dev's ``websocket`` (and its renamed groups) say where
            # they went here.
            from aries_async.resources._official import missing_attribute

            raise missing_attribute(self, name, group=True)

    auth: AuthSession
    _wall_clock: Callable[[], float]
    _transport: Transport

    if TYPE_CHECKING:

        @property
        def orders(self) -> Orders:
            """The client's orders resource (account streams reconcile with it)."""
            ...

    @functools.cached_property
    def _open_streams(self) -> set[Any]:
        """The streams opened through the client and not closed yet (however closed)."""
        return set()

    def _check_open_client(self) -> None:
        """Before the client is entered or a stream is built: the client still open, and on
        its loop (a stream's token refreshes are the client's loop's).

        Raises:
            ClientClosedError: the client is closed.
            WrongEventLoopError: the client belongs to another event loop.
        """
        if self._transport.closed:
            raise ClientClosedError("the client is closed; create a new one")
        self._transport.check_loop()

    async def _close_streams(self) -> None:
        """Close every stream the client opened that is still open."""
        while self._open_streams:
            await self._open_streams.pop().aclose()

    @renamed_arguments(clock="monotonic")
    def market_stream(self, **kwargs: Unpack[OpenerOptions]) -> StreamOpener[MarketStream]:
        """A market-data stream: ``async with client.market_stream() as stream`` gives a
        :class:`~aries_async.streaming.MarketStream` (``kwargs`` go to it); see
        :class:`StreamOpener`.

        Raises:
            TypeError: a keyword the stream does not take.
        """
        _check_keywords(self, "market_stream", kwargs, _KEYWORDS)

        def build() -> MarketStream:
            self._check_open_client()
            from aries_async.streaming.market import market_stream

            kwargs.setdefault("wall_clock", self._wall_clock)
            return market_stream(
                self.config.endpoints.market_ws_url,
                self.auth.access_token,
                invalidate_token=self.auth.invalidate,
                renew_token=self.auth.access_token_other_than,
                **kwargs,
            )

        return StreamOpener(("aries_async.streaming.market",), build, self._open_streams)

    @renamed_arguments(clock="monotonic")
    def chart_stream(self, **kwargs: Unpack[OpenerOptions]) -> StreamOpener[ChartStream]:
        """A charts stream (TradingView-style quotes and trades): ``async with
        client.chart_stream() as stream`` gives a :class:`~aries_async.streaming.ChartStream`
        (``kwargs`` go to it); see :class:`StreamOpener`.

        Raises:
            TypeError: a keyword the stream does not take.
        """
        _check_keywords(self, "chart_stream", kwargs, _KEYWORDS)

        def build() -> ChartStream:
            self._check_open_client()
            from aries_async.streaming.charts import ChartStream

            kwargs.setdefault("wall_clock", self._wall_clock)
            return ChartStream(
                self.config.endpoints.charts_ws_url,
                self.auth.access_token,
                invalidate_token=self.auth.invalidate,
                renew_token=self.auth.access_token_other_than,
                **kwargs,
            )

        return StreamOpener(
            ("aries_async.streaming.charts",), build, self._open_streams, "client.chart_stream()"
        )

    @renamed_arguments(clock="monotonic")
    def account_stream(
        self, account_id: str, *more_accounts: str, **kwargs: Unpack[AccountOpenerOptions]
    ) -> StreamOpener[AccountStream]:
        """An account-updates stream for one account or several on one socket: ``async with
        client.account_stream(account_id) as stream`` gives an
        :class:`~aries_async.streaming.AccountStream` (``kwargs`` go to it); see
        :class:`StreamOpener`.

        Orders that finish while the stream is disconnected, and that the resync snapshot leaves
        out, are looked up with :meth:`Orders.reconcile` (pass ``reconcile=`` to override), and
        so are those placed and finished meanwhile, which a snapshot of working orders never
        lists (see :mod:`~aries_async.streaming.accounts`).

        Raises:
            ValidationError: an account id is empty or not a string.
            TypeError: a keyword the stream does not take.
        """
        _check_keywords(self, "account_stream", kwargs, _ACCOUNT_KEYWORDS)
        accounts = [require_text(a, "account_id") for a in (account_id, *more_accounts)]

        def build() -> AccountStream:
            self._check_open_client()
            from aries_async.streaming.accounts import account_stream

            kwargs.setdefault("reconcile", self.orders.reconcile)
            kwargs.setdefault("wall_clock", self._wall_clock)
            return account_stream(
                self.config.endpoints.accounts_ws_url,
                self.auth.access_token,
                accounts,
                invalidate_token=self.auth.invalidate,
                renew_token=self.auth.access_token_other_than,
                **kwargs,
            )

        modules = ("aries_async.streaming.accounts", "aries_async.resources.orders")
        return StreamOpener(modules, build, self._open_streams, "client.account_stream(...)")
