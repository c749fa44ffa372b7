"""Random command sequences against the case engine, with invariants checked after each.

No case is lost (the store holds every case opened, and a reopened store replays each to
the same state), the clock never counts a holiday, weekend or suspended day, a due date is
never earlier than the promise allows, and a case has at most one review.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)

from govservice_std.cases.engine import CaseEngine
from govservice_std.cases.stores import SQLiteCaseStore
from govservice_std.errors import CaseError
from govservice_std.queues.events import CHINA_TZ

from .conftest import CALENDAR, Clock, make_engine, open_one


class CaseMachine(RuleBasedStateMachine):
    cases = Bundle("cases")

    @initialize()
    def start(self) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.path = Path(self.dir.name) / "cases.db"
        self.clock = Clock(dt.datetime(2026, 1, 5, 9, tzinfo=CHINA_TZ))
        self.engine: CaseEngine = make_engine(
            SQLiteCaseStore(self.path, create=True, synchronous="OFF"), self.clock
        )
        self.opened: list[str] = []
        self.reviewed: set[str] = set()

    def teardown(self) -> None:
        if hasattr(self, "engine"):
            self.engine.store.close()
            self.dir.cleanup()

    def _try(self, number: str, command: object) -> None:
        before = self.engine.store.events(number)
        try:
            assert callable(command)
            command()
        except CaseError:
            assert self.engine.store.events(number) == before  # refused: nothing changed

    @rule(
        target=cases,
        kind=st.sampled_from(["promised", "immediate", "joint"]),
        days=st.integers(0, 12),
    )
    def open(self, kind: str, days: int) -> str:
        number = open_one(self.engine, kind=kind, days=0 if kind == "immediate" else days)
        self.opened.append(number)
        return number

    @rule(days=st.integers(0, 4))
    def advance(self, days: int) -> None:
        self.clock.now += dt.timedelta(days=days, minutes=7)

    @rule(number=cases)
    def accept(self, number: str) -> None:
        self._try(number, lambda: self.engine.accept(number))

    @rule(number=cases)
    def correct(self, number: str) -> None:
        self._try(number, lambda: self.engine.correct(number, ["申请表"]))

    @rule(number=cases, kind=st.sampled_from(["hearing", "expert_review", "correction"]))
    def suspend(self, number: str, kind: str) -> None:
        self._try(number, lambda: self.engine.suspend(number, kind, "特别程序"))

    @rule(number=cases)
    def resume(self, number: str) -> None:
        self._try(number, lambda: self.engine.resume(number))

    @rule(number=cases, days=st.integers(0, 16))
    def extend(self, number: str, days: int) -> None:
        self._try(number, lambda: self.engine.extend(number, days, "负责人", "情况复杂"))

    @rule(number=cases, result=st.sampled_from(["granted", "denied"]))
    def finish(self, number: str, result: str) -> None:
        self._try(number, lambda: self.engine.finish(number, result))

    @rule(number=cases)
    def withdraw(self, number: str) -> None:
        self._try(number, lambda: self.engine.withdraw(number, "申请人撤回"))

    @rule(number=cases, level=st.sampled_from(["satisfied", "dissatisfied"]))
    def review(self, number: str, level: str) -> None:
        try:
            self.engine.review(
                number, review=f"R{len(self.reviewed)}-{number}", level=level,
                channel="on_site", real_name=True,
            )  # fmt: skip
            assert number not in self.reviewed
            self.reviewed.add(number)
        except CaseError:
            assert number in self.reviewed

    @invariant()
    def no_case_is_lost(self) -> None:
        if not hasattr(self, "engine"):
            return
        rows = self.engine.store.query("SELECT case_no FROM cases")
        assert sorted(r[0] for r in rows) == sorted(self.opened)
        with SQLiteCaseStore(self.path) as again:
            replay = make_engine(again, self.clock)
            for number in self.opened[-3:]:
                assert replay.get(number) == self.engine.get(number)

    @invariant()
    def one_review_per_case(self) -> None:
        if hasattr(self, "engine"):
            rows = self.engine.store.query("SELECT case_no FROM case_reviews")
            assert sorted(r[0] for r in rows) == sorted(self.reviewed)

    @invariant()
    def the_clock_counts_only_working_unsuspended_days(self) -> None:
        if not hasattr(self, "engine"):
            return
        today = self.clock.now.date()
        for number in self.opened[-4:]:
            case = self.engine.get(number)
            if case.accepted is None:
                continue
            reading = self.engine.reading(case)
            end = case.finished.date() if case.finished else today
            day, used = case.accepted, 0
            while day < end:
                day += dt.timedelta(days=1)
                stopped = any(
                    s.start <= day and (s.end is None or day < s.end) for s in case.suspensions
                )
                used += CALENDAR.is_working_day(day) and not stopped
            assert reading.used == used
            if reading.due is not None:
                assert reading.due >= CALENDAR.add_working_days(
                    case.accepted, case.opened.promised_days
                )
            assert reading.limit == case.opened.promised_days + case.extension_days


CaseMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestCaseLifecycle = CaseMachine.TestCase
