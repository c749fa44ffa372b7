"""Case KPIs: 按时办结率, 提前办结率, 超期件, 即办件占比, 一次办成率, 异常办理率, handling days.

KPIs are computed where the cases are: in SQL over the store's ``cases`` projection
(:func:`case_kpis`), grouped by item, hall, window, staff, tier and/or month, so a year of a
county's cases is read as a few aggregate rows — never as a list of cases in Python. The
P90 of handling days comes from a per-group histogram of whole working days (one row per
group and day count), so memory grows with the groups, not with the cases. The same
figures come from a streaming fold over case rows (:class:`KpiFold`), for records that are
not in a store; the tests hold the two to the same results.

The figures (the formulas are this library's own; GB/T 32169.4 names the indicator groups):

* a case counts in the period in which it was finished (办结), or withdrawn after
  acceptance;
* 按时办结率 ``on_time_rate``: finished within the limit (承诺时限 + approved extensions,
  suspended days not counted) over finished;
* 提前办结率 ``early_rate``: finished with working days to spare over finished;
  ``days_saved``: the working days spared in all;
* ``overdue``: finished late; ``overdue_open``: still open and past due at the period end
  (grouped by month, open cases fall under the month ``""``);
* 即办件占比 ``immediate_share``: finished 即办件 over finished;
* 一次办成率 ``one_visit_rate``: finished without a 补正 notice over finished; 补正率
  ``correction_rate`` the rest;
* 异常办理率 ``abnormal_rate``: finished late or withdrawn after acceptance, over those
  plus the finished;
* ``mean_days`` and ``p90_days``: working days used by the finished cases.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from govservice_std.cases.stores import CaseStore
from govservice_std.errors import CaseError

__all__ = ["GROUPS", "CaseKpis", "KpiFold", "KpiRow", "case_kpis"]

GROUPS = ("item", "hall", "window", "staff", "tier", "month")
"""What KPIs can be grouped by."""

_COLUMN = {
    "item": "item",
    "hall": "hall",
    "window": "win",
    "staff": "staff",
    "tier": "tier",
    "month": "month",
}


@attrs.frozen
class CaseKpis:
    """The KPIs of one group of cases.

    Attributes:
        key: The group's values, in the order grouped by (empty for all cases).
        closed: Cases finished, or withdrawn after acceptance, in the period.
        finished: Cases finished (办结) in the period.
        on_time: Finished within the limit.
        early: Finished with days to spare.
        days_saved: Working days spared in all.
        overdue: Finished late.
        overdue_open: Open and past due at the period end.
        immediate: Finished 即办件.
        corrected: Finished after a 补正 notice.
        abnormal: Finished late or withdrawn after acceptance.
        days_used: Working days used by the finished cases in all.
        p90_days: The 90th percentile of working days used (nearest rank), or ``None``.
    """

    key: tuple[str, ...]
    closed: int
    finished: int
    on_time: int
    early: int
    days_saved: int
    overdue: int
    overdue_open: int
    immediate: int
    corrected: int
    abnormal: int
    days_used: int
    p90_days: int | None

    def _rate(self, count: int, of: int | None = None) -> float | None:
        total = self.finished if of is None else of
        return count / total if total else None

    @property
    def on_time_rate(self) -> float | None:
        """按时办结率 (``None`` without finished cases)."""
        return self._rate(self.on_time)

    @property
    def early_rate(self) -> float | None:
        """提前办结率."""
        return self._rate(self.early)

    @property
    def immediate_share(self) -> float | None:
        """即办件占比."""
        return self._rate(self.immediate)

    @property
    def one_visit_rate(self) -> float | None:
        """一次办成率 (no 补正)."""
        return self._rate(self.finished - self.corrected)

    @property
    def correction_rate(self) -> float | None:
        """补正率."""
        return self._rate(self.corrected)

    @property
    def abnormal_rate(self) -> float | None:
        """异常办理率."""
        return self._rate(self.abnormal, self.closed)

    @property
    def mean_days(self) -> float | None:
        """Mean working days used by the finished cases."""
        return self._rate(self.days_used)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures (``govstd case kpis --json``)."""
        return {
            "key": list(self.key),
            "closed": self.closed,
            "finished": self.finished,
            "on_time": self.on_time,
            "on_time_rate": self.on_time_rate,
            "early_rate": self.early_rate,
            "days_saved": self.days_saved,
            "overdue": self.overdue,
            "overdue_open": self.overdue_open,
            "immediate_share": self.immediate_share,
            "one_visit_rate": self.one_visit_rate,
            "correction_rate": self.correction_rate,
            "abnormal_rate": self.abnormal_rate,
            "mean_days": self.mean_days,
            "p90_days": self.p90_days,
        }


