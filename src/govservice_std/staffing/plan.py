"""The staffing plan: the fewest windows per period that meet the waiting-time target.

:func:`plan_staffing` works in three steps:

1. **Erlang C start.** For each period, the fewest windows an M/M/c hall with that
   period's arrival rate and mean service time needs so that ``target_share`` of visitors
   wait at most ``target_minutes``. A period without arrivals (a lunch break) starts with
   none; if visitors from before it are still waiting, the period before gets more windows.
2. **Up.** Simulate the whole day with those counts (several replications, one seed for
   every try, so that tries differ only in the counts). Every period whose visitors, pooled
   over the replications, fall short of the target share gets one more window; repeat
   until every period meets it or sits at ``max_windows``.
3. **Down.** Period by period, try one window fewer and keep the cut if every period still
   meets the target (the simulation sees what Erlang C cannot: queues carried over from
   the previous hour, service times less variable than exponential, priority rules,
   visitors who give up). A period never gets fewer windows than its offered load
   (arrivals per minute × mean service minutes), below which its queue grows without end.

Planned for a locality (``policy=registry.resolve(code).queue_policy``, or
``govstd staffing plan CODE``), the waiting-time target, its share, the priority groups'
weights and the anti-starvation rule come from the locality's queue policy; a profile that
sets one of them overrides the policy explicitly (see
:func:`~govservice_std.staffing.profile.apply_queue_policy`).

The share within the target is defined as for the live queue (see
:mod:`~govservice_std.staffing.kpis`): a visitor who gave up counts by when a window
called the ticket, and a ticket never called counts as a miss once it waited past the
target.

>>> from govservice_std.staffing import DayProfile, TimeDistribution, LineProfile, Period
>>> day = DayProfile(
...     lines=[LineProfile(id="A", service=TimeDistribution.exponential(8.0))],
...     periods=[Period(arrivals={"A": 20.0}), Period(arrivals={"A": 45.0})],
...     target_minutes=15.0,
...     target_share=0.8,
... )
>>> plan = plan_staffing(day, replications=10, seed=1)
>>> [p.erlang_windows for p in plan.periods], [p.windows for p in plan.periods], plan.met
([4, 7], [3, 7], True)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from govservice_std.errors import FieldValueError
from govservice_std.i18n import gettext
from govservice_std.queues.kpis import KpiFigures
from govservice_std.staffing.erlang import erlang_c, windows_needed
from govservice_std.staffing.profile import DayProfile, apply_queue_policy
from govservice_std.staffing.simulation import Estimate, SimulationResult, simulate

if TYPE_CHECKING:
    from govservice_std.queues.policy import QueuePolicy

__all__ = ["PeriodPlan", "StaffingPlan", "plan_staffing"]


@attrs.frozen
class PeriodPlan:
    """The plan for one period.

    Attributes:
        start: When the period starts.
        minutes: Its length.
        arrivals_per_hour: Expected arrivals per hour (walk-ins and booked visits).
        mean_service_minutes: Mean service time of its visitors, weighted by line.
        erlang_windows: Windows Erlang C asks for (the starting point).
        windows: Windows the plan opens.
        erlang_service_level: Erlang C's share within the target with that many windows.
        kpis: Simulated KPIs of the visitors who arrive in the period, pooled over the
            replications.
        within_target: Share within the target over the replications, with its interval.
        meets_target: Whether the pooled share reaches the target share.
        carried: How many of the period's visitors, pooled over the replications, were
            still waiting when a closure (a period with no window open, such as the lunch
            break) began, and waited through it.
        replications: Simulated days the KPIs and ``carried`` are pooled over.
    """

    start: dt.time
    minutes: float
    arrivals_per_hour: float
    mean_service_minutes: float
    erlang_windows: int
    windows: int
    erlang_service_level: float | None
    kpis: KpiFigures
    within_target: Estimate | None
    meets_target: bool
    carried: int = 0
    replications: int = 1

    @property
    def max_wait(self) -> float | None:
        """The longest simulated wait of the period's visitors, in minutes."""
        return self.kpis.waiting.max

    @property
    def carried_per_day(self) -> float:
        """Visitors a day who wait through a closure (see ``carried``)."""
        return self.carried / max(1, self.replications)

    def explanation(self, lang: str | None = None) -> str:
        """Why the period's figures look as they do, when they need a word; else ``""``.

        A period whose visitors wait through a closure has a few very long waits: they
        lift its mean wait, even above its P90, while most visitors wait little.
        """
        if not self.carried:
            return ""
        start = f"{self.start:%H:%M}"
        per_day = f"{self.carried_per_day:.1f}"
        longest = f"{self.max_wait:.0f}" if self.max_wait is not None else "–"
        mean, p90 = self.kpis.waiting.mean, self.kpis.waiting.p90
        above = mean is not None and p90 is not None and mean > p90
        why = gettext(" — that is why its mean wait exceeds its P90", lang) if above else ""
        return gettext(
            "{start}: {per_day} visitors a day are still waiting when the hall closes and "
            "wait through the closure (longest wait {longest} min){why}",
            lang,
        ).format(start=start, per_day=per_day, longest=longest, why=why)


