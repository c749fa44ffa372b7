from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from govservice_std import (
    CompiledForm,
    FormSpec,
    InvalidDataError,
    Locality,
    PluginError,
    compile_form,
    hookimpl,
    load_registry,
    loads,
)
from govservice_std.errors import PluginContractError
from govservice_std.forms import (
    CrossCheck,
    Field,
    check_id_card,
    check_mobile,
    check_uscc,
    mask_id,
    mask_ids,
)
from tests.form_strategies import id_numbers, junk
from tests.plugins.datafolder import CountyPlugin

FORM = """
id = "subsidy"
title = "测试补助申请表"
illustrative = true

[[fields]]
name = "applicant"
type = "group"
label = "申请人"
[[fields.fields]]
name = "name"
type = "text"
label = "姓名"
required = true
max_length = 20
[[fields.fields]]
name = "id_number"
type = "id_card"
label = "身份证号"
required = true
[[fields.fields]]
name = "phone"
type = "mobile"
label = "手机号码"
required = true
[[fields.fields]]
name = "born"
type = "date"
label = "出生日期"
constraint = ". <= today()"
constraint_message = "不能晚于今天"
constraint_message_en = "must not be in the future"

[[fields]]
name = "kind"
type = "choice"
label = "申请类别"
required = true
choices = [{ value = "elderly", label = "高龄" }, { value = "disabled", label = "残疾" }]

[[fields]]
name = "disability_no"
type = "text"
label = "残疾人证号"
relevant = "kind == 'disabled'"
required = true

[[fields]]
name = "amount"
type = "number"
label = "申请金额"
minimum = 0
maximum = 5000
constraint = ". <= 1000 or kind == 'disabled'"
constraint_message = "高龄补助不超过1000元"

[[fields]]
name = "org_code"
type = "uscc"
label = "代办机构信用代码"

[[fields]]
name = "village"
type = "division"
label = "所在村"
required_if = "age(applicant.id_number) >= 80"

[[fields]]
name = "needs"
type = "multi_choice"
label = "服务需求"
min_selected = 1
[[fields.choices]]
value = "meal"
label = "助餐"
[[fields.choices]]
value = "clean"
label = "助洁"
[[fields.choices]]
value = "med"
label = "助医"

[[fields]]
name = "members"
type = "repeat"
label = "家庭成员"
max_items = 5
[[fields.fields]]
name = "name"
type = "text"
label = "姓名"
required = true
[[fields.fields]]
name = "id_number"
type = "id_card"
label = "身份证号"
required = true
[[fields.fields]]
name = "relation"
type = "choice"
label = "关系"
required = true
choices = [{ value = "spouse", label = "配偶" }, { value = "child", label = "子女" }]
[[fields.fields]]
name = "school"
type = "text"
label = "就读学校"
relevant = "relation == 'child'"

[[fields]]
name = "proof"
type = "attachment"
label = "证明材料"
required_if = "count(members) > 0"

[[fields]]
name = "agree"
type = "boolean"
label = "承诺书"
required = true
constraint = ". == true"
constraint_message = "须同意承诺"
"""

TODAY = dt.date(2026, 6, 1)
ELDER_ID = "11010519491231002X"  # born 1949: 76 years old on TODAY


@pytest.fixture(scope="module")
def form() -> CompiledForm:
    return compile_form(loads(FORM, FormSpec, format="toml"))


def good() -> dict[str, Any]:
    return {
        "applicant": {
            "name": "张三",
            "id_number": ELDER_ID,
            "phone": "13800138000",
            "born": "1949-12-31",
        },
        "kind": "elderly",
        "amount": 800,
        "needs": ["meal"],
        "members": [
            {"name": "李四", "id_number": "110105195001010012", "relation": "spouse"},
        ],
        "proof": "att-0001",
        "agree": True,
    }


def codes(form: CompiledForm, data: object, **kw: Any) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in form.validate(data, today=TODAY, **kw).problems]


def test_valid_application(form: CompiledForm) -> None:
    assert codes(form, good()) == []
    assert form.is_valid(good(), today=TODAY)


