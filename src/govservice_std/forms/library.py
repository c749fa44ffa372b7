"""A locality's forms: every layer's ``forms/<id>.toml``, compiled once, with checks.

>>> from govservice_std import load_registry
>>> library = load_forms(load_registry(autoload=False), "000000")
>>> isinstance(len(library), int)
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from govservice_std.divisions import DivisionCode
from govservice_std.errors import (
    DataProblem,
    InvalidDataError,
    PluginContractError,
    PluginError,
)
from govservice_std.forms.spec import FormSpec
from govservice_std.forms.validate import CompiledForm, CrossCheck, compile_form
from govservice_std.items import ServiceItem
from govservice_std.plugins import PluginInfo
from govservice_std.registry import Provenance, Registry, source_name
from govservice_std.serialization import load

__all__ = ["FORMS_FOLDER", "FormLibrary", "load_forms"]

FORMS_FOLDER = "forms"
"""The folder of a layer's data folder that holds its forms, one ``<id>.toml`` each."""


class FormLibrary:
    """The compiled forms of one locality, by id.

    Attributes:
        code: The locality's code.
        provenance: For each form id, the layer that set it (a later layer's form of the
            same id replaces an earlier one).
    """

    def __init__(
        self,
        code: DivisionCode,
        forms: Mapping[str, CompiledForm],
        provenance: Mapping[str, Provenance],
    ) -> None:
        self.code = code
        self._forms = dict(forms)
        self.provenance: Mapping[str, Provenance] = dict(provenance)

    def __iter__(self) -> Iterator[CompiledForm]:
        return iter(self._forms.values())

    def __len__(self) -> int:
        return len(self._forms)

    def __contains__(self, form_id: object) -> bool:
        return form_id in self._forms

    def get(self, form_id: str) -> CompiledForm:
        """The compiled form with this id.

        Raises:
            KeyError: If there is no such form.
        """
        try:
            return self._forms[form_id]
        except KeyError:
            raise KeyError(f"no form {form_id!r} in {self.code}") from None

    def for_item(self, item: ServiceItem) -> CompiledForm:
        """The form of a service item.

        Raises:
            KeyError: If the item has no form or its form is not in the library.
        """
        if item.form is None:
            raise KeyError(f"service item {item.code!r} has no form")
        return self.get(item.form)


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


def load_forms(registry: Registry, code: DivisionCode | str) -> FormLibrary:
    """Load and compile the forms of a locality's chain (cached per registry).

    Each layer's ``forms/*.toml`` is read parent first; the file's name must be the form's
    id. Every layer's plugin is then asked for cross-field checks through the
    ``govservice_form_checks`` hook, and each check is attached to its form.

    Raises:
        UnknownLocalityError: If the locality is not installed.
        InvalidDataError: If a form file is invalid or a rule does not compile; the message
            names the file and the plugin.
        PluginContractError: If a plugin returns a check for a form the chain does not have.
    """
    key = registry.info(code).code

    def build() -> FormLibrary:
        forms: dict[str, CompiledForm] = {}
        provenance: dict[str, Provenance] = {}
        chain = registry.chain(key)
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
                forms[spec.id] = compile_form(spec, source=source)
                provenance[spec.id] = Provenance(
                    info.code, info.plugin.name, f"{FORMS_FOLDER}/{file.name}"
                )
        for info in chain:
            checks = registry.host.form_checks(info.plugin.name, info.locality)
            for check in checks:
                if check.form not in forms:
                    raise registry.host.info(info.plugin.name).error(
                        PluginContractError,
                        f"returned a check for form {check.form!r}, which locality "
                        f"{key} does not have",
                        hook="govservice_form_checks",
                    )
                forms[check.form] = forms[check.form].with_checks(
                    [_guarded(check, registry.host.info(info.plugin.name))]
                )
        return FormLibrary(key, forms, provenance)

    return registry.memo(("forms", key), build)
