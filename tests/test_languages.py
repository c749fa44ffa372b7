"""One language per run: every command and report, in both languages.

Under ``--lang en`` no Chinese label may appear (data values aside: hall names, criterion
titles, notes of the input files); under the Chinese default no English label (the English
words of any message the catalog translates) may appear.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from govservice_std.cli import cli
from govservice_std.i18n import LOCALE_DIR, gettext, language, ngettext
from govservice_std.items import NATIONAL_ITEM_TYPES
from tests.evaluation.test_cli_evaluation import ASSESSMENT, INSPECTIONS, REVIEWS
from tests.languages import CJK, cjk_leaks, english_labels, english_leaks, formats_of, html_text

EXAMPLE_FILES = [Path(ASSESSMENT), Path(INSPECTIONS), Path(REVIEWS)]
EXAMPLE_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in EXAMPLE_FILES)
# The national item-type table's names (行政许可 …) are official names: data, not labels.
EXAMPLE_TEXT += "\n".join(NATIONAL_ITEM_TYPES.values())


def govstd(lang: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--lang", lang, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def check(lang: str, text: str, *data: str) -> None:
    if lang == "en":
        assert cjk_leaks(text, (EXAMPLE_TEXT, *data)) == []
    else:
        assert english_leaks(text) == []


def _queue_day(db: Path, lang: str) -> list[str]:
    at = "2026-03-02T08:3{}"
    steps = [("open", "441324"), ("issue", "A"), ("call", "A01"), ("start", "A001"),
             ("finish", "A001", "--outcome", "completed"), ("issue", "A"), ("status",),
             ("kpis",), ("close-day",)]  # fmt: skip
    out = []
    for minute, step in enumerate(steps):
        args = ["queue", "--db", str(db), "--at", at.format(minute), *step]
        result = CliRunner().invoke(cli, ["--lang", lang, *args], catch_exceptions=False)
        out.append(result.output)
    return out


COMMANDS = {
    "evaluate": ["evaluate", "441324", ASSESSMENT, "--inspections", INSPECTIONS,
                 "--reviews", REVIEWS],
    "evaluate-all": ["evaluate-all", "441324", ASSESSMENT],
    "standard": ["standard", "441324"],
    "reviews": ["reviews", REVIEWS, "--locality", "441324", "--today", "2026-11-20"],
    "inspections": ["inspections", INSPECTIONS, "--locality", "441324",
                    "--today", "2026-11-20"],
    "staffing erlang": ["staffing", "erlang", "--arrivals-per-hour", "40",
                        "--service-minutes", "6", "--windows", "5", "--target-minutes", "10",
                        "--target-level", "0.8"],
    "staffing plan": ["staffing", "plan", "441324", "--replications", "2"],
    "localities": ["localities"],
    "halls": ["halls", "441324"],
    "catalog": ["catalog", "441324"],
    "item": ["item", "441324", "441324-MZ-005"],
    "item checklist": ["item", "441324", "441324-SJ-001", "--checklist"],
    "form": ["form", "441324", "441324-MZ-005"],
    "deadline": ["deadline", "441324", "--start", "2026-02-13", "--working-days", "20"],
}  # fmt: skip
WITH_JSON = {"evaluate", "standard", "reviews", "staffing plan", "localities", "halls",
             "catalog", "item", "item checklist", "form"}  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_speaks_one_language(command: str, lang: str) -> None:
    args = COMMANDS[command]
    data = ""
    if command in WITH_JSON:
        data = govstd(lang, *args, "--json")  # its data values are allowed as they are
    check(lang, govstd(lang, *args), data)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_reports_speak_one_language(tmp_path: Path, lang: str) -> None:
    scorecard, batch, plan = (tmp_path / f"{n}.html" for n in ("scorecard", "batch", "plan"))
    govstd(lang, *COMMANDS["evaluate"], "--html", str(scorecard))
    govstd(lang, *COMMANDS["evaluate-all"], "--html", str(batch))
    govstd(lang, *COMMANDS["staffing plan"], "--html", str(plan))
    html_lang = {"zh": "zh-CN", "en": "en"}[lang]
    data = govstd(lang, *COMMANDS["evaluate"], "--json")
    for page in (scorecard, batch, plan):
        source = page.read_text(encoding="utf-8")
        assert f'<html lang="{html_lang}">' in source
        check(lang, html_text(source), data)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_queue_commands_speak_one_language(tmp_path: Path, lang: str) -> None:
    for out in _queue_day(tmp_path / "hall.db", lang):
        check(lang, out)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "args",
    [[], ["evaluate"], ["evaluate-all"], ["queue"], ["queue", "--db", "x.db", "kpis"],
     ["staffing", "plan"], ["queue-db"], ["catalog"], ["item"], ["deadline"], ["new-plugin"],
     ["standard"], ["reviews"], ["inspections"], ["case"], ["case", "--db", "x.db", "kpis"],
     ["case", "--db", "x.db", "review"], ["case", "--db", "x.db", "show"]],
    ids=" ".join,
)  # fmt: skip
def test_help_speaks_one_language(args: list[str], lang: str) -> None:
    out = govstd(lang, *args, "--help")
    check(lang, out)
    assert ("用法：" if lang == "zh" else "Usage:") in out
    if lang == "en":
        assert CJK.findall(out) == []  # help shows no data: not one Chinese character


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_case_commands_speak_one_language(tmp_path: Path, lang: str) -> None:
    from govservice_std.cases.exchange import records_text
    from tests.cases.test_cli import _cases
    from tests.test_cli_hardening import run_main

    db, source = tmp_path / "cases.db", tmp_path / "platform.jsonl"
    source.write_text(records_text(_cases(2, 1), "jsonl"), encoding="utf-8")
    records = source.read_text(encoding="utf-8")
    case = ["case", "--db", str(db), "--at", "2026-03-25T10:00"]
    check(lang, govstd(lang, *case, "import", str(source)), records)
    check(lang, govstd(lang, *case, "kpis"), records)
    check(lang, govstd(lang, *case, "kpis", "--by", "month"), records)
    check(lang, govstd(lang, *case, "list"), records)
    shown = govstd(lang, *case, "show", "P-0000", "--json")
    check(lang, govstd(lang, *case, "show", "P-0000"), records, shown)
    # Two cases: too few to score on-time completion, worded in the language of the run.
    card = govstd(lang, "evaluate", "441324", ASSESSMENT, "--cases-db", str(db))
    check(lang, card, records)
    assert ("数据不足：样本 3，少于 30" if lang == "zh" else "insufficient data: sample 3") in card
    code, _out, err = run_main("--lang", lang, *case, "show", "P-9999")
    assert code == 2
    check(lang, err, records)


def test_help_is_chinese_by_default() -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["--help"], env={"GOVSERVICE_STD_LANG": ""}).output
    assert out.startswith("用法：")
    assert "选项" in out
    assert "命令" in out
    assert "Show this message and exit." not in out
    english = runner.invoke(cli, ["--help"], env={"GOVSERVICE_STD_LANG": "en"}).output
    assert english.startswith("Usage:")
    assert cjk_leaks(english, ()) == []
    # The language of one run does not stay for the next.
    assert runner.invoke(cli, ["--lang", "en", "standard", "--help"]).output.startswith("Usage:")
    assert runner.invoke(cli, ["standard", "--help"]).output.startswith("用法：")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_clicks_own_errors_speak_one_language(lang: str) -> None:
    for args in (["evaluate"], ["standard", "441324", "--tier", "city"], ["nonsense"]):
        result = CliRunner().invoke(cli, ["--lang", lang, *args])
        assert result.exit_code == 2
        check(lang, result.output)
        assert ("错误：" if lang == "zh" else "Error:") in result.output


def test_the_catalog_is_complete_and_compiled() -> None:
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    po = LOCALE_DIR / "zh_CN/LC_MESSAGES/govservice_std.po"
    with po.open("rb") as handle:
        source = read_po(handle)
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = read_mo(handle)
    untranslated = [m.id for m in source if m.id and not all(_forms(m.string))]
    assert untranslated == []
    assert {_forms(m.id): _forms(m.string) for m in source if m.id} == {
        _forms(m.id): _forms(m.string) for m in compiled if m.id
    }, "the .mo file is older than the .po file: run make messages"
    for message in source:
        if not message.id:
            continue
        ids = _forms(message.id)
        for text in _forms(message.string):
            assert formats_of(text) <= set().union(*map(formats_of, ids)), message.id
    assert len(english_labels()) > 100  # the leak check has words to look for


def _forms(value: object) -> tuple[str, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(str(v) for v in value)
    return (str(value),)


@given(st.integers(min_value=0, max_value=10_000))
def test_plural_forms_format_in_both_languages(n: int) -> None:
    for lang in ("zh", "en"):
        text = ngettext("{n} ticket", "{n} tickets", n, lang).format(n=n)
        assert str(n) in text
    with language("en"):
        assert ngettext("{n} ticket", "{n} tickets", n).endswith("ticket" if n == 1 else "tickets")
    assert gettext("Usage:", "zh") == "用法："


def test_reading_the_json_keeps_the_data_values() -> None:
    card = json.loads(govstd("en", *COMMANDS["evaluate"], "--json"))
    assert card["criteria"][0]["title"]  # data, in Chinese, whatever the language