def test_every_problem_at_once(form: CompiledForm) -> None:
    data = good()
    data["applicant"] = {
        "name": "x" * 30,
        "id_number": "110105194912310021",
        "phone": "123",
        "born": "2030-01-01",
    }
    data["kind"] = "other"
    data["amount"] = "800"
    data["members"] = [{"name": "", "id_number": 5, "relation": "child", "extra": 1}]
    data["needs"] = ["meal", "meal", "fly"]
    data["agree"] = False
    data["unknown"] = 1
    assert codes(form, data) == [
        ("applicant.name", "too_long"),
        ("applicant.id_number", "invalid_id_card"),
        ("applicant.phone", "invalid_mobile"),
        ("applicant.born", "constraint"),
        ("kind", "invalid_choice"),
        ("amount", "wrong_type"),
        ("needs[1]", "duplicate_choice"),
        ("needs[2]", "invalid_choice"),
        ("members[0].name", "required"),
        ("members[0].id_number", "wrong_type"),
        ("members[0].extra", "unknown_field"),
        ("agree", "constraint"),
        ("unknown", "unknown_field"),
    ]


def test_relevant_and_required_if(form: CompiledForm) -> None:
    data = good()
    data["kind"] = "disabled"
    assert codes(form, data) == [("disability_no", "required")]
    data["disability_no"] = "D123"
    data["amount"] = 3000  # the constraint allows more for disabled applicants
    assert codes(form, data) == []
    # Irrelevant fields are ignored whatever they hold.
    data = good()
    data["disability_no"] = 42
    assert codes(form, data) == []
    # 80 or older: the village is required.
    assert (
        codes(
            form,
            good(),
        )
        == []
    )
    assert codes(form, good()) == []
    older = good()
    older["applicant"]["id_number"] = "110105194001010018"
    assert ("village", "required") in codes(form, older)
    older["village"] = "441324116"
    assert codes(form, older) == []
    older["village"] = "44132411"
    assert codes(form, older) == [("village", "invalid_division")]


def test_repeat_rows_resolve_names_in_the_row(form: CompiledForm) -> None:
    data = good()
    data["members"].append(
        {
            "name": "王五",
            "id_number": "110105201001010010",
            "relation": "child",
            "school": "龙门中学",
        }
    )
    assert codes(form, data) == []
    data["members"] = []
    data.pop("proof")
    assert codes(form, data) == []
    data["members"] = [good()["members"][0]] * 6
    assert codes(form, data) == [("members", "too_many"), ("proof", "required")] or codes(
        form, data
    )[0] == ("members", "too_many")


def test_constraint_and_bounds(form: CompiledForm) -> None:
    data = good()
    data["amount"] = 1200
    assert codes(form, data) == [("amount", "constraint")]
    data["amount"] = -1
    assert codes(form, data) == [("amount", "too_small")]
    data["amount"] = float("nan")
    assert codes(form, data) == [("amount", "wrong_type")]
    data["amount"] = True
    assert codes(form, data) == [("amount", "wrong_type")]


def test_messages_in_chinese_and_english(form: CompiledForm) -> None:
    data = good()
    del data["kind"]
    zh = form.validate(data, today=TODAY).problems[0].message
    en = form.validate(data, today=TODAY, lang="en").problems[0].message
    assert zh == "「申请类别」为必填项"
    assert en == '"kind" is required'
    data = good()
    data["amount"] = 1200
    assert (
        form.validate(data, today=TODAY).problems[0].message == "「申请金额」高龄补助不超过1000元"
    )


def test_non_object_application(form: CompiledForm) -> None:
    result = form.validate([1, 2], today=TODAY)
    assert [(p.path, p.code, p.message) for p in result.problems] == [
        ("", "not_an_object", "「申请表」应为一组字段")
    ]
    assert result.to_dict()["valid"] is False


def test_ids_are_masked_in_messages(form: CompiledForm) -> None:
    data = good()
    data["applicant"]["id_number"] = "441324199001011239"
    data["kind"] = "441324199001011234"
    text = json.dumps(form.validate(data, today=TODAY).to_dict(), ensure_ascii=False)
    assert "4413**********1239" in text
    assert "441324199001011239" not in text
    assert "441324199001011234" not in text


