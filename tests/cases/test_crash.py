"""A writer killed mid-stream loses no acknowledged command, as for the queue."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from govservice_std.cases.model import fold
from govservice_std.cases.stores import SQLiteCaseStore

from . import _writer

WRITER = Path(_writer.__file__)


def test_killed_writer_loses_no_acknowledged_command(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    rng = random.Random(20260302)  # noqa: S311 - test data
    acked: dict[str, int] = {}
    for round_ in range(8):
        proc = subprocess.Popen(
            [sys.executable, str(WRITER), str(db), str(round_)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        want = rng.randint(1, 60)
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if len(lines) >= want:
                break
        os.kill(proc.pid, signal.SIGKILL)
        lines.extend(proc.stdout.read().splitlines())
        proc.wait()
        proc.stdout.close()
        for line in lines:
            if line.startswith("ACK "):
                _, number, count = line.split()
                acked[number] = max(acked.get(number, 0), int(count))
        with SQLiteCaseStore(db) as store:
            rows = dict(store.query("SELECT case_no, status FROM cases"))
            for number, seen in acked.items():
                case = fold(store.events(number))
                assert case is not None, f"acknowledged case {number} lost"
                # Every acknowledged event is there; at most one more was committed unacked.
                assert seen <= case.version <= seen + 1
                assert rows[number] == case.status.value  # projection agrees with the record
    assert len(acked) >= 8
