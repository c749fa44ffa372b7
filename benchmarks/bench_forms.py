"""Benchmark: validating a stream of fresh applications, ours against JSON Schema validators.

Not a test (nothing here asserts a time). Run it after installing the ``bench`` group::

    pip install --group bench
    python benchmarks/bench_forms.py [--apps 2000] [--rounds 5]

It validates streams of applications against the 龙门县 reference form ``social-assistance``
(groups, a repeat of household members, conditional fields and rules), and against an
equivalent JSON Schema in the same run. Each round generates a *fresh* stream — new
applicants, new ID numbers and birth dates — and each validator checks it once, so no
validator sees an application twice; the rounds give a range of ratios, not a best case.

Two kinds of peer, printed on separate lines:

* **schema-only** — ``jsonschema`` (``is_valid``, its fastest mode, stopping early, and
  ``iter_errors`` for every problem) and ``fastjsonschema`` (first error) check the shape
  of the data only: an ID number's pattern, not its check character, birth date or area
  code, and not the rule that the household income is the sum of the members' incomes.
  They do less work than the library and miss the faults only those checks see.
* **equal work** — ``jsonschema`` with a format checker that checks ID numbers the way the
  library does (check character, a real birth date not in the future, an area code that
  has ever existed, through python-stdnum, written plainly without caches) plus the
  income-sum rule in Python: the same verdicts as the library.

The invalid applications carry one fault each: some a schema can see (missing or
mistyped fields, bad patterns, unknown keys, values out of range), some only the equal-work
checks can (a wrong check character, an impossible or future birth date, an unknown area
code, an income that is not the members' sum). Verdicts are compared on a separate stream
after timing, so timing starts with the library's caches cold.
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
from stdnum import numdb
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
    # As the form: income_proof is required unless the assistance is temporary; an agent
    # is optional even with by_agent (the form does not require the group).
    "allOf": [
        {
            "if": {"properties": {"assistance": {"not": {"const": "temporary"}}}},
            "then": {"required": ["income_proof"]},
        },
    ],
}


def _with_id_format(schema: Any) -> Any:
    # The same schema with every ID number also checked by the "cn-id-card" format.
    if isinstance(schema, dict):
        out = {k: _with_id_format(v) for k, v in schema.items()}
        if out.get("pattern") == ID_RE:
            out["format"] = "cn-id-card"
        return out
    if isinstance(schema, list):
        return [_with_id_format(v) for v in schema]
    return schema


EQUAL_WORK_SCHEMA = _with_id_format(SCHEMA)
_LOC = numdb.get("cn/loc")


def peer_id_card(value: object) -> bool:
    """An ID number checked as the library checks it, written plainly with python-stdnum."""
    if not isinstance(value, str) or len(value) != 18:
        return False
    if ric.calc_check_digit(value) != value[17].upper():
        return False
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born > TODAY or born.year < 1850:
        return False
    parts = _LOC.info(value[:6])
    return all(props for _, props in parts) and "county" in parts[-1][1]


def income_is_the_sum(app: Any) -> bool:
    """The form's rule: with members, household_income equals their monthly incomes' sum."""
    household = app.get("household") if isinstance(app, dict) else None
    if not household:
        return True
    total = sum(m.get("monthly_income", 0) for m in household if isinstance(m, dict))
    return bool(app.get("household_income") == total)


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
AREAS = ["441324", "441302", "440106", "110105", "440124"]


def _id(rng: random.Random, born: dt.date | None = None, area: str | None = None) -> str:
    if born is None:
        born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 90))
    body = f"{area or rng.choice(AREAS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def _wrong_check_character(number: str) -> str:
    right = number[17]
    return number[:17] + next(c for c in "0123456789X" if c != right)


def _bad_member_id(a: dict[str, Any], make: Callable[[], str]) -> None:
    if a["household"]:
        a["household"][0]["id_number"] = make()
    else:
        a["applicant"]["id_number"] = make()


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
# Faults that only checks beyond a schema's shape can see.
DEEP_FAULTS: list[Callable[[dict[str, Any], random.Random], None]] = [
    lambda a, r: a["applicant"].update(id_number=_wrong_check_character(_id(r))),
    lambda a, r: _bad_member_id(a, lambda: _wrong_check_character(_id(r))),
    lambda a, r: a["applicant"].update(id_number=_id(r, born=TODAY + dt.timedelta(days=30))),
    lambda a, r: a["applicant"].update(id_number=_id(r, area="999999")),
    lambda a, r: _bad_member_id(a, lambda: _id(r, area="449999")),
    lambda a, r: a.update(
        household=[
            {"name": "王五", "id_number": _id(r), "relation": "child", "monthly_income": 800}
        ],
        household_income=900,
    ),
]


def stream(n: int, seed: int = 20260601) -> list[tuple[dict[str, Any], bool]]:
    """``n`` fresh applications: 70 % valid, 15 % with a shape fault, 15 % a deeper one."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        app = valid_application(rng)
        draw = rng.random()
        ok = draw < 0.7
        if not ok:
            rng.choice(FAULTS if draw < 0.85 else DEEP_FAULTS)(app, rng)
        out.append((app, ok))
    return out


