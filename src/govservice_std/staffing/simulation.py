"""Discrete-event simulation of a hall's day, with replications and confidence intervals.

The simulation plays a :class:`~govservice_std.staffing.profile.DayProfile`:

* walk-ins arrive as a Poisson process whose rate is steady within each period (piecewise
  Poisson); each belongs to a business line and, with the group's share, to a priority
  group; booked visitors (appointments) arrive at their time unless they do not show;
* a free window calls the waiting ticket of the highest-weight priority group among the
  lines it serves (groups of equal weight as one), lines in the window's order, earliest
  arrival first; with an anti-starvation rule, after N priority calls in a row it calls a
  normal ticket if one waits; a call never interrupts a service;
* windows open and close by period, and a closing window finishes its visitor first. With
  listed windows the first N of the list are open; with identical windows (none listed) a
  drop to N windows closes idle windows at once and then the next ones to come free.
  After the last period the windows of that period keep serving until the queue is empty;
* a visitor with a patience time leaves when it runs out before the call.

Random numbers come from numpy in bulk (``numpy.random.Generator``, seeded through
``SeedSequence``), so a seed reproduces a run exactly and replications are independent.
The event loop is a tight heap of window departures in plain Python; when the hall is a
single first-come-first-served queue (one line, no priority groups, a constant number of
identical windows) it takes the Kiefer–Wolfowitz shortcut, which gives the same waits with
one heap operation per visitor.

>>> from govservice_std.staffing import DayProfile, TimeDistribution, LineProfile, Period
>>> day = DayProfile(
...     lines=[LineProfile(id="A", service=TimeDistribution.exponential(6.0))],
...     periods=[Period(arrivals={"A": 40.0}, windows=5)] * 3,
...     target_minutes=10.0,
... )
>>> result = simulate(day, replications=5, seed=1)
>>> result.replications, result.kpis.overall.issued > 0
(5, True)
>>> simulate(day, replications=5, seed=1) == result
True
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from govservice_std.errors import FieldValueError
from govservice_std.queues.kpis import Distribution, KpiFigures, QueueKpis
from govservice_std.staffing.profile import NORMAL_GROUP, DayProfile

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "DayTrace",
    "Estimate",
    "SimulationResult",
    "estimate",
    "kpi_report",
    "simulate",
    "simulate_day",
]

_INF = math.inf


@attrs.frozen
class Estimate:
    """A mean over replications with its confidence interval.

    Attributes:
        mean: The mean of the replications' values.
        low: Lower end of the confidence interval.
        high: Upper end.
        replications: How many values the mean is over.
        confidence: The confidence level (0.95).
    """

    mean: float
    low: float
    high: float
    replications: int
    confidence: float = 0.95

    @property
    def half_width(self) -> float:
        """Half the width of the interval."""
        return (self.high - self.low) / 2


# Two-sided 95 % Student t quantiles for 1..30 degrees of freedom.
_T95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def _t95(df: int) -> float:
    if df <= len(_T95):
        return _T95[df - 1]
    # Beyond 30 degrees of freedom a first-order correction of the normal quantile is
    # accurate to three decimals.
    z = 1.959964
    return z + (z**3 + z) / (4 * df)


def estimate(values: Sequence[float]) -> Estimate:
    """The mean of ``values`` with a 95 % Student t confidence interval.

    >>> e = estimate([1.0, 2.0, 3.0])
    >>> e.mean, round(e.half_width, 3)
    (2.0, 2.484)
    """
    n = len(values)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    mean = math.fsum(values) / n
    if n == 1:
        return Estimate(mean, -_INF, _INF, 1)
    var = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    half = _t95(n - 1) * math.sqrt(var / n)
    return Estimate(mean, mean - half, mean + half, n)


@attrs.frozen(eq=False)
class DayTrace:
    """Every visitor of one simulated day, as parallel numpy arrays in arrival order.

    Attributes:
        arrival: Arrival time, minutes after opening.
        line: Index of the business line in the profile.
        group: Index of the priority group in the profile; ``len(priority_groups)`` for
            normal tickets.
        service: Service time in minutes (drawn for everyone, used by those served).
        wait: For a served visitor, the wait in minutes from arrival to the call (>= 0).
            For a visitor who had given up when a window called the ticket (a no-show),
            ``-1 - wait``, so ``<= -1``. NaN for a ticket never called.
        end: Minutes after opening when the last event happened.
    """

    arrival: npt.NDArray[np.float64]
    line: npt.NDArray[np.int64]
    group: npt.NDArray[np.int64]
    service: npt.NDArray[np.float64]
    wait: npt.NDArray[np.float64]
    end: float = 0.0

    def __len__(self) -> int:
        return int(self.arrival.shape[0])

    @property
    def served(self) -> npt.NDArray[np.bool_]:
        """Which visitors were served."""
        return self.wait >= 0

    @property
    def no_show(self) -> npt.NDArray[np.bool_]:
        """Which visitors had left when their ticket was called."""
        return self.wait < 0

    @property
    def waited(self) -> npt.NDArray[np.float64]:
        """Minutes from arrival to the call for every called ticket; NaN if never called."""
        import numpy as np  # noqa: PLC0415

        return np.where(self.wait < 0, -1.0 - self.wait, self.wait)


def _draw(profile: DayProfile, rng: np.random.Generator) -> tuple[Any, ...]:
    import numpy as np  # noqa: PLC0415 - keep importing the package light

    n_lines = len(profile.lines)
    groups = profile.priority_groups
    times: list[Any] = []
    lines: list[Any] = []
    t0 = 0.0
    for period in profile.periods:
        for index, line in enumerate(profile.lines):
            rate = period.arrivals.get(line.id, 0.0)
            if rate > 0:
                count = int(rng.poisson(rate * period.minutes / 60.0))
                times.append(t0 + rng.uniform(0.0, period.minutes, count))
                lines.append(np.full(count, index, dtype=np.int64))
        t0 += period.minutes
    walk_ins = sum(len(t) for t in times)
    shares = np.cumsum([g.share for g in groups]) if groups else np.zeros(0)
    group_of = np.searchsorted(shares, rng.random(walk_ins), side="right").astype(np.int64)
    if profile.appointments:
        line_index = profile.line_ids()
        group_index = {g.id: i for i, g in enumerate(groups)}
        for appt in profile.appointments:
            shows = int((rng.random(appt.count) >= profile.appointment_no_show).sum())
            times.append(np.full(shows, profile.minute_of(appt.at)))
            lines.append(np.full(shows, line_index[appt.line], dtype=np.int64))
            gi = len(groups) if appt.group is None else group_index[appt.group]
            group_of = np.concatenate([group_of, np.full(shows, gi, dtype=np.int64)])
    arrival = np.concatenate(times) if times else np.zeros(0)
    line_of = np.concatenate(lines) if lines else np.zeros(0, dtype=np.int64)
    order = np.argsort(arrival)
    arrival = arrival[order]
    line_of = line_of[order]
    group_of = group_of[order]
    service = np.empty(arrival.shape[0])
    for index in range(n_lines):
        mask = line_of == index
        service[mask] = profile.lines[index].service.sample(rng, int(mask.sum()))
    if profile.patience is None:
        deadline = None
    else:
        deadline = arrival + profile.patience.sample(rng, arrival.shape[0])
    return arrival, line_of, group_of, service, deadline


def _fcfs(
    arrival: list[float], service: list[float], deadline: list[float] | None, windows: int
) -> list[float]:
    # Kiefer–Wolfowitz: in a FCFS queue the wait of each visitor is the earliest time a
    # window frees up after all earlier visitors, so a heap of the windows' free times
    # replaces the event list. A visitor who would wait past the deadline leaves and
    # leaves the heap alone.
    free = [0.0] * windows
    replace = heapq.heapreplace
    wait = [0.0] * len(arrival)
    if deadline is None:
        for i, a in enumerate(arrival):
            f = free[0]
            if f <= a:
                replace(free, a + service[i])
            else:
                wait[i] = f - a
                replace(free, f + service[i])
        return wait
    for i, a in enumerate(arrival):
        f = free[0]
        if f <= a:
            replace(free, a + service[i])
        elif f > deadline[i]:
            wait[i] = -1.0 - (f - a)  # reached at f, gone: a no-show
        else:
            wait[i] = f - a
            replace(free, f + service[i])
    return wait


def _rank_count(profile: DayProfile) -> int:
    # Distinct weights of the priority groups, plus the normal queue.
    return len({g.rank for g in profile.priority_groups}) + 1


def _events(  # noqa: PLR0912, PLR0915, PLR0917 - one hot loop; helpers would cost a call per event
    profile: DayProfile,
    arrival: list[float],
    line_of: list[int],
    queue_of: list[int],
    service: list[float],
    deadline: list[float] | None,
    n_windows: int,
) -> list[float]:
    n_lines = len(profile.lines)
    n_ranks = _rank_count(profile)
    normal_rank = n_ranks - 1
    # Which lines each window serves, in its order, and the queues it scans when it calls:
    # rank by rank (highest weight first), within a rank its lines in order.
    serves: list[list[bool]] = []
    scan: list[list[int]] = []
    normal_scan: list[list[int]] = []
    for w in range(n_windows):
        if profile.windows:
            ids = profile.line_ids()
            order = [ids[x] for x in profile.windows[w].lines] or list(range(n_lines))
        else:
            order = list(range(n_lines))
        serves.append([line in order for line in range(n_lines)])
        scan.append([rank * n_lines + line for rank in range(n_ranks) for line in order])
        normal_scan.append([normal_rank * n_lines + line for line in order])
    everyone_everywhere = all(all(s) for s in serves)
    queues: list[deque[int]] = [deque() for _ in range(n_ranks * n_lines)]
    priority_queue = [q < normal_rank * n_lines for q in range(n_ranks * n_lines)]
    anti = profile.anti_starvation_after if n_ranks > 1 else None
    dl = deadline if deadline is not None else [_INF] * len(arrival)

    n = len(arrival)
    wait = [math.nan] * n
    is_open = [False] * n_windows
    busy = [False] * n_windows
    streak = [0] * n_windows
    idle: list[int] = []
    departures: list[tuple[float, int]] = []
    listed = bool(profile.windows)
    retiring = [0]  # identical windows still to close as they come free
    push = heapq.heappush
    pop = heapq.heappop
    # Period boundaries go into the departure heap as window -1 - k (k: the new count), so
    # they sort before departures at the same instant and one heap drives the loop.
    t = 0.0
    for period, count in zip(profile.periods, profile.window_counts(), strict=True):
        departures.append((t, -1 - count))
        t += period.minutes
    heapq.heapify(departures)

    def call(w: int, now: float) -> int:
        # The ticket window w calls at `now`, or -1; visitors past their deadline leave.
        if anti is not None and streak[w] >= anti:
            for q in normal_scan[w]:
                dq = queues[q]
                while dq:
                    j = dq.popleft()
                    if dl[j] < now:
                        wait[j] = -1.0 - (now - arrival[j])
                        continue
                    streak[w] = 0
                    return j
        for q in scan[w]:
            dq = queues[q]
            while dq:
                j = dq.popleft()
                if dl[j] < now:
                    wait[j] = -1.0 - (now - arrival[j])
                    continue
                streak[w] = streak[w] + 1 if priority_queue[q] else 0
                return j
        return -1

    def open_window(w: int, now: float) -> None:
        is_open[w] = True
        if not busy[w]:
            j = call(w, now)
            if j < 0:
                idle.append(w)
            else:
                wait[j] = now - arrival[j]
                busy[w] = True
                push(departures, (now + service[j], w))

    def change(now: float, count: int) -> None:
        if listed:
            # Listed windows: the first `count` of the list are open.
            for w in range(n_windows):
                if w < count and not is_open[w]:
                    open_window(w, now)
                elif w >= count and is_open[w]:
                    is_open[w] = False
                    if not busy[w]:
                        idle.remove(w)
            return
        # Identical windows: close idle ones first, then the next ones to come free;
        # open by cancelling pending closures first.
        open_now = sum(is_open) - retiring[0]
        if count < open_now:
            surplus = open_now - count
            while surplus and idle:
                is_open[idle.pop()] = False
                surplus -= 1
            retiring[0] += surplus
        elif count > open_now:
            extra = count - open_now
            cancel = min(extra, retiring[0])
            retiring[0] -= cancel
            extra -= cancel
            for w in range(n_windows):
                if extra == 0:
                    break
                if not is_open[w]:
                    open_window(w, now)
                    extra -= 1

    # The hot loop: for each arrival, first every event up to it; a sentinel arrival at
    # infinity drains the rest. Departures are handled inline to save a call per visitor.
    for j, ta in enumerate([*arrival, _INF]):
        while departures and departures[0][0] <= ta:
            now, w = pop(departures)
            if w < 0:
                change(now, -1 - w)
                continue
            if not is_open[w]:
                busy[w] = False
                continue
            if retiring[0]:
                retiring[0] -= 1
                is_open[w] = False
                busy[w] = False
                continue
            k = call(w, now)
            if k < 0:
                busy[w] = False
                idle.append(w)
            else:
                wait[k] = now - arrival[k]
                push(departures, (now + service[k], w))
        if j == n:
            break
        if idle:
            if everyone_everywhere:
                w = idle.pop()
            else:
                line = line_of[j]
                for k, w in enumerate(idle):
                    if serves[w][line]:
                        del idle[k]
                        break
                else:
                    queues[queue_of[j]].append(j)
                    continue
            wait[j] = 0.0
            busy[w] = True
            streak[w] = streak[w] + 1 if priority_queue[queue_of[j]] else 0
            push(departures, (ta + service[j], w))
        else:
            queues[queue_of[j]].append(j)
    # Whoever is still queued when nothing is left to happen was never called (NaN).
    return wait


def _pooled(  # noqa: PLR0912, PLR0915, PLR0917 - one hot loop; helpers would cost a call per event
    profile: DayProfile,
    arrival: list[float],
    queue_of: list[int],
    service: list[float],
    deadline: list[float] | None,
    n_queues: int,
) -> list[float]:
    # Identical windows that serve every line, no anti-starvation: a window's identity does
    # not matter, so the heap holds bare departure times and only the number of busy windows
    # is tracked. Calls scan the queues in rank order (rank-major, lines in profile order).
    queues: list[deque[int]] = [deque() for _ in range(n_queues)]
    n = len(arrival)
    wait = [math.nan] * n
    dl = deadline if deadline is not None else [_INF] * n
    departures: list[float] = []
    push = heapq.heappush
    pop = heapq.heappop
    changes: list[tuple[float, int]] = []
    t = 0.0
    for period, count in zip(profile.periods, profile.window_counts(), strict=True):
        changes.append((t, count))
        t += period.minutes
    changes.append((_INF, 0))
    changes.reverse()
    next_change = changes[-1][0]
    open_windows = 0
    busy = 0
    for j, ta in enumerate([*arrival, _INF]):
        while True:
            td = departures[0] if departures else _INF
            if next_change <= td and next_change <= ta and next_change < _INF:
                now, open_windows = changes.pop()
                next_change = changes[-1][0]
                # Newly opened windows call at once.
                while busy < open_windows:
                    for dq in queues:
                        found = False
                        while dq:
                            k = dq.popleft()
                            if dl[k] < now:
                                wait[k] = -1.0 - (now - arrival[k])
                                continue
                            found = True
                            break
                        if found:
                            wait[k] = now - arrival[k]
                            push(departures, now + service[k])
                            busy += 1
                            break
                    else:
                        break
                continue
            if td > ta or td == _INF:
                break
            now = pop(departures)
            busy -= 1
            if busy >= open_windows:
                continue  # this window closes after its visitor
            for dq in queues:
                while dq:
                    k = dq.popleft()
                    if dl[k] < now:
                        wait[k] = -1.0 - (now - arrival[k])
                        continue
                    wait[k] = now - arrival[k]
                    push(departures, now + service[k])
                    busy += 1
                    break
                else:
                    continue
                break
        if j == n:
            break
        if busy < open_windows:
            wait[j] = 0.0
            busy += 1
            push(departures, ta + service[j])
        else:
            queues[queue_of[j]].append(j)
    return wait


def simulate_day(
    profile: DayProfile, rng: np.random.Generator, *, engine: str = "auto"
) -> DayTrace:
    """Simulate one day of ``profile``.

    Args:
        profile: The day; every period must say how many windows are open.
        rng: A numpy random generator (the only source of randomness).
        engine: ``"auto"`` picks the fastest exact method for the profile; ``"events"``
            forces the general event loop (the same waits, only slower; for cross-checks).

    Returns:
        Every visitor of the day.

    Raises:
        FieldValueError: If a period leaves its windows unset.
    """
    import numpy as np  # noqa: PLC0415 - keep importing the package light

    counts = profile.window_counts()
    n_windows = len(profile.windows) or max(counts)
    arrival, line_of, group_of, service, deadline = _draw(profile, rng)
    n_lines = len(profile.lines)
    # Groups of equal weight share a rank: their tickets form one queue per line, called
    # in order of arrival, as in the live queue.
    weights = sorted({g.rank for g in profile.priority_groups}, reverse=True)
    rank_of_group = np.array(
        [weights.index(g.rank) for g in profile.priority_groups] + [len(weights)],
        dtype=np.int64,
    )
    queue_of = rank_of_group[group_of] * n_lines + line_of
    single_queue = (
        n_lines == 1
        and not profile.priority_groups
        and len(set(counts)) == 1
        and counts[0] > 0
        and (not profile.windows or all(not w.lines or w.lines == (profile.lines[0].id,)
                                        for w in profile.windows[: counts[0]]))
    )  # fmt: skip
    a_list: list[float] = arrival.tolist()
    s_list: list[float] = service.tolist()
    d_list: list[float] | None = None if deadline is None else deadline.tolist()
    identical = not profile.windows and (
        profile.anti_starvation_after is None or not profile.priority_groups
    )
    if engine not in ("auto", "events"):
        raise FieldValueError("engine", f"must be 'auto' or 'events' (got {engine!r})")
    if n_windows == 0:
        wait = [math.nan] * len(a_list)
    elif engine == "auto" and single_queue:
        wait = _fcfs(a_list, s_list, d_list, counts[0])
    elif engine == "auto" and identical:
        n_queues = _rank_count(profile) * n_lines
        wait = _pooled(profile, a_list, queue_of.tolist(), s_list, d_list, n_queues)
    else:
        wait = _events(
            profile, a_list, line_of.tolist(), queue_of.tolist(), s_list, d_list, n_windows
        )
    waits = np.asarray(wait, dtype=np.float64)
    # The day ends at closing or when the last service (or no-show call) ends, if later.
    finish = np.where(waits >= 0, arrival + waits + service, arrival - 1.0 - waits)
    finite = finish[~np.isnan(finish)]
    end = max(profile.total_minutes, float(finite.max()) if finite.size else 0.0)
    return DayTrace(arrival, line_of, group_of, service, waits, end)


def _summary(
    wait: npt.NDArray[np.float64],
    service: npt.NDArray[np.float64],
    age: npt.NDArray[np.float64],
    target: float | None,
) -> KpiFigures:
    # `age`: minutes from arrival to the end of the visitor's day, for the rule that a
    # ticket still waiting past the target counts as a miss.
    import numpy as np  # noqa: PLC0415

    issued = int(wait.shape[0])
    if issued == 0:
        return KpiFigures()
    served_mask = wait >= 0
    no_show_mask = wait < 0
    called_mask = served_mask | no_show_mask
    waited = np.where(no_show_mask, -1.0 - wait, wait)[called_mask]
    served = int(served_mask.sum())
    no_shows = int(no_show_mask.sum())
    called = served + no_shows
    within: float | None = None
    if target is not None:
        late = int((age[~called_mask] > target).sum()) if called < issued else 0
        if called or late:
            within = float((waited <= target).sum()) / (called + late)
    ordered_w = np.sort(waited)
    ordered_s = np.sort(service[served_mask])
    return KpiFigures(
        issued=issued,
        called=called,
        served=served,
        no_shows=no_shows,
        waiting_now=issued - called,
        waiting=Distribution.of_sorted(ordered_w, float(ordered_w.mean()) if called else 0.0),
        service=Distribution.of_sorted(ordered_s, float(ordered_s.mean()) if served else 0.0),
        within_target=within,
        no_show_rate=no_shows / called if called else None,
    )


def _grouped(
    keys: npt.NDArray[np.int64],
    wait: npt.NDArray[np.float64],
    service: npt.NDArray[np.float64],
    age: npt.NDArray[np.float64],
    target: float | None,
) -> dict[int, KpiFigures]:
    import numpy as np  # noqa: PLC0415

    if keys.shape[0] == 0:
        return {}
    order = np.argsort(keys, kind="stable")
    bounds = np.flatnonzero(np.diff(keys[order])) + 1
    out: dict[int, KpiFigures] = {}
    for part in np.split(order, bounds):
        out[int(keys[part[0]])] = _summary(wait[part], service[part], age[part], target)
    return out


def kpi_report(profile: DayProfile, traces: Sequence[DayTrace]) -> QueueKpis:
    """The KPIs of one or more simulated days, pooled, in the live queue's KPI type.

    The hall, day, moment and per-window slices are left unset: a simulation does not
    know them. ``days`` is the number of traces.

    Args:
        profile: The profile the days were simulated from (for names and the target).
        traces: The days.
    """
    import numpy as np  # noqa: PLC0415

    target = profile.target_minutes
    arrival = np.concatenate([t.arrival for t in traces])
    wait = np.concatenate([t.wait for t in traces])
    service = np.concatenate([t.service for t in traces])
    age = np.concatenate([t.end - t.arrival for t in traces])
    line = np.concatenate([t.line for t in traces])
    group = np.concatenate([t.group for t in traces])
    start = profile.opens.hour * 60 + profile.opens.minute
    hour = ((start + arrival) // 60).astype(np.int64) % 24
    by_line = _grouped(line, wait, service, age, target)
    by_group = _grouped(group, wait, service, age, target)
    group_names = [g.id for g in profile.priority_groups] + [NORMAL_GROUP]
    return QueueKpis(
        days=max(1, len(traces)),
        target_minutes=target,
        target_share=profile.target_share,
        overall=_summary(wait, service, age, target),
        by_hour=dict(sorted(_grouped(hour, wait, service, age, target).items())),
        by_line={profile.lines[k].id: v for k, v in sorted(by_line.items())},
        by_group={group_names[k]: v for k, v in sorted(by_group.items())},
    )


@attrs.frozen
class SimulationResult:
    """The outcome of several simulated days of one profile.

    Attributes:
        kpis: The KPIs of all days pooled, in the live queue's type
            (:class:`~govservice_std.queues.kpis.QueueKpis`).
        replications: How many days were simulated.
        seed: The seed the run started from (``None`` if drawn from the system).
        mean_wait: Mean wait in minutes of the called tickets, over the days.
        within_target: Share within the target, over the days (``None`` without a target).
        no_show_rate: Share of called tickets whose visitor had given up, over the days.
        by_period: For each period of the profile, the KPIs of the visitors who arrived in
            it, pooled over the days.
        period_within_target: For each period, the share within target over the days.
        by_period_carried: For each period, how many of its visitors (pooled over the
            days) were still waiting when a closure began — a period with no window open,
            such as the lunch break — and so waited through it.
    """

    kpis: QueueKpis
    replications: int
    seed: int | None
    mean_wait: Estimate
    within_target: Estimate | None
    no_show_rate: Estimate
    by_period: tuple[KpiFigures, ...]
    period_within_target: tuple[Estimate, ...] | None
    by_period_carried: tuple[int, ...] = ()

    @property
    def visitors(self) -> int:
        """Visitors simulated over all days."""
        return self.kpis.overall.issued


def _period_keys(profile: DayProfile, arrival: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    import numpy as np  # noqa: PLC0415

    edges = np.asarray(profile.period_starts()[1:], dtype=np.float64)
    return np.searchsorted(edges, arrival, side="right").astype(np.int64)


def _carried(
    closures: Sequence[float], trace: DayTrace, keys: npt.NDArray[np.int64], periods: int
) -> npt.NDArray[np.int64]:
    # Visitors who arrived before a closure began and were called (or still waiting) after
    # it began: they waited through it.
    import numpy as np  # noqa: PLC0415

    if not closures:
        return np.zeros(periods, dtype=np.int64)
    called_at = trace.arrival + np.nan_to_num(trace.waited, nan=np.inf)
    mask = np.zeros(len(trace), dtype=np.bool_)
    for start in closures:
        mask |= (trace.arrival < start) & (called_at > start)
    return np.bincount(keys[mask], minlength=periods).astype(np.int64)


def simulate(
    profile: DayProfile,
    *,
    replications: int = 20,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Simulate ``replications`` independent days of ``profile``.

    Args:
        profile: The day; every period must say how many windows are open.
        replications: Number of independent days (at least 1; 2 or more for intervals).
        seed: Seed for a reproducible run; the days get independent streams spawned from it.
        progress: Called with the number of days done after each day.

    Returns:
        Pooled KPIs and 95 % confidence intervals over the days.

    Raises:
        FieldValueError: If ``replications`` < 1 or a period leaves its windows unset.
    """
    import numpy as np  # noqa: PLC0415

    if replications < 1:
        raise FieldValueError("replications", f"must be >= 1 (got {replications!r})")
    windows = profile.window_counts()
    starts = profile.period_starts()
    closures = [starts[k] for k, count in enumerate(windows) if count == 0 and k > 0]
    carried = np.zeros(len(profile.periods), dtype=np.int64)
    streams = np.random.SeedSequence(seed).spawn(replications)
    target = profile.target_minutes
    traces: list[DayTrace] = []
    waits: list[float] = []
    withins: list[float] = []
    no_shows: list[float] = []
    per_period: list[list[float]] = [[] for _ in profile.periods]
    for done, stream in enumerate(streams, start=1):
        trace = simulate_day(profile, np.random.default_rng(stream))
        traces.append(trace)
        age = trace.end - trace.arrival
        day = _summary(trace.wait, trace.service, age, target)
        if day.waiting.mean is not None:
            waits.append(day.waiting.mean)
        no_shows.append(day.no_show_rate or 0.0)
        keys = _period_keys(profile, trace.arrival)
        carried += _carried(closures, trace, keys, len(profile.periods))
        if target is not None:
            withins.append(day.within_target if day.within_target is not None else 1.0)
            for k, summary in _grouped(keys, trace.wait, trace.service, age, target).items():
                if summary.within_target is not None:
                    per_period[k].append(summary.within_target)
        if progress is not None:
            progress(done)
    report = kpi_report(profile, traces)
    pooled = _grouped(
        _period_keys(profile, np.concatenate([t.arrival for t in traces])),
        np.concatenate([t.wait for t in traces]),
        np.concatenate([t.service for t in traces]),
        np.concatenate([t.end - t.arrival for t in traces]),
        target,
    )
    return SimulationResult(
        kpis=report,
        replications=replications,
        seed=seed,
        mean_wait=estimate(waits),
        within_target=estimate(withins) if target is not None else None,
        no_show_rate=estimate(no_shows),
        by_period=tuple(pooled.get(k, KpiFigures()) for k in range(len(profile.periods))),
        period_within_target=(
            tuple(estimate(v) for v in per_period) if target is not None else None
        ),
        by_period_carried=tuple(int(n) for n in carried),
    )