@attrs.frozen
class KpiRow:
    """What the KPIs need of one case (a row of the ``cases`` projection)."""

    key: tuple[str, ...]
    status: str
    kind: str
    done_on: dt.date | None
    due: dt.date | None
    limit_days: int
    used_days: int
    corrected: bool
    overdue: bool
    abnormal: bool


def _p90(histogram: Mapping[int, int]) -> int | None:
    total = sum(histogram.values())
    if not total:
        return None
    rank = math.ceil(0.9 * total)
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= rank:
            return days
    return None  # pragma: no cover - the loop always reaches the rank


_DONE = ("finished", "delivered")
_OPEN = ("received", "correcting", "accepted", "suspended")


class KpiFold:
    """The KPIs as a streaming fold: feed case rows one at a time, read :meth:`result`.

    Memory holds one counter set and one day histogram per group.

    Args:
        start: First day of the period (``None``: from the first case).
        end: Last day of the period (``None``: to the last); open cases are judged overdue
            on this day (or on ``today``).
        today: The day open cases are judged on when ``end`` is not given.
    """

    def __init__(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        self.start = start
        self.end = end
        self.asof = end or today
        self._counts: dict[tuple[str, ...], list[int]] = {}
        self._days: dict[tuple[str, ...], dict[int, int]] = {}

    def add(self, row: KpiRow) -> None:
        """Count one case."""
        counts = self._counts.get(row.key)
        if counts is None:
            counts = self._counts[row.key] = [0] * 11
            self._days[row.key] = {}
        if row.status in _OPEN:
            if row.due is not None and self.asof is not None and row.due < self.asof:
                counts[7] += 1
            return
        if row.done_on is None:
            return
        if (self.start and row.done_on < self.start) or (self.end and row.done_on > self.end):
            return
        done = row.status in _DONE
        if not done and not row.abnormal:
            return
        counts[0] += 1
        counts[9] += row.abnormal
        if not done:
            return
        counts[1] += 1
        counts[2] += not row.overdue
        spare = row.limit_days - row.used_days
        counts[3] += spare > 0
        counts[4] += max(spare, 0)
        counts[5] += row.overdue
        counts[6] += row.kind == "immediate"
        counts[8] += row.corrected
        counts[10] += row.used_days
        days = self._days[row.key]
        days[row.used_days] = days.get(row.used_days, 0) + 1

    def result(self) -> list[CaseKpis]:
        """The KPIs of every group seen, sorted by key."""
        out = []
        for key in sorted(self._counts):
            c = self._counts[key]
            if not any(c):
                continue
            out.append(
                CaseKpis(
                    key,
                    c[0],
                    c[1],
                    c[2],
                    c[3],
                    c[4],
                    c[5],
                    c[7],
                    c[6],
                    c[8],
                    c[9],
                    c[10],
                    _p90(self._days[key]),
                )
            )
        return out


def case_kpis(
    store: CaseStore,
    *,
    by: Sequence[str] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
    where: Mapping[str, str] | None = None,
) -> list[CaseKpis]:
    """The KPIs of the store's cases, computed in SQL, one entry per group.

    Args:
        store: The case store.
        by: Group by these (:data:`GROUPS`); none gives one entry for all cases.
        start: First day of the period (by the day finished).
        end: Last day of the period; open cases are judged overdue on it.
        today: The day open cases are judged on when ``end`` is not given.
        where: Only cases whose columns equal these values (``{"hall": "441324116"}``;
            keys from :data:`GROUPS` other than ``month``).

    Raises:
        CaseError: If a grouping or filter is not one of :data:`GROUPS`.
    """
    bad = [
        g for g in (*by, *(where or {})) if g not in GROUPS or (g == "month" and g in (where or {}))
    ]
    if bad:
        raise CaseError(
            f"cannot group or filter by {', '.join(bad)} (choose from {', '.join(GROUPS)})",
            f"无法按 {'、'.join(bad)} 分组或筛选（可选：{'、'.join(GROUPS)}）",
        )
    key = ", ".join(_COLUMN[g] for g in by) or "''"
    nkey = max(len(by), 1)

    def positions(count: int) -> str:
        # By position: PostgreSQL refuses a constant (the '' of no grouping, an open case's
        # month) named in GROUP BY, and SQLite reads the positions the same way.
        return ", ".join(str(i) for i in range(1, count + 1))

    filters = ["done_on IS NOT NULL"]
    params: list[object] = []
    if start is not None:
        filters.append("done_on >= ?")
        params.append(start.isoformat())
    if end is not None:
        filters.append("done_on <= ?")
        params.append(end.isoformat())
    extra: list[object] = []
    extra_sql = ""
    for name, value in (where or {}).items():
        extra_sql += f" AND {_COLUMN[name]} = ?"
        extra.append(value)
    cond = " AND ".join(filters) + extra_sql
    done = "status IN ('finished', 'delivered')"
    # One pass over the cases: sums per group and whole number of days used, so the P90
    # comes from the same rows; the result has groups x distinct day counts rows at most.
    # Column expressions come from the constant table above, never from data.
    sums = f"""
        SELECT {key}, used_days, COUNT(*),
          SUM(CASE WHEN {done} THEN 1 ELSE 0 END),
          SUM(CASE WHEN {done} AND overdue = 0 THEN 1 ELSE 0 END),
          SUM(CASE WHEN {done} AND used_days < limit_days THEN 1 ELSE 0 END),
          SUM(CASE WHEN {done} AND used_days < limit_days THEN limit_days - used_days
              ELSE 0 END),
          SUM(CASE WHEN {done} THEN overdue ELSE 0 END),
          SUM(CASE WHEN {done} AND kind = 'immediate' THEN 1 ELSE 0 END),
          SUM(CASE WHEN {done} THEN corrected ELSE 0 END),
          SUM(abnormal)
        FROM cases WHERE {cond} AND ({done} OR abnormal = 1)
        GROUP BY {positions(nkey + 1)}"""  # noqa: S608
    asof = end or today
    groups: dict[tuple[str, ...], list[int]] = {}
    days: dict[tuple[str, ...], dict[int, int]] = {}

    def keyof(row: Sequence[Any]) -> tuple[str, ...]:
        return tuple("" if v is None else str(v) for v in row[:nkey]) if by else ()

    for row in store.stream(sums, [*params, *extra]):
        k = keyof(row)
        used, count, finished, *rest = (int(v or 0) for v in row[nkey:])
        sums_of = groups.get(k)
        if sums_of is None:
            sums_of = groups[k] = [0] * 10
            days[k] = {}
        sums_of[0] += count
        sums_of[1] += finished
        for i, amount in enumerate(rest, 2):
            sums_of[i] += amount
        sums_of[9] += finished * used
        if finished:
            days[k][used] = days[k].get(used, 0) + finished
    open_late: dict[tuple[str, ...], int] = {}
    if asof is not None:
        # Open cases belong to no month: they are counted under the month "".
        late_key = ", ".join("''" if g == "month" else _COLUMN[g] for g in by) or "''"
        late = f"""
            SELECT {late_key}, COUNT(*) FROM cases
            WHERE status IN ('received', 'correcting', 'accepted', 'suspended')
              AND due < ?{extra_sql}
            GROUP BY {positions(nkey)}"""  # noqa: S608
        for row in store.stream(late, [asof.isoformat(), *extra]):
            open_late[keyof(row)] = int(row[nkey])
    out = []
    for k in sorted(set(groups) | set(open_late)):
        c = groups.get(k, [0] * 10)
        out.append(
            CaseKpis(
                k,
                c[0],
                c[1],
                c[2],
                c[3],
                c[4],
                c[5],
                open_late.get(k, 0),
                c[6],
                c[7],
                c[8],
                c[9],
                _p90(days.get(k, {})),
            )
        )
    return out


def kpi_rows(records: Iterable[Mapping[str, Any]], by: Sequence[str] = ()) -> Iterable[KpiRow]:
    """:class:`KpiRow` values from projection rows as mappings (column → value)."""
    for r in records:
        done_on = r["done_on"]
        month = done_on[:7] if done_on else ""
        values = {**r, "window": r["win"], "month": month}
        yield KpiRow(
            key=tuple(str(values[g]) for g in by),
            status=str(r["status"]),
            kind=str(r["kind"]),
            done_on=dt.date.fromisoformat(done_on) if done_on else None,
            due=dt.date.fromisoformat(r["due"]) if r["due"] else None,
            limit_days=int(r["limit_days"]),
            used_days=int(r["used_days"]),
            corrected=bool(r["corrected"]),
            overdue=bool(r["overdue"]),
            abnormal=bool(r["abnormal"]),
        )
