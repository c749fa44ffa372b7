"""How a locality's forms are read: every layer's ``forms/<id>.toml`` and form checks.

This is the only code that reads forms from the registry; it provides the ``forms`` part of
a :class:`~govservice_std.registry.ResolvedLocality`. Each layer's ``forms/*.toml`` is read
parent first (a file's name must be the form's id) and compiled once; every layer's plugin
is then asked for cross-field checks through the ``govservice_form_checks`` hook, and each
check is attached to its form.

>>> from govservice_std import load_registry
>>> resolved = load_registry(autoload=False).resolve("000000")
>>> resolved.forms is resolved.forms
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from govservice_std.errors import (
    DataProblem,
    InvalidDataError,
    PluginContractError,
    PluginError,
)
from govservice_std.forms.library import FORMS_FOLDER, FormLibrary
from govservice_std.forms.sources import (
    DIVISIONS_FILE,
    DivisionList,
    DivisionUnit,
    division_choices,
)
from govservice_std.forms.spec import FormSpec
from govservice_std.forms.validate import CompiledForm, CrossCheck, compile_form
from govservice_std.localities import Provenance
from govservice_std.plugins import PluginInfo
from govservice_std.registry import ResolvedLocality, source_name
from govservice_std.serialization import load

__all__ = ["PARTS", "resolve_forms"]


# A cross-field check's problem: (path, code, message_zh, message_en).
_PROBLEM_ARITY = 4


def _guarded(check: CrossCheck, plugin: PluginInfo) -> CrossCheck:
    """Wrap a plugin's check so that its failure names the plugin."""
    inner = check.check

    label = f" {check.name!r}" if check.name else ""

    def run(application: Mapping[str, Any]) -> list[tuple[str, str, str, str]]:
        try:
            found = list(inner(application))
        except (Exception, SystemExit) as exc:
            raise plugin.error(
                PluginError,
                f"cross-field check{label} of form {check.form!r} raised "
                f"{type(exc).__name__}: {exc}",
                hook="govservice_form_checks",
            ) from exc
        for index, item in enumerate(found):
            if not (
                isinstance(item, tuple)
                and len(item) == _PROBLEM_ARITY
                and all(isinstance(part, str) for part in item)
            ):
                raise plugin.error(
                    PluginContractError,
                    f"cross-field check{label} of form {check.form!r} returned item "
                    f"[{index}] of type {type(item).__name__}; expected a tuple "
                    "(path, code, message_zh, message_en) of strings",
                    hook="govservice_form_checks",
                )
        return found

    return attrs.evolve(check, check=run)


def resolve_forms(resolved: ResolvedLocality) -> FormLibrary:
    """Read and compile the forms of a resolved locality's chain.

    Use :attr:`ResolvedLocality.forms <govservice_std.registry.ResolvedLocality.forms>`,
    which computes this once.

    Raises:
        InvalidDataError: If a form file is invalid or a rule does not compile; the message
            names the file and the plugin.
        PluginContractError: If a plugin returns a check for a form the chain does not have.
    """
    forms: dict[str, CompiledForm] = {}
    provenance: dict[str, Provenance] = {}
    chain = resolved.chain
    choices = division_choices([info.locality for info in chain], _division_units(resolved))
    for info in chain:
        data = info.locality.data
        folder = data / FORMS_FOLDER if data is not None else None
        if folder is None or not folder.is_dir():
            continue
        files = sorted(
            (f for f in folder.iterdir() if f.name.endswith(".toml") and f.is_file()),
            key=lambda f: f.name,
        )
        for file in files:
            source = source_name(info, file)
            spec = load(file, FormSpec, source=source)
            stem = file.name.removesuffix(".toml")
            if spec.id != stem:
                raise InvalidDataError(
                    [DataProblem("id", f"must equal the file name {stem!r} (got {spec.id!r})")],
                    source=source,
                )
            forms[spec.id] = compile_form(spec, source=source, choice_sources=choices)
            provenance[spec.id] = Provenance(
                info.code, info.plugin.name, f"{FORMS_FOLDER}/{file.name}"
            )
    for info in chain:
        checks = resolved.host.call_scoped(
            "govservice_form_checks", info.plugin.name, CrossCheck, locality=info.locality
        )
        for check in checks:
            if check.form not in forms:
                raise resolved.host.info(info.plugin.name).error(
                    PluginContractError,
                    f"returned a check for form {check.form!r}, which locality "
                    f"{resolved.code} does not have",
                    hook="govservice_form_checks",
                )
            forms[check.form] = forms[check.form].with_checks(
                [_guarded(check, resolved.host.info(info.plugin.name))]
            )
    return FormLibrary(resolved.code, forms, provenance, choices)


def _division_units(resolved: ResolvedLocality) -> list[DivisionUnit]:
    """Every layer's ``divisions.toml`` units, parent first; each must lie in its layer."""
    units: dict[str, DivisionUnit] = {}
    for info in resolved.chain:
        data = info.locality.data
        file = data / DIVISIONS_FILE if data is not None else None
        if file is None or not file.is_file():
            continue
        source = source_name(info, file)
        listed = load(file, DivisionList, source=source)
        outside = listed.within(info.code)
        if outside:
            raise InvalidDataError(
                [
                    DataProblem(f"units[{i}].code", f"{u.code} does not lie in {info.code}")
                    for i, u in outside
                ],
                source=source,
            )
        units.update((unit.code.value, unit) for unit in listed.units)
    return list(units.values())


PARTS: Mapping[str, Callable[[ResolvedLocality], object]] = {"forms": resolve_forms}
"""The part of a resolved locality this module provides."""
