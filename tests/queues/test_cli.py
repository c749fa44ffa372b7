from __future__ import annotations

import json
from pathlib import Path

import pytest

from govservice_std.cli import main


def run(capsys: pytest.CaptureFixture[str], db: Path, at: str, *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(["--lang", "en", "queue", "--db", str(db), "--at", f"2026-03-02T{at}", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


HEAD_EN = "             issued served  wait avg       p90   service in target no-show"
HALL_EN = "        hall      1      1   2.0 min   2.0 min   6.0 min      100%      0%"
WINDOW_EN = "  window A01      1      1   2.0 min   2.0 min   6.0 min      100%      0%"
# The columns line up on a terminal, where a Chinese character fills two columns.
HEAD_ZH = "             取号数 办结数   平均等候    P90等候   平均办理    目标内  过号率"
HALL_ZH = "        全厅      1      1   2.0 分钟   2.0 分钟   6.0 分钟      100%      0%"
WINDOW_ZH = "    A01 窗口      1      1   2.0 分钟   2.0 分钟   6.0 分钟      100%      0%"


def test_a_day_at_the_county_centre(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "longmen.db"
    code, out, _ = run(capsys, db, "08:30", "open", "441324")
    assert code == 0
    assert "龙门县政务服务中心" in out
    assert "A01" in out
    assert "Z01" not in out.split("windows opened:")[1]

    assert run(capsys, db, "08:31", "issue", "A")[1].startswith("A001 issued")
    assert run(capsys, db, "08:32", "issue", "C")[1].startswith("C001 issued")
    assert run(capsys, db, "08:33", "issue", "A", "--priority", "military")[1].startswith("A002")
    out = run(
        capsys, db, "08:40", "check-in", "YY-0001", "--line", "B", "--slot", "2026-03-02T09:00"
    )[1]
    assert out.startswith("B001 checked in")
    assert run(capsys, db, "08:41", "call", "A01")[1].startswith("A002 → A01 called")
    assert run(capsys, db, "08:42", "start", "A002")[1].startswith("A002 started")
    assert run(capsys, db, "08:50", "finish", "A002")[1].startswith("A002 finished")
    assert run(capsys, db, "08:51", "call", "B01")[1].startswith("C001 → B01")
    run(capsys, db, "08:52", "recall", "B01")
    run(capsys, db, "08:53", "recall", "B01")
    assert run(capsys, db, "08:54", "no-show", "C001")[1].startswith("C001 marked no-show")
    assert run(capsys, db, "08:55", "reactivate", "C001")[1].startswith("C001 reactivated")
    assert run(capsys, db, "08:56", "call", "A02")[1].startswith("A001 → A02")
    run(capsys, db, "08:57", "start", "A001")
    out = run(capsys, db, "08:58", "transfer", "A001", "D")[1]
    assert out.startswith("A001 transferred to D")
    assert run(capsys, db, "08:59", "call", "B03")[1].startswith("A001 → B03")
    run(capsys, db, "09:05", "start", "A001")
    assert run(capsys, db, "09:15", "finish", "A001", "--outcome", "informed")[0] == 0

    code, _, err = run(capsys, db, "09:16", "finish", "B001")
    assert code == 2
    assert err.strip() == "govstd: error: cannot finish: ticket B001 is waiting, not serving"
    code, _, err = run(capsys, db, "09:16", "call", "Z01")
    assert code == 2
    assert "serves no business line" in err
    code, _, err = run(capsys, db, "09:16", "issue", "X")
    assert code == 2
    assert "no business line 'X'" in err
    run(capsys, db, "09:16", "window-close", "A03")
    code, _, err = run(capsys, db, "09:16", "call", "A03")
    assert (code, "window A03 is closed" in err) == (2, True)

    code, out, _ = run(capsys, db, "09:20", "status", "--json")
    status = json.loads(out)
    assert {w["ticket"] for w in status["windows"]} == {None}
    assert [t["ticket"] for t in status["waiting"]] == ["C001", "B001"]
    assert "waiting: 2" in run(capsys, db, "09:20", "status")[1]

    code, out, _ = run(capsys, db, "09:20", "kpis", "--json")
    kpis = json.loads(out)
    assert kpis["overall"]["issued"] == 4
    assert kpis["overall"]["served"] == 2
    assert kpis["target_minutes"] == 20.0
    assert set(kpis["by_group"]) == {"military", "normal"}
    text = run(capsys, db, "09:20", "kpis")[1]
    assert "90% within 20 min" in text
    assert "window B03" in text


def test_queue_needs_an_opened_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["issue", "A"], ["status"], ["--hall", "441324", "call", "A01"]):
        code, _, err = run(capsys, tmp_path / "none.db", "09:00", *command)
        assert code == 2
        assert "none.db: no such queue database" in err
        # A mistyped path leaves no empty database behind.
        assert not (tmp_path / "none.db").exists()
    code, _, err = run(capsys, tmp_path / "x.db", "09:00", "open", "441324999")
    assert code == 2
    assert "no hall '441324999'" in err


def test_several_halls_in_one_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "county.db"
    assert run(capsys, db, "08:30", "open", "441324")[0] == 0
    assert run(capsys, db, "08:30", "open", "441324116")[0] == 0
    code, _, err = run(capsys, db, "08:31", "issue", "A")
    assert code == 2
    assert "the database holds 2" in err
    for hall in ("441324", "441324116"):
        main_args = ["--hall", hall, "issue", "A"]
        assert run(capsys, db, "08:31", *main_args)[1].startswith("A001 issued")
    code, _, err = run(capsys, db, "08:31", "open", "not-a-code")
    assert code == 2
    assert "not a division code" in err


def test_messages_for_hall_staff_are_in_chinese_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "zh.db")

    def zh(at: str, *args: str) -> tuple[int, str, str]:
        code = 0
        try:
            main(["queue", "--db", db, "--at", f"2026-03-02T{at}", *args])
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    assert "已开启窗口：" in zh("08:30", "open", "441324")[1]
    assert zh("08:31", "issue", "A")[1].strip() == "A001 已取号（等候中）"
    assert zh("08:32", "call", "A01")[1].startswith("A001 → A01 已叫号")
    code, _, err = zh("08:33", "finish", "B001")
    assert code == 2
    assert err.strip() == "govstd: 错误：无法办结：没有 B001 号"
    code, _, err = zh("08:33", "finish", "A001")
    assert err.strip() == "govstd: 错误：无法办结：A001 号当前为“已叫号”，不是“办理中”"
    assert "A01 窗口：开启 A001（已叫号）" in zh("08:34", "status")[1]
    code, out, _ = zh("08:35", "kpis")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].endswith("· 2026-03-02 · 目标：90% 等候不超过 20 分钟")
    assert lines[1] == HEAD_ZH
    assert lines[2].split()[:3] == ["全厅", "1", "0"]
    assert any(line.split()[:2] == ["业务类别", "A"] for line in lines)
    assert any(line.split()[:2] == ["A01", "窗口"] for line in lines)
    assert "min" not in out


def test_kpis_table_in_both_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "kpis.db"
    run(capsys, db, "08:30", "open", "441324")
    run(capsys, db, "08:31", "issue", "A")
    run(capsys, db, "08:33", "call", "A01")
    run(capsys, db, "08:34", "start", "A001")
    run(capsys, db, "08:40", "finish", "A001")
    english = run(capsys, db, "08:41", "kpis")[1].splitlines()
    assert english[0].endswith("· 2026-03-02 · target: 90% within 20 min")
    assert english[1] == HEAD_EN
    assert english[2] == HALL_EN
    assert WINDOW_EN in english

    main(["queue", "--db", str(db), "--at", "2026-03-02T08:41", "kpis"])
    chinese = capsys.readouterr().out.splitlines()
    assert chinese[0].endswith("· 2026-03-02 · 目标：90% 等候不超过 20 分钟")
    assert chinese[1] == HEAD_ZH
    assert chinese[2] == HALL_ZH
    assert WINDOW_ZH in chinese


def test_kpis_without_a_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "city.db"  # 惠州市's queue policy sets no waiting-time target
    run(capsys, db, "08:30", "open", "441300")
    run(capsys, db, "08:31", "issue", "A")
    english = run(capsys, db, "08:32", "kpis")[1]
    assert english.splitlines()[0].endswith("· no waiting-time target set")
    main(["queue", "--db", str(db), "--at", "2026-03-02T08:32", "kpis"])
    assert capsys.readouterr().out.splitlines()[0].endswith("· 未设等候时间目标")


def test_a_bad_time_is_named_in_the_chosen_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "at.db")
    # click's own words follow the language too.
    for lang, wording in (
        ("zh", "'{option}' 的值无效：不是 ISO 8601 格式的日期时间：'9点'"),
        ("en", "Invalid value for '{option}': not an ISO date and time: '9点'"),
    ):
        with pytest.raises(SystemExit) as info:
            main(["--lang", lang, "queue", "--db", db, "--at", "9点", "status"])
        assert info.value.code == 2
        assert wording.format(option="--at") in capsys.readouterr().err
        with pytest.raises(SystemExit) as info:
            main(["--lang", lang, "queue", "--db", db, "check-in", "YY-1", "--line", "B",
                  "--slot", "9点"])  # fmt: skip
        assert info.value.code == 2
        assert wording.format(option="--slot") in capsys.readouterr().err