_ID_RUN = re.compile(r"\d{15,}")


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200, deadline=None)
@given(data=junk(), lang=st.sampled_from(["zh", "en"]))
def test_junk_never_crashes_and_ids_are_masked(
    form: CompiledForm, data: Any, lang: Literal["zh", "en"]
) -> None:
    result = form.validate(data, lang=lang, today=TODAY)
    for problem in result.problems:
        assert not _ID_RUN.search(problem.path)
        assert not _ID_RUN.search(problem.message)
    assert result.valid == form.is_valid(data, today=TODAY)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=100, deadline=None)
@given(number=id_numbers(), junk_data=junk())
def test_junk_inside_a_good_application(form: CompiledForm, number: str, junk_data: Any) -> None:
    for key in ("applicant", "members", "kind", "needs", "amount"):
        data = good()
        data[key] = junk_data
        data[number] = number
        text = json.dumps(form.validate(data, today=TODAY).to_dict(), ensure_ascii=False)
        assert number not in text
        assert mask_id(number) in text


@given(number=id_numbers())
def test_generated_ids_are_valid(number: str) -> None:
    assert check_id_card(number) is None


def test_identifier_checks() -> None:
    assert check_id_card("11010519491231002x".upper()) is None
    assert check_id_card("110105194913310021") == "birth_date"
    assert check_id_card("000000194912310023") in ("area", "checksum")
    assert check_id_card("abc") == "format"
    assert check_uscc("91110000600037341L") is None
    assert check_uscc("Y10000000000000011") is None
    assert check_uscc("Y10000000000000012") == "checksum"
    assert check_uscc("91110000600037341I") == "format"
    assert check_mobile("+8613800138000") is None
    assert check_mobile("12800138000") == "format"
    assert mask_ids("a 123456789012345678901234567890 b") == "a 1234**********************7890 b"


# Digits that are not ASCII look like digits to str.isdigit ("٣", "８", "²") and to \d ("٣", "８"),
# not to [0-9].
_NUMBERISH = "0123456789+xX ٣８²"


@settings(max_examples=500)
@given(
    value=st.one_of(
        st.text(alphabet=_NUMBERISH, max_size=16),
        st.builds(
            lambda head, first, second, rest: head + first + second + rest,
            st.sampled_from(["", "", "86", "+86", "+8"]),
            st.sampled_from("1112٣"),
            st.sampled_from("0123456789٣"),
            st.one_of(
                st.text(alphabet="0123456789", min_size=9, max_size=9),
                st.text(alphabet="0123456789²٣", min_size=9, max_size=9),
                st.text(alphabet=_NUMBERISH, min_size=8, max_size=10),
            ),
        ),
    )
)
def test_mobile_check_is_the_pattern(value: str) -> None:
    expected = None if re.fullmatch(r"(?:\+?86)?1[3-9]\d{9}", value) else "format"
    assert check_mobile(value) == expected


@given(
    value=st.one_of(
        st.text(alphabet=_NUMBERISH, min_size=17, max_size=19),
        st.builds(
            lambda number, at, char: number[:at] + char + number[at + 1 :],
            id_numbers(),
            st.integers(min_value=0, max_value=17),
            st.sampled_from(_NUMBERISH),
        ),
        id_numbers().map(lambda number: number[:17] + "x" if number[17] == "X" else number),
    )
)
def test_id_card_layout_and_check_character(value: str) -> None:
    got = check_id_card(value)
    if not re.fullmatch(r"[0-9]{17}[0-9Xx]", value):
        assert got == "format"
    elif ric.calc_check_digit(value) != value[17].upper():
        assert got == "checksum"
    else:
        assert got in (None, "birth_date", "area")


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ('relevant = "nosuch == 1"', "fields[0].relevant: unknown field 'nosuch'"),
        ('relevant = "kind =="', "fields[0].relevant: unexpected 'the end'"),
        ('relevant = "kind == 1 +"', "fields[0].relevant"),
        ('relevant = "frob(kind)"', "unknown function 'frob'"),
    ],
)
def test_bad_rules_are_reported_with_paths(patch: str, message: str) -> None:
    text = f"""
id = "bad"
title = "坏表单"
[[fields]]
name = "x"
type = "text"
label = "X"
{patch}
[[fields]]
name = "kind"
type = "text"
label = "K"
"""
    with pytest.raises(InvalidDataError, match=re.escape(message)):
        compile_form(loads(text, FormSpec, format="toml"), source="bad.toml")


