"""How a locality's queue policy is read: every layer's ``queue.toml``, parent first.

This is the only queue code that reads the registry; it provides the ``queue_policy`` part
of a :class:`~govservice_std.registry.ResolvedLocality`.

>>> from govservice_std import load_registry
>>> resolved = load_registry(autoload=False).resolve("000000")
>>> resolved.queue_policy is resolved.queue_policy
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from govservice_std.errors import DataProblem, FieldValueError, InvalidDataError
from govservice_std.localities import Provenance
from govservice_std.queues.policy import (
    QUEUE_FILE,
    BusinessLine,
    Outcome,
    PriorityGroup,
    QueueParams,
    QueuePolicy,
    QueuePolicyLayer,
)
from govservice_std.registry import ResolvedLocality, source_name
from govservice_std.serialization import load

__all__ = ["PARTS", "resolve_queue_policy"]

_PARAM_NAMES = tuple(a.name for a in attrs.fields(QueueParams))


def resolve_queue_policy(resolved: ResolvedLocality) -> QueuePolicy:
    """Read the queue policy of a resolved locality: every layer's ``queue.toml``.

    Use :attr:`ResolvedLocality.queue_policy
    <govservice_std.registry.ResolvedLocality.queue_policy>`, which computes this once.

    Returns:
        The effective policy, with the provenance of every line, group, outcome and
        parameter.

    Raises:
        InvalidDataError: If a layer's ``queue.toml`` is invalid, removes an id it does not
            inherit, or the combined policy breaks a rule (duplicate prefixes, no lines);
            the message names the file.
    """
    lines: dict[str, BusinessLine] = {}
    groups: dict[str, PriorityGroup] = {}
    outcomes: dict[str, Outcome] = {}
    params: dict[str, Any] = {}
    provenance: dict[str, Provenance] = {}
    illustrative: set[str] = set()
    last_source = f"queue policy of {resolved.code}"
    for info, file in resolved.layer_files(QUEUE_FILE):
        source = source_name(info, file)
        last_source = source
        layer = load(file, QueuePolicyLayer, source=source)
        prov = Provenance(info.code, info.plugin.name, QUEUE_FILE)
        for kind, items, removals, additions in (
            ("lines", lines, layer.remove_lines, layer.lines),
            ("priority_groups", groups, layer.remove_priority_groups, layer.priority_groups),
            ("outcomes", outcomes, layer.remove_outcomes, layer.outcomes),
        ):
            _overlay(items, provenance, illustrative, kind, removals, additions, prov, source)
        for name in _PARAM_NAMES:
            value = getattr(layer.params, name)
            if value is not None:
                params[name] = value
                provenance[f"params.{name}"] = prov
                if name in layer.illustrative_params:
                    illustrative.add(f"params.{name}")
                else:
                    illustrative.discard(f"params.{name}")
    kwargs: dict[str, Any] = {
        "lines": tuple(lines.values()),
        "priority_groups": tuple(groups.values()),
        "outcomes": tuple(outcomes.values()),
        "provenance": provenance,
        "illustrative": frozenset(illustrative),
        **params,
    }
    try:
        return QueuePolicy(**kwargs)
    except FieldValueError as exc:
        raise InvalidDataError([DataProblem(exc.field, exc.message)], source=last_source) from exc


def _overlay(  # noqa: PLR0917 - a private helper called from one loop
    items: dict[str, Any],
    provenance: dict[str, Provenance],
    illustrative: set[str],
    kind: str,
    removals: tuple[str, ...],
    additions: tuple[Any, ...],
    prov: Provenance,
    source: str,
) -> None:
    problems = [
        DataProblem(f"remove_{kind}[{index}]", f"no inherited {kind} entry {item_id!r}")
        for index, item_id in enumerate(removals)
        if item_id not in items
    ]
    if problems:
        raise InvalidDataError(problems, source=source)
    for item_id in removals:
        del items[item_id]
        provenance[f"{kind}.{item_id}"] = prov
        illustrative.discard(f"{kind}.{item_id}")
    for item in additions:
        items[item.id] = item
        key = f"{kind}.{item.id}"
        provenance[key] = prov
        if getattr(item, "illustrative", False):
            illustrative.add(key)
        else:
            illustrative.discard(key)


PARTS: Mapping[str, Callable[[ResolvedLocality], object]] = {"queue_policy": resolve_queue_policy}
"""The part of a resolved locality this module provides."""
