"""The govstd command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from govservice_std import __version__
from govservice_std.cli import cli
from govservice_std.plugins import AUTOLOAD_ENV

from .plugins.distributions import write_distribution


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govservice_std", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="govstd", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0
    assert out.strip() == f"govstd, version {__version__}"


def test_localities_json_shows_the_chain() -> None:
    code, out, _ = invoke("localities", "--json")
    assert code == 0
    rows = {row["code"]: row for row in json.loads(out)}
    assert rows["000000"]["parent"] is None
    assert (rows["440000"]["parent"], rows["440000"]["level"]) == ("000000", "province")
    assert (rows["441300"]["parent"], rows["441300"]["level"]) == ("440000", "city")
    assert (rows["441324"]["parent"], rows["441324"]["level"]) == ("441300", "county")
    assert rows["441324"]["plugin"] == "longmen"
    assert rows["441324"]["distribution"] == "govservice-std-longmen"
    assert rows["441324"]["name"] == "龙门县"


def test_localities_tree() -> None:
    code, out, _ = invoke("localities")
    assert code == 0
    assert "全国 (000000)" in out
    assert "龙门县 (441324)" in out
    assert "longmen (govservice-std-longmen" in out


def test_halls_json_lists_all_three_tiers() -> None:
    code, out, _ = invoke("halls", "441324", "--json")
    assert code == 0
    rows = json.loads(out)
    tiers = [row["tier"] for row in rows]
    assert tiers.count("county") == 1
    assert tiers.count("town") == 12
    assert tiers.count("village") >= 1
    for row in rows:
        assert {"code", "name", "tier", "division", "layer", "plugin"} <= set(row)
    assert any(row["name"] == "龙潭镇下埔村便民服务站" for row in rows)


@pytest.mark.parametrize("tier", ["county", "town", "village"])
def test_halls_filtered_by_tier(tier: str) -> None:
    code, out, _ = invoke("halls", "441324", "--tier", tier, "--json")
    assert code == 0
    assert {row["tier"] for row in json.loads(out)} == {tier}


def test_halls_table() -> None:
    code, out, _ = invoke("halls", "441324", "--tier", "village")
    assert code == 0
    assert "龙潭镇下埔村便民服务站" in out


def test_unknown_locality_exits_2_with_one_line() -> None:
    zh = run("halls", "999999")
    assert zh.returncode == 2
    assert zh.stderr.startswith("govstd: 错误：未知的地区代码 999999（已安装：000000、")
    result = run("--lang", "en", "halls", "999999")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("govstd: error: unknown locality '999999'")
    assert "Traceback" not in result.stderr


def test_usage_error_exits_2() -> None:
    result = run("halls", "441324", "--tier", "hamlet")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_no_autoload_and_block_options() -> None:
    code, out, _ = invoke("--no-autoload", "localities", "--json")
    assert code == 0
    assert [row["code"] for row in json.loads(out)] == ["000000"]
    code, out, _ = invoke("--block", "longmen", "localities", "--json")
    assert code == 0
    assert "441324" not in [row["code"] for row in json.loads(out)]


def test_broken_plugin_names_itself_without_traceback(tmp_path: Path) -> None:
    root = write_distribution(
        tmp_path,
        dist="govservice-std-broken",
        version="0.0.1",
        entry_name="broken",
        module="broken_locality",
        source="import does_not_exist\n",
    )
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}
    result = run("--lang", "en", "localities", env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "govstd: error: plugin 'broken' (distribution govservice-std-broken 0.0.1): "
        "cannot import 'broken_locality': ModuleNotFoundError"
    )
    assert "Traceback" not in result.stderr
    # Blocking the broken plugin lets the rest work.
    blocked = run("--block", "broken", "localities", "--json", env=env)
    assert blocked.returncode == 0
    disabled = run("localities", "--json", env={**env, AUTOLOAD_ENV: "1"})
    assert [row["code"] for row in json.loads(disabled.stdout)] == ["000000"]


def test_an_interrupted_command_says_so_in_the_chosen_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from govservice_std.cli import main
    from govservice_std.cli._base import State

    def interrupted(self: State) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(State, "registry", property(interrupted))
    for args, message in (
        (["halls", "441324"], "govstd: 已中断"),
        (["--lang", "en", "halls", "441324"], "govstd: interrupted"),
    ):
        with pytest.raises(SystemExit) as info:
            main(args)
        assert info.value.code == 130
        err = capsys.readouterr().err
        assert err.strip() == message
        assert "错误" not in err
        assert "error" not in err