@pytest.mark.parametrize("word", ["in", "and", "null"])
def test_a_field_named_after_a_word_of_the_rule_language_is_refused(word: str) -> None:
    text = f'id="a"\ntitle="t"\n[[fields]]\nname="{word}"\ntype="text"\nlabel="X"\n'
    with pytest.raises(InvalidDataError) as raised:
        loads(text, FormSpec, format="toml")
    assert "fields[0].name" in str(raised.value)
    assert f"'{word}' is a word of the rule language" in str(raised.value)


def test_spec_errors() -> None:
    with pytest.raises(InvalidDataError, match="choices"):
        loads(
            'id="a"\ntitle="t"\n[[fields]]\nname="c"\ntype="choice"\nlabel="C"\n',
            FormSpec,
            format="toml",
        )
    with pytest.raises(InvalidDataError, match="does not apply"):
        loads(
            'id="a"\ntitle="t"\n[[fields]]\nname="c"\ntype="date"\nlabel="C"\nminimum=1\n',
            FormSpec,
            format="toml",
        )


# [docs-hook-form-checks-start]
def _local_only(app: Mapping[str, Any]) -> Iterator[tuple[str, str, str, str]]:
    number = app.get("applicant", {}).get("id_number", "")
    if not number.startswith("441324"):
        yield ("applicant.id_number", "not_local", f"须为本县户籍：{number}", "must be local")


class ChecksPlugin(CountyPlugin):
    def __init__(self, data: Path, form: str = "subsidy") -> None:
        super().__init__(data, code="441399")
        self.form = form

    @hookimpl
    def govservice_form_checks(self, locality: Locality) -> Sequence[CrossCheck]:
        assert str(locality.code) == "441399"
        return [CrossCheck(form=self.form, check=_local_only, name="local")]
        # [docs-hook-form-checks-end]


def _layer(tmp_path: Path) -> Path:
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "subsidy.toml").write_text(FORM, encoding="utf-8")
    return tmp_path


# [docs-test-form-checks-start]
def test_hook_govservice_form_checks(tmp_path: Path) -> None:
    registry = load_registry(plugins=[ChecksPlugin(_layer(tmp_path))])
    library = registry.resolve("441399").forms
    assert registry.resolve("441399").forms is library
    form = library.get("subsidy")
    assert library.provenance["subsidy"].plugin == "testcounty"
    result = form.validate(good(), today=TODAY)
    assert [(p.path, p.code) for p in result.problems] == [("applicant.id_number", "not_local")]
    assert "1101**********002X" in result.problems[0].message
    assert form.validate(good(), today=TODAY, lang="en").problems[0].message == "must be local"
    # Cross-field checks do not run on applications with field problems.
    bad = good()
    del bad["kind"]
    assert [p.code for p in form.validate(bad, today=TODAY).problems] == ["required"]
    # [docs-test-form-checks-end]


def test_check_for_unknown_form_names_the_plugin(tmp_path: Path) -> None:
    registry = load_registry(plugins=[ChecksPlugin(_layer(tmp_path), form="nope")])
    with pytest.raises(PluginContractError, match=r"testcounty.*govservice_form_checks.*'nope'"):
        _ = registry.resolve("441399").forms


def test_failing_check_is_a_plugin_error(tmp_path: Path) -> None:
    def broken(app: Mapping[str, Any]) -> list[tuple[str, str, str, str]]:
        raise RuntimeError("boom")

    class Broken(CountyPlugin):
        @hookimpl
        def govservice_form_checks(self) -> Sequence[CrossCheck]:
            return [CrossCheck(form="subsidy", check=broken)]

    registry = load_registry(plugins=[Broken(_layer(tmp_path), code="441399")])
    with pytest.raises(PluginError, match="testcounty"):
        registry.resolve("441399").forms.get("subsidy").validate(good(), today=TODAY)


def test_form_file_name_must_match_id(tmp_path: Path) -> None:
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "other.toml").write_text(FORM, encoding="utf-8")
    registry = load_registry(plugins=[CountyPlugin(tmp_path, code="441399")])
    with pytest.raises(InvalidDataError, match=r"other.toml \(plugin testcounty\).*file name"):
        _ = registry.resolve("441399").forms


