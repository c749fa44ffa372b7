"""The case lifecycle through the engine, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from govservice_std.cases.engine import CaseEngine
from govservice_std.cases.kpis import case_kpis
from govservice_std.cases.model import CaseStatus
from govservice_std.cases.reviews import summarize_case_reviews
from govservice_std.errors import (
    DuplicateReviewError,
    IllegalCaseCommandError,
    InvalidDataError,
    UnknownCaseError,
)
from govservice_std.evaluation.reviews import ReviewPolicy

from .conftest import CALENDAR, HALL, Clock, open_one


def test_application_to_delivery_with_correction_and_suspension(
    engine: CaseEngine, clock: Clock
) -> None:
    clock.set("2026-02-02")
    number = open_one(engine)
    assert number == f"{HALL}-20260202-0001"
    engine.correct(number, ["申请表"], "签名缺失")
    clock.set("2026-02-04")
    case = engine.accept(number)
    assert case.accepted == dt.date(2026, 2, 4)
    assert not case.deemed
    assert engine.reading(number).due == dt.date(2026, 2, 25)  # 2/14 works, 春节 off
    clock.set("2026-02-05")
    engine.step(number, "审查")
    engine.suspend(number, "inspection", "现场核查")
    assert engine.reading(number).due is None
    clock.set("2026-02-09")
    engine.resume(number)
    assert engine.reading(number).due == dt.date(2026, 2, 27)
    clock.set("2026-02-26")
    engine.step(number, "决定")
    engine.finish(number, "granted")
    case = engine.deliver(number)
    assert case.status is CaseStatus.DELIVERED
    assert case.steps == ("审查", "决定")
    reading = engine.reading(number)
    assert (reading.used, reading.overdue) == (9, False)
    [kpis] = case_kpis(engine.store, by=["item", "month"])  # in SQL, on either database
    assert kpis.key == ("441324-MZ-005", "2026-02")
    assert (kpis.finished, kpis.on_time, kpis.corrected, kpis.days_used) == (1, 1, 1, 9)


def test_illegal_moves_raise_and_change_nothing(engine: CaseEngine, clock: Clock) -> None:
    number = open_one(engine)
    before = engine.store.events(number)
    moves: tuple[Callable[[], object], ...] = (
        lambda: engine.finish(number, "granted"),
        lambda: engine.resume(number),
        lambda: engine.deliver(number),
        lambda: engine.step(number, "审查"),
        lambda: engine.correct(number, ["不存在的材料"]),
    )
    for move in moves:
        with pytest.raises(IllegalCaseCommandError):
            move()
        assert engine.store.events(number) == before
    engine.correct(number, ["申请表"])
    with pytest.raises(IllegalCaseCommandError, match="one notice"):
        engine.correct(number, ["申请人居民身份证"])
    engine.accept(number)
    with pytest.raises(IllegalCaseCommandError, match="报批"):
        engine.step(number, "报批")  # a 承诺件 has no 报批 step
    with pytest.raises(IllegalCaseCommandError, match="1–10"):
        engine.extend(number, 11, "局长", "复杂")
    engine.extend(number, 10, "局长", "复杂")
    with pytest.raises(IllegalCaseCommandError):
        engine.extend(number, 1, "局长", "again")
    assert engine.get(number).limit == 20
    with pytest.raises(UnknownCaseError):
        engine.accept("no-such-case")
    clock.set("2026-03-03")
    engine.finish(number, "denied")
    with pytest.raises(IllegalCaseCommandError):
        engine.withdraw(number)


def test_no_answer_in_five_working_days_counts_as_accepted_from_receipt(
    engine: CaseEngine, clock: Clock
) -> None:
    clock.set("2026-03-02")  # Monday
    number = open_one(engine)
    clock.set("2026-03-10")  # the sixth working day after receipt
    with pytest.raises(IllegalCaseCommandError, match="§32"):
        engine.correct(number, ["申请表"])
    case = engine.accept(number)
    assert case.deemed
    assert case.accepted == dt.date(2026, 3, 2)
    other = open_one(engine)
    clock.set("2026-03-17")  # five working days after 3/10: still in time
    assert not engine.accept(other).deemed


def test_immediate_case_cannot_be_extended(engine: CaseEngine) -> None:
    number = open_one(engine, kind="immediate", days=0)
    engine.accept(number)
    with pytest.raises(IllegalCaseCommandError, match="即办"):
        engine.extend(number, 1, "x", "y")
    engine.finish(number, "granted")
    assert not engine.reading(number).overdue


def test_one_review_per_case_and_unknown_cases_refused(engine: CaseEngine, clock: Clock) -> None:
    number = open_one(engine, ticket="A001")
    with pytest.raises(UnknownCaseError):
        engine.review(
            "no-such-case", review="R0", level="satisfied", channel="on_site", real_name=True
        )
    with pytest.raises(UnknownCaseError):
        engine.review(
            review="R0",
            level="satisfied",
            channel="on_site",
            real_name=True,
            ticket="Z9",
            hall=HALL,
        )
    with pytest.raises(InvalidDataError):
        engine.review(number, review="R0", level="great", channel="on_site", real_name=True)
    case = engine.review(
        review="R1",
        level="very_satisfied",
        channel="on_site",
        real_name=True,
        ticket="A001",
        hall=HALL,
    )
    assert case.number == number
    assert case.review is not None
    with pytest.raises(DuplicateReviewError):
        engine.review(number, review="R2", level="satisfied", channel="online", real_name=False)
    assert len(engine.store.query("SELECT * FROM case_reviews")) == 1


def test_the_database_refuses_a_second_review_of_a_case(engine: CaseEngine) -> None:
    from govservice_std.cases.engine import review_row

    number = open_one(engine)
    case = engine.review(number, review="R1", level="satisfied", channel="on_site", real_name=True)
    with pytest.raises(DuplicateReviewError), engine.store.transaction() as tx:
        tx.put_review(review_row(case), new=True)  # a writer that skipped the engine's check
    assert len(engine.store.query("SELECT * FROM case_reviews")) == 1


def _reviewed(engine: CaseEngine, clock: Clock, level: str, *, real_name: bool = True) -> str:
    number = open_one(engine)
    engine.review(number, review=f"R-{number}", level=level, channel="on_site", real_name=real_name)
    return number


def test_review_figures_follow_the_rules_of_51(engine: CaseEngine, clock: Clock) -> None:
    clock.set("2026-03-02")
    good = [_reviewed(engine, clock, "very_satisfied") for _ in range(3)]
    bad_named = _reviewed(engine, clock, "dissatisfied")
    bad_anonymous = _reviewed(engine, clock, "very_dissatisfied", real_name=False)
    malicious = _reviewed(engine, clock, "very_dissatisfied")
    assert good
    with pytest.raises(IllegalCaseCommandError, match="anonymous"):
        engine.contact(bad_anonymous)
    with pytest.raises(IllegalCaseCommandError):
        engine.contact(good[0])  # a good review is not followed up
    clock.set("2026-03-03")
    engine.contact(bad_named)
    engine.contact(malicious)
    engine.overturn(malicious, "malicious", "复核认定恶意差评")
    with pytest.raises(IllegalCaseCommandError):
        engine.close_review(malicious, "immediate")
    # 限期整改: 15 working days. From the 差评 (3/2) the due date is 3/23; from the 回访 (3/3)
    # it is 3/24. Closed on 3/24: late by the default rule, on time by the other.
    clock.set("2026-03-24")
    engine.close_review(bad_named, "scheduled", "已整改")
    policy = ReviewPolicy()
    today = dt.date(2026, 3, 31)
    s = summarize_case_reviews(engine.store, policy, today=today, calendar=CALENDAR)
    assert (s.total, s.counted, s.satisfied, s.bad) == (6, 5, 3, 2)
    assert (s.overturned_malicious, s.overturned_mistaken) == (1, 0)
    assert s.satisfaction_rate == pytest.approx(0.6)
    assert (s.real_name_bad, s.contacted) == (1, 1)  # the anonymous 差评 is not counted
    assert s.follow_up_rate == 1.0
    assert (s.closed, s.closed_on_time) == (1, 0)
    assert s.open_overdue == 1  # the anonymous 差评, never closed
    by_contact = summarize_case_reviews(
        engine.store, policy, today=today, calendar=CALENDAR, rectify_from_contact=True
    )
    assert by_contact.closed_on_time == 1
