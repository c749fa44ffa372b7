"""The form language's derived values, defaults, cascades, counts, times, languages, version."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govservice_std as gs
from govservice_std import FormSpec, compile_form, dumps, load_registry, loads
from govservice_std.checks import check_locality
from govservice_std.errors import FieldValueError, InvalidDataError
from govservice_std.forms import Choice, Field
from tests.form_strategies import form_specs, id_numbers, junk
from tests.test_authoring import _generated_county

TODAY = dt.date(2026, 6, 1)
OLD = "441324195003011235"  # born 1950-03-01: 76 on TODAY
YOUNG = "441324197005064567"  # born 1970-05-06: 56 on TODAY


@pytest.fixture(scope="module")
def library() -> gs.FormLibrary:
    return load_registry().resolve("441324").forms


def _elderly(**changes: Any) -> dict[str, Any]:
    app: dict[str, Any] = {
        "applicant": {
            "name": "张三",
            "id_number": OLD,
            "phone": "13800138000",
            "address": "龙门县龙华镇龙石头村（示例地址）",
            "town": "441324118",
            "village": "441324118201",
        },
        "holder_id": OLD,
        "photo": "att-0001",
        "agree": True,
    }
    for key, value in changes.items():
        if key.startswith("applicant_"):
            app["applicant"][key.removeprefix("applicant_")] = value
        else:
            app[key] = value
    return app


# -- the reference form: a calculated age and a town → village cascade ----------------------


def test_calculated_age_and_cascade_validate_as_specified(library: gs.FormLibrary) -> None:
    form = library.get("elderly-card")
    assert form.validate(_elderly(), today=TODAY).valid
    assert form.calculate(_elderly(), today=TODAY) == {"holder_age": 76}
    # Under 60: the calculated age breaks its constraint, reported at the age.
    young = form.validate(_elderly(holder_id=YOUNG), today=TODAY, lang="en")
    assert [(p.path, p.code, p.message) for p in young.problems] == [
        ("holder_age", "constraint", '"holder\'s age" the holder must be 60 or older')
    ]
    # A village of another town is not offered; an unknown code is no option at all.
    wrong_town = form.validate(_elderly(applicant_town="441324116"), today=TODAY)
    assert [(p.path, p.code) for p in wrong_town.problems] == [
        ("applicant.village", "filtered_choice")
    ]
    unknown = form.validate(_elderly(applicant_village="441324118202"), today=TODAY)
    assert [(p.path, p.code) for p in unknown.problems] == [("applicant.village", "invalid_choice")]
    # The age is the form's to calculate: a value typed in must agree.
    typed = form.validate(_elderly(holder_age=80), today=TODAY)
    assert [(p.path, p.code, p.message) for p in typed.problems] == [
        ("holder_age", "calculated", "「持证人年龄」由表单计算得出，应为 76")
    ]
    assert form.validate(_elderly(holder_age=76.0), today=TODAY).valid


def test_the_cascade_offers_the_villages_of_the_town_chosen(library: gs.FormLibrary) -> None:
    form = library.get("elderly-card")
    everything = form.options("applicant.village")
    assert {c.value for c in everything} == {"441324116999", "441324118201"}
    offered = form.options("applicant.village", _elderly())
    assert [(c.value, c.label) for c in offered] == [("441324118201", "龙石头村民委员会")]
    assert form.options("applicant.village", _elderly(applicant_town="441324001")) == ()
    towns = form.options("applicant.town")
    assert len(towns) == 12
    assert all(c.parent == "441324" for c in towns)
    with pytest.raises(KeyError):
        form.options("holder_id")


def test_defaults_fill_an_empty_value(library: gs.FormLibrary) -> None:
    form = library.get("elderly-card")
    assert form.spec.field("delivery").default == "hall"
    assert form.validate(_elderly(delivery=""), today=TODAY).valid
    assert form.validate(_elderly(delivery="post"), today=TODAY).valid
    bad = form.validate(_elderly(delivery="drone"), today=TODAY)
    assert [p.code for p in bad.problems] == ["invalid_choice"]


def test_a_total_over_a_repeat_and_the_repeat_count(library: gs.FormLibrary) -> None:
    form = library.get("homestead")
    member = {"name": "王五", "id_number": YOUNG, "relation": "spouse", "monthly_income": 800}
    rows = [member, {**member, "monthly_income": 1200}]
    assert form.calculate({"household": rows}, today=TODAY)["household_income"] == 2000
    spec = form.spec
    assert spec.field("household").repeat_count == "household_size"


# -- each element on a small form ----------------------------------------------------------


def _form(*fields: Field, **extra: Any) -> gs.CompiledForm:
    return compile_form(FormSpec(id="t", title="测试", fields=list(fields), **extra))


def test_a_total_of_fractions_equals_what_a_person_adds() -> None:
    form = _form(
        Field(
            name="rows",
            type="repeat",
            label="成员",
            fields=[Field(name="x", type="number", label="收入")],
        ),
        Field(name="total", type="number", label="合计", calculate="sum(rows.x)"),
        Field(name="shown", type="text", label="合计文字", calculate="sum(rows.x)"),
    )
    app = {"rows": [{"x": 0.1}, {"x": 0.2}]}
    assert form.calculate(app) == {"total": 0.3, "shown": "0.3"}
    assert form.validate({**app, "total": 0.3, "shown": "0.3"}).valid
    wrong = form.validate({**app, "total": 0.4})
    assert [(p.path, p.code) for p in wrong.problems] == [("total", "calculated")]


def test_repeat_count_wants_that_many_rows() -> None:
    form = _form(
        Field(name="n", type="number", label="人数", integer=True),
        Field(
            name="rows",
            type="repeat",
            label="成员",
            repeat_count="n",
            fields=[Field(name="x", type="text", label="姓名")],
        ),
    )
    assert form.validate({"n": 2, "rows": [{"x": "a"}, {"x": "b"}]}).valid
    result = form.validate({"n": 3, "rows": [{"x": "a"}]}, lang="en")
    assert [(p.path, p.code, p.message) for p in result.problems] == [
        ("rows", "wrong_count", '"rows" needs exactly 3 entries')
    ]
    # An undecided count (no number) does not judge the rows.
    assert form.validate({"rows": [{"x": "a"}]}).valid


def test_read_only_values_cannot_be_changed() -> None:
    form = _form(
        Field(name="fee", type="number", label="费用", default=0, read_only=True),
        Field(name="note", type="text", label="备注", read_only=True),
    )
    assert form.validate({}).valid
    assert form.validate({"fee": 0}).valid
    changed = form.validate({"fee": 5, "note": "x"})
    assert [(p.path, p.code) for p in changed.problems] == [
        ("fee", "read_only"),
        ("note", "read_only"),
    ]


def test_rules_see_calculated_and_default_values() -> None:
    form = _form(
        Field(name="id_number", type="id_card", label="身份证号"),
        Field(name="born", type="date", label="出生日期", calculate="birth_date(id_number)"),
        Field(
            name="kind",
            type="choice",
            label="类别",
            default="a",
            choices=[Choice(value="a", label="甲"), Choice(value="b", label="乙")],
        ),
        Field(name="why", type="text", label="说明", required_if="kind == 'a' and born < '1960'"),
        Field(
            name="members",
            type="repeat",
            label="成员",
            fields=[
                Field(name="income", type="number", label="收入"),
                Field(name="yearly", type="number", label="年收入", calculate="income * 12"),
            ],
        ),
        Field(name="total", type="number", label="合计", calculate="sum(members.yearly)"),
        Field(name="label", type="text", label="标签", calculate="if(total > 1000, 'high', 1)"),
    )
    app = {"id_number": OLD, "members": [{"income": 100}, {"income": 50}]}
    assert form.calculate(app, today=TODAY) == {
        "born": "1950-03-01",
        "members[0].yearly": 1200,
        "members[1].yearly": 600,
        "total": 1800,
        "label": "high",
    }
    assert [(p.path, p.code) for p in form.validate(app).problems] == [("why", "required")]
    assert form.validate({**app, "kind": "b"}).valid
    assert form.calculate({"members": []})["label"] == "1"  # a number fits a text field


def test_a_calculation_that_depends_on_itself_is_refused() -> None:
    with pytest.raises(InvalidDataError, match="depends on itself"):
        _form(
            Field(name="a", type="number", label="甲", calculate="b + 1"),
            Field(name="b", type="number", label="乙", calculate="a + 1"),
        )
    with pytest.raises(InvalidDataError, match=r"fields\[0\]\.default: not a valid value"):
        _form(Field(name="a", type="number", label="甲", default="many"))


def test_datetime_and_time_fields() -> None:
    form = _form(
        Field(name="at", type="datetime", label="时间"),
        Field(name="clock", type="time", label="时刻"),
    )
    for good in (
        "2026-03-01T08:30",
        "2026-03-01 08:30:15",
        "2026-03-01T08:30:15.5+08:00",
        "2026-03-01T23:59Z",
    ):
        assert form.validate({"at": good}).valid, good
    for bad in (
        "2026-02-30T08:30",
        "2026-03-01T24:00",
        "2026-03-01",
        "2026-03-01T8:30",
        5,
        "2026-03-01T08:30+8",
    ):
        assert [p.code for p in form.validate({"at": bad}).problems] == ["invalid_datetime"], bad
    assert form.validate({"clock": "09:30"}).valid
    assert form.validate({"clock": "09:30:59"}).valid
    for bad in ("9:30", "24:00", "09:60", "0930", True):
        assert [p.code for p in form.validate({"clock": bad}).problems] == ["invalid_time"], bad


def test_date_times_are_ordered_as_instants_whatever_their_spelling() -> None:
    form = _form(
        Field(name="start", type="datetime", label="开始"),
        Field(name="end", type="datetime", label="结束", constraint=". >= start"),
    )
    start = "2026-03-01T10:00"
    for later in ("2026-03-01 11:00", "2026-03-01T10:00:00", "2026-03-01T02:30Z"):
        assert form.validate({"start": start, "end": later}).valid, later
    for earlier in ("2026-03-01 09:59:59", "2026-03-01T01:59Z", "2026-03-01T10:00+09:00"):
        result = form.validate({"start": start, "end": earlier})
        assert [(p.path, p.code) for p in result.problems] == [("end", "constraint")], earlier


@pytest.mark.parametrize("digits", ["２０２６", "٢٠٢٦", "२०२६"])
def test_dates_and_times_take_ascii_digits_only(digits: str) -> None:
    # Other scripts' digits would pass as a date and then compare wrongly with today().
    form = _form(
        Field(name="day", type="date", label="日期"),
        Field(name="at", type="datetime", label="时间"),
    )
    app = {"day": f"{digits}-03-01", "at": f"{digits}-03-01T08:30"}
    result = form.validate(app)
    assert [(p.path, p.code) for p in result.problems] == [
        ("day", "invalid_date"),
        ("at", "invalid_datetime"),
    ]
    assert not form.is_valid({"day": app["day"]})
    assert form.is_valid({"day": "2026-03-01", "at": "2026-03-01T08:30"})


def test_labels_and_messages_in_a_further_language() -> None:
    form = _form(
        Field(
            name="name",
            type="text",
            label="姓名",
            label_en="name",
            required=True,
            labels={"ug": "ئىسىم"},
        ),
        Field(
            name="age",
            type="number",
            label="年龄",
            constraint=". >= 18",
            constraint_messages={"ug": "18 ياشتىن يۇقىرى بولۇشى كېرەك"},
        ),
        languages=["zh", "en", "ug"],
        messages={"ug": {"required": "«{label}» تولدۇرۇلۇشى كېرەك"}},
        version="3",
    )
    result = form.validate({"age": 5}, lang="ug")
    assert [p.message for p in result.problems] == [
        "«ئىسىم» تولدۇرۇلۇشى كېرەك",
        '"age" 18 ياشتىن يۇقىرى بولۇشى كېرەك',
    ]
    assert result.version == "3"
    with pytest.raises(InvalidDataError, match=r"messages\.ug\.required: not a message template"):
        _form(
            Field(name="a", type="text", label="甲"),
            languages=["zh", "en", "ug"],
            messages={"ug": {"required": "{label!x}"}},
        )
    with pytest.raises(ValueError, match="does not declare language 'fr'"):
        form.validate({}, lang="fr")
    with pytest.raises(FieldValueError, match="not one of the form's further languages"):
        FormSpec(
            id="t",
            title="测试",
            fields=[Field(name="a", type="text", label="甲", labels={"fr": "a"})],
        )
    with pytest.raises(FieldValueError, match="must start with 'zh', 'en'"):
        FormSpec(
            id="t",
            title="测试",
            languages=["en"],
            fields=[Field(name="a", type="text", label="甲")],
        )


def test_options_that_do_not_fit_the_type_are_refused() -> None:
    for bad in (
        {"type": "text", "choice_filter": "x"},
        {"type": "text", "material": "id_card"},
        {"type": "multi_choice", "choice_source": "towns"},
        {"type": "choice", "choice_source": "hamlets"},
        {"type": "number", "repeat_count": "3"},
        {"type": "number", "calculate": "1", "default": 1},
    ):
        with pytest.raises(FieldValueError):
            Field(name="a", label="甲", **bad)


def test_a_division_source_without_data_takes_codes_of_its_level() -> None:
    form = _form(
        Field(name="town", type="choice", label="镇", choice_source="towns"),
        Field(
            name="village",
            type="choice",
            label="村",
            choice_source="villages",
            choice_filter="town",
        ),
    )
    assert form.validate({"town": "441324116", "village": "441324116201"}).valid
    result = form.validate({"town": "441324116", "village": "441324118201"})
    assert [p.code for p in result.problems] == ["filtered_choice"]
    assert [p.code for p in form.validate({"town": "441324"}).problems] == ["invalid_choice"]
    assert form.options("village", {"town": "441324116"}) == ()


def test_the_options_in_a_repeat_take_any_row_reference() -> None:
    form = _form(
        Field(
            name="members",
            type="repeat",
            label="成员",
            fields=[
                Field(name="town", type="choice", label="镇",
                      choices=[Choice(value="t1", label="一"), Choice(value="t2", label="二")]),
                Field(name="village", type="choice", label="村", choice_filter="town",
                      choices=[Choice(value="v1", label="甲", parent="t1"),
                               Choice(value="v2", label="乙", parent="t2")]),
            ],
        )
    )  # fmt: skip
    app = {"members": [{"town": "t2"}]}
    assert [c.value for c in form.options("members[0].village", app)] == ["v2"]
    # No row, or a row far beyond the application's (more digits than an int takes from
    # text): no answers to filter by, so nothing is offered; never an error.
    for path in ("members[].village", f"members[{'9' * 5000}].village", "members[1].village"):
        assert form.options(path, app) == ()
    assert [c.value for c in form.options("members[].village")] == ["v1", "v2"]


# -- the attachment's material and govstd check ------------------------------------------


def test_check_reports_an_attachment_naming_a_material_its_item_lacks(tmp_path: Path) -> None:
    data, plugin = _generated_county(tmp_path / "p")
    form = data / "forms" / "example-allowance.toml"
    form.write_text(
        form.read_text(encoding="utf-8")
        + '\n[[fields]]\nname = "scan"\ntype = "attachment"\nlabel = "扫描件"\n'
        'material = "no_such_material"\n',
        encoding="utf-8",
    )
    problems = check_locality("441323", registry=gs.load_registry(plugins=[plugin]))
    assert [(p.check, p.path) for p in problems] == [("forms", "scan")]
    assert "no_such_material" in problems[0].message
    assert problems[0].source.endswith("forms/example-allowance.toml)")


# -- properties ------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.data(), form_specs())
def test_a_calculated_field_is_a_pure_function_of_its_inputs(
    data: st.DataObject, spec: FormSpec
) -> None:
    form = compile_form(spec)
    app = data.draw(
        st.dictionaries(st.sampled_from([f.name for f in spec.fields]), junk(), max_size=5)
    )
    day = data.draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)))
    before = copy.deepcopy(app)
    first = form.calculate(app, today=day)
    assert app == before  # the application is not changed
    assert form.calculate(copy.deepcopy(app), today=day) == first
    # Validating in between (which reads the same values) changes nothing either.
    form.validate(app, today=day)
    assert form.calculate(app, today=day) == first
    # A field the calculation does not name does not move it.
    calc = spec.field("calc_").calculate or ""
    unrelated = [f.name for f in spec.fields if f.name not in calc and f.name != "calc_"]
    if unrelated:
        other = {**app, unrelated[0]: data.draw(junk())}
        assert form.calculate(other, today=day)["calc_"] == first["calc_"]


@settings(max_examples=40, deadline=None)
@given(st.data(), form_specs())
def test_a_choice_filter_never_offers_a_value_the_full_list_lacks(
    data: st.DataObject, spec: FormSpec
) -> None:
    form = compile_form(spec)
    app = data.draw(
        st.dictionaries(st.sampled_from([f.name for f in spec.fields]), junk(), max_size=5)
    )
    everything = {c.value for c in form.options("pick_")}
    offered = form.options("pick_", app)
    assert {c.value for c in offered} <= everything
    # What is offered validates (as far as the filter goes); what is not, does not.
    for choice in form.options("pick_"):
        result = form.validate({**app, "pick_": choice.value})
        filtered = [p for p in result.problems if p.path == "pick_"]
        assert (choice in offered) == (not filtered) or any(p.code == "read_only" for p in filtered)


@settings(max_examples=30, deadline=None)
@given(form_specs(), st.one_of(st.none(), id_numbers()))
def test_the_version_round_trips_and_reaches_every_result(
    spec: FormSpec, number: str | None
) -> None:
    assert loads(dumps(spec, format="toml"), FormSpec, format="toml").version == spec.version
    form = compile_form(spec)
    assert form.validate({}).version == spec.version
    assert form.validate({"x": number}).version == spec.version
    assert form.validate([]).version == spec.version


def test_the_version_round_trips_through_xlsform(tmp_path: Path) -> None:
    from govservice_std.spreadsheets.xlsform import form_from_workbook, form_to_workbook

    spec = load_registry().resolve("441324").forms.get("elderly-card").spec
    form_to_workbook(spec, tmp_path / "f.xlsx")
    back = form_from_workbook(tmp_path / "f.xlsx")
    assert back.version == "2026.1"
    assert back == attrs.evolve(spec, examples=())
    assert compile_form(back).validate({}).version == "2026.1"


@settings(max_examples=40, deadline=None)
@given(st.data(), form_specs())
def test_junk_never_raises_and_both_verdicts_agree(data: st.DataObject, spec: FormSpec) -> None:
    form = compile_form(spec)
    app = data.draw(
        st.one_of(
            junk(),
            st.dictionaries(st.sampled_from([f.name for f in spec.fields]), junk(), max_size=6),
        )
    )
    result = form.validate(app, lang=data.draw(st.sampled_from(spec.languages)))
    assert form.is_valid(app) == result.valid
    assert result.version == spec.version
    form.calculate(app)


def test_a_field_object_used_in_two_places_is_calculated_in_each() -> None:
    doubled = Field(name="twice", type="number", label="两倍", calculate="n * 2")
    n = Field(name="n", type="number", label="数")
    form = _form(
        Field(name="a", type="group", label="甲", fields=[n, doubled]),
        Field(name="b", type="group", label="乙", fields=[n, doubled]),
    )
    app = {"a": {"n": 1}, "b": {"n": 5}}
    assert form.calculate(app) == {"a.twice": 2, "b.twice": 10}
    assert form.validate({**app, "b": {"n": 5, "twice": 10}}).valid
    assert [p.path for p in form.validate({"a": {"n": 1, "twice": 10}}).problems] == ["a.twice"]
