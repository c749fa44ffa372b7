"""Importing a province-sized 事项清单 workbook, and writing a scorecard workbook.

Prints the time to import a platform-style workbook of service items (read, every cell
checked, every item validated, items.toml text made) next to, in the same run: reading the
same workbook's cells alone with openpyxl (the other reader that sees merged cells), and
loading the same catalogue from the TOML the import writes. Then the time to write a
scorecard workbook next to serialising the same scorecard as JSON.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import openpyxl

import govservice_std as gs
from govservice_std.items import NATIONAL_ITEM_TYPES, ItemsDocument
from govservice_std.serialization import load
from govservice_std.spreadsheets import import_items
from govservice_std.spreadsheets.export import tables_from_json, write_rows, write_tables

HEADINGS: list[object] = [
    "事项编码", "事项名称", "事项类型", "主管部门", "实施主体", "办件类型",
    "法定办结时限", "承诺办结时限", "行使层级", "办理渠道", "设定依据", "办理流程",
]  # fmt: skip
KIND = {"immediate": "即办件", "promised": "承诺件", "joint": "联办件", "referred": "报批件",
        "urgent": "急办件"}  # fmt: skip
TIER = {"county": "县级", "town": "镇级", "village": "村级"}
CHANNEL = {"window": "窗口办理", "online": "网上办理", "mobile": "掌上办",
           "self_service": "自助终端", "assisted": "帮办代办"}  # fmt: skip


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000, help="items in the workbook")
    parser.add_argument("--rounds", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    document = load(files("govservice_longmen") / "data" / "441324" / "items.toml", ItemsDocument)
    base = [i for i in document.items if i.parent is None]
    rows: list[list[object]] = [HEADINGS]
    for n in range(args.items):
        item = base[n % len(base)]
        rows.append(
            [f"{item.code}-{n:06d}", item.name, NATIONAL_ITEM_TYPES.get(item.type, item.type),
             item.department, item.implementing_body, KIND[item.handling_kind.value],
             f"{item.legal_limit_days}个工作日" if item.legal_limit_days is not None else None,
             item.promised_limit_days, "、".join(TIER[t.value] for t in item.tiers),
             "、".join(CHANNEL[c.value] for c in item.channels), "\n".join(item.legal_basis),
             "\n".join(item.steps)]
        )  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        book = Path(folder) / "事项清单.xlsx"
        write_rows({"事项清单": rows}, book)
        result = import_items(book, "441324")
        toml = Path(folder) / "items.toml"
        toml.write_text(result.files["items.toml"], encoding="utf-8")

        def openpyxl_cells() -> None:
            loaded = openpyxl.load_workbook(book, data_only=True)
            for sheet in loaded.worksheets:
                for _ in sheet.iter_rows(values_only=True):
                    pass

        ours = best_of(lambda: import_items(book, "441324"), args.rounds)
        cells = best_of(openpyxl_cells, args.rounds)
        from_toml = best_of(lambda: load(toml, ItemsDocument), args.rounds)
        n = args.items
        print(f"items: {n}")
        print(f"import_items (read, check, TOML text): {ours:.2f} s ({n / ours:,.0f} items/s)")
        print(f"openpyxl cells alone                  : {cells:.2f} s ({n / cells:,.0f} items/s)")
        print(f"load of the written items.toml        : {from_toml:.2f} s")
        print(f"import_items / openpyxl cells alone: {ours / cells:.2f}×")
        print(f"import_items / TOML load: {ours / from_toml:.2f}×")

        registry = gs.load_registry()
        assessment = gs.load_assessment(
            str(files("govservice_longmen") / "data" / "441324" / "examples"
                / "assessment-441324116.toml")
        )  # fmt: skip
        card = gs.evaluate_hall(registry.resolve(assessment.locality), assessment).to_dict()
        out = Path(folder) / "card.xlsx"
        workbook = best_of(lambda: write_tables(tables_from_json(card), out), args.rounds * 3)
        as_json = best_of(lambda: json.dumps(card, ensure_ascii=False), args.rounds * 3)
        print(f"scorecard workbook: {workbook * 1000:.1f} ms; JSON: {as_json * 1000:.2f} ms")
        print(f"workbook / JSON: {workbook / as_json:.0f}×")


if __name__ == "__main__":
    main()
