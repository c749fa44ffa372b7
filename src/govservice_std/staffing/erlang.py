"""Erlang C: waiting in a hall with identical windows, and Cobham's formula for priorities.

The model behind every function here is M/M/c: visitors arrive at random (Poisson) at rate
λ, service times are exponential with rate μ (mean 1/μ), ``c`` windows serve one queue in
order of arrival, nobody gives up. With offered load A = λ/μ and utilization ρ = A/c:

* the probability of waiting is Erlang's C formula, computed through the Erlang B recursion
  ``B₀ = 1, B_k = A·B_{k−1} / (k + A·B_{k−1})`` and ``C = c·B_c / (c − A(1 − B_c))``, which
  never forms ``A^c`` or ``c!`` and so stays exact to rounding for thousands of windows;
* the mean wait is ``Wq = C / (cμ − λ)``;
* the probability of waiting longer than ``t`` is ``C·e^{−(cμ−λ)t}``, and the service level
  (share called within ``t``) is one minus that.

Rates and times share one unit of your choice (per minute and minutes, say). A load at or
above capacity (ρ ≥ 1) has no steady state: the queue grows without bound. The functions
then answer with a result whose ``stable`` flag is false, a waiting probability of 1, an
infinite mean wait and a service level of 0, instead of dividing by zero.

>>> r = erlang_c(arrival_rate=2.0, service_rate=1.0, windows=3)
>>> round(r.wait_probability, 4), round(r.mean_wait, 4)
(0.4444, 0.4444)
>>> round(r.service_level(0.5), 4)
0.7304
>>> windows_needed(arrival_rate=2.0, service_rate=1.0, target_wait=0.5, target_share=0.8)
4
>>> erlang_c(arrival_rate=3.0, service_rate=1.0, windows=3).stable
False
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs

from govservice_std.errors import FieldValueError

__all__ = [
    "ErlangC",
    "erlang_b",
    "erlang_c",
    "priority_waits",
    "windows_needed",
]


def _check_rates(arrival_rate: float, service_rate: float) -> None:
    if not (math.isfinite(arrival_rate) and arrival_rate >= 0):
        raise FieldValueError(
            "arrival_rate", f"must be a finite number >= 0 (got {arrival_rate!r})"
        )
    if not (math.isfinite(service_rate) and service_rate > 0):
        raise FieldValueError("service_rate", f"must be a finite number > 0 (got {service_rate!r})")


def _check_windows(windows: int) -> None:
    if isinstance(windows, bool) or not isinstance(windows, int) or windows < 1:
        raise FieldValueError("windows", f"must be an integer >= 1 (got {windows!r})")


def erlang_b(windows: int, load: float) -> float:
    """Erlang's B formula: the share of visitors turned away when ``windows`` are all busy.

    Computed by the stable recursion, so it works for any number of windows.

    Args:
        windows: Number of windows ``c`` (at least 1).
        load: Offered load A = λ/μ in erlangs (at least 0).

    Returns:
        B(c, A), between 0 and 1.

    Raises:
        FieldValueError: If ``windows`` < 1 or ``load`` is negative or not finite.

    >>> round(erlang_b(3, 2.0), 4)
    0.2105
    """
    _check_windows(windows)
    if not (math.isfinite(load) and load >= 0):
        raise FieldValueError("load", f"must be a finite number >= 0 (got {load!r})")
    b = 1.0
    for k in range(1, windows + 1):
        ab = load * b
        b = ab / (k + ab)
    return b


def _c_from_b(windows: int, load: float, b: float) -> float:
    return windows * b / (windows - load * (1.0 - b))


@attrs.frozen
class ErlangC:
    """The steady state of an M/M/c hall (see the module docs for the model).

    Build it with :func:`erlang_c`. Times are in the unit of the rates' reciprocal.

    Attributes:
        arrival_rate: λ, arrivals per time unit.
        service_rate: μ, services per time unit at one window (1 / mean service time).
        windows: c, the number of open windows.
        load: Offered load A = λ/μ in erlangs (the average number of busy windows).
        utilization: ρ = A/c, the share of time a window is busy.
        stable: Whether ρ < 1; if not, the queue grows without bound and the figures below
            are the limits (1, infinity, 0).
        wait_probability: Erlang C, the probability that a visitor has to wait at all.
        mean_wait: Wq, the mean time in the queue over all visitors (those who do not wait
            count as 0).
    """

    arrival_rate: float
    service_rate: float
    windows: int
    load: float
    utilization: float
    stable: bool
    wait_probability: float
    mean_wait: float

    @property
    def _decay(self) -> float:
        return self.windows * self.service_rate - self.arrival_rate

    def wait_exceeds(self, t: float) -> float:
        """The probability that a visitor waits longer than ``t``: ``C·e^{−(cμ−λ)t}``.

        >>> round(erlang_c(2.0, 1.0, 3).wait_exceeds(1.0), 4)
        0.1635
        """
        if not self.stable:
            return 1.0
        if t < 0:
            return 1.0
        return self.wait_probability * math.exp(-self._decay * t)

    def service_level(self, t: float) -> float:
        """The share of visitors called within ``t``: ``1 − P(Wq > t)``."""
        return 1.0 - self.wait_exceeds(t)

    @property
    def mean_wait_of_waiters(self) -> float:
        """The mean wait of those who wait at all: ``1 / (cμ − λ)`` (infinite if unstable)."""
        return 1.0 / self._decay if self.stable else math.inf

    @property
    def mean_queue_length(self) -> float:
        """Lq = λ·Wq, the mean number of visitors waiting (Little's law)."""
        return self.arrival_rate * self.mean_wait if self.stable else math.inf


def erlang_c(arrival_rate: float, service_rate: float, windows: int) -> ErlangC:
    """Solve an M/M/c hall: the probability of waiting and the mean wait.

    Args:
        arrival_rate: λ, arrivals per time unit (>= 0).
        service_rate: μ, services per time unit at one window (> 0).
        windows: c, the number of open windows (>= 1).

    Returns:
        The steady state; if λ ≥ cμ, a result with ``stable=False``.

    Raises:
        FieldValueError: If an argument is out of range.
    """
    _check_rates(arrival_rate, service_rate)
    _check_windows(windows)
    load = arrival_rate / service_rate
    utilization = load / windows
    if utilization >= 1.0:
        return ErlangC(arrival_rate, service_rate, windows, load, utilization, False, 1.0, math.inf)
    c = _c_from_b(windows, load, erlang_b(windows, load))
    mean_wait = c / (windows * service_rate - arrival_rate)
    return ErlangC(arrival_rate, service_rate, windows, load, utilization, True, c, mean_wait)


def windows_needed(
    arrival_rate: float,
    service_rate: float,
    *,
    target_wait: float,
    target_share: float,
    max_windows: int = 100_000,
) -> int:
    """The fewest windows such that a share ``target_share`` is called within ``target_wait``.

    Walks the Erlang B recursion upward once, so the cost is linear in the answer.

    Args:
        arrival_rate: λ, arrivals per time unit.
        service_rate: μ, services per time unit at one window.
        target_wait: The waiting-time target ``t`` (>= 0), in the rates' time unit.
        target_share: The share that should wait at most ``t``, in (0, 1).
        max_windows: Give up above this many windows.

    Returns:
        The smallest ``c`` with ``1 − C·e^{−(cμ−λ)t} ≥ target_share`` (at least 1).

    Raises:
        FieldValueError: If an argument is out of range, or no ``c`` up to ``max_windows``
            meets the target.

    >>> windows_needed(100.0, 1 / 3, target_wait=1 / 3, target_share=0.8)  # 100/min, 3 min each
    309
    """
    _check_rates(arrival_rate, service_rate)
    if not (math.isfinite(target_wait) and target_wait >= 0):
        raise FieldValueError("target_wait", f"must be a finite number >= 0 (got {target_wait!r})")
    if not 0 < target_share < 1:
        raise FieldValueError("target_share", f"must be in (0, 1) (got {target_share!r})")
    if arrival_rate == 0:
        return 1
    load = arrival_rate / service_rate
    b = 1.0
    for c in range(1, max_windows + 1):
        ab = load * b
        b = ab / (c + ab)
        if c <= load:
            continue
        wait = _c_from_b(c, load, b)
        if 1.0 - wait * math.exp(-(c * service_rate - arrival_rate) * target_wait) >= target_share:
            return c
    raise FieldValueError(
        "max_windows", f"no number of windows up to {max_windows} meets the target"
    )


def priority_waits(
    arrival_rates: Sequence[float], service_rate: float, windows: int
) -> tuple[float, ...]:
    """Mean waits of non-preemptive priority groups with equal service rates (Cobham).

    Groups are listed highest priority first. A window that comes free calls the highest
    waiting group, but never interrupts a service. With σ_k = Σ_{i≤k} λ_i / (cμ)::

        Wq,k = C / (cμ · (1 − σ_{k−1}) · (1 − σ_k))

    where ``C`` is Erlang C for the total arrival rate. A group whose σ_k reaches 1 waits
    forever (``inf``), and so does every group below it; the groups above still get a finite
    wait (with ``C = 1``: an overloaded hall has every window busy all the time).

    Args:
        arrival_rates: λ of each group, highest priority first.
        service_rate: μ, shared by all groups.
        windows: c, the number of open windows.

    Returns:
        The mean wait of each group, in the order given.

    Raises:
        FieldValueError: If an argument is out of range.

    >>> [round(w, 4) for w in priority_waits([0.5, 1.5], 1.0, 3)]
    [0.1778, 0.5333]
    """
    if not arrival_rates:
        raise FieldValueError("arrival_rates", "must name at least one group")
    for index, rate in enumerate(arrival_rates):
        if not (math.isfinite(rate) and rate >= 0):
            raise FieldValueError(
                f"arrival_rates[{index}]", f"must be a finite number >= 0 (got {rate!r})"
            )
    total = math.fsum(arrival_rates)
    capacity = windows * service_rate
    overall = erlang_c(total, service_rate, windows)
    waits: list[float] = []
    sigma_before = 0.0
    cumulative = 0.0
    for rate in arrival_rates:
        cumulative += rate
        sigma = cumulative / capacity
        if sigma >= 1.0:
            waits.append(math.inf)
        else:
            waits.append(overall.wait_probability / (capacity * (1 - sigma_before) * (1 - sigma)))
        sigma_before = sigma
    return tuple(waits)
