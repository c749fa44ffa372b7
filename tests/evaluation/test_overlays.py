from __future__ import annotations

import pytest

from govservice_std import InvalidDataError, load_registry
from govservice_std.evaluation.standard import Aspect, Method
from tests.evaluation.conftest import MakeRegistry


def test_national_baseline_covers_the_four_aspects_and_cites_sources() -> None:
    standard = load_registry(autoload=False).resolve("000000").standard
    aspects = {e.criterion.aspect for e in standard.criteria}
    assert aspects == set(Aspect)
    for entry in standard.criteria:
        c = entry.criterion
        assert c.source, c.id
        # Points are never from a source: they must be marked as the library's own choice.
        assert "points" in c.illustrative, c.id
        if c.method is Method.METRIC:
            assert c.metric in standard.metrics
    assert {e.criterion.method for e in standard.criteria} == set(Method)
    assert any(e.criterion.veto for e in standard.criteria)
    assert standard.grades[-1].min == 0
    assert all(p.parameter.illustrative for p in standard.parameters.values())


def test_longmen_overlay_encodes_the_2023_meeting() -> None:
    standard = load_registry().resolve("441324").standard
    ids = {e.criterion.id: e for e in standard.criteria}
    for lm in ("LM-01", "LM-02", "LM-03", "LM-04", "LM-05", "LM-06", "LM-07", "LM-08"):
        assert str(ids[lm].defined_by.layer) == "441324"
        assert "2023-08-17" in ids[lm].criterion.source
    # 百千万工程: the county strives to add town-centre construction to its town assessment,
    # a county action, not scored per town hall.
    assert [t.value for t in ids["LM-06"].criterion.tiers] == ["county"]
    assert {t.value for t in ids["LM-04"].criterion.tiers} == {"town", "village"}
    qs02 = ids["QS-02"]
    assert str(qs02.defined_by.layer) == "000000"
    assert str(qs02.provenance["target"].layer) == "441324"
    assert str(qs02.provenance["points"].layer) == "000000"
    assert [str(p.layer) for p in qs02.changed_by] == ["441324"]
    assert standard.parameter("wait.max_minutes") == 15
    assert str(standard.parameters["wait.max_minutes"].declared_by.layer) == "000000"
    assert str(standard.grades_set_by.layer) == "441324"
    assert ids["HC-04"].waivers
    assert str(standard.metrics_declared_by["reviews.satisfaction_rate"].layer) == "000000"


def test_every_layer_may_change_any_ancestor(make_registry: MakeRegistry) -> None:
    registry = make_registry(
        province="""
[[criteria]]
id = "P-1"
aspect = "service_provision"
title = "省级指标"
requirement = "示例要求"
points = 2
""",
        county="""
scoring = "flat"

[[override]]
id = "P-1"
points = 7

[[override]]
id = "HC-01"
title = "县级改写的名称"

[[remove]]
id = "QS-07"
reason = "示例：本县另行评价"

[set]
"rectification.days" = 5
""",
    )
    standard = registry.resolve("110101").standard
    p1 = standard.criterion("P-1")
    assert p1.criterion.points == 7
    assert str(p1.defined_by.layer) == "110000"
    assert str(p1.provenance["points"].layer) == "110101"
    assert standard.criterion("HC-01").criterion.title == "县级改写的名称"
    assert "QS-07" in standard.removed
    with pytest.raises(KeyError):
        standard.criterion("QS-07")
    assert standard.parameter("rectification.days") == 5
    assert standard.scoring == "flat"
    # Ancestors are untouched.
    assert registry.resolve("110000").standard.criterion("P-1").criterion.points == 2


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ('[[override]]\nid = "NOPE"\npoints = 1\n', "override[0].id", "unknown criterion 'NOPE'"),
        ('[[remove]]\nid = "NOPE"\nreason = "x"\n', "remove[0].id", "unknown criterion"),
        (
            '[[waive]]\nid = "NOPE"\njustification = "x"\nexpires = 2026-01-01\n',
            "waive[0].id",
            "unknown criterion",
        ),
        ('[set]\n"no.such" = 1\n', "set.no.such", "unknown parameter 'no.such'"),
        (
            '[[metrics]]\nid = "items.on_time_rate"\ntitle = "t"\nunit = "ratio"\n',
            "metrics[0].id",
            "already declared by layer 000000",
        ),
        (
            '[[parameters]]\nid = "wait.max_minutes"\ntitle = "t"\nvalue = 1\n',
            "parameters[0].id",
            "already declared by layer 000000",
        ),
        (
            (
                '[[criteria]]\nid = "HC-01"\naspect = "service_provision"\ntitle = "t"\n'
                'requirement = "r"\npoints = 1\n'
            ),
            "criteria[0].id",
            "already defined by layer 000000",
        ),
        ('[[override]]\nid = "HC-03"\npoints = -1\n', "override[0].points", "must be > 0"),
        ('[[override]]\nid = "HC-01"\n', "override[0]", "changes nothing"),
        (
            '[[override]]\nid = "QS-02"\ntarget = 0.5\n',
            "override[0].floor",
            "must be below the target",
        ),
    ],
)
def test_bad_ids_fail_loudly_naming_file_and_plugin(
    make_registry: MakeRegistry, text: str, path: str, message: str
) -> None:
    registry = make_registry(county=text)
    with pytest.raises(InvalidDataError) as info:
        _ = registry.resolve("110101").standard
    error = info.value
    assert error.source is not None
    assert "criteria.toml" in error.source
    assert "plugin testchain" in error.source
    assert any(p.path == path and message in p.message for p in error.problems), error


def test_removed_criterion_cannot_be_changed_below(make_registry: MakeRegistry) -> None:
    registry = make_registry(
        city='[[remove]]\nid = "SP-06"\nreason = "示例"\n',
        county='[[override]]\nid = "SP-06"\npoints = 3\n',
    )
    with pytest.raises(InvalidDataError, match="was removed by layer 110100"):
        _ = registry.resolve("110101").standard


def test_unknown_keys_in_overlay_are_rejected(make_registry: MakeRegistry) -> None:
    registry = make_registry(county='[[override]]\nid = "HC-01"\npoints = 3\nweight = 2\n')
    with pytest.raises(InvalidDataError, match="unknown key 'weight'"):
        _ = registry.resolve("110101").standard


def test_standard_is_cached_per_registry() -> None:
    registry = load_registry(autoload=False)
    assert registry.resolve("000000").standard is registry.resolve("000000").standard


def test_national_criteria_reference_page_is_up_to_date() -> None:
    from pathlib import Path

    from govservice_std.evaluation.reference import criteria_markdown

    page = Path(__file__).resolve().parents[2] / "docs/evaluation/national-criteria.md"
    standard = load_registry(autoload=False).resolve("000000").standard
    assert page.read_text(encoding="utf-8") == criteria_markdown(standard), (
        "regenerate docs/evaluation/national-criteria.md with criteria_markdown()"
    )
