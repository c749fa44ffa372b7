"""Inspections (督查): findings against criteria and rectification orders tracked to closure.

An :class:`Inspection` of a hall — announced or not (不定期现场督查) — records
:class:`Finding` s, each against a criterion of the standard, and issues
:class:`RectificationOrder` s with due dates. :func:`track_orders` follows every order to its
closure and says which are open, closed on time, closed late or overdue on a given day; the
overdue ones surface in the hall's scorecard, and :func:`inspection_metrics` turns the
tracking into the ``inspections.orders_on_time_rate`` metric.

>>> import datetime as dt
>>> insp = Inspection(
...     id="DC-2026-01", hall="441324116", date="2026-11-02",
...     findings=[Finding(criterion="HC-03", description="自助区标识不清")],
...     orders=[RectificationOrder(id="ZG-1", finding=0, issued="2026-11-02", due="2026-11-13")],
... )
>>> [s.overdue for s in track_orders([insp], today=dt.date(2026, 11, 20))]
[True]
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence

import attrs

from govservice_std._fields import identifier, not_blank, unique
from govservice_std.calendar import WorkingCalendar
from govservice_std.errors import DataProblem, FieldValueError, InvalidDataError
from govservice_std.evaluation._convert import to_date, to_optional_date, tuple_of
from govservice_std.evaluation.deadlines import DueDateCalendar, due_date

__all__ = [
    "Finding",
    "Inspection",
    "InspectionsDocument",
    "OrderState",
    "OrderStatus",
    "RectificationOrder",
    "check_inspections",
    "inspection_metrics",
    "track_orders",
]

DEFAULT_ORDER_DAYS = 15
"""Working days an order without a due date allows when no standard says otherwise."""


@attrs.frozen
class Finding:
    """A problem an inspection found, against a criterion of the standard.

    Args:
        criterion: The criterion's id.
        description: What was found.
        evidence: References to the evidence.
    """

    criterion: str = attrs.field(validator=identifier)
    description: str = attrs.field(validator=not_blank)
    evidence: tuple[str, ...] = attrs.field(default=(), converter=tuple_of)


@attrs.frozen
class RectificationOrder:
    """An order to rectify a finding (整改通知).

    Args:
        id: The order's id, unique in its inspection.
        finding: Index of the finding it addresses.
        issued: When it was issued.
        due: Its due date; without one, the ``inspection.order_days`` parameter counts
            working days from ``issued``.
        closed: When the rectification was verified as done; ``None`` while open.
        verified_by: Who verified it.
        notes: Free text.
    """

    id: str = attrs.field(validator=identifier)
    finding: int
    issued: dt.date = attrs.field(converter=to_date)
    due: dt.date | None = attrs.field(default=None, converter=to_optional_date)
    closed: dt.date | None = attrs.field(default=None, converter=to_optional_date)
    verified_by: str = ""
    notes: str = ""


@attrs.frozen
class Inspection:
    """One inspection (督查) of a hall.

    Args:
        id: The inspection's id.
        hall: The hall's code.
        date: When it took place.
        unannounced: Whether it was an unannounced on-site inspection (不定期现场督查).
        inspectors: Who inspected.
        findings: What was found.
        orders: Rectification orders issued, each naming a finding by index.
        illustrative: Whether the record is invented for an example.
        notes: Free text.

    Raises:
        FieldValueError: If an order names a finding that does not exist or ids repeat.
    """

    id: str = attrs.field(validator=identifier)
    hall: str = attrs.field(validator=identifier)
    date: dt.date = attrs.field(converter=to_date)
    unannounced: bool = True
    inspectors: tuple[str, ...] = attrs.field(default=(), converter=tuple_of)
    findings: tuple[Finding, ...] = attrs.field(default=(), converter=tuple_of)
    orders: tuple[RectificationOrder, ...] = attrs.field(default=(), converter=tuple_of)
    illustrative: bool = False
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        unique(self.orders, lambda o: o.id, "orders", "order id")
        for index, order in enumerate(self.orders):
            if not 0 <= order.finding < len(self.findings):
                raise FieldValueError(
                    f"orders[{index}].finding",
                    f"no finding {order.finding} (the inspection has {len(self.findings)})",
                )


@attrs.frozen
class InspectionsDocument:
    """A file of inspections.

    Args:
        inspections: The inspections.
        illustrative: Whether the records are invented for an example.
        notes: Free text.
    """

    inspections: tuple[Inspection, ...] = attrs.field(default=(), converter=tuple_of)
    illustrative: bool = False
    notes: str = ""


class OrderStatus(enum.Enum):
    """Where a rectification order stands on a given day."""

    OPEN = "open"
    """Not closed, not yet due."""
    OVERDUE = "overdue"
    """Not closed and past its due date."""
    CLOSED_ON_TIME = "closed_on_time"
    """Closed on or before its due date."""
    CLOSED_LATE = "closed_late"
    """Closed after its due date."""


@attrs.frozen
class OrderState:
    """A rectification order as tracked on a given day.

    Attributes:
        inspection: The inspection's id.
        order: The order's id.
        hall: The hall's code.
        criterion: The criterion of the finding it addresses.
        description: The finding.
        due: Its due date.
        closed: When it was closed, if it was.
        status: Where it stands.
        due_estimated: Whether the due date was counted (the order gave none) into a year
            whose official holiday schedule is not published yet, so it rests on an
            estimated schedule and may move.
    """

    inspection: str
    order: str
    hall: str
    criterion: str
    description: str
    due: dt.date
    closed: dt.date | None
    status: OrderStatus
    due_estimated: bool = False

    @property
    def overdue(self) -> bool:
        """Whether the order is open past its due date."""
        return self.status is OrderStatus.OVERDUE


def track_orders(
    inspections: Iterable[Inspection],
    *,
    today: dt.date,
    calendar: DueDateCalendar | None = None,
    order_days: int = DEFAULT_ORDER_DAYS,
) -> tuple[OrderState, ...]:
    """Follow every rectification order of ``inspections`` as of ``today``.

    Args:
        inspections: The inspections.
        today: The day to judge on; orders closed after it count as still open.
        calendar: Working-day calendar for orders without a due date (default: the
            official national calendar; pass the locality's,
            ``resolved.calendar``). A due date counted into a
            year without a published holiday schedule is estimated and flagged.
        order_days: Working days an order without a due date allows (pass the standard's
            ``inspection.order_days`` parameter).
    """
    cal = calendar or WorkingCalendar()
    out: list[OrderState] = []
    for inspection in inspections:
        for order in inspection.orders:
            if order.due is not None:
                due, estimated = order.due, False
            else:
                due, estimated = due_date(cal, order.issued, order_days)
            closed = order.closed if order.closed is not None and order.closed <= today else None
            if closed is not None:
                status = OrderStatus.CLOSED_ON_TIME if closed <= due else OrderStatus.CLOSED_LATE
            else:
                status = OrderStatus.OVERDUE if today > due else OrderStatus.OPEN
            finding = inspection.findings[order.finding]
            out.append(
                OrderState(
                    inspection=inspection.id,
                    order=order.id,
                    hall=inspection.hall,
                    criterion=finding.criterion,
                    description=finding.description,
                    due=due,
                    closed=closed,
                    status=status,
                    due_estimated=estimated,
                )
            )
    return tuple(out)


def inspection_metrics(states: Sequence[OrderState]) -> dict[str, float]:
    """The inspection metrics of tracked orders.

    ``inspections.orders_on_time_rate`` is the share of orders already due (or closed) that
    were closed on time; orders still open and not yet due are left out. With no such orders
    the metric is absent.
    """
    counted = [s for s in states if s.status is not OrderStatus.OPEN]
    if not counted:
        return {}
    on_time = sum(1 for s in counted if s.status is OrderStatus.CLOSED_ON_TIME)
    return {"inspections.orders_on_time_rate": on_time / len(counted)}


def check_inspections(
    inspections: Iterable[Inspection], criteria: Mapping[str, object], *, source: str | None = None
) -> None:
    """Check that every finding names a criterion in ``criteria`` (ids of the standard).

    Raises:
        InvalidDataError: Listing every finding with an unknown criterion.
    """
    problems = [
        DataProblem(
            f"inspections[{i}].findings[{j}].criterion", f"unknown criterion {f.criterion!r}"
        )
        for i, inspection in enumerate(inspections)
        for j, f in enumerate(inspection.findings)
        if f.criterion not in criteria
    ]
    if problems:
        raise InvalidDataError(problems, source=source)