@attrs.frozen
class StaffingPlan:
    """A day's staffing plan with the expected KPIs.

    Attributes:
        profile: The profile with the planned windows filled in.
        target_minutes: The waiting-time target.
        target_share: The share of visitors that should meet it.
        periods: One entry per period.
        simulation: The simulation of the planned day.
        simulations: How many simulated days the search ran (replications included).
        met: Whether every period meets the target.
        policy_applied: Whether a locality's queue policy filled in the profile's
            target, group weights and anti-starvation rule.
    """

    profile: DayProfile
    target_minutes: float
    target_share: float
    periods: tuple[PeriodPlan, ...]
    simulation: SimulationResult
    simulations: int
    met: bool
    policy_applied: bool = False

    @property
    def window_hours(self) -> float:
        """Window-hours the plan staffs (windows × hours, summed over periods)."""
        return math.fsum(p.windows * p.minutes / 60 for p in self.periods)


def _period_loads(profile: DayProfile) -> list[tuple[float, float]]:
    # (arrivals per hour, mean service minutes) of each period, booked visits included.
    line_mean = {line.id: line.service.expected for line in profile.lines}
    starts = profile.period_starts()
    out: list[tuple[float, float]] = []
    for index, period in enumerate(profile.periods):
        weights = dict(period.arrivals)
        end = starts[index] + period.minutes
        for appt in profile.appointments:
            if starts[index] <= profile.minute_of(appt.at) < end:
                booked = appt.count * (1 - profile.appointment_no_show) * 60 / period.minutes
                weights[appt.line] = weights.get(appt.line, 0.0) + booked
        rate = math.fsum(weights.values())
        mean = (
            math.fsum(r * line_mean[line] for line, r in weights.items()) / rate
            if rate > 0
            else math.fsum(line_mean.values()) / len(line_mean)
        )
        out.append((rate, mean))
    return out


def _targets(
    profile: DayProfile, target_minutes: float | None, target_share: float | None
) -> tuple[float, float]:
    target = target_minutes if target_minutes is not None else profile.target_minutes
    share = target_share if target_share is not None else profile.target_share
    if target is None:
        raise FieldValueError("target_minutes", "no waiting-time target given or in the profile")
    if share is None:
        raise FieldValueError("target_share", "no target share given or in the profile")
    if not 0 < share < 1:
        raise FieldValueError("target_share", f"must be in (0, 1) (got {share!r})")
    if not (math.isfinite(target) and target > 0):
        raise FieldValueError("target_minutes", f"must be a finite number > 0 (got {target!r})")
    return target, share


