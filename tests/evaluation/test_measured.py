"""Metric criteria read queue KPIs, 好差评 and inspections directly, with provenance."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import govservice_std as gs
from govservice_std.cli import cli
from govservice_std.evaluation import (
    CriterionResult,
    Evaluator,
    MeasuredMetrics,
    queue_metrics,
    recorded_queue_kpis,
)
from govservice_std.evaluation.scoring import Reason
from govservice_std.i18n import language
from govservice_std.queues import Distribution, EventStore, KpiFigures
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.stores.memory import MemoryStore
from govservice_std.queues.stores.sqlite import SQLiteStore
from govservice_std.reports.words import notes

EXAMPLES = (
    Path(__file__).resolve().parents[2]
    / "plugins/longmen/src/govservice_longmen/data/441324/examples"
)
ASSESSMENT = EXAMPLES / "assessment-441324116.toml"
REVIEWS = EXAMPLES / "reviews-441324116.toml"
HALL = "441324116"
DAY = dt.date(2026, 11, 20)


def _record_day(registry: gs.Registry, store: EventStore, tickets: int = 30) -> QueueEngine:
    # Every ticket is issued at 09:00 and called at 09:15: a mean wait of 15 minutes, over
    # ``tickets`` called tickets (the national minimum sample is 30).
    clock = FixedClock(dt.datetime(2026, 11, 20, 9, 0, tzinfo=CHINA_TZ))
    engine = QueueEngine.for_hall(
        registry.resolve("441324"), HALL, store=store, clock=clock, notify=False
    )
    line = engine.policy.lines[0].id
    window = next(w.code for w in engine.hall.windows if line in w.lines)
    engine.open_window(window)
    for _ in range(tickets):
        engine.issue(line)
    clock.advance(minutes=15)
    for _ in range(tickets):
        called = engine.call_next(window)
        engine.start(called.id)
        engine.finish(called.id)
    return engine


def _criterion(card: gs.Scorecard, metric: str) -> CriterionResult:
    standard = gs.load_registry().resolve(card.locality).standard
    ids = {e.criterion.id for e in standard.criteria if e.criterion.metric == metric}
    return next(r for r in card.criteria if r.id in ids)


def test_queue_kpis_replace_the_typed_mean_wait() -> None:
    registry = gs.load_registry()
    assessment = gs.load_assessment(ASSESSMENT)
    assert assessment.metrics["queue.avg_wait_minutes"] == 18.0  # typed in
    engine = _record_day(registry, MemoryStore(HALL))
    card = gs.evaluate_hall(
        registry.resolve(assessment.locality), assessment, queue=engine.kpis(DAY)
    )
    result = _criterion(card, "queue.avg_wait_minutes")
    assert result.answer.startswith("15 ")
    assert "queue record 2026-11-20 (n=30)" in result.evidence
    assert result.sample == 30
    typed = gs.evaluate_hall(registry.resolve(assessment.locality), assessment)
    assert _criterion(typed, "queue.avg_wait_minutes").answer.startswith("18 ")
    assert "queue record 2026-11-20" not in _criterion(typed, "queue.avg_wait_minutes").evidence
    # The batch reads the same record the same way.
    batch = gs.evaluate_locality(
        registry.resolve("441324"), [assessment], queue={HALL: engine.kpis(DAY)}
    )
    assert batch.scorecards[0].criteria == card.criteria


def test_measured_value_wins_over_an_answer_value() -> None:
    registry = gs.load_registry()
    assessment = gs.load_assessment(ASSESSMENT)
    metric_id = "queue.avg_wait_minutes"
    criterion = next(
        e.criterion.id
        for e in registry.resolve("441324").standard.criteria
        if e.criterion.metric == metric_id
    )
    typed = gs.Assessment(
        hall=assessment.hall,
        locality=assessment.locality,
        date=assessment.date,
        answers=[gs.Answer(criterion=criterion, value=40.0, evidence=("叫号系统导出",))],
    )
    measured = MeasuredMetrics.of({metric_id: 12.0}, "queue record 2026-11-20")
    card = gs.evaluate_hall(registry.resolve(typed.locality), typed, metrics=measured)
    result = card.result(criterion)
    assert result.answer.startswith("12 ")
    assert result.evidence == ("叫号系统导出", "queue record 2026-11-20")
    assert result.replaced == 40.0  # the typed value it replaced, for the report to word
    assert result.reason is Reason.MEASURED


def test_queue_metrics_and_merging() -> None:
    kpis = gs.QueueKpis(
        hall=HALL,
        target_minutes=20.0,
        days=3,
        overall=KpiFigures(waiting=Distribution.of([5.0, 7.0]), within_target=0.5),
    )
    measured = queue_metrics(kpis)
    assert dict(measured.values) == {
        "queue.avg_wait_minutes": 6.0,
        "queue.within_target_rate": 0.5,
    }
    assert {str(s) for s in measured.sources.values()} == {"queue record (3 days) (n=2)"}
    assert not queue_metrics(gs.QueueKpis())
    merged = measured.merged({"queue.avg_wait_minutes": 9.0})
    assert merged.values["queue.avg_wait_minutes"] == 9.0
    assert "queue.avg_wait_minutes" not in merged.sources  # plain numbers carry no source
    assert set(merged.restricted({"queue.within_target_rate"}).values) == {
        "queue.within_target_rate"
    }


def test_recorded_queue_kpis_from_a_store(tmp_path: Path) -> None:
    registry = gs.load_registry()
    db = tmp_path / "queue.db"
    with SQLiteStore(db, HALL, locality="441324") as store:
        _record_day(registry, store)
    with SQLiteStore(db, HALL) as store:
        kpis = recorded_queue_kpis(registry.resolve("441324"), store, day=DAY)
        every_day = recorded_queue_kpis(registry.resolve("441324"), store)
    policy = registry.resolve("441324").queue_policy
    assert kpis.target_minutes == policy.target_minutes
    assert kpis.overall.waiting.mean == 15.0
    assert kpis.day == DAY
    assert every_day.overall.waiting.mean == 15.0
    assert every_day.day is None


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_reads_the_queue_record_and_reviews(tmp_path: Path) -> None:
    registry = gs.load_registry()
    db = tmp_path / "queue.db"
    with SQLiteStore(db, HALL, locality="441324") as store:
        _record_day(registry, store)
    data = json.loads(
        _run(
            "evaluate", "441324", str(ASSESSMENT), "--queue-db", str(db), "--day", "2026-11-20",
            "--reviews", str(REVIEWS), "--json",
        )
    )  # fmt: skip
    by_id = {c["id"]: c for c in data["criteria"]}
    standard = registry.resolve("441324").standard
    metric_of = {e.criterion.id: e.criterion.metric for e in standard.criteria}
    wait = next(c for i, c in by_id.items() if metric_of[i] == "queue.avg_wait_minutes")
    assert "queue record 2026-11-20 (n=30)" in wait["evidence"]
    assert wait["sample"] == 30
    satisfaction = next(c for i, c in by_id.items() if metric_of[i] == "reviews.satisfaction_rate")
    # The example holds nine reviews: too few to score a satisfaction rate.
    assert f"好差评 {REVIEWS.name} (n=9)" in satisfaction["evidence"]
    assert satisfaction["status"] == "insufficient_data"
    evaluate = ["evaluate", "441324", str(ASSESSMENT)]
    assert "evidence: queue" in _run("--lang", "en", *evaluate, "--queue-db", str(db))
    text = _run(*evaluate, "--queue-db", str(db))
    assert "证据：排队记录" in text
    assert "30 个号" in text  # the sample size, worded
    assert "queue record" not in text
    other_day = [*evaluate, "--queue-db", str(db), "--day", "2026-11-21"]
    result = CliRunner().invoke(cli, ["--lang", "en", *other_day])
    assert result.exit_code == 2
    assert f"{db} holds no tickets of hall {HALL} on 2026-11-21" in result.output
    result = CliRunner().invoke(cli, other_day)
    assert result.exit_code == 2
    assert f"{db} 中没有服务场所 {HALL} 在 2026-11-21 的取号记录" in result.output
    result = CliRunner().invoke(cli, [*evaluate, "--day", "2026-11-21"])
    assert result.exit_code == 2
    assert "--day 需与 --queue-db 一起使用" in result.output
    result = CliRunner().invoke(cli, ["--lang", "en", *evaluate, "--day", "2026-11-21"])
    assert result.exit_code == 2
    assert "--day needs --queue-db" in result.output


def test_cli_batch_reads_the_queue_record(tmp_path: Path) -> None:
    registry = gs.load_registry()
    db = tmp_path / "queue.db"
    with SQLiteStore(db, HALL, locality="441324") as store:
        _record_day(registry, store)
    plain = json.loads(_run("evaluate-all", "441324", str(ASSESSMENT), "--json"))
    measured = json.loads(
        _run("evaluate-all", "441324", str(ASSESSMENT), "--queue-db", str(db), "--json")
    )
    # The recorded 15-minute mean wait replaces the typed 18 minutes: never a lower score.
    assert measured["halls"][0]["total"] >= plain["halls"][0]["total"]
    batch_on_a_day = ["evaluate-all", "441324", str(ASSESSMENT), "--day", "2026-11-20"]
    result = CliRunner().invoke(cli, batch_on_a_day)
    assert result.exit_code == 2
    assert "--day 需与 --queue-db 一起使用" in result.output
    result = CliRunner().invoke(cli, ["--lang", "en", *batch_on_a_day])
    assert result.exit_code == 2
    assert "--day needs --queue-db" in result.output


@settings(max_examples=25, deadline=None)
@given(typed=st.floats(0, 500), real=st.floats(0, 500))
def test_a_measured_value_decides_whatever_was_typed(typed: float, real: float) -> None:
    registry = gs.load_registry()
    assessment = gs.load_assessment(ASSESSMENT)
    measured = MeasuredMetrics.of({"queue.avg_wait_minutes": real}, "queue record")
    with_typed = assessment.with_metrics({"queue.avg_wait_minutes": typed})
    one = gs.evaluate_hall(registry.resolve(with_typed.locality), with_typed, metrics=measured)
    other = gs.evaluate_hall(registry.resolve(assessment.locality), assessment, metrics=measured)
    assert one.total == other.total
    assert _criterion(one, "queue.avg_wait_minutes") == _criterion(other, "queue.avg_wait_minutes")


def test_too_small_a_sample_is_insufficient_data_not_a_score() -> None:
    registry = gs.load_registry()
    assessment = gs.load_assessment(ASSESSMENT)
    few = _record_day(registry, MemoryStore(HALL), tickets=2)
    card = gs.evaluate_hall(registry.resolve(assessment.locality), assessment, queue=few.kpis(DAY))
    result = _criterion(card, "queue.avg_wait_minutes")
    assert result.status is gs.Status.INSUFFICIENT_DATA
    assert (result.points, result.max_points, result.sample) == (0.0, 0.0, 2)
    assert "queue record 2026-11-20 (n=2)" in result.evidence
    assert (result.reason, result.min_sample) == (Reason.INSUFFICIENT_DATA, 30)
    with language("zh"):
        assert "数据不足：样本 2，少于 30" in notes(result)
    with language("en"):
        assert "insufficient data: sample 2, fewer than 30" in notes(result)
    assert result.id not in {r.criterion for r in card.rectifications}
    # Left out of the total, like a waiver: the other criteria decide it alone.
    typed = gs.evaluate_hall(registry.resolve(assessment.locality), assessment)
    assert sum(r.max_points for r in card.criteria) == sum(
        r.max_points for r in typed.criteria if r.id != result.id
    )
    data = card.to_dict()
    shown = next(c for c in data["criteria"] if c["id"] == result.id)
    assert (shown["status"], shown["sample"]) == ("insufficient_data", 2)


def test_the_minimum_sample_is_the_locality_s_parameter() -> None:
    standard = gs.load_registry().resolve("441324").standard
    assert standard.min_sample("queue.avg_wait_minutes") == 30
    assert standard.min_sample("reviews.follow_up_rate") == 1
    assert standard.min_sample("a.metric.of.a.plugin") == 30
    bare = attrs.evolve(standard, parameters={})
    assert bare.min_sample("queue.avg_wait_minutes") == 1


@settings(max_examples=25, deadline=None)
@given(minimum=st.integers(1, 60), sample=st.integers(0, 80))
def test_scored_exactly_when_the_sample_reaches_the_minimum(minimum: int, sample: int) -> None:
    registry = gs.load_registry()
    assessment = gs.load_assessment(ASSESSMENT)
    standard = registry.resolve("441324").standard
    entry = standard.parameters["sample.min"]
    lowered = attrs.evolve(
        standard,
        parameters={
            **standard.parameters,
            "sample.min": attrs.evolve(
                entry, parameter=attrs.evolve(entry.parameter, value=minimum)
            ),
        },
    )
    measured = MeasuredMetrics.of(
        {"queue.avg_wait_minutes": 12.0}, "queue record", {"queue.avg_wait_minutes": sample}
    )
    hall = registry.resolve("441324").hall(HALL)
    card = Evaluator(lowered).evaluate(assessment, hall, metrics=measured)
    result = _criterion(card, "queue.avg_wait_minutes")
    assert (result.status is gs.Status.INSUFFICIENT_DATA) == (sample < minimum)
    assert result.sample == sample
    assert f"queue record (n={sample})" in result.evidence
