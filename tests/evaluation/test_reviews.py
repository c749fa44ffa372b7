from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govservice_std import FieldValueError, load_registry
from govservice_std.evaluation.deadlines import WeekendCalendar
from govservice_std.evaluation.reviews import (
    FollowUp,
    Review,
    ReviewLevel,
    ReviewPolicy,
    StepStatus,
    summarize_reviews,
    track_bad_reviews,
)

MONDAY = dt.date(2026, 11, 2)


def test_bottom_two_levels_are_bad() -> None:
    assert [level.is_bad for level in ReviewLevel] == [False, False, False, True, True]
    assert ReviewLevel.VERY_SATISFIED.label_zh == "非常满意"


def test_policy_comes_from_the_locality() -> None:
    registry = load_registry()
    national = ReviewPolicy.from_standard(registry.resolve("000000").standard)
    longmen = ReviewPolicy.from_standard(registry.resolve("441324").standard)
    assert national.rectify_days == 15
    assert longmen.rectify_days == 5  # 龙门县's illustrative setting
    assert national == ReviewPolicy()


def test_basic_satisfied_is_configurable() -> None:
    reviews = [
        Review(id="a", level="basically_satisfied", channel="on_site", date=MONDAY),
        Review(id="b", level="satisfied", channel="on_site", date=MONDAY),
    ]
    counted = summarize_reviews(reviews, ReviewPolicy(), today=MONDAY)
    strict = summarize_reviews(reviews, ReviewPolicy(basic_counts_as_satisfied=False), today=MONDAY)
    assert counted.satisfaction_rate == 1.0
    assert strict.satisfaction_rate == 0.5
    assert counted.good_rate == 0.5


def test_bad_review_workflow_deadlines() -> None:
    policy = ReviewPolicy(contact_days=1, immediate_days=2, rectify_days=5)
    reviews = [
        Review(id="late-contact", level="dissatisfied", channel="on_site", date=MONDAY),
        Review(
            id="on-time",
            level="very_dissatisfied",
            channel="online",
            date=MONDAY,
            follow_up=FollowUp(
                contacted=MONDAY + dt.timedelta(days=1),
                disposition="immediate",
                closed=MONDAY + dt.timedelta(days=3),
            ),
        ),
        Review(
            id="scheduled",
            level="dissatisfied",
            channel="on_site",
            date=MONDAY,
            window="A01",
            staff="S02",
            follow_up=FollowUp(contacted=MONDAY, disposition="scheduled"),
        ),
    ]
    states = {s.review: s for s in track_bad_reviews(reviews, policy, today=dt.date(2026, 11, 10))}
    assert states["late-contact"].status is StepStatus.CONTACT_OVERDUE
    assert states["late-contact"].due == dt.date(2026, 11, 3)
    assert states["on-time"].status is StepStatus.CLOSED_ON_TIME
    assert states["scheduled"].status is StepStatus.CLOSE_OVERDUE
    assert states["scheduled"].due == dt.date(2026, 11, 9)  # due day itself is in time
    summary = summarize_reviews(reviews, policy, today=dt.date(2026, 11, 10))
    assert summary.bad == 3
    assert summary.follow_up_rate == pytest.approx(2 / 3)
    assert summary.rectification_rate == pytest.approx(1 / 3)
    assert {s.review for s in summary.overdue} == {"late-contact", "scheduled"}
    assert summary.as_metrics()["reviews.rectification_rate"] == pytest.approx(1 / 3)


def test_follow_up_rules() -> None:
    with pytest.raises(FieldValueError, match="only a 差评"):
        Review(
            id="x",
            level="satisfied",
            channel="on_site",
            date=MONDAY,
            follow_up=FollowUp(contacted=MONDAY),
        )
    with pytest.raises(FieldValueError, match="needs its disposition"):
        FollowUp(contacted=MONDAY, closed=MONDAY)
    with pytest.raises(FieldValueError, match="unknown dimension"):
        Review(
            id="x", level="satisfied", channel="on_site", date=MONDAY, ratings={"颜值": "satisfied"}
        )


levels = st.sampled_from(list(ReviewLevel))


@st.composite
def review_sets(draw: st.DrawFn) -> list[Review]:
    out = []
    for index in range(draw(st.integers(0, 12))):
        level = draw(levels)
        date = MONDAY + dt.timedelta(days=draw(st.integers(0, 20)))
        follow = None
        if level.is_bad and draw(st.booleans()):
            contacted = date + dt.timedelta(days=draw(st.integers(0, 5)))
            closed = (
                contacted + dt.timedelta(days=draw(st.integers(0, 20)))
                if draw(st.booleans())
                else None
            )
            follow = FollowUp(
                contacted=contacted,
                disposition=draw(
                    st.sampled_from(["immediate", "scheduled", "explained", "appeal"])
                ),
                closed=closed,
            )
        out.append(
            Review(id=f"r{index}", level=level, channel="on_site", date=date, follow_up=follow)
        )
    return out


@settings(max_examples=100, deadline=None)
@given(review_sets(), st.booleans(), st.integers(0, 60))
def test_review_rates_are_shares(reviews: list[Review], basic: bool, offset: int) -> None:
    today = MONDAY + dt.timedelta(days=offset)
    policy = ReviewPolicy(basic_counts_as_satisfied=basic)
    summary = summarize_reviews(reviews, policy, today=today, calendar=WeekendCalendar())
    for rate in (summary.satisfaction_rate, summary.good_rate):
        assert rate is None or 0 <= rate <= 1
    assert 0 <= summary.rectification_rate <= summary.follow_up_rate <= 1
    assert summary.bad == sum(1 for r in reviews if r.level.is_bad)
    if summary.satisfaction_rate is not None and summary.good_rate is not None:
        # Counting 基本满意 can only raise 满意率 above 好评率.
        assert summary.satisfaction_rate >= summary.good_rate
    assert all(s.due >= MONDAY for s in summary.bad_reviews)
