"""A case writer run as a separate process by the crash test.

Usage: ``python _writer.py DB SEED``. It opens cases and moves them along as fast as it
can; after each acknowledged command it prints ``ACK <case> <events>`` and flushes, so the
parent knows what was committed.
"""

from __future__ import annotations

import datetime as dt
import random
import sys

from govservice_std.calendar import WorkingCalendar
from govservice_std.cases.engine import CaseEngine
from govservice_std.cases.stores import SQLiteCaseStore
from govservice_std.errors import CaseError
from govservice_std.queues.events import CHINA_TZ


def main() -> None:
    path, seed = sys.argv[1], int(sys.argv[2])
    rng = random.Random(seed)  # noqa: S311 - test data
    now = dt.datetime(2026, 3, 2, 9, tzinfo=CHINA_TZ)
    engine = CaseEngine(
        SQLiteCaseStore(path, create=True), lambda _c: WorkingCalendar(), clock=lambda: now
    )
    numbers: list[str] = []
    while True:
        if not numbers or rng.random() < 0.3:
            case = engine.open(
                hall="441324116", locality="441324", item="I", item_name="示例",
                kind="promised", promised_days=5, materials=("申请表",),
            )  # fmt: skip
            numbers.append(case.number)
        else:
            number = rng.choice(numbers)
            command = rng.choice(["accept", "finish", "deliver", "correct"])
            try:
                if command == "correct":
                    case = engine.correct(number, ["申请表"])
                elif command == "finish":
                    case = engine.finish(number, "granted")
                else:
                    case = getattr(engine, command)(number)
            except CaseError:
                continue
        print(f"ACK {case.number} {case.version}", flush=True)


if __name__ == "__main__":
    main()
