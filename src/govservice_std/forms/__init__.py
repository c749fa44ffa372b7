"""Application forms: declarative specs, a safe rule language, and validation.

* :mod:`~govservice_std.forms.spec` — :class:`FormSpec`, :class:`Field`: the data a plugin
  ships in ``forms/<id>.toml``.
* :mod:`~govservice_std.forms.expr` — the expression language of ``required_if``,
  ``relevant`` and ``constraint``, compiled to closures (never ``eval``).
* :mod:`~govservice_std.forms.validate` — :func:`compile_form` and
  :meth:`CompiledForm.validate`, which reports every problem at once with masked ID numbers.
* :mod:`~govservice_std.forms.identifiers` — 居民身份证号, 统一社会信用代码 and mobile checks.
* :mod:`~govservice_std.forms.library` — :class:`FormLibrary`, a locality's compiled forms
  (``registry.resolve(code).forms``, read by :mod:`~govservice_std.forms.layers`).
* :mod:`~govservice_std.forms.sources` — the built-in choice sources: a locality's division
  units (``divisions.toml``) as the options of cascading selects.
"""

from __future__ import annotations

from govservice_std.forms.expr import ExpressionError, compile_expression
from govservice_std.forms.identifiers import (
    check_id_card,
    check_mobile,
    check_uscc,
    mask_id,
    mask_ids,
)
from govservice_std.forms.library import FORMS_FOLDER, FormLibrary
from govservice_std.forms.sources import (
    DIVISIONS_FILE,
    DivisionList,
    DivisionUnit,
    division_choices,
)
from govservice_std.forms.spec import (
    CHOICE_SOURCES,
    Choice,
    Field,
    FieldType,
    FormExample,
    FormSpec,
)
from govservice_std.forms.validate import (
    CODES,
    CompiledForm,
    CrossCheck,
    Lang,
    Problem,
    ValidationResult,
    compile_form,
)

__all__ = [
    "CHOICE_SOURCES",
    "CODES",
    "DIVISIONS_FILE",
    "FORMS_FOLDER",
    "Choice",
    "CompiledForm",
    "CrossCheck",
    "DivisionList",
    "DivisionUnit",
    "ExpressionError",
    "Field",
    "FieldType",
    "FormExample",
    "FormLibrary",
    "FormSpec",
    "Lang",
    "Problem",
    "ValidationResult",
    "check_id_card",
    "check_mobile",
    "check_uscc",
    "compile_expression",
    "compile_form",
    "division_choices",
    "mask_id",
    "mask_ids",
]
