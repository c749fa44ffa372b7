"""Serialization: round trips for every model, and error reports with paths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govservice_std as gs
from govservice_std.halls import HallsDocument, Zone
from govservice_std.serialization import make_converter

from .strategies import MODELS, halls, halls_documents


@pytest.mark.parametrize("name", sorted(MODELS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_model_round_trips_through_json(name: str, data: st.DataObject) -> None:
    value: Any = data.draw(MODELS[name])
    cls = type(value)
    text = gs.dumps(value)
    assert gs.loads(text, cls) == value
    assert gs.structure(gs.unstructure(value), cls) == value


@settings(max_examples=40, deadline=None)
@given(document=halls_documents)
def test_halls_document_round_trips_through_toml(document: HallsDocument) -> None:
    text = gs.dumps(document, format="toml")
    assert gs.loads(text, HallsDocument, format="toml") == document


@settings(max_examples=20, deadline=None)
@given(hall=halls())
def test_files_round_trip(tmp_path_factory: pytest.TempPathFactory, hall: gs.Hall) -> None:
    folder = tmp_path_factory.mktemp("rt")
    for suffix in ("json", "toml"):
        path = folder / f"hall.{suffix}"
        gs.dump(hall, path)
        assert gs.load(path, gs.Hall) == hall


def test_dump_omits_defaults_so_toml_never_sees_none() -> None:
    hall = gs.Hall(code="h", name="站", tier="village", division="441324118201")
    assert gs.unstructure(hall) == {
        "code": "h",
        "name": "站",
        "tier": "village",
        "division": "441324118201",
    }
    assert "None" not in gs.dumps(hall, format="toml")


def _hall(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "code": "441324116",
        "name": "龙潭镇便民服务中心",
        "tier": "town",
        "division": "441324116",
    }
    base.update(changes)
    return base


def test_bad_file_names_file_path_and_problem(tmp_path: Path) -> None:
    halls = [_hall(code=f"h{i}") for i in range(4)]
    halls[3]["windows"] = [{"code": "A01", "kind": "express"}]
    file = tmp_path / "halls.json"
    file.write_text(json.dumps({"halls": halls}), encoding="utf-8")
    with pytest.raises(gs.InvalidDataError) as info:
        gs.load(file, HallsDocument)
    (problem,) = info.value.problems
    assert problem.path == "halls[3].windows[0].kind"
    assert problem.message.startswith("must be one of 'comprehensive', 'dedicated'")
    assert "(got 'express')" in problem.message
    assert str(info.value).startswith(f"{file}: halls[3].windows[0].kind: must be one of")


def test_every_problem_is_collected() -> None:
    data = {
        "halls": [
            _hall(tier="city"),
            _hall(windows=[{"code": "A", "kind": "dedicated", "lines": "A", "colour": "red"}]),
            _hall(zones=[{"kind": "waiting", "area_m2": "big"}], extra=1),
        ]
    }
    with pytest.raises(gs.InvalidDataError) as info:
        gs.structure(data, HallsDocument, source="halls.toml")
    paths = {p.path: p.message for p in info.value.problems}
    assert paths["halls[0].tier"].startswith("must be one of 'county', 'town', 'village'")
    assert paths["halls[1].windows[0].lines"] == "must be a list (got str 'A')"
    assert paths["halls[1].windows[0]"].startswith("unknown key 'colour'")
    assert paths["halls[2].zones[0].area_m2"].startswith("must be a number")
    assert paths["halls[2]"].startswith("unknown key 'extra'")
    assert all(line.startswith("halls.toml: ") for line in str(info.value).splitlines())


@pytest.mark.parametrize(
    ("changes", "path", "fragment"),
    [
        ({"division": "441324"}, "halls[0].division", "needs a nine-digit code"),
        ({"division": "4413241160"}, "halls[0].division", "must be 6, 9 or 12 ASCII digits"),
        ({"parent": "441324116"}, "halls[0].parent", "cannot be its own parent"),
        (
            {"windows": [{"code": "A", "kind": "dedicated"}, {"code": "A", "kind": "dedicated"}]},
            "halls[0].windows[1]",
            "duplicate window code 'A'",
        ),
        (
            {"staff": [{"id": "s", "role": "guide", "windows": ["Z9"]}]},
            "halls[0].staff[0].windows[0]",
            "no window 'Z9'",
        ),
        (
            {"hours": {"regular": [{"days": ["mon"], "periods": [{"start": "9:00"}]}]}},
            "halls[0].hours.regular[0].periods[0].end",
            "required field missing",
        ),
        (
            {
                "hours": {
                    "regular": [
                        {"days": ["mon"], "periods": [{"start": "09:00", "end": "12:00"}]},
                        {"days": ["mon"], "periods": [{"start": "14:00", "end": "17:00"}]},
                    ]
                }
            },
            "halls[0].hours.regular[1].days",
            "'mon' already appears in regular[0]",
        ),
        ({"code": 7}, "halls[0].code", "must be a string"),
        ({"illustrative": ["colour"]}, "halls[0].illustrative[0]", "must name a hall field"),
    ],
)
def test_model_rules_report_the_field(changes: dict[str, Any], path: str, fragment: str) -> None:
    with pytest.raises(gs.InvalidDataError) as info:
        gs.structure({"halls": [_hall(**changes)]}, HallsDocument, source="halls.toml")
    messages = {p.path: p.message for p in info.value.problems}
    assert path in messages, messages
    assert fragment in messages[path]


def test_strict_primitives() -> None:
    with pytest.raises(gs.InvalidDataError, match="must be a number"):
        gs.structure({"kind": "waiting", "area_m2": True}, Zone)
    with pytest.raises(gs.InvalidDataError, match="must be a string"):
        gs.structure({"code": "A", "kind": "dedicated", "lines": [1]}, gs.Window)


def test_unparseable_files_name_the_file(tmp_path: Path) -> None:
    bad_json = tmp_path / "halls.json"
    bad_json.write_text("{", encoding="utf-8")
    with pytest.raises(gs.InvalidDataError, match=r"halls\.json: line 1 column 2: not valid JSON"):
        gs.load(bad_json, HallsDocument)
    bad_toml = tmp_path / "halls.toml"
    bad_toml.write_text("halls = [", encoding="utf-8")
    with pytest.raises(gs.InvalidDataError, match=r"halls\.toml: not valid TOML"):
        gs.load(bad_toml, HallsDocument)
    with pytest.raises(gs.InvalidDataError, match="cannot read file"):
        gs.load(tmp_path / "missing.toml", HallsDocument)
    with pytest.raises(gs.InvalidDataError, match="unsupported file type 'yaml'"):
        gs.load(tmp_path / "halls.yaml", HallsDocument)


def test_make_converter_builds_independent_converters() -> None:
    first, second = make_converter(), make_converter()
    assert first is not second
    window = gs.Window(code="A01", kind="comprehensive")
    assert first.structure(first.unstructure(window), gs.Window) == window


def test_toml_needs_a_table() -> None:
    with pytest.raises(TypeError, match="TOML needs a table"):
        gs.dumps(gs.DivisionCode("441324"), format="toml")
