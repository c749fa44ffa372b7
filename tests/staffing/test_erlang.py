"""Erlang B/C and Cobham against exact arithmetic, textbook values and their own laws."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govservice_std.errors import FieldValueError
from govservice_std.staffing import erlang_b, erlang_c, priority_waits, windows_needed


def exact_erlang_c(c: int, a: Fraction) -> Fraction:
    """Erlang C by the direct sum over the M/M/c stationary distribution, in exact rationals."""
    term = Fraction(1)
    total = Fraction(0)
    for k in range(c):
        total += term
        term = term * a / (k + 1)
    tail = term * Fraction(c) / (c - a)  # a^c / c! * c / (c - a)
    return tail / (total + tail)


def exact_erlang_c_integer(c: int, a: int) -> Fraction:
    """The same for integer loads, scaled by c! so that only big integers appear."""
    # c!/k! * a^k for k < c, summed; then a^c * c / (c - a) for the tail.
    scaled = 0
    factor = 1  # c!/k!, built downward from k = c
    power = a**c
    for k in range(c - 1, -1, -1):
        factor *= k + 1
        power //= a
        scaled += factor * power
    tail = Fraction(a**c * c, c - a)
    return tail / (scaled + tail)


@pytest.mark.parametrize(
    ("c", "a"),
    [(1, Fraction(1, 2)), (2, Fraction(3, 2)), (3, Fraction(2)), (10, Fraction(9)),
     (25, Fraction(97, 5)), (50, Fraction(49))],
)  # fmt: skip
def test_erlang_c_matches_exact_direct_sum(c: int, a: Fraction) -> None:
    result = erlang_c(float(a), 1.0, c)
    assert result.stable
    assert result.wait_probability == pytest.approx(float(exact_erlang_c(c, a)), rel=1e-12)


@pytest.mark.parametrize(("c", "a"), [(1000, 950), (1000, 999), (2000, 1500)])
def test_erlang_c_is_stable_for_large_halls(c: int, a: int) -> None:
    # Direct evaluation of a^c / c! overflows floats long before c = 1000.
    expected = float(exact_erlang_c_integer(c, a))
    result = erlang_c(float(a), 1.0, c)
    assert result.wait_probability == pytest.approx(expected, rel=1e-9)
    assert math.isfinite(result.mean_wait)


def test_textbook_values() -> None:
    # A = 2 erlangs on 3 servers: C = 4/9 exactly; M/M/1: C = rho, Wq = rho / (mu - lambda).
    assert erlang_c(2.0, 1.0, 3).wait_probability == pytest.approx(4 / 9)
    mm1 = erlang_c(0.75, 1.0, 1)
    assert mm1.wait_probability == pytest.approx(0.75)
    assert mm1.mean_wait == pytest.approx(0.75 / 0.25)
    # 120 arrivals an hour, 3 minutes each, 10 servers: "about 0.10" read off the C curve.
    assert erlang_c(2.0, 1 / 3, 10).wait_probability == pytest.approx(0.10, abs=0.005)
    # A widely reproduced worked example: 100 calls per 30 minutes of 180 s (A = 10).
    for agents, published in [(11, 0.6821), (12, 0.4494), (13, 0.2853), (14, 0.1741)]:
        r = erlang_c(100 / 1800, 1 / 180, agents)
        assert r.wait_probability == pytest.approx(published, abs=5e-5)
    assert erlang_b(3, 2.0) == pytest.approx(4 / 19)


def test_wait_exceeds_and_service_level() -> None:
    r = erlang_c(2.0, 1.0, 3)
    assert r.wait_exceeds(0) == pytest.approx(r.wait_probability)
    assert r.wait_exceeds(1.0) == pytest.approx(4 / 9 * math.exp(-1.0))
    assert r.service_level(1.0) == pytest.approx(1 - 4 / 9 * math.exp(-1.0))
    assert r.mean_wait_of_waiters == pytest.approx(1.0)
    assert r.mean_queue_length == pytest.approx(2.0 * 4 / 9)


@pytest.mark.parametrize(("lam", "c"), [(3.0, 3), (4.0, 3), (1e9, 1)])
def test_unstable_load_is_flagged_not_divided(lam: float, c: int) -> None:
    r = erlang_c(lam, 1.0, c)
    assert not r.stable
    assert r.wait_probability == 1.0
    assert r.mean_wait == math.inf
    assert r.service_level(10.0) == 0.0
    assert r.mean_wait_of_waiters == math.inf
    assert r.mean_queue_length == math.inf


def test_no_arrivals() -> None:
    r = erlang_c(0.0, 1.0, 2)
    assert r.wait_probability == 0.0
    assert r.mean_wait == 0.0
    assert windows_needed(0.0, 1.0, target_wait=1.0, target_share=0.9) == 1


def test_windows_needed_is_the_fewest() -> None:
    for lam, mu, t, share in [(2.0, 1.0, 0.5, 0.8), (100 / 1800, 1 / 180, 20, 0.8),
                              (950.0, 1.0, 0.01, 0.95), (0.5, 1 / 15, 20.0, 0.9)]:  # fmt: skip
        c = windows_needed(lam, mu, target_wait=t, target_share=share)
        assert erlang_c(lam, mu, c).service_level(t) >= share
        if c > 1:
            assert erlang_c(lam, mu, c - 1).service_level(t) < share
    # The worked example: 80 % within 20 s needs 14 agents when 13 reach only 79.6 %.
    assert windows_needed(100 / 1800, 1 / 180, target_wait=20, target_share=0.8) == 14


def test_windows_needed_gives_up() -> None:
    with pytest.raises(FieldValueError, match="max_windows"):
        windows_needed(50.0, 1.0, target_wait=0.0, target_share=0.99, max_windows=10)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: erlang_c(-1.0, 1.0, 2), "arrival_rate"),
        (lambda: erlang_c(1.0, 0.0, 2), "service_rate"),
        (lambda: erlang_c(1.0, 1.0, 0), "windows"),
        (lambda: erlang_c(math.nan, 1.0, 2), "arrival_rate"),
        (lambda: erlang_b(2, -1.0), "load"),
        (lambda: windows_needed(1.0, 1.0, target_wait=-1, target_share=0.5), "target_wait"),
        (lambda: windows_needed(1.0, 1.0, target_wait=1, target_share=1.0), "target_share"),
        (lambda: priority_waits([], 1.0, 2), "arrival_rates"),
        (lambda: priority_waits([1.0, -2.0], 1.0, 2), "arrival_rates[1]"),
    ],
)
def test_bad_arguments_name_the_field(call: object, field: str) -> None:
    with pytest.raises(FieldValueError) as info:
        call()  # type: ignore[operator]
    assert info.value.field == field


def test_cobham_two_groups() -> None:
    high, low = priority_waits([0.5, 1.5], 1.0, 3)
    assert high == pytest.approx(4 / 9 / (3 * 5 / 6))
    assert low == pytest.approx(4 / 9 / (3 * 5 / 6 * 1 / 3))


def test_cobham_overloaded_hall_still_serves_the_top_group() -> None:
    waits = priority_waits([1.0, 1.5, 2.0], 1.0, 3)
    assert math.isfinite(waits[0])
    assert waits[0] == pytest.approx(1 / (3 * 1 * (1 - 1 / 3)))
    assert waits[1] == pytest.approx(1 / (3 * (1 - 1 / 3) * (1 - 2.5 / 3)))
    assert waits[2] == math.inf


rates = st.floats(min_value=0.01, max_value=50.0)
windows = st.integers(min_value=1, max_value=60)


@given(st.lists(rates, min_size=1, max_size=4), windows)
def test_cobham_conserves_work(group_rates: list[float], c: int) -> None:
    # Kleinrock's conservation law: the arrival-weighted mean wait equals the FCFS one.
    total = math.fsum(group_rates)
    fcfs = erlang_c(total, 1.0, c)
    waits = priority_waits(group_rates, 1.0, c)
    if not fcfs.stable:
        assert waits[-1] == math.inf
        return
    weighted = math.fsum(r * w for r, w in zip(group_rates, waits, strict=True)) / total
    assert weighted == pytest.approx(fcfs.mean_wait, rel=1e-9)
    assert list(waits) == sorted(waits)


@given(rates, windows)
def test_more_windows_never_wait_longer(lam: float, c: int) -> None:
    r1, r2 = erlang_c(lam, 1.0, c), erlang_c(lam, 1.0, c + 1)
    assert 0.0 <= r2.wait_probability <= r1.wait_probability <= 1.0
    assert r2.mean_wait <= r1.mean_wait
    assert erlang_b(c, lam) <= r1.wait_probability