def test_queue_set_up_errors_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def zh(db: Path, *args: str) -> str:
        with pytest.raises(SystemExit) as info:
            main(["queue", "--db", str(db), "--at", "2026-03-02T08:30", *args])
        assert info.value.code == 2
        return capsys.readouterr().err.strip()

    assert zh(tmp_path / "none.db", "issue", "A") == (
        f"govstd: 错误：排队数据库 {tmp_path / 'none.db'} 不存在，"
        "请先开通服务场所（govstd queue open）"
    )
    db = tmp_path / "county.db"
    main(["queue", "--db", str(db), "open", "441324"])
    main(["queue", "--db", str(db), "open", "441324116"])
    capsys.readouterr()
    assert zh(db, "issue", "A").endswith("该数据库中有 2 个（441324、441324116）")
    assert zh(db, "open", "441324999") == "govstd: 错误：地区 441324 没有服务场所 441324999"
    assert zh(db, "open", "not-a-code") == (
        "govstd: 错误：服务场所编码 not-a-code 不是行政区划代码，请指明其所属地区"
    )


def run_at(capsys: pytest.CaptureFixture[str], db: Path, at: str, *args: str) -> tuple[int, str]:
    code = 0
    try:
        main(["--lang", "en", "queue", "--db", str(db), "--at", at, *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out + err


def test_close_day_by_hand_and_on_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "longmen.db"
    run(capsys, db, "08:30", "open", "441324")
    run(capsys, db, "08:31", "issue", "A")
    run(capsys, db, "08:32", "issue", "A")
    run(capsys, db, "08:33", "call", "A01")
    run(capsys, db, "08:34", "start", "A001")
    run(capsys, db, "08:40", "finish", "A001")
    code, out, _ = run(capsys, db, "18:00", "close-day")
    assert (code, out) == (0, "service day 2026-03-02 closed: 2 issued, 1 served\n")
    assert run(capsys, db, "18:01", "close-day")[1] == "no open service day to close\n"
    data = json.loads(run(capsys, db, "18:02", "kpis", "--json")[1])
    assert (data["overall"]["issued"], data["overall"]["cancelled"]) == (2, 1)
    code = 0
    try:  # Chinese by default
        main(["queue", "--db", str(db), "--at", "2026-03-02T18:03", "close-day"])
    except SystemExit as exc:
        code = int(exc.code or 0)
    assert (code, capsys.readouterr().out) == (0, "没有未日结的服务日\n")
    code, out = run_at(capsys, db, "2026-03-02T18:04", "close-day", "--day", "2026-03-03")
    assert code == 2
    assert "has not begun" in out
    # A late visitor reopens the day; nobody closes it; the next day's first command does.
    assert run(capsys, db, "18:10", "issue", "A")[1].startswith("A003 issued")
    assert run_at(capsys, db, "2026-03-03T08:30", "issue", "A")[1].startswith("A001 issued")
    data = json.loads(run(capsys, db, "20:00", "kpis", "--json", "--day", "2026-03-02")[1])
    assert (data["overall"]["issued"], data["overall"]["cancelled"]) == (3, 2)
    assert run_at(capsys, db, "2026-03-03T18:00", "close-day")[1] == (
        "service day 2026-03-03 closed: 1 issued, 0 served\n"
    )