def measure(
    checks: dict[str, Callable[[Any], object]], n: int, rounds: int, seed: int
) -> dict[str, list[float]]:
    """CPU seconds per application of each check, one figure per round.

    Each round generates a fresh stream of ``n`` applications and times every check once
    on it, in a rotating order; CPU time of this process (not wall time), so that other
    work on the machine skews the comparison as little as possible.
    """
    times: dict[str, list[float]] = {label: [] for label in checks}
    labels = list(checks)
    for r in range(rounds):
        apps = [app for app, _ in stream(n, seed=seed + r)]
        for label in labels[r % len(labels) :] + labels[: r % len(labels)]:
            check = checks[label]
            start = time.process_time()
            for app in apps:
                check(app)
            times[label].append((time.process_time() - start) / n)
    for label, seconds in times.items():
        rates = sorted(1 / s for s in seconds)
        print(
            f"  {label:<52} {rates[len(rates) // 2]:>10,.0f} apps/s "
            f"(rounds: {rates[0]:,.0f}–{rates[-1]:,.0f})"
        )
    return times


def _ratio(ours: list[float], other: list[float]) -> str:
    # Per round: the other's time over ours (how many times faster ours is), as a range.
    ratios = sorted(o / u for u, o in zip(ours, other, strict=True))
    mid = ratios[len(ratios) // 2]
    return f"{mid:6.2f}×  (rounds {ratios[0]:.2f}–{ratios[-1]:.2f}×)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    form = load_registry().resolve("441324").forms.get("social-assistance")
    draft = jsonschema.Draft202012Validator(SCHEMA)
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("cn-id-card")(peer_id_card)
    equal = jsonschema.Draft202012Validator(EQUAL_WORK_SCHEMA, format_checker=checker)
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

    def equal_ok(app: Any) -> bool:
        return equal.is_valid(app) and income_is_the_sum(app)

    def equal_all(app: Any) -> list[Any]:
        errors: list[Any] = list(equal.iter_errors(app))
        if not income_is_the_sum(app):
            errors.append("household_income")
        return errors

    print(
        f"form: 龙门县 social-assistance; {args.rounds} rounds, each a fresh stream of "
        f"{args.apps} applications (70 % valid, 15 % a shape fault, 15 % a fault only ID "
        "and rule checks see)"
    )
    print("throughput, CPU time (median round; range over the rounds):")
    times = measure(
        {
            "govservice_std validate() (all problems, zh)": ours,
            "govservice_std is_valid()": ours_quick,
            "equal work: jsonschema+ID format+rule is_valid()": equal_ok,
            "equal work: jsonschema+ID format+rule iter_errors()": equal_all,
            "schema only: jsonschema is_valid()": draft.is_valid,
            "schema only: jsonschema iter_errors() (all)": lambda a: list(draft.iter_errors(a)),
            "schema only: fastjsonschema (first error)": fast_ok,
        },
        args.apps,
        args.rounds,
        seed=20260601,
    )
    (ours_t, quick_t, equal_t, equal_all_t, js_t, js_all_t, fast_t) = times.values()
    print("ratios, govservice_std faster by (other's time / ours, per round):")
    lines = [
        ("equal work:  validate() vs jsonschema+ID+rule iter_errors()", ours_t, equal_all_t),
        ("equal work:  is_valid() vs jsonschema+ID+rule is_valid()", quick_t, equal_t),
        ("schema only: validate() vs jsonschema is_valid()", ours_t, js_t),
        ("schema only: validate() vs jsonschema iter_errors()", ours_t, js_all_t),
        ("schema only: validate() vs fastjsonschema", ours_t, fast_t),
        ("schema only: is_valid() vs fastjsonschema", quick_t, fast_t),
    ]
    for label, mine, other in lines:
        print(f"  {label:<60} {_ratio(mine, other)}")

    # Verdicts on a stream of their own, after timing (so timing began with cold caches).
    items = stream(args.apps, seed=1)
    apps = [app for app, _ in items]
    expected = [ok for _, ok in items]
    verdicts = {
        "govservice_std": [ours(a) for a in apps],
        "equal-work peer": [equal_ok(a) for a in apps],
        "jsonschema": [draft.is_valid(a) for a in apps],
        "fastjsonschema": [fast_ok(a) for a in apps],
    }
    print(f"verdicts on {len(apps)} further applications, {sum(expected)} valid:")
    for name, got in verdicts.items():
        agree = sum(g == e for g, e in zip(got, expected, strict=True))
        print(f"  {name:<16} agrees with the generator on {agree}/{len(apps)}")
    same = verdicts["govservice_std"] == verdicts["equal-work peer"] == expected
    print(f"  the equal-work peer and govservice_std agree on every application: {same}")
    missed = sum(g and not e for g, e in zip(verdicts["jsonschema"], expected, strict=True))
    print(f"  the schema-only peers pass {missed} invalid applications (faults they cannot see)")


if __name__ == "__main__":
    main()
