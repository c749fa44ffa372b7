"""The README's Python example runs as written."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_python_blocks_in_the_readme_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "the README has a Python example"
    out = io.StringIO()
    for block in blocks:
        with contextlib.redirect_stdout(out):
            exec(compile(block, str(README), "exec"), {})  # noqa: S102 - our own README
    printed = out.getvalue()
    assert "('000000', '440000', '441300', '441324')" in printed
    assert "龙潭镇便民服务中心" in printed


ROOT = README.parent
EXAMPLES = "plugins/longmen/src/govservice_longmen/data/441324/examples"


def _shell_lines() -> list[str]:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [line for block in blocks for line in block.splitlines()]


def test_the_readme_says_how_to_reach_the_installed_command() -> None:
    text = README.read_text(encoding="utf-8")
    assert ".venv/bin/govstd halls 441324" in text
    assert ". .venv/bin/activate" in text


def test_every_command_and_option_the_readme_names_exists() -> None:
    from click.testing import CliRunner

    from govservice_std.cli import cli

    named = {m for line in _shell_lines() for m in re.findall(r"govstd ([a-z][a-z-]+)", line)}
    assert {"queue", "queue-db", "inspections", "reviews", "evaluate", "validate"} <= named
    for command in sorted(named):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0, (command, result.output)
    evaluate_help = CliRunner().invoke(cli, ["evaluate", "--help"]).output
    text = README.read_text(encoding="utf-8")
    for option in ("--reviews", "--inspections", "--queue-db", "--day"):
        assert option in evaluate_help
        assert option in text


def test_the_example_files_the_readme_points_to_exist_and_work() -> None:
    from click.testing import CliRunner

    from govservice_std.cli import cli

    text = README.read_text(encoding="utf-8")
    assert EXAMPLES in text
    named = set(re.findall(r"\$EX/([\w.-]+)", text))
    assert named >= {"application-441324-MZ-005.json", "application-441324-MZ-005-invalid.json"}
    for name in named:
        assert (ROOT / EXAMPLES / name).is_file(), name
    run = CliRunner().invoke
    app = ROOT / EXAMPLES / "application-441324-MZ-005.json"
    bad = ROOT / EXAMPLES / "application-441324-MZ-005-invalid.json"
    assert run(cli, ["validate", "441324", "441324-MZ-005", str(app)]).exit_code == 0
    invalid = run(cli, ["validate", "441324", "441324-MZ-005", str(bad), "--json"])
    assert invalid.exit_code == 1
    assert len(json.loads(invalid.output)["problems"]) >= 3


def _make_dry_run(target: str, tmp_path: Path) -> str:
    import shutil
    import subprocess

    make = shutil.which("make")
    assert make is not None
    result = subprocess.run(
        [make, "-n", target, f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_make_demo_installs_only_what_it_runs(tmp_path: Path) -> None:
    demo = _make_dry_run("demo", tmp_path)
    assert "pip install" in demo
    assert "--group" not in demo  # no dev tools
    assert "govstd evaluate 441324" in demo
    test = _make_dry_run("test", tmp_path)
    assert "--group dev" in test  # the test suite still gets the full dev environment
    assert "pytest" in test
