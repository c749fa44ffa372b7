from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path

import pytest

from govservice_std import InvalidDataError, Locality, hookimpl, load_registry
from govservice_std.queues.policy import (
    AntiStarvationRule,
    BusinessLine,
    LateAppointment,
    PriorityGroup,
    QueuePolicy,
)


def test_national_baseline_policy() -> None:
    policy = load_registry(autoload=False).resolve("000000").queue_policy
    assert [line.id for line in policy.lines] == ["A"]
    assert {g.name for g in policy.priority_groups} == {"老年人", "残疾人", "军人依法优先"}
    assert policy.anti_starvation is AntiStarvationRule.AFTER_N
    assert policy.late_appointment is LateAppointment.WALK_IN
    assert policy.target_minutes is None  # no national norm: left to localities
    assert str(policy.provenance["lines.A"].layer) == "000000"
    assert not policy.illustrative


def test_longmen_overlay_overrides_by_id_with_provenance() -> None:
    registry = load_registry()
    policy = registry.resolve("441324").queue_policy
    assert [line.id for line in policy.lines] == ["A", "B", "C", "D", "E"]
    assert policy.line("E").format_number(7) == "Q0007"
    assert policy.group("military").weight == 2
    assert policy.group("elderly").weight == 1
    assert policy.groups_by_rank()[0].id == "military"
    assert policy.no_show_after_calls == 3
    assert policy.target_minutes == 20.0
    assert policy.reactivate_within_minutes == 30.0  # inherited
    prov = policy.provenance
    assert str(prov["priority_groups.military"].layer) == "441324"
    assert str(prov["priority_groups.elderly"].layer) == "000000"
    assert str(prov["params.reactivate_within_minutes"].layer) == "000000"
    assert prov["params.target_minutes"].plugin == "longmen"
    assert "params.target_minutes" in policy.illustrative
    assert "lines.A" in policy.illustrative
    assert "priority_groups.elderly" not in policy.illustrative
    assert registry.resolve("441324").queue_policy is policy  # cached


class _Plugin:
    def __init__(self, folder: Traversable, name: str = "testqueue") -> None:
        self.__name__ = name
        self._folder = folder

    @hookimpl
    def govservice_localities(self) -> list[Locality]:
        return [
            Locality(
                code="441399", name="测试县", level="county", parent="441300", data=self._folder
            )
        ]


def _registry_with(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    (tmp_path / "queue.toml").write_text(text, encoding="utf-8")
    return load_registry(plugins=[_Plugin(tmp_path)])


def test_layer_removes_and_adds(tmp_path: Path) -> None:
    registry = _registry_with(
        tmp_path,
        """
remove_priority_groups = ["disabled"]
[[lines]]
id = "K"
name = "测试"
prefix = "K"
[[priority_groups]]
id = "pregnant"
name = "孕妇"
weight = 3
illustrative = true
[params]
anti_starvation = "ageing"
ageing_minutes = 5.0
""",
    )
    policy = registry.resolve("441399").queue_policy
    assert [g.id for g in policy.priority_groups] == ["military", "elderly", "pregnant"]
    assert policy.anti_starvation is AntiStarvationRule.AGEING
    assert "priority_groups.pregnant" in policy.illustrative
    assert str(policy.provenance["priority_groups.disabled"].layer) == "441399"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('remove_lines = ["Z"]', "remove_lines[0]: no inherited lines entry 'Z'"),
        ('[params]\nanti_starvation = "sometimes"', "params.anti_starvation: must be one of"),
        ("[params]\ntarget_share = 1.5", "target_share: must be in (0, 1]"),
        ('[[lines]]\nid = "X"\nname = "x"\nprefix = "A"', "(prefix 'A'): both would issue A001"),
        ('[[lines]]\nid = "X"\nname = "x"\nprefx = "A"', "unknown key 'prefx'"),
        ('illustrative_params = ["nope"]', "illustrative_params[0]: must name a parameter"),
    ],
)
def test_bad_layer_names_file_and_path(tmp_path: Path, text: str, fragment: str) -> None:
    registry = _registry_with(tmp_path, text)
    with pytest.raises(InvalidDataError) as info:
        _ = registry.resolve("441399").queue_policy
    assert fragment in str(info.value)
    assert "queue" in str(info.value)


def test_policy_validation() -> None:
    with pytest.raises(ValueError, match="at least one business line"):
        QueuePolicy(lines=[])
    with pytest.raises(ValueError, match="prefix"):
        BusinessLine(id="a", name="x", prefix="a")
    with pytest.raises(ValueError, match="weight"):
        PriorityGroup(id="g", name="g", weight=0)
    assert BusinessLine(id="b", name="x").prefix == "B"