def test_a_layer_replaces_a_parent_form(tmp_path: Path) -> None:
    (tmp_path / "forms").mkdir()
    local = FORM.replace('id = "subsidy"', 'id = "insurance-enrolment"')
    (tmp_path / "forms" / "insurance-enrolment.toml").write_text(local, encoding="utf-8")
    registry = load_registry(plugins=[CountyPlugin(tmp_path, code="441399")])
    mine = registry.resolve("441399").forms
    city = registry.resolve("441300").forms
    assert mine.provenance["insurance-enrolment"].plugin == "testcounty"
    assert city.provenance["insurance-enrolment"].plugin == "guangdong"
    assert mine.get("insurance-enrolment").spec.title == "测试补助申请表"


def test_long_keys_and_values_are_masked_before_they_are_cut(form: CompiledForm) -> None:
    number = "441324199001011239"
    for offset in range(0, 45, 3):
        data = good()
        data["x" * offset + number] = 1
        data["kind"] = "y" * offset + number
        text = json.dumps(form.validate(data, today=TODAY).to_dict(), ensure_ascii=False)
        assert not re.search(r"\d{9,}", text), (offset, text)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"b": True, "n": 5}, []),
        ({"b": 5, "n": 5}, [("b", "wrong_type")]),
        ({"b": False, "n": 11}, [("n", "too_large")]),
        ({"b": True, "n": -1}, [("n", "too_small")]),
        ({"b": True, "n": True}, [("n", "wrong_type")]),
        ({"b": True, "n": 2.5}, [("n", "not_integer")]),
        ({"b": None, "n": float("inf")}, [("b", "required"), ("n", "wrong_type")]),
        ({"b": "", "n": ""}, [("b", "required")]),
        ({"b": [], "n": "5"}, [("b", "required"), ("n", "wrong_type")]),
    ],
)
def test_numbers_and_booleans(data: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    form = compile_form(
        FormSpec(
            id="t",
            title="t",
            fields=[
                Field(name="b", type="boolean", label="B", required=True),
                Field(name="n", type="number", label="N", minimum=0, maximum=10, integer=True),
            ],
        )
    )
    assert [(p.path, p.code) for p in form.validate(data).problems] == expected


def _with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def test_elderly_citizens_keep_the_area_code_their_number_was_issued_with(tmp_path: Path) -> None:
    # 龙门县 has been 441324 since 1988 (440124 before); a resident born in 1940 holds a
    # 441324… number, and is exactly the beneficiary of the county's 高龄津贴.
    elderly = "441324194003011230"
    assert check_id_card(elderly) is None
    assert check_id_card(_with_check_digit("44012419400301123")) is None
    assert check_id_card(_with_check_digit("99999919400301123")) == "area"
    data = json.loads(
        (Path(__file__).parent / "data/allowance-valid.json").read_text(encoding="utf-8")
    )
    data["beneficiary"]["id_number"] = elderly
    from click.testing import CliRunner

    from govservice_std.cli import cli

    application = tmp_path / "elderly.json"
    application.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["validate", "441324", "441324-MZ-005", str(application), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"valid": True, "version": "1", "problems": []}


@settings(max_examples=40)
@given(
    area=st.sampled_from(["441324", "440124", "110105", "441302", "440100"]),
    born=st.dates(dt.date(1900, 1, 1), dt.date(2026, 6, 1)),
    seq=st.integers(0, 999),
)
def test_any_area_code_that_ever_existed_is_valid_whatever_the_birth_year(
    area: str, born: dt.date, seq: int
) -> None:
    number = _with_check_digit(f"{area}{born:%Y%m%d}{seq:03d}")
    assert check_id_card(number, today=dt.date(2026, 6, 1)) is None


@settings(max_examples=25)
@given(days=st.integers(1, 3650))
def test_a_birth_date_in_the_future_is_invalid(days: int) -> None:
    today = dt.date(2026, 6, 1)
    born = today + dt.timedelta(days=days)
    number = _with_check_digit(f"441324{born:%Y%m%d}123")
    assert check_id_card(number, today=today) == "birth_date"
    assert check_id_card(_with_check_digit(f"441324{today:%Y%m%d}123"), today=today) is None
