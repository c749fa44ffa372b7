"""Benchmark: validating a stream of applications, ours against JSON Schema validators.

Not a test (nothing here asserts a time). Run it after installing the ``bench`` group::

    pip install --group bench
    python benchmarks/bench_forms.py [--apps 2000] [--rounds 5]

It validates one stream of applications against the 龙门县 reference form
``social-assistance`` (groups, a repeat of household members, conditional fields and
rules), and against an equivalent JSON Schema with ``jsonschema`` and ``fastjsonschema`` in
the same run. It prints applications per second, the ratios, and whether the verdicts agree.

What is compared: our ``CompiledForm.validate`` collects *every* problem with a localized,
masked message and checks identifier checksums (居民身份证号 check character, birth date and
area code); ``jsonschema`` runs ``is_valid`` (its fastest mode, stopping early) and
``fastjsonschema`` stops at the first error; neither checks checksums (the schema can only
test the shape of an ID number). So the invalid applications in the stream carry faults a
schema can see (missing or mistyped fields, bad patterns, unknown keys, values out of
range), and the valid ones have real check characters, so the verdicts can agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any

import fastjsonschema
import jsonschema
from stdnum.cn import ric

from govservice_std import load_registry

TODAY = dt.date(2026, 6, 1)
ID_RE = r"^[0-9]{17}[0-9Xx]$"
MOBILE_RE = r"^(\+?86)?1[3-9][0-9]{9}$"
NONBLANK = r"\S"


def _text(max_length: int = 200, min_length: int = 0) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": max_length, "pattern": NONBLANK}
    if min_length:
        schema["minLength"] = min_length
    return schema


PERSON_FIELDS = {
    "name": _text(50),
    "id_number": {"type": "string", "pattern": ID_RE},
    "phone": {"type": "string", "pattern": MOBILE_RE},
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["applicant", "assistance", "household_income", "reason", "agree"],
    "properties": {
        "applicant": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "id_number", "phone", "address"],
            "properties": {
                **PERSON_FIELDS,
                "address": _text(),
                "village": {"type": "string", "pattern": r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$"},
            },
        },
        "assistance": {"enum": ["dibao", "tekun", "temporary"]},
        "household": {
            "type": "array",
            "maxItems": 20,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "id_number", "relation"],
                "properties": {
                    "name": _text(),
                    "id_number": {"type": "string", "pattern": ID_RE},
                    "relation": {"enum": ["spouse", "child", "parent", "other"]},
                    "monthly_income": {"type": "number", "minimum": 0, "maximum": 1000000},
                    "disabled": {"type": "boolean"},
                },
            },
        },
        "household_income": {"type": "number", "minimum": 0},
        "reason": _text(500, 5),
        "emergency": {"type": "boolean"},
        "income_proof": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.:/\-]{0,255}$"},
        "by_agent": {"type": "boolean"},
        "agent": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "id_number", "phone"],
            "properties": PERSON_FIELDS,
        },
        "agree": {"const": True},
    },
    "allOf": [
        {
            "if": {"properties": {"assistance": {"not": {"const": "temporary"}}}},
            "then": {"required": ["income_proof"]},
        },
        {
            "if": {"properties": {"by_agent": {"const": True}}, "required": ["by_agent"]},
            "then": {"required": ["agent"]},
        },
    ],
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
AREAS = ["441324", "441302", "440106", "110105"]


def _id(rng: random.Random) -> str:
    born = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 30))
    body = f"{rng.choice(AREAS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def _person(rng: random.Random) -> dict[str, Any]:
    return {
        "name": rng.choice(SURNAMES) + rng.choice(SURNAMES),
        "id_number": _id(rng),
        "phone": f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
    }


def valid_application(rng: random.Random) -> dict[str, Any]:
    household = [
        {
            "name": rng.choice(SURNAMES) + rng.choice(SURNAMES),
            "id_number": _id(rng),
            "relation": rng.choice(["spouse", "child", "parent", "other"]),
            "monthly_income": rng.randrange(0, 3000),
            "disabled": rng.random() < 0.1,
        }
        for _ in range(rng.randrange(0, 5))
    ]
    assistance = rng.choice(["dibao", "tekun", "temporary"])
    app: dict[str, Any] = {
        "applicant": {**_person(rng), "address": "龙门县龙潭镇（示例）", "village": "441324116999"},
        "assistance": assistance,
        "household": household,
        "household_income": sum(m["monthly_income"] for m in household),
        "reason": "家庭收入低于当地最低生活保障标准（示例）",
        "agree": True,
    }
    if assistance == "temporary":
        app["emergency"] = rng.random() < 0.5
    else:
        app["income_proof"] = f"att-{rng.randrange(10**6)}"
    if rng.random() < 0.2:
        app["by_agent"] = True
        app["agent"] = _person(rng)
    return app


FAULTS: list[Callable[[dict[str, Any], random.Random], None]] = [
    lambda a, _r: a.pop("reason"),
    lambda a, _r: a["applicant"].update(phone="12345"),
    lambda a, _r: a["applicant"].update(id_number="4413241990"),
    lambda a, _r: a.update(assistance="other"),
    lambda a, _r: a.update(household_income="1000"),
    lambda a, _r: a.update(agree=False),
    lambda a, _r: a.update(unexpected=1),
    lambda a, _r: a["applicant"].pop("name"),
    lambda a, _r: a.update(household=[{"name": "王五", "relation": "child"}]),
    lambda a, _r: a.update(reason="太短"),
]


def stream(n: int, seed: int = 20260601) -> list[tuple[dict[str, Any], bool]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        app = valid_application(rng)
        ok = rng.random() < 0.7
        if not ok:
            rng.choice(FAULTS)(app, rng)
        out.append((app, ok))
    return out


def measure(
    checks: dict[str, Callable[[Any], object]], apps: list[Any], rounds: int
) -> dict[str, float]:
    """Best CPU time per application of each check.

    CPU time of this process (not wall time), and rounds interleaved, so that other work on
    the machine skews the comparison as little as possible.
    """
    best = dict.fromkeys(checks, float("inf"))
    for _ in range(rounds):
        for label, check in checks.items():
            start = time.process_time()
            for app in apps:
                check(app)
            best[label] = min(best[label], (time.process_time() - start) / len(apps))
    for label, seconds in best.items():
        print(f"  {label:<44} {1 / seconds:>12,.0f} apps/s  ({seconds * 1e6:7.1f} µs/app)")
    return {label: 1 / seconds for label, seconds in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    form = load_registry().resolve("441324").forms.get("social-assistance")
    draft = jsonschema.Draft202012Validator(SCHEMA)
    fast = fastjsonschema.compile(SCHEMA)

    def fast_ok(app: Any) -> bool:
        try:
            fast(app)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    def ours(app: Any) -> bool:
        return form.validate(app, today=TODAY).valid

    def ours_quick(app: Any) -> bool:
        return form.is_valid(app, today=TODAY)

    items = stream(args.apps)
    apps = [app for app, _ in items]
    expected = [ok for _, ok in items]
    verdicts = {
        "govservice_std": [ours(a) for a in apps],
        "jsonschema": [draft.is_valid(a) for a in apps],
        "fastjsonschema": [fast_ok(a) for a in apps],
    }
    print(
        f"form: 龙门县 social-assistance; {len(apps)} applications, "
        f"{sum(expected)} valid, {len(apps) - sum(expected)} with one fault each"
    )
    for name, got in verdicts.items():
        agree = sum(g == e for g, e in zip(got, expected, strict=True))
        print(f"  verdicts of {name:<16} agree with the generator on {agree}/{len(apps)}")
    all_agree = verdicts["govservice_std"] == verdicts["jsonschema"] == verdicts["fastjsonschema"]
    print(f"  all three validators agree on every application: {all_agree}")

    print(f"throughput (best of {args.rounds} interleaved rounds):")
    rates = measure(
        {
            "govservice_std validate() (all problems, zh)": ours,
            "govservice_std is_valid()": ours_quick,
            "jsonschema Draft 2020-12 is_valid()": draft.is_valid,
            "jsonschema Draft 2020-12 iter_errors() (all)": lambda a: list(draft.iter_errors(a)),
            "fastjsonschema (first error)": fast_ok,
        },
        apps,
        args.rounds,
    )
    ours_rate, quick_rate, js_rate, js_all_rate, fast_rate = rates.values()
    print("ratios (govservice_std / other):")
    print(f"  validate() vs jsonschema      {ours_rate / js_rate:6.1f}×   (target ≥ 10×)")
    print(f"  validate() vs fastjsonschema  {ours_rate / fast_rate:6.2f}×   (target ≥ 0.5×)")
    print(f"  validate() vs jsonschema iter_errors() {ours_rate / js_all_rate:6.1f}×")
    print(f"  is_valid() vs jsonschema      {quick_rate / js_rate:6.1f}×")
    print(f"  is_valid() vs fastjsonschema  {quick_rate / fast_rate:6.2f}×")


if __name__ == "__main__":
    main()
