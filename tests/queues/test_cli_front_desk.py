"""A simulated hall day through ``govstd queue`` on SQLite, with the front-of-house commands.

Staff sign in and out, a chosen call, a transfer to a window, a parked and resumed ticket,
a capped line, a booked appointment checked in, ``position`` and the per-staff KPIs.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from govservice_std import load_registry
from govservice_std.cli import main
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.stores.sqlite import SQLiteStore


def _govstd(
    capsys: pytest.CaptureFixture[str], db: Path, at: str, *args: str, lang: str = "en"
) -> tuple[int, str, str]:
    code = 0
    try:
        main(["--lang", lang, "queue", "--db", str(db), "--at", f"2026-03-02T{at}", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _refused(capsys: pytest.CaptureFixture[str], db: Path, at: str, *args: str) -> str:
    code, out, err = _govstd(capsys, db, at, *args)
    assert (code, out) == (2, ""), (code, out, err)
    assert err.count("\n") == 1  # one line
    return err.strip()


def test_a_front_desk_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "longmen.db"

    def run(at: str, *args: str) -> str:
        code, out, err = _govstd(capsys, db, at, *args)
        assert code == 0, err
        return out

    run("08:25", "open", "441324")
    # Staff sign in; one window per person at a time.
    assert run("08:28", "sign-in", "A01", "S02").strip() == "S02 signed in at window A01"
    run("08:28", "sign-in", "B01", "S06")
    assert _refused(capsys, db, "08:29", "sign-in", "A02", "S02") == (
        "govstd: error: cannot sign in: S02 is signed in at window A01"
    )
    assert "has no staff member 'li'" in _refused(capsys, db, "08:29", "sign-in", "A02", "li")
    # Walk-ins, and a booking for 10:00 on line B (a slot of the county's staffing profile).
    for minute in ("31", "32", "33"):
        run(f"08:{minute}", "issue", "A")
    booked = json.loads(run("08:35", "book", "B", "--slot", "2026-03-02T10:00", "--json"))
    assert (booked["ref"], booked["status"]) == ("YY00001", "booked")
    slots = json.loads(run("08:35", "slots", "B", "--day", "2026-03-02", "--json"))
    assert [(s["start"][11:16], s["capacity"], s["booked"]) for s in slots] == [
        ("09:00", 2, 0),
        ("10:00", 2, 1),
    ]
    # Position: A003 has two ahead of it.
    where = json.loads(run("08:36", "position", "A003", "--json"))
    assert where["ahead"] == 2
    assert where["estimated_wait_minutes"] is not None
    assert where["estimated_wait_minutes"] >= 0
    assert run("08:36", "position", "A003").startswith("A003: 2 ahead, about ")

    # A chosen call out of turn, with its reason.
    out = run("08:40", "call", "A01", "--ticket", "A003", "--reason", "材料已预审")
    assert out.startswith("A003 → A01 called")
    run("08:41", "start", "A003")
    # The visitor fetches a missing paper: park, serve the next, resume.
    assert run("08:45", "park", "A003").startswith("A003 parked (parked)")
    assert run("08:46", "call", "A01").startswith("A001 → A01 called")
    run("08:47", "start", "A001")
    run("08:55", "finish", "A001")
    assert run("09:00", "resume", "A003").startswith("A003 → A01 resumed (called)")
    run("09:01", "start", "A003")
    run("09:06", "finish", "A003")
    # A transfer to a window that does not serve the ticket's line: only it may call it.
    assert run("09:07", "transfer", "A002", "--window", "B01").startswith(
        "A002 transferred to window B01"
    )
    assert run("09:08", "call", "B01").startswith("A002 → B01 called")
    run("09:09", "start", "A002")
    run("09:20", "finish", "A002")

    # The booking checks in within its window and is called first at A04 (line B first).
    assert run("09:45", "check-in", "YY00001").startswith("B001 checked in")
    assert run("10:00", "call", "A04").startswith("B001 → A04 called")

    # A capped line: the county caps 不动产登记 (C) at 100 walk-in tickets a day.
    with SQLiteStore(db) as store:
        clock = FixedClock(dt.datetime(2026, 3, 2, 10, 5, tzinfo=CHINA_TZ))
        engine = QueueEngine.for_hall(
            load_registry().resolve("441324"), "441324", store=store, clock=clock
        )
        for _ in range(99):
            engine.issue("C")
    assert run("10:06", "issue", "C").startswith("C100 issued")
    assert _refused(capsys, db, "10:07", "issue", "C") == (
        "govstd: error: cannot issue: line C has issued its 100 tickets for today (daily cap)"
    )
    code, _, err = _govstd(capsys, db, "10:07", "issue", "C", lang="zh")
    assert (code, err.strip()) == (
        2,
        "govstd: 错误：无法取号：业务类别 C 今日号源已满（每日限 100 个）",
    )

    # Illegal moves: one line each, exit 2.
    assert "is finished, not parked" in _refused(capsys, db, "10:08", "resume", "A003")
    assert "is waiting, not called or serving" in _refused(capsys, db, "10:08", "park", "C001")
    assert "is finished, not waiting" in _refused(capsys, db, "10:08", "position", "A001")
    assert "may not call ticket C001" in _refused(
        capsys, db, "10:08", "call", "A02", "--ticket", "C001"
    )
    assert "name exactly one" in _refused(capsys, db, "10:08", "transfer", "C001")

    # Staff sign out at the end of their shift.
    assert run("11:00", "sign-out", "B01").strip() == "S06 signed out of window B01"
    run("11:00", "sign-out", "A01")

    # Per-staff KPIs.
    table = run("11:00", "kpis", "--by", "staff")
    assert "by staff" in table
    rows = {line.split()[0]: line.split() for line in table.splitlines()[2:4]}
    assert rows["S02"][1:3] == ["3", "2"]  # called A003, A001, A003 again; served two
    assert rows["S06"][1:3] == ["1", "1"]
    assert "line C cap reached at: 10:06" in table
    assert "booking show rate: 100% (1/1)" in table
    figures = json.loads(run("11:00", "kpis", "--by", "staff", "--json"))
    li = figures["by_staff"]["S02"]
    assert li["mean_walk"] == pytest.approx(1.0)  # 08:40→08:41, 08:46→08:47, 09:00→09:01
    assert li["signed_in"] == pytest.approx(152.0)  # 08:28 to 11:00
    assert li["idle"] == pytest.approx(152.0 - 20.0)  # busy 5 + 9 + 6 minutes
    zh = _govstd(capsys, db, "11:00", "kpis", "--by", "staff", lang="zh")[1]
    assert "按工作人员" in zh
    assert "预约到场率：100%（1/1）" in zh
