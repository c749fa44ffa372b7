"""Benchmark: evaluate a province's worth of halls.

Generates (seeded, invented) assessments for 122 county centres, 1,609 town centres and
26,500 village stations — the size of Guangdong's 百千万工程 — as JSON documents, then in
one run measures:

* the time to merely parse the JSON documents (``json.loads``), as a floor;
* the time to parse, structure (``Assessment``) and score every hall against 龙门县's
  effective standard, keeping only the batch summary;
* halls per second, and peak memory (peak RSS of the process, and the tracemalloc peak of
  a separate scoring pass when ``--tracemalloc`` is given).

Run: ``python benchmarks/bench_evaluate.py [--scale 1.0] [--tracemalloc]``.
Target: the whole province in under 10 s on one core and under 1 GiB.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Iterator

from govservice_std import load_registry
from govservice_std.evaluation.assessment import Assessment, parse_assessment
from govservice_std.evaluation.batch import evaluate_many
from govservice_std.evaluation.scoring import Evaluator
from govservice_std.evaluation.standard import Method, Standard
from govservice_std.halls import Hall, HallTier
from govservice_std.serialization import structure

COUNTS = {HallTier.COUNTY: 122, HallTier.TOWN: 1609, HallTier.VILLAGE: 26500}


def make_halls(scale: float) -> list[Hall]:
    """Invented halls with well-formed division codes (not real places)."""
    halls: list[Hall] = []
    counties = max(1, round(COUNTS[HallTier.COUNTY] * scale))
    towns = max(1, round(COUNTS[HallTier.TOWN] * scale))
    villages = max(1, round(COUNTS[HallTier.VILLAGE] * scale))
    for c in range(counties):
        code = f"44{(c // 20) + 1:02d}{(c % 20) + 1:02d}"
        halls.append(Hall(code=code, name=f"县{c}", tier="county", division=code))
    county_codes = [h.code for h in halls]
    for t in range(towns):
        county = county_codes[t % counties]
        code = f"{county}{100 + t // counties:03d}"
        halls.append(Hall(code=code, name=f"镇{t}", tier="town", division=code))
    town_codes = [h.code for h in halls if h.tier is HallTier.TOWN]
    for v in range(villages):
        town = town_codes[v % towns]
        code = f"{town}{200 + v // towns:03d}"
        halls.append(Hall(code=code, name=f"村{v}", tier="village", division=code))
    return halls


def make_document(rng: random.Random, standard: Standard, hall: Hall) -> str:
    """One invented assessment of ``hall`` as JSON text."""
    answers = []
    for entry in standard.for_tier(hall.tier):
        c = entry.criterion
        if c.method is Method.CHECK:
            answers.append({"criterion": c.id, "met": rng.random() < 0.85, "notes": "示例"})
        elif c.method is Method.GRADED:
            level = rng.choice(c.levels).id
            answers.append({"criterion": c.id, "level": level, "evidence": ["photo.jpg"]})
    metrics = {
        "queue.avg_wait_minutes": round(rng.uniform(3, 45), 1),
        "items.on_time_rate": round(rng.uniform(0.85, 1.0), 3),
        "items.abnormal_rate": round(rng.uniform(0, 0.06), 3),
        "complaints.on_time_rate": round(rng.uniform(0.7, 1.0), 3),
        "reviews.satisfaction_rate": round(rng.uniform(0.8, 1.0), 3),
        "reviews.rectification_rate": round(rng.uniform(0.6, 1.0), 3),
        "reviews.follow_up_rate": round(rng.uniform(0.7, 1.0), 3),
        "inspections.orders_on_time_rate": round(rng.uniform(0.5, 1.0), 3),
    }
    return json.dumps(
        {
            "hall": hall.code,
            "locality": "441324",
            "date": "2026-11-20",
            "assessor": "benchmark",
            "illustrative": True,
            "answers": answers,
            "metrics": metrics,
        },
        ensure_ascii=False,
    )


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the province")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace allocations")
    args = parser.parse_args()

    registry = load_registry()
    standard = registry.resolve("441324").standard
    evaluator = Evaluator(standard)
    rng = random.Random(20230817)
    halls = make_halls(args.scale)
    documents = [make_document(rng, standard, hall) for hall in halls]
    size = sum(len(d.encode()) for d in documents)
    print(f"halls: {len(halls):,} ({size / 2**20:.1f} MiB of JSON)")
    gc.collect()

    def timed(run: object) -> tuple[float, float]:
        """(wall seconds, CPU seconds of this process) of ``run()``."""
        wall, cpu = time.perf_counter(), time.process_time()
        run()  # type: ignore[operator]
        return time.perf_counter() - wall, time.process_time() - cpu

    parse_s, parse_cpu = timed(lambda: [json.loads(d) for d in documents])

    def pairs() -> Iterator[tuple[Evaluator, Assessment, Hall]]:
        for document, hall in zip(documents, halls, strict=True):
            yield evaluator, parse_assessment(json.loads(document)), hall

    results = []
    total_s, total_cpu = timed(lambda: results.append(evaluate_many(pairs(), keep=False)))
    result = results[0]

    records = [parse_assessment(json.loads(d)) for d in documents]
    assert records[0] == structure(json.loads(documents[0]), Assessment)
    score_s, score_cpu = timed(
        lambda: evaluate_many(
            ((evaluator, a, h) for a, h in zip(records, halls, strict=True)), keep=False
        )
    )

    summary = result.summary
    n = len(halls)
    # CPU time is what one core spends; wall time also counts waiting for a busy machine.
    print("                                   wall s    CPU s   halls/s (CPU)")
    print(f"json.loads only:                  {parse_s:7.2f}  {parse_cpu:7.2f}")
    print(
        f"parse + structure + score (all):  {total_s:7.2f}  {total_cpu:7.2f}  "
        f"{n / total_cpu:10,.0f}"
    )
    print(
        f"score only (structured input):    {score_s:7.2f}  {score_cpu:7.2f}  "
        f"{n / score_cpu:10,.0f}"
    )
    print(f"all over json.loads (CPU):        {total_cpu / parse_cpu:7.1f} x")
    print(f"peak RSS:                         {peak_rss_mib():7.0f} MiB")
    if args.tracemalloc:
        del records
        gc.collect()
        tracemalloc.start()
        evaluate_many(pairs(), keep=True)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"tracemalloc peak, keeping every scorecard: {peak / 2**20:7.0f} MiB")
    print(
        f"mean total {summary.overall.mean_total:.1f}; by tier "
        + ", ".join(f"{t.value} {s.halls}" for t, s in summary.by_tier.items())
    )


if __name__ == "__main__":
    main()
