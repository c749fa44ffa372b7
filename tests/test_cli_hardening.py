"""The command line's exit statuses, error output and output width."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from govservice_std.cli import main

DATA = Path(__file__).parents[1] / "plugins/longmen/src/govservice_longmen/data/441324"


def run_main(*args: str) -> tuple[int, str, str]:
    """``main`` in-process, as the installed command runs it: (status, stdout, stderr)."""
    with CliRunner().isolation() as (out, err, *_):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        else:
            code = 0
        assert err is not None
        return code, out.getvalue().decode(), err.getvalue().decode()


def _broken_county(tmp_path: Path) -> Path:
    """A copy of the county's data whose halls file has three mistakes."""
    folder = tmp_path / "county"
    folder.mkdir()
    text = (DATA / "halls.toml").read_text(encoding="utf-8")
    text = text.replace('tier = "county"', 'tier = "hamlet"', 1)
    text = text.replace('kind = "comprehensive"', 'kind = "everything"', 2)
    (folder / "halls.toml").write_text(text, encoding="utf-8")
    return folder


def test_check_exits_1_when_it_finds_problems(tmp_path: Path) -> None:
    plugin = tmp_path / "checked_county.py"
    plugin.write_text(
        "from govservice_std import Locality, hookimpl\n"
        f"DATA = {str(_broken_county(tmp_path))!r}\n"
        "@hookimpl\n"
        "def govservice_localities():\n"
        "    return [Locality(code='441399', name='测试县', level='county', parent='441300',"
        " data=DATA)]\n",
        encoding="utf-8",
    )
    info = tmp_path / "checked_county-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: checked-county\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[govservice_std.localities]\nchecked = checked_county\n"
    )
    env = {"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    bad = subprocess.run(
        [sys.executable, "-m", "govservice_std", "check", "441399"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 1, bad.stderr
    assert "441399: 3 处问题" in bad.stderr  # Chinese by default
    good = subprocess.run(
        [sys.executable, "-m", "govservice_std", "check", "441324"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert good.returncode == 0, good.stderr


def test_a_data_file_with_several_mistakes_shows_every_one(tmp_path: Path) -> None:
    text = (DATA / "examples/assessment-441324116.toml").read_text(encoding="utf-8")
    text = text.replace('"queue.avg_wait_minutes" = 18.0', '"queue.avg_wait_minutes" = nan')
    text = text.replace('"items.on_time_rate" = 0.995', '"items.on_time_rate" = inf')
    text = text.replace('"items.abnormal_rate" = 0.004', '"items.abnormal_rate" = "x"')
    bad = tmp_path / "assessment.toml"
    bad.write_text(text, encoding="utf-8")
    code, out, err = run_main("evaluate", "441324", str(bad))
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith("govstd: 错误：")
    assert "（共 3 处问题）" in lines[0]
    assert len(lines) == 3
    assert "queue.avg_wait_minutes" in err
    assert "items.on_time_rate" in err
    assert "items.abnormal_rate" in err
    assert "另有" not in err
    code, _, err = run_main("--lang", "en", "evaluate", "441324", str(bad))
    assert code == 2
    assert err.splitlines()[0].endswith("(3 problems)")


def test_errors_never_show_a_whole_id_number(tmp_path: Path) -> None:
    for args in (
        ["halls", "441324199003074517"],
        ["deadline", "441324", "--start", "441324 19900307 4517", "--working-days", "5"],
        ["queue", "--db", str(tmp_path / "q.db"), "--at", "4413-2419-9003-0745-17", "status"],
    ):
        code, out, err = run_main(*args)
        assert code == 2, err
        for text in (out, err):
            assert "441324199003074517" not in text
            assert "19900307" not in text
        assert "4413**********4517" in err


def test_file_output_is_never_cut_or_wrapped() -> None:
    # Not a terminal: every row whole, however wide, with no "…".
    code, out, _ = run_main("catalog", "441324")
    assert code == 0
    assert "…" not in out
    rows = [line for line in out.splitlines() if "441324-" in line]
    assert rows
    assert max(len(line) for line in rows) > 120  # wider than any forced width


def test_a_terminal_width_is_followed(monkeypatch: pytest.MonkeyPatch) -> None:
    from govservice_std.cli._base import make_console

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich treats the output as a terminal
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    console = make_console()
    assert console.is_terminal
    assert console.width == 80


@pytest.mark.parametrize(
    "args",
    [
        ["staffing", "erlang", "--arrivals-per-hour", "nan", "--service-minutes", "5",
         "--windows", "3"],
        ["staffing", "erlang", "--arrivals-per-hour", "30", "--service-minutes", "1e-320",
         "--windows", "3"],
        ["staffing", "erlang", "--arrivals-per-hour", "1e308", "--service-minutes", "5",
         "--windows", "3"],
        ["staffing", "erlang", "--arrivals-per-hour", "30", "--service-minutes", "inf",
         "--windows", "3"],
        ["staffing", "plan", "441324", "--seed", "-1"],
        ["staffing", "plan", "441324", "--replications", "1000000000"],
        ["deadline", "441324", "--start", "2026-03-02", "--working-days", "99999999"],
    ],
)  # fmt: skip
def test_numbers_out_of_range_are_usage_errors(args: list[str]) -> None:
    code, out, err = run_main("--lang", "en", *args)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert "Error: Invalid value" in err


def test_staffing_plan_with_a_profile_naming_an_unknown_group(tmp_path: Path) -> None:
    text = (DATA / "staffing.toml").read_text(encoding="utf-8")
    profile = tmp_path / "p.toml"
    profile.write_text(text.replace('id = "military"', 'id = "astronauts"'), encoding="utf-8")
    code, _, err = run_main("staffing", "plan", str(profile), "--locality", "441324")
    assert code == 2
    assert err.count("\n") == 1
    assert "astronauts" in err
    huge = tmp_path / "huge.toml"
    huge.write_text(text.replace("A = 24.0", "A = 1e15"), encoding="utf-8")
    code, _, err = run_main("staffing", "plan", str(huge), "--locality", "441324")
    assert code == 2
    assert "arrivals.A" in err


def test_evaluate_json_is_valid_json_and_nan_is_refused(tmp_path: Path) -> None:
    code, out, _ = run_main("evaluate", "441324", str(DATA / "examples/assessment-441324116.toml"),
                            "--json")  # fmt: skip
    assert code == 0
    json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[" * 100_000, "nested too deeply"),
        ('{"a": ' + "9" * 5000 + "}", "too many digits"),
        ('{"a": NaN}', "NaN"),
    ],
)
def test_validate_reads_a_hostile_application_as_a_usage_error(
    tmp_path: Path, text: str, fragment: str
) -> None:
    app = tmp_path / "app.json"
    app.write_text(text, encoding="utf-8")
    code, out, err = run_main("--lang", "en", "validate", "441324", "441324-MZ-005", str(app))
    assert code == 2
    assert out == ""
    assert "is not JSON" in err
    assert fragment in err
