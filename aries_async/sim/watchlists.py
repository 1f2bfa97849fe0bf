"""The simulated users' watchlists: named symbol lists per user, kept for the simulator's lifetime.

Pure state, no HTTP (:mod:`~aries_async.sim.routes_watchlists` maps the six
``/v1/config/watchlist`` operations onto it). The rules are the official package's documented
ones:

* every user has at least one watchlist: a user seen for the first time starts with
  ``Default`` (a few symbols), and deleting the last one resets it to ``Default`` with no
  symbols instead of deleting it;
* names are unique per user (case-sensitive): a clash is :class:`WatchlistError`
  ``WATCHLIST_ALREADY_EXISTS``;
* create and update uppercase and de-duplicate the symbols and check them against the
  simulator's symbol table; unknown ones are dropped and reported in ``invalid_symbols``;
  an update adds first, then removes (a symbol in both lists ends up removed);
* replace-all keeps the ids of the entries whose name matches, creates the others, deletes
  the rest and stores the symbols as sent (``null`` when omitted); ``[]`` leaves one empty
  ``Default``.

Ids are integers, unique across users and never reused.

Observers (for the account socket's ``watchlist`` topic)::

    remove = state.watchlists.subscribe(callback)

calls ``callback(change)`` synchronously with a :class:`WatchlistChange` (``user_id``,
``kind`` -- ``"created"``, ``"updated"`` or ``"deleted"`` -- ``watchlist``, the wire object
without ``invalid_symbols``, and ``at``, Unix seconds) after every change; ``remove()`` ends it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import attrs

from aries_async.sim.feed import Clock
from aries_async.sim.listeners import listen
from aries_async.sim.records import RefusedRequest
from aries_async.sim.symbols import SymbolTable

__all__ = ["CHANGE_KINDS", "DEFAULT_NAME", "WatchlistChange", "WatchlistError", "Watchlists"]

DEFAULT_NAME = "Default"
"""The name of a user's first watchlist, and of the one a reset leaves."""

STARTER_SYMBOLS = ("AAPL", "MSFT", "SPY")
"""What a new user's ``Default`` watchlist holds."""

CHANGE_KINDS = ("created", "updated", "deleted")
"""The ``kind`` of a :class:`WatchlistChange`."""


class WatchlistError(RefusedRequest):
    """A refused watchlist request (``status`` 400 or 404)."""


@attrs.define
class SimWatchlist:
    """One stored watchlist (``symbols`` None: saved by replace-all without symbols)."""

    id: int
    name: str
    symbols: list[str] | None

    def wire(self, invalid: Sequence[str] = ()) -> dict[str, object]:
        """The ``Watchlist`` object (``invalid_symbols`` only when some were dropped)."""
        body: dict[str, object] = {"id": self.id, "name": self.name, "symbols": self.symbols}
        if invalid:
            body["invalid_symbols"] = list(invalid)
        return body


@attrs.frozen
class WatchlistChange:
    """One change of a user's watchlists, as observers receive it."""

    user_id: int
    kind: str
    watchlist: dict[str, object]
    at: float


Observer = Callable[[WatchlistChange], None]


