"""A locality's forms: every layer's ``forms/<id>.toml``, compiled once, with checks.

The library of a locality is the ``forms`` part of its resolved locality, read by
:mod:`govservice_std.forms.layers`.

>>> from govservice_std import load_registry
>>> library = load_registry(autoload=False).resolve("000000").forms
>>> isinstance(len(library), int)
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from govservice_std.divisions import DivisionCode
from govservice_std.forms.spec import Choice
from govservice_std.forms.validate import CompiledForm
from govservice_std.items import ServiceItem
from govservice_std.localities import Provenance

__all__ = ["FORMS_FOLDER", "FormLibrary"]

FORMS_FOLDER = "forms"
"""The folder of a layer's data folder that holds its forms, one ``<id>.toml`` each."""


class FormLibrary:
    """The compiled forms of one locality, by id.

    Attributes:
        code: The locality's code.
        provenance: For each form id, the layer that set it (a later layer's form of the
            same id replaces an earlier one).
        choice_sources: The options of the built-in choice sources (``towns`` …): the
            locality's division units.
    """

    def __init__(
        self,
        code: DivisionCode,
        forms: Mapping[str, CompiledForm],
        provenance: Mapping[str, Provenance],
        choice_sources: Mapping[str, tuple[Choice, ...]] | None = None,
    ) -> None:
        self.code = code
        self._forms = dict(forms)
        self.provenance: Mapping[str, Provenance] = dict(provenance)
        self.choice_sources: Mapping[str, tuple[Choice, ...]] = dict(choice_sources or {})

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
