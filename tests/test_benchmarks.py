"""The benchmark scripts still run: each once, at a tiny size, printing its peer lines.

The figures are not checked (timings belong to the scripts, not to the tests); only that
every script runs to the end against the library as it is now and prints the comparison
it exists for.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

# script, tiny arguments, lines the output must contain
RUNS = [
    ("bench_registry.py", ["--copies", "2"], ["plain cattrs structure", "resolve 441324 cached"]),
    ("bench_forms.py", ["--apps", "40", "--rounds", "1"],
     ["the equal-work peer and govservice_std agree on every application: True",
      "equal work:  validate() vs jsonschema+ID+rule iter_errors()",
      "schema only: validate() vs jsonschema is_valid()", "fresh stream"]),
    ("bench_queue.py", ["--lifecycles", "200", "--durable", "40", "--rounds", "1"],
     ["in memory :", "raw SQLite:", "the engine's rows, no engine", "engine command after each",
      "of the raw commit rate"]),
    ("bench_staffing.py",
     ["--customers", "500", "--recursion-customers", "5000", "--repeats", "1"],
     ["ours (events) / ciw", "ours (events) / simpy", "same visitor count",
      "engine auto, its own line (the Kiefer-Wolfowitz workload recursion"]),
    ("bench_evaluate.py", ["--scale", "0.001"], ["all over json.loads", "peak RSS"]),
    ("bench_queue_history.py", ["--events", "6000", "--tickets-per-day", "100", "--rounds", "1"],
     ["open the store (API)", "`govstd queue issue A` (whole process)", "one day's KPIs",
      "peak memory of that command", "the year`s KPIs"]),
    ("bench_cases.py", ["--durable", "10", "--cases", "3000"],
     ["durable case commands", "durable queue commands", "KPIs by item and month",
      "KPI process peak RSS", "streaming fold (peer)"]),
    ("bench_postgres.py",
     ["--clients", "2", "--tickets", "5", "--county-halls", "1", "--county-tickets", "20"],
     ["SQLite", "PostgreSQL"]),
    ("bench_service.py", ["--terminals", "6", "--seconds", "2", "--client", "python"],
     ["HTTP / direct", "call-to-display delay", "p99", "(python)"]),
    # The same with wrk driving the terminals, where it is installed (CI installs it).
    *([("bench_service.py", ["--terminals", "6", "--seconds", "2", "--client", "wrk"],
        ["HTTP / direct", "call-to-display delay", "p99", "(wrk ("])]
      if shutil.which("wrk") else []),
    ("bench_position.py", ["--sizes", "40,120", "--seconds", "0.02", "--rounds", "1"],
     ["last waiting ticket", "tenth waiting ticket", "new / reference", "same answer: True"]),
    ("bench_spreadsheets.py", ["--items", "40", "--rounds", "1"],
     ["import_items / openpyxl cells alone", "import_items / TOML load", "workbook / JSON"]),
]  # fmt: skip


@pytest.mark.parametrize(("script", "args", "expected"), RUNS, ids=[run[0] for run in RUNS])
def test_benchmark_runs(script: str, args: list[str], expected: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # A benchmark's figures count only answers: a server error in the run is a failure.
    assert "server errors:" not in result.stdout, result.stdout
    for line in expected:
        assert line in result.stdout, f"{script} no longer prints {line!r}:\n{result.stdout}"


def test_every_benchmark_is_run() -> None:
    scripts = {path.name for path in BENCHMARKS.glob("bench_*.py")}
    assert scripts == {run[0] for run in RUNS}