def _erlang_start(
    loads: list[tuple[float, float]], target: float, share: float, cap: int
) -> list[int]:
    erlang: list[int] = []
    for rate, mean in loads:
        if rate <= 0:
            erlang.append(0)
            continue
        try:
            needed = windows_needed(
                rate / 60, 1 / mean, target_wait=target, target_share=share, max_windows=cap
            )
        except FieldValueError:
            needed = cap
        erlang.append(max(1, needed))
    return erlang


def plan_staffing(
    profile: DayProfile,
    *,
    target_minutes: float | None = None,
    target_share: float | None = None,
    policy: QueuePolicy | None = None,
    replications: int = 20,
    seed: int | None = 0,
    progress: Callable[[int], None] | None = None,
) -> StaffingPlan:
    """Find the fewest windows per period that meet the target (see the module docs).

    Args:
        profile: The day; window counts in its periods are ignored.
        target_minutes: The waiting-time target (default: the profile's, else the
            policy's).
        target_share: The share that should meet it (default: the profile's, else the
            policy's).
        policy: The locality's queue policy
            (``resolved.queue_policy``): it fills in what the
            profile leaves unset — target, share, group weights, anti-starvation rule.
        replications: Simulated days per try.
        seed: Seed shared by every try (common random numbers).
        progress: Called with the number of simulated days so far, after each try.

    Returns:
        The plan, with Erlang C's figures and the simulated KPIs per period.

    Raises:
        FieldValueError: If no target is given here, in the profile or in the policy, or
            the profile does not fit the policy.
    """
    if policy is not None:
        profile = apply_queue_policy(profile, policy)
    target, share = _targets(profile, target_minutes, target_share)
    profile = attrs.evolve(profile, target_minutes=target, target_share=share)
    cap = profile.max_windows
    if profile.windows:
        cap = min(cap, len(profile.windows))
    loads = _period_loads(profile)
    erlang = _erlang_start(loads, target, share, cap)

    runs = 0

    def run(counts: list[int]) -> SimulationResult:
        nonlocal runs
        result = simulate(profile.with_windows(counts), replications=replications, seed=seed)
        runs += replications
        if progress is not None:
            progress(runs)
        return result

    def short(result: SimulationResult) -> list[int]:
        return [
            k
            for k, summary in enumerate(result.by_period)
            if summary.within_target is not None and summary.within_target < share
        ]

    # Never fewer windows than the offered load: below it the queue grows all period long,
    # and only a short period starting empty could hide that from the simulation.
    floor = [min(cap, math.floor(rate * mean / 60) + 1) if rate > 0 else 0 for rate, mean in loads]
    counts = [max(e, f) for e, f in zip(erlang, floor, strict=True)]
    result = run(counts)
    while failing := [k for k in short(result) if counts[k] < cap]:
        for k in failing:
            counts[k] += 1
        result = run(counts)
    if not short(result):
        for k in range(len(counts)):
            while counts[k] > floor[k]:
                counts[k] -= 1
                trial = run(counts)
                if short(trial):
                    counts[k] += 1
                    break
                result = trial
    planned = profile.with_windows(counts)
    starts = profile.period_starts()
    missing = set(short(result))
    periods = []
    for k, period in enumerate(planned.periods):
        rate, mean = loads[k]
        level = erlang_c(rate / 60, 1 / mean, counts[k]).service_level(target) if rate > 0 else None
        periods.append(
            PeriodPlan(
                start=profile.clock(starts[k]),
                minutes=period.minutes,
                arrivals_per_hour=rate,
                mean_service_minutes=mean,
                erlang_windows=erlang[k],
                windows=counts[k],
                erlang_service_level=level,
                kpis=result.by_period[k],
                within_target=(
                    result.period_within_target[k] if result.period_within_target else None
                ),
                meets_target=k not in missing,
                carried=(result.by_period_carried[k] if k < len(result.by_period_carried) else 0),
                replications=result.replications,
            )
        )
    return StaffingPlan(
        profile=planned,
        target_minutes=target,
        target_share=share,
        periods=tuple(periods),
        simulation=result,
        simulations=runs,
        met=not missing,
        policy_applied=policy is not None,
    )
