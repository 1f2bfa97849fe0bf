"""Faults that change a 200 answer's body on its way out: one bad value, a list sent as an
object, an answer wrapped in an envelope, a body given as is. Applied by
:func:`aries_async.sim.spoil.reshaped`, which :mod:`aries_async.sim.middleware` runs. The fields of
:class:`BodyFaults`, which :class:`~aries_async.sim.faults.Faults` inherits (set them as every
fault: ``sim.faults.wrap_answer["GET /v1/accounts/{id}/positions"] = "data"``). Each is keyed
by route (see :mod:`~aries_async.sim.fault_routes`). A row's ``Flag:`` is the ``aries-async
sim`` flag that sets the switch; a switch without one is set from Python only.

=================================  ==============================================================
field                              effect
=================================  ==============================================================
``malformed_amount``               route -> text: in a 200 answer's first list of objects, the
                                   last object's first decimal-string amount becomes that text
                                   (``"12.3.4"``): one bad number deep in a large answer
                                   Flag: ``--malformed-amount ROUTE=TEXT``.
``malformed_date``                 route -> text: in a 200 answer's first list of objects, the
                                   last object's first calendar day (a ``YYYY-MM-DD`` string,
                                   looked for depth-first: an order's legs too) becomes that
                                   text (``"2026-13-45"``, ``"TBD"``): one bad date in an answer
                                   Flag: ``--malformed-date ROUTE=TEXT``.
``list_as_object``                 routes whose answers' first list is sent as an object keyed
                                   by the items' places (``{}`` when empty)
                                   Flag: ``--list-as-object ROUTE``.
``wrap_answer``                    route -> key: the route's 200 JSON answer is sent inside an
                                   object under that key (``"data"``: ``{"data": {"positions":
                                   [...]}}``), an envelope the documents do not show
                                   Flag: ``--wrap-answer ROUTE=KEY``.
``answer_body``                    route -> bytes: the route's 200 answers carry these bytes as
                                   their JSON body instead, as given (a number with more digits
                                   than a float holds, written as the test wants it); the
                                   request is still served (an order placed is placed)
=================================  ==============================================================
"""

from __future__ import annotations

import attrs

from aries_async.sim.fault_routes import routed
from aries_async.sim.fault_variants import VariantFaults

__all__ = ["BodyFaults"]


@attrs.define(kw_only=True)
class BodyFaults(VariantFaults):
    """The answers' body faults (see the module docstring); the defaults change nothing."""

    # A malformed number in a REST answer (models check them when built).
    malformed_amount: dict[str, str] = attrs.field(factory=dict, on_setattr=routed)
    # A malformed calendar day in a REST answer (models read it as None, with a warning).
    malformed_date: dict[str, str] = attrs.field(factory=dict, on_setattr=routed)
    # An answer whose list is an object (cattrs reads any iterable as a list).
    list_as_object: set[str] = attrs.field(factory=set, on_setattr=routed)
    # An answer in an envelope the client does not know (read as "nothing", it misleads).
    wrap_answer: dict[str, str] = attrs.field(factory=dict, on_setattr=routed)
    # A body written by the test, byte for byte (JSON numbers as long as it likes).
    answer_body: dict[str, bytes] = attrs.field(factory=dict, on_setattr=routed)

    def clear(self) -> None:
        """Remove every fault: each switch of the instance's class (that of
        :class:`~aries_async.sim.faults.Faults`) set back to its default, checked as it is set."""
        fresh = type(self)()
        for field in attrs.fields(type(self)):
            setattr(self, field.name, getattr(fresh, field.name))
