"""Property tests of overlays: a model of the layers' operations predicts the standard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from govservice_std.divisions import DivisionCode
from govservice_std.evaluation.overlays import (
    CriteriaDocument,
    Override,
    Removal,
    compose_standard,
)
from govservice_std.evaluation.standard import Criterion, Waiver
from govservice_std.localities import Provenance
from tests.evaluation.strategies import BASE

CHAIN = ("000000", "440000", "441300", "441324")
BASE_IDS = ("A-1", "A-2", "A-3", "A-4")


def _criterion(cid: str, points: int) -> Criterion:
    return Criterion(
        id=cid, aspect="service_provision", title="标题", requirement="要求", points=points
    )


@st.composite
def layer_ops(draw: st.DrawFn) -> list[list[tuple[str, str, Any]]]:
    """Per layer below the nation, a list of (op, id, value) operations."""
    layers = []
    for _ in CHAIN[1:]:
        ops = []
        for _ in range(draw(st.integers(0, 4))):
            op = draw(st.sampled_from(["points", "title", "remove", "add", "waive"]))
            cid = draw(st.sampled_from([*BASE_IDS, "B-1", "B-2"]))
            value = draw(st.integers(1, 9))
            ops.append((op, cid, value))
        layers.append(ops)
    return layers


def _documents(
    layers: list[list[tuple[str, str, Any]]],
) -> tuple[list[tuple[CriteriaDocument, Provenance]], dict[str, dict[str, Any]], bool]:
    """Documents for the chain, and the expected outcome (or that a layer must fail)."""
    national = CriteriaDocument(
        grades=BASE.grades,
        parameters=BASE.parameters,
        metrics=BASE.metrics,
        criteria=tuple(_criterion(cid, 5) for cid in BASE_IDS),
    )
    docs = [(national, Provenance(DivisionCode(CHAIN[0]), "p0", "inline"))]
    state: dict[str, dict[str, Any]] = {
        cid: {"points": 5.0, "title": "标题", "by": {"points": CHAIN[0], "title": CHAIN[0]}}
        for cid in BASE_IDS
    }
    for index, ops in enumerate(layers, start=1):
        layer = CHAIN[index]
        adds, removes, overrides, waives = [], [], [], []
        # The document applies adds, then removes, then overrides, then waivers: group the
        # drawn operations the same way and keep one operation per id and kind.
        seen: set[tuple[str, str]] = set()
        for op, cid, value in ops:
            kind = "override" if op in ("points", "title") else op
            if (kind, cid) in seen:
                continue
            seen.add((kind, cid))
            if op == "add":
                adds.append(_criterion(cid, value))
            elif op == "remove":
                removes.append(Removal(cid, "test"))
            elif op == "waive":
                waives.append(Waiver(cid, "test", dt.date(2030, 1, 1)))
            elif op == "points":
                overrides.append(Override(cid, points=value))
            else:
                overrides.append(Override(cid, title=f"标题{value}"))
        document = CriteriaDocument(
            criteria=tuple(adds),
            remove=tuple(removes),
            override=tuple(overrides),
            waive=tuple(waives),
        )
        docs.append((document, Provenance(DivisionCode(layer), f"p{index}", "inline")))
        for c in adds:
            if c.id in state:
                return docs, {}, True
            state[c.id] = {
                "points": c.points,
                "title": c.title,
                "by": {"points": layer, "title": layer},
                "defined": layer,
            }
        for r in removes:
            if state.pop(r.id, None) is None:
                return docs, {}, True
        for o in overrides:
            if o.id not in state:
                return docs, {}, True
            field = "points" if o.points is not None else "title"
            state[o.id][field] = o.points if o.points is not None else o.title
            state[o.id]["by"][field] = layer
        for w in waives:
            if w.id not in state:
                return docs, {}, True
            # Waivers accumulate: each layer's waiver holds for its own halls and expiry.
            state[w.id].setdefault("waived", set()).add(layer)
    return docs, state, False


@settings(max_examples=150, deadline=None)
@given(layer_ops())
def test_overlays_follow_the_model(layers: list[list[tuple[str, str, Any]]]) -> None:
    from govservice_std import InvalidDataError

    docs, expected, fails = _documents(layers)
    if fails:
        try:
            compose_standard(docs, CHAIN[-1])
        except InvalidDataError:
            return
        raise AssertionError("an operation on an id not in force must fail")
    standard = compose_standard(docs, CHAIN[-1])
    got = {e.criterion.id: e for e in standard.criteria}
    assert set(got) == set(expected)
    for cid, want in expected.items():
        entry = got[cid]
        assert entry.criterion.points == want["points"]
        assert entry.criterion.title == want["title"]
        for field in ("points", "title"):
            assert str(entry.provenance[field].layer) == want["by"][field]
        # Every recorded layer belongs to the chain, no earlier than the defining layer.
        order = [CHAIN.index(str(p.layer)) for p in entry.provenance.values()]
        assert min(order) == CHAIN.index(str(entry.defined_by.layer))
        waived_by = {str(p.layer) for _, p in entry.waivers}
        assert waived_by == want.get("waived", set())
