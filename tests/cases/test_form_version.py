"""A case opened from an application keeps the version of the form it was checked against."""

from __future__ import annotations

from collections.abc import Callable

from govservice_std import load_registry
from govservice_std.cases import open_case
from govservice_std.cases.stores import CaseStore
from tests.cases.conftest import Clock, make_engine

ELDERLY = {
    "applicant": {
        "name": "张三",
        "id_number": "441324195003011235",
        "phone": "13800138000",
        "address": "龙门县龙华镇龙石头村（示例地址）",
        "town": "441324118",
        "village": "441324118201",
    },
    "holder_id": "441324195003011235",
    "photo": "att-0001",
    "agree": True,
}


def test_the_case_keeps_the_form_version_across_reopening(
    open_store: Callable[[], CaseStore], clock: Clock
) -> None:
    resolved = load_registry().resolve("441324")
    form = resolved.forms.get("elderly-card")
    assert form.version == "2026.1"
    store = open_store()
    engine = make_engine(store, clock)
    case = open_case(engine, resolved, "441324-WJ-004", ELDERLY, hall="441324118")
    assert case.opened.form_version == "2026.1"
    store.close()
    # Read back from the database by a new engine: the version is part of the record.
    again = open_store()
    try:
        assert make_engine(again, clock).get(case.number).opened.form_version == "2026.1"
    finally:
        again.close()


def test_a_case_opened_without_a_form_has_no_version(
    open_store: Callable[[], CaseStore], clock: Clock
) -> None:
    store = open_store()
    try:
        engine = make_engine(store, clock)
        case = engine.open(
            hall="441324116",
            locality="441324",
            item="441324-MZ-005",
            item_name="高龄津贴申领",
            kind="promised",
            promised_days=10,
        )
        assert case.opened.form_version == ""
    finally:
        store.close()