class Watchlists:
    """Every user's watchlists (see the module docstring).

    Args:
        clock: the time of the changes told to observers.
        symbols: the table that create and update check symbols against.
    """

    def __init__(self, *, clock: Clock, symbols: SymbolTable) -> None:
        self.clock = clock
        self.symbols = symbols
        self._lists: dict[int, dict[int, SimWatchlist]] = {}
        self._observers: list[Observer] = []
        self._last_id = 0

    # -- observers -------------------------------------------------------------------------------

    def subscribe(self, callback: Observer) -> Callable[[], None]:
        """Call ``callback(change)`` after every change of any user's watchlists.

        Returns:
            A function that removes the observer (idempotent).
        """
        return listen(self._observers, callback)

    def _tell(self, user_id: int, kind: str, watchlist: SimWatchlist) -> None:
        change = WatchlistChange(user_id, kind, watchlist.wire(), self.clock.now())
        for callback in list(self._observers):
            callback(change)

    # -- reading ----------------------------------------------------------------------------------

    def _of(self, user_id: int) -> dict[int, SimWatchlist]:
        lists = self._lists.get(user_id)
        if lists is None:
            first = self._new(DEFAULT_NAME, list(STARTER_SYMBOLS))
            lists = self._lists[user_id] = {first.id: first}
        return lists

    def _new(self, name: str, symbols: list[str] | None) -> SimWatchlist:
        self._last_id += 1
        return SimWatchlist(self._last_id, name, symbols)

    def all(self, user_id: int) -> list[SimWatchlist]:
        """The user's watchlists, oldest first."""
        return list(self._of(user_id).values())

    def get(self, user_id: int, watchlist_id: int) -> SimWatchlist:
        """One of the user's watchlists.

        Raises:
            WatchlistError: 404, no such watchlist of this user.
        """
        found = self._of(user_id).get(watchlist_id)
        if found is None:
            raise WatchlistError(
                404, "WATCHLIST_NOT_FOUND", f"watchlist {watchlist_id} not found", "watchlist_id"
            )
        return found

    # -- changes ----------------------------------------------------------------------------------

    def _resolved(
        self, symbols: Iterable[str], have: Sequence[str] = ()
    ) -> tuple[list[str], list[str]]:
        """``(known, invalid)``: the symbols uppercased and de-duplicated, those the table knows
        (and those already in ``have``, which are not checked again) apart from the others."""
        known: list[str] = []
        invalid: list[str] = []
        for raw in symbols:
            symbol = raw.strip().upper()
            if symbol in known or symbol in invalid:
                continue
            if symbol in have or self.symbols.get(symbol) is not None:
                known.append(symbol)
            else:
                invalid.append(symbol)
        return known, invalid

    def _check_name(self, user_id: int, name: str, keep: int | None = None) -> None:
        if not name.strip():
            raise WatchlistError(400, "INVALID_NAME", "name must not be empty", "name")
        for other in self._of(user_id).values():
            if other.name == name and other.id != keep:
                raise WatchlistError(
                    400, "WATCHLIST_ALREADY_EXISTS", f"a watchlist named {name!r} exists", "name"
                )

    def create(
        self, user_id: int, name: str, symbols: Iterable[str] = ()
    ) -> tuple[SimWatchlist, list[str]]:
        """A new watchlist and the symbols dropped as unknown.

        Raises:
            WatchlistError: empty or taken name.
        """
        self._check_name(user_id, name)
        known, invalid = self._resolved(symbols)
        created = self._new(name, known)
        self._of(user_id)[created.id] = created
        self._tell(user_id, "created", created)
        return created, invalid

    def update(
        self,
        user_id: int,
        watchlist_id: int,
        *,
        name: str | None = None,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
    ) -> tuple[SimWatchlist, list[str]]:
        """Rename, add symbols, then remove symbols; the watchlist and the dropped symbols.

        Raises:
            WatchlistError: unknown id (404), empty or taken name (400).
        """
        found = self.get(user_id, watchlist_id)
        if name is not None:
            self._check_name(user_id, name, keep=watchlist_id)
        current = list(found.symbols or [])
        added, invalid = self._resolved(add, current)
        gone = {symbol.strip().upper() for symbol in remove}
        merged = current + [symbol for symbol in added if symbol not in current]
        found.symbols = [symbol for symbol in merged if symbol not in gone]
        if name is not None:
            found.name = name
        self._tell(user_id, "updated", found)
        return found, invalid

    def delete(self, user_id: int, watchlist_id: int) -> SimWatchlist:
        """Delete the watchlist, or reset it to an empty ``Default`` when it is the user's last.

        Raises:
            WatchlistError: 404, no such watchlist of this user.
        """
        found = self.get(user_id, watchlist_id)
        lists = self._of(user_id)
        if len(lists) == 1:
            found.name, found.symbols = DEFAULT_NAME, []
            self._tell(user_id, "updated", found)
        else:
            del lists[watchlist_id]
            self._tell(user_id, "deleted", found)
        return found

    def replace_all(
        self, user_id: int, entries: Sequence[tuple[str, list[str] | None]]
    ) -> list[SimWatchlist]:
        """Make the user's watchlists exactly ``entries`` (``(name, symbols)``, names unique);
        symbols are stored as sent. Returns the new set in the order given."""
        lists = self._of(user_id)
        by_name = {w.name: w for w in lists.values()}
        wanted = list(entries) or [(DEFAULT_NAME, [])]
        result: list[SimWatchlist] = []
        for name, symbols in wanted:
            kept = by_name.pop(name, None) if entries else None
            if kept is None:
                kept = self._new(name, symbols)
                lists[kept.id] = kept
                self._tell(user_id, "created", kept)
            else:
                kept.symbols = symbols
                self._tell(user_id, "updated", kept)
            result.append(kept)
        for gone in list(lists.values()):
            if gone not in result:
                del lists[gone.id]
                self._tell(user_id, "deleted", gone)
        return result
