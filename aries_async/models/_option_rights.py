"""What the generated ``OptionsScreenerItem`` (an option top list's row) reads beyond its wire
fields: its ``type``, which servers spell ``c``/``P`` (finance-dev's documented form) or
``call``/``put``, as one :class:`~aries_async.models.orders.PutCall`.

The generated class takes :class:`OptionRight` as its base (``tools/apigen_models.py``,
``BASES``): its ``type`` stays the text as sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aries_async.models.orders import PutCall

__all__ = ["OptionRight"]

_RIGHTS = {"C": "CALL", "CALL": "CALL", "P": "PUT", "PUT": "PUT"}
"""Each spelling of an option's right a server uses (upper case) -> the ``PutCall`` value."""


class OptionRight:
    """The right of an option row (a base of ``OptionsScreenerItem``, which has ``type``)."""

    __slots__ = ()

    type: str | None

    @property
    def put_call(self) -> PutCall | None:
        """``PutCall.CALL`` or ``PutCall.PUT`` for a ``type`` of ``c``/``call`` or ``P``/``put``
        in any case (the two forms servers send), None for a missing ``type`` or one that
        names no right. ``type`` keeps the text as sent.

        Example:
            >>> from aries_async.models.generated import OptionsScreenerItem
            >>> OptionsScreenerItem(type="c").put_call, OptionsScreenerItem(type="put").put_call
            (<PutCall.CALL: 'CALL'>, <PutCall.PUT: 'PUT'>)
        """
        from aries_async.models.orders import PutCall

        right = _RIGHTS.get(self.type.strip().upper()) if isinstance(self.type, str) else None
        return None if right is None else PutCall(right)
