# ruff: noqa: S311
"""Seeded, bounded fuzzing of every loader, every command's options and every store path.

Junk is made from the real data files (mutated: values swapped for NaN, huge numbers, deep
nesting, wrong types, ID numbers) and from plain junk. Whatever the input:

* the API raises only :class:`~govservice_std.errors.GovServiceError` subclasses;
* the command line exits with a documented status (0, 1 or 2), prints no traceback;
* no full ID number appears in any message or output.

The case counts keep the whole file to a few seconds of CPU; ``GOVSERVICE_STD_FUZZ_SEED``
and ``GOVSERVICE_STD_FUZZ_CASES`` run other or more cases.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import sqlite3
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import tomli_w
from click.testing import CliRunner

import govservice_std
from govservice_std import GovServiceError
from govservice_std.calendar import CalendarDocument
from govservice_std.checks import check_locality
from govservice_std.cli import cli, main
from govservice_std.evaluation.assessment import Assessment
from govservice_std.evaluation.inspections import InspectionsDocument
from govservice_std.evaluation.overlays import CriteriaDocument
from govservice_std.evaluation.reviews import ReviewsDocument
from govservice_std.forms.spec import FormSpec
from govservice_std.halls import HallsDocument
from govservice_std.items import ItemsDocument
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.policy import QueuePolicyLayer
from govservice_std.queues.stores.sqlite import SQLiteStore
from govservice_std.serialization import Format, loads
from govservice_std.staffing.profile import DayProfile

from .plugins.datafolder import CountyPlugin
from .queues.conftest import START, make_hall, make_policy

SEED = int(os.environ.get("GOVSERVICE_STD_FUZZ_SEED", "20261207"))
SCALE = int(os.environ.get("GOVSERVICE_STD_FUZZ_CASES", "1"))

ID_NUMBER = "441324199003074517"
ID_SPACED = "441324 19900307 4517"
LEAKS = (ID_NUMBER, ID_SPACED, "13800138000")

DATA = Path(govservice_std.__file__).parents[2] / "plugins/longmen/src/govservice_longmen/data"
COUNTY = DATA / "441324"
FILES: dict[str, type[Any]] = {
    "halls.toml": HallsDocument,
    "items.toml": ItemsDocument,
    "queue.toml": QueuePolicyLayer,
    "criteria.toml": CriteriaDocument,
    "examples/calendar-example.toml": CalendarDocument,
    "staffing.toml": DayProfile,
    "forms/allowance.toml": FormSpec,
    "examples/assessment-441324116.toml": Assessment,
    "examples/reviews-441324116.toml": ReviewsDocument,
    "examples/inspections-441324116.toml": InspectionsDocument,
}

_JUNK_VALUES: tuple[Callable[[random.Random], Any], ...] = (
    lambda r: float("nan"),
    lambda r: float("inf"),
    lambda r: -float("inf"),
    lambda r: 1e308,
    lambda r: 1e-310,
    lambda r: 10 ** r.choice([20, 400]),
    lambda r: -1,
    lambda r: 0,
    lambda r: True,
    lambda r: "",
    lambda r: ID_NUMBER,
    lambda r: ID_SPACED,
    lambda r: "4413\u200b24199003074517",
    lambda r: "13800138000",
    lambda r: "(a+)+$",
    lambda r: "-" * 500 + "1",
    lambda r: "+".join(["."] * 300),
    lambda r: "\x00\ud7ff\ufeff",
    lambda r: [],
    lambda r: {},
    lambda r: [ID_NUMBER],
    lambda r: {ID_NUMBER: ID_NUMBER},
    lambda r: "2026-02-30",
    lambda r: "25:99",
)


def _mutate(data: Any, rng: random.Random, rate: float) -> Any:
    """``data`` with some values (and keys) swapped for junk, recursively."""
    if rng.random() < rate:
        return rng.choice(_JUNK_VALUES)(rng)
    if isinstance(data, dict):
        out = {k: _mutate(v, rng, rate) for k, v in data.items()}
        if rng.random() < rate:
            out[rng.choice([ID_NUMBER, "unknown_key", ""])] = rng.choice(_JUNK_VALUES)(rng)
        return out
    if isinstance(data, list):
        return [_mutate(v, rng, rate) for v in data]
    return data


def _render(data: Any, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, default=str)
    try:
        return tomli_w.dumps(data) if isinstance(data, dict) else json.dumps(data)
    except (TypeError, ValueError):
        return json.dumps(data, ensure_ascii=False, default=str)


def _raw_junk(rng: random.Random) -> str:
    return rng.choice(
        [
            "[" * 100_000,
            "a = " + "[" * 50_000,
            "x = " + "9" * 5000,
            '{"a": NaN, "b": Infinity}',
            "x = nan\ny = inf",
            "\x00\x01\x02" * 10,
            "a = { b = { c = { d = [[[[[[1]]]]]] } } }",
            f'id = "{ID_NUMBER}"\nnotes = "{ID_SPACED}"',
            "".join(rng.choice("[]{}=\"',.:x1\n ") for _ in range(200)),
        ]
    )


def _documents(rng: random.Random, count: int) -> Iterator[tuple[str, Format, type[Any]]]:
    names = sorted(FILES)
    for _ in range(count):
        name = rng.choice(names)
        model = FILES[name]
        fmt: Format = "toml" if rng.random() < 0.5 else "json"
        if rng.random() < 0.2:
            yield _raw_junk(rng), fmt, model
            continue
        data = tomllib.loads((COUNTY / name).read_text(encoding="utf-8"))
        yield _render(_mutate(data, rng, rng.choice([0.02, 0.1, 0.3])), fmt), fmt, model


def _assert_masked(text: str) -> None:
    for leak in LEAKS:
        assert leak not in text, f"unmasked {leak!r} in: {text[:300]!r}"


def _expect_library_error(call: Callable[[], object]) -> None:
    try:
        call()
    except GovServiceError as exc:
        _assert_masked(str(exc))
        _assert_masked(exc.localized("zh"))
        _assert_masked(exc.localized("en"))


# -- loaders -------------------------------------------------------------------------------


def test_every_loader_raises_only_library_errors() -> None:
    rng = random.Random(SEED)
    for text, fmt, model in _documents(rng, 300 * SCALE):
        _expect_library_error(lambda: loads(text, model, format=fmt, source=f"junk.{fmt}"))  # noqa: B023


def test_every_plugin_data_file_raises_only_library_errors(tmp_path: Path) -> None:
    rng = random.Random(SEED + 1)
    for case in range(25 * SCALE):
        folder = tmp_path / f"c{case}"
        shutil.copytree(COUNTY, folder, ignore=shutil.ignore_patterns("examples"))
        for name in rng.sample(sorted(n for n in FILES if "examples" not in n), 2):
            data = tomllib.loads((COUNTY / name).read_text(encoding="utf-8"))
            text = _render(_mutate(data, rng, 0.1), "toml")
            (folder / name).write_text(
                text if rng.random() < 0.8 else _raw_junk(rng), encoding="utf-8"
            )
        plugin = CountyPlugin(folder, code="441399")

        def run(plugin: CountyPlugin = plugin) -> None:
            problems = check_locality("441399", autoload=False, plugins=[plugin])
            for problem in problems:
                _assert_masked(str(problem))
            registry = govservice_std.load_registry(autoload=False, plugins=[plugin])
            _ = registry.resolve("441399").forms

        _expect_library_error(run)


# -- stores --------------------------------------------------------------------------------

_COLUMNS = ("type", "ticket", "at", "label", "line", "number", "day", "order_at", "grp", "win")
_SQL_JUNK = ("NULL", "'x'", "-1", "1e999", f"'{ID_NUMBER}'", "X'00ff'", "'2026-13-45'", "''")


def test_every_store_path_raises_only_store_errors(tmp_path: Path) -> None:
    rng = random.Random(SEED + 2)
    good = tmp_path / "good.db"
    store = SQLiteStore(good, "441324116", locality="441324", synchronous="OFF")
    engine = QueueEngine(make_hall(), make_policy(), clock=FixedClock(START), store=store)
    engine.open_window("W1")
    for line in "ABCAB":
        engine.issue(line)
    engine.call_next("W1")
    store.close()
    for case in range(60 * SCALE):
        db = tmp_path / f"d{case}.db"
        shutil.copy(good, db)
        con = sqlite3.connect(db)
        with contextlib.suppress(sqlite3.Error):
            for _ in range(rng.randint(1, 3)):
                column, value = rng.choice(_COLUMNS), rng.choice(_SQL_JUNK)
                seq = rng.randint(1, 9)
                con.execute(f"UPDATE events SET {column} = {value} WHERE seq = {seq}")  # noqa: S608
            if rng.random() < 0.1:
                con.execute(rng.choice(["DROP TABLE events", "DROP TABLE halls"]))
            con.commit()
        con.close()
        if rng.random() < 0.15:
            data = bytearray(db.read_bytes())
            for _ in range(20):
                data[rng.randrange(len(data))] = rng.randrange(256)
            db.write_bytes(bytes(data))

        def use(db: Path = db) -> None:
            opened = SQLiteStore(db, synchronous="OFF")
            try:
                engine = QueueEngine(
                    make_hall(), make_policy(), clock=FixedClock(START), store=opened
                )
                engine.issue("A")
                engine.call_next("W1")
                engine.kpis()
            finally:
                opened.close()

        _expect_library_error(use)


# -- the command line ----------------------------------------------------------------------

# Commands that serve until stopped have nothing to fuzz in-process (``serve token …`` is
# fuzzed like the rest).
_LONG_RUNNING = frozenset({("serve", "run")})
EXIT_STATUSES = frozenset({0, 1, 2})

_WORDS = (
    "441324",
    "441324116",
    "000000",
    "999999",
    ID_NUMBER,
    ID_SPACED,
    "",
    "A",
    "A01",
    "441324-0101-01",
    "x" * 300,
    "../..",
    "nan",
    "-1",
    "1e308",
    "2026-03-02",
    "2026-02-30",
    "9999-12-31",
    "postgresql://postgres@127.0.0.1:9/none",
)
_NUMBERS = ("0", "1", "-1", "3", "nan", "inf", "-inf", "1e308", "1e-320", "9" * 40, "x")


def _commands(
    group: click.Group, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in sorted(group.commands.items()):
        if (*path, name) in _LONG_RUNNING:
            continue
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


# Plausible values by parameter name: about half the cases get past the options and into
# the library, where the junk in the files and the other options is met.
_GOOD: dict[str, tuple[str, ...]] = {
    "locality": ("441324", "000000", "441300"),
    "hall": ("441324116",),
    "item_code": ("441324-MZ-005", "440000-RS-001"),
    "window": ("A01", "G01"),
    "line": ("A", "B"),
    "ticket": ("A001", "A002"),
    "appointment": (ID_NUMBER, "R-1"),
    "start": ("2026-03-02",),
    "working_days": ("5", "20"),
    "code": ("441399",),
    "name": ("测试县",),
}
_GOOD_FILES = {
    "application": "allowance-valid.json",
    "assessment": "examples-assessment-441324116.toml",
    "assessments": "examples-assessment-441324116.toml",
    "profile": "staffing.toml",
    "file": "examples-reviews-441324116.toml",
    "reviews": "examples-reviews-441324116.toml",
    "inspections": "examples-inspections-441324116.toml",
    "db": "queue.db",
    "queue_db": "queue.db",
}


def _good(param: click.Parameter, files: list[str]) -> str | None:
    name = param.name or ""
    if name in _GOOD:
        return _GOOD[name][0]
    wanted = _GOOD_FILES.get(name)
    if wanted is not None:
        return next((f for f in files if f.endswith(wanted)), None)
    return None


def _value(param: click.Parameter, rng: random.Random, files: list[str]) -> str:
    good = _good(param, files)
    if good is not None and rng.random() < 0.6:
        return good
    kind = param.type
    if isinstance(kind, click.Choice) and rng.random() < 0.7:
        return str(rng.choice(list(kind.choices)))
    if isinstance(kind, click.Path | click.File) or any(
        word in (param.name or "") for word in ("file", "db", "profile", "application", "html")
    ):
        return rng.choice(files)
    if kind.name in ("integer", "float", "number", "integer range", "float range"):
        return rng.choice(_NUMBERS)
    if isinstance(kind, click.DateTime):
        return rng.choice(("2026-03-02", "2026-02-30", "junk", "9999-12-31"))
    return rng.choice((*_WORDS, *files))


def _arguments(
    path: tuple[str, ...], command: click.Command, rng: random.Random, files: list[str]
) -> list[str]:
    args = ["--lang", rng.choice(["zh", "en"])]
    # The options of the groups on the way (``queue --db …``).
    group: click.Command = cli
    for name in path:
        assert isinstance(group, click.Group)
        group = group.commands[name]
        args.append(name)
        if isinstance(group, click.Group):
            for param in group.params:
                if (
                    isinstance(param, click.Option)
                    and not param.is_flag
                    and (param.required or rng.random() < 0.5)
                ):
                    args += [param.opts[0], _value(param, rng, files)]
    for param in command.params:
        if isinstance(param, click.Argument):
            args.append(_value(param, rng, files))
        elif isinstance(param, click.Option) and param.opts[0] not in ("--help", "-h"):
            if param.is_flag:
                if rng.random() < 0.3:
                    args.append(param.opts[0])
            elif param.required or rng.random() < 0.3:
                args += [param.opts[0], _value(param, rng, files)]
    if rng.random() < 0.05:
        args.append(rng.choice(["--bogus", "extra", "-h"]))
    return args


def _run_main(args: list[str]) -> tuple[int, str]:
    with CliRunner().isolation() as (out, err, *_):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        else:
            code = 0
        text = out.getvalue().decode("utf-8", "replace")
        text += (err.getvalue() if err is not None else b"").decode("utf-8", "replace")
    return code, text


def _file_pool(tmp_path: Path, rng: random.Random) -> list[str]:
    pool = tmp_path / "pool"
    pool.mkdir()
    files = [str(pool / "missing.toml"), str(pool)]
    for name in (*FILES, "forms/allowance.toml"):
        source = (COUNTY / name).read_text(encoding="utf-8")
        good = pool / name.replace("/", "-")
        good.write_text(source, encoding="utf-8")
        files.append(str(good))
        bad = pool / f"bad-{good.name}"
        bad.write_text(_render(_mutate(tomllib.loads(source), rng, 0.1), "toml"), encoding="utf-8")
        files.append(str(bad))
    # A copy: a command given it as an output file (an export, a workbook) writes there,
    # never over the test data.
    app = pool / "allowance-valid.json"
    shutil.copyfile(Path(__file__).parent / "data" / "allowance-valid.json", app)
    junk_app = pool / "app.json"
    junk_app.write_text(
        _render(_mutate(json.loads(app.read_text(encoding="utf-8")), rng, 0.3), "json"),
        encoding="utf-8",
    )
    files += [str(app), str(junk_app)]
    (pool / "deep.json").write_text("[" * 100_000, encoding="utf-8")
    (pool / "huge-number.json").write_text('{"a": ' + "9" * 5000 + "}", encoding="utf-8")
    files.append(str(pool / "huge-number.json"))
    (pool / "junk.db").write_bytes(bytes(range(256)) * 8)
    files += [str(pool / "deep.json"), str(pool / "junk.db")]
    return files


@pytest.mark.filterwarnings("ignore")
def test_every_command_exits_with_a_documented_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(SEED + 3)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVSTD_QUEUE_DB", raising=False)
    monkeypatch.delenv("GOVSTD_QUEUE_DB_URL", raising=False)
    files = _file_pool(tmp_path, rng)
    queue_db = str(tmp_path / "pool" / "queue.db")
    code, text = _run_main(["queue", "--db", queue_db, "open", "441324116"])
    assert code == 0, text
    files.append(queue_db)
    commands = list(_commands(cli))
    statuses: list[int] = []
    for _ in range(4 * SCALE):
        for path, command in commands:
            args = _arguments(path, command, rng, files)
            code, text = _run_main(args)
            assert code in EXIT_STATUSES, (args, code, text[-500:])
            assert "Traceback" not in text, (args, text[-2000:])
            _assert_masked(text)
            statuses.append(code)
    # The junk must not stop every case at the options: some commands run to the end.
    # (One in twelve: most queue commands name a ticket, window or slot that junk rarely
    # hits, and they are a third of the commands.)
    assert statuses.count(0) + statuses.count(1) >= len(statuses) // 12, statuses
