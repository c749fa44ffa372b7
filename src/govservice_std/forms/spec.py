"""Form specifications: the declarative shape of an application form, shipped as data.

A :class:`FormSpec` is what a plugin writes in ``forms/<id>.toml`` in a layer's data folder:
a title and a list of typed :class:`Field` records, nested through groups (an object in the
application) and repeats (a list of objects, such as family members). Rules are strings in
the expression language of :mod:`govservice_std.forms.expr`; they are compiled once by
:func:`~govservice_std.forms.validate.compile_form`.

>>> spec = FormSpec(
...     id="demo", title="示例表单",
...     fields=[Field(name="name", type="text", label="姓名", required=True)],
... )
>>> spec.field("name").type.label_zh
'文本'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any, cast

import attrs

from govservice_std._fields import identifier, not_blank, to_enum, to_tuple, unique
from govservice_std.errors import FieldValueError
from govservice_std.forms._patterns import PatternError, compile_pattern
from govservice_std.forms.expr import KEYWORDS
from govservice_std.i18n import LabelledEnum

__all__ = ["CHOICE_SOURCES", "Choice", "Field", "FieldType", "FormExample", "FormSpec"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")

# A language tag as XLSForm's ``label::lang`` columns use them: ``zh``, ``en``, ``ug``,
# ``zh-Hant`` …
_LANG = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")

CHOICE_SOURCES: dict[str, str] = {
    "counties": "county",
    "towns": "town",
    "villages": "village",
}
"""The built-in choice sources (``choice_source``) and the division level each offers.

Their options are the locality's division units (its ``divisions.toml`` and the chain's
localities): the value is the division code, the label the unit's name, and an option's
parent, which a ``choice_filter`` compares with, is the code of the unit it lies in.
"""


class FieldType(LabelledEnum):
    """The types a form field can have."""

    TEXT = "text", "text"
    NUMBER = "number", "number"
    BOOLEAN = "boolean", "yes/no"
    DATE = "date", "date"
    DATETIME = "datetime", "date and time"
    TIME = "time", "time of day"
    CHOICE = "choice", "single choice"
    MULTI_CHOICE = "multi_choice", "multiple choice"
    ID_CARD = "id_card", "resident ID card number"
    USCC = "uscc", "unified social credit code"
    MOBILE = "mobile", "mobile number"
    DIVISION = "division", "division code"
    ADDRESS = "address", "address"
    ATTACHMENT = "attachment", "attachment"
    GROUP = "group", "group"
    REPEAT = "repeat", "repeated group"

    @property
    def container(self) -> bool:
        """Whether fields of this type hold other fields."""
        return self in (FieldType.GROUP, FieldType.REPEAT)


def _to_type(value: FieldType | str) -> FieldType:
    return to_enum(FieldType, value, "type")


def _to_texts(value: Any) -> dict[str, str]:
    """A table of texts by language tag (``{ ug = "…" }``), checked."""
    if not isinstance(value, dict):
        raise FieldValueError("", f"must be a table of texts by language (got {value!r})")
    out: dict[str, str] = {}
    for lang, text in value.items():
        if not isinstance(lang, str) or not _LANG.fullmatch(lang):
            raise FieldValueError("", f"not a language tag: {lang!r}")
        if not isinstance(text, str) or not text.strip():
            raise FieldValueError(lang, "must be a non-empty text")
        out[lang] = text
    return out


def _field_name(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not _NAME.fullmatch(value):
        raise FieldValueError(
            attribute.name,
            f"must be a letter or '_' then letters, digits or '_' (got {value!r})",
        )
    if value in KEYWORDS:
        words = ", ".join(sorted(KEYWORDS))
        raise FieldValueError(
            attribute.name,
            f"{value!r} is a word of the rule language ({words}): no rule could name the field",
        )


@attrs.frozen
class Choice:
    """One option of a choice field.

    Args:
        value: What the application carries.
        label: The Chinese label.
        label_en: The English label.
        labels: Labels in the form's further languages, by language tag (``label::ug``).
        parent: For a cascading select, the value of the earlier answer this option
            belongs under: the field's ``choice_filter`` must give this value for the option
            to be offered.
    """

    value: str = attrs.field(validator=not_blank)
    label: str = attrs.field(validator=not_blank)
    label_en: str = ""
    labels: dict[str, str] = attrs.field(factory=dict, converter=_to_texts)
    parent: str = ""

    def label_in(self, lang: str) -> str:
        """The label in ``lang``: Chinese, English or a further language (else English).

        An option without an English label shows its Chinese one.
        """
        if lang == "zh":
            return self.label
        if lang != "en" and lang in self.labels:
            return self.labels[lang]
        return self.label_en or self.label


@attrs.frozen
class Field:
    """One field of a form.

    Args:
        name: The key in the application (letters, digits and ``_``).
        type: The field's type.
        label: The Chinese label, used in messages.
        label_en: The English label.
        hint: Help text shown with the field.
        required: Whether a value is required (when the field is relevant).
        required_if: An expression; when true, a value is required.
        relevant: An expression; when false, the field is skipped and its value ignored.
        constraint: An expression the value must satisfy (``.`` is the value).
        constraint_message: What to tell the applicant when the constraint fails (Chinese).
        constraint_message_en: The same in English.
        min_length: Minimum characters (text, address).
        max_length: Maximum characters (text, address; 200 when not given).
        pattern: A regular expression the whole text must match (text), in RE2 syntax: no
            backreferences or lookaround, so that matching takes time linear in the text.
        minimum: Smallest number allowed (number).
        maximum: Largest number allowed (number).
        integer: Whether the number must be whole (number).
        choices: The options (choice, multi_choice).
        min_selected: Fewest options (multi_choice).
        max_selected: Most options (multi_choice).
        fields: The nested fields (group, repeat).
        min_items: Fewest rows (repeat).
        max_items: Most rows (repeat; 50 when not given).
        labels: Labels in the form's further languages, by tag (``label::ug``).
        hints: The hint in English and the further languages (``hint::en``, ``hint::ug``).
        constraint_messages: Constraint messages in the form's further languages.
        calculate: An expression whose value is the field's value: the application may
            leave the field out; a value it gives must equal the calculation. Rules that
            name the field see the calculated value.
        default: The value taken when the application leaves the field empty (checked
            like any value of the field when the form is compiled).
        read_only: The applicant may not change the value: a value given must equal the
            default (or the calculation); without either, the field must stay empty.
        choice_source: A built-in list of options (``CHOICE_SOURCES``: ``towns``,
            ``villages``, ``counties``), the locality's division units, instead of
            ``choices``.
        choice_filter: An expression over earlier answers: only options whose ``parent``
            equals its value (or is in it, for a list) are offered (cascading selects).
        repeat_count: An expression giving the number of rows a repeat must have.
        material: The id of the item's material an attachment field carries
            (``Material.id``); ``govstd check`` reports one the form's item lacks.
    """

    name: str = attrs.field(validator=_field_name)
    type: FieldType = attrs.field(converter=_to_type)
    label: str = attrs.field(validator=not_blank)
    label_en: str = ""
    hint: str = ""
    required: bool = False
    required_if: str | None = None
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: str = ""
    constraint_message_en: str = ""
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    choices: tuple[Choice, ...] = attrs.field(default=(), converter=to_tuple)
    min_selected: int | None = None
    max_selected: int | None = None
    fields: tuple[Field, ...] = attrs.field(default=(), converter=to_tuple)
    min_items: int | None = None
    max_items: int | None = None
    labels: dict[str, str] = attrs.field(factory=dict, converter=_to_texts)
    hints: dict[str, str] = attrs.field(factory=dict, converter=_to_texts)
    constraint_messages: dict[str, str] = attrs.field(factory=dict, converter=_to_texts)
    calculate: str | None = None
    default: Any = None
    read_only: bool = False
    choice_source: str | None = None
    choice_filter: str | None = None
    repeat_count: str | None = None
    material: str | None = None

    def __attrs_post_init__(self) -> None:  # noqa: PLR0912, PLR0915 - one test per rule
        kind = self.type
        texty = kind in (FieldType.TEXT, FieldType.ADDRESS)
        self._only("min_length", texty)
        self._only("max_length", texty)
        self._only("pattern", kind is FieldType.TEXT)
        self._only("minimum", kind is FieldType.NUMBER)
        self._only("maximum", kind is FieldType.NUMBER)
        self._only("integer", kind is FieldType.NUMBER)
        self._only("min_selected", kind is FieldType.MULTI_CHOICE)
        self._only("max_selected", kind is FieldType.MULTI_CHOICE)
        self._only("min_items", kind is FieldType.REPEAT)
        self._only("max_items", kind is FieldType.REPEAT)
        self._only("repeat_count", kind is FieldType.REPEAT)
        choosing = kind in (FieldType.CHOICE, FieldType.MULTI_CHOICE)
        self._only("choice_source", kind is FieldType.CHOICE)
        self._only("choice_filter", choosing)
        self._only("material", kind is FieldType.ATTACHMENT)
        for rule in ("calculate", "default", "read_only"):
            self._only(rule, not kind.container)
        if self.calculate is not None and self.default is not None:
            raise FieldValueError("default", "a calculated field takes no default")
        if self.material is not None:
            identifier(
                self, cast("attrs.Attribute[str]", attrs.fields(Field).material), self.material
            )
        if self.choice_source is not None:
            if self.choice_source not in CHOICE_SOURCES:
                known = ", ".join(sorted(CHOICE_SOURCES))
                raise FieldValueError(
                    "choice_source", f"must be one of {known} (got {self.choice_source!r})"
                )
            if self.choices:
                raise FieldValueError("choices", "a field with a choice_source lists no choices")
        elif choosing:
            if not self.choices:
                raise FieldValueError("choices", f"a {kind.value} field needs choices")
            unique(self.choices, lambda c: c.value, "choices", "choice value")
        elif self.choices:
            raise FieldValueError("choices", f"only choice fields have choices (type {kind.value})")
        if kind.container:
            if not self.fields:
                raise FieldValueError("fields", f"a {kind.value} needs fields")
            unique(self.fields, lambda f: f.name, "fields", "field name")
        elif self.fields:
            raise FieldValueError("fields", f"only groups and repeats have fields ({kind.value})")
        if kind.container and self.constraint is not None:
            raise FieldValueError("constraint", "groups and repeats take no constraint")
        if self.pattern is not None:
            try:
                compile_pattern(self.pattern)
            except PatternError as exc:
                raise FieldValueError(
                    "pattern", f"not a valid regular expression (RE2 syntax): {exc}"
                ) from None
        for low, high in (
            ("min_length", "max_length"),
            ("minimum", "maximum"),
            ("min_selected", "max_selected"),
            ("min_items", "max_items"),
        ):
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and lo < 0:
                raise FieldValueError(low, f"must be >= 0 (got {lo})")
            if lo is not None and hi is not None and lo > hi:
                raise FieldValueError(high, f"must be >= {low} {lo} (got {hi})")

    def _only(self, name: str, allowed: bool) -> None:
        default: Any = attrs.fields_dict(Field)[name].default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        if not allowed and getattr(self, name) != default:
            raise FieldValueError(name, f"does not apply to a {self.type.value} field")

    def label_in(self, lang: str) -> str:
        """The label in ``lang``: Chinese, English or a further language (else English).

        A field without an English label shows its name.
        """
        if lang == "zh":
            return self.label
        if lang != "en" and lang in self.labels:
            return self.labels[lang]
        return self.label_en or self.name

    def walk(self, prefix: str = "") -> Iterator[tuple[str, Field]]:
        """This field and every field below it, with dotted paths (``[]`` marks a repeat)."""
        path = f"{prefix}{self.name}"
        yield path, self
        below = f"{path}[]." if self.type is FieldType.REPEAT else f"{path}."
        for child in self.fields:
            yield from child.walk(below)


def _to_example_data(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FieldValueError("data", "must be a table (the application)")
    return dict(value)


@attrs.frozen
class FormExample:
    """An example application shipped with a form; ``govstd check`` validates it.

    Examples document a form and keep it honest: a valid example that the form rejects, or
    an invalid one it accepts, is a problem of the ``forms`` check.

    Args:
        name: What the example shows (``"an 80-year-old applicant"``).
        data: The application, as a client would send it.
        problems: Paths of the fields where the form must find a problem (``["id_number"]``);
            empty for an example that must be valid.
        today: The day to validate on, for rules such as ``age()`` (default: the check's
            day).
    """

    name: str = attrs.field(validator=not_blank)
    data: dict[str, Any] = attrs.field(converter=_to_example_data)
    problems: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    today: dt.date | None = None


@attrs.frozen
class FormSpec:
    """An application form.

    Args:
        id: The form's id, also its file name (``forms/<id>.toml``).
        title: The Chinese title.
        title_en: The English title.
        version: The form's version: every validation result carries it, and a case
            opened from an application keeps it.
        fields: The top-level fields.
        languages: The languages the form speaks (``zh`` and ``en`` always, then any
            further ones whose labels the fields carry in ``labels``).
        titles: The title in the further languages.
        messages: Problem message templates in the further languages, by language then
            problem code (``{ ug = { required = "…{label}…" } }``); a code without one
            uses the English template.
        illustrative: Whether the form is an invented example rather than a real form.
        notes: Free text (sources, what is illustrative).
        examples: Example applications, checked against the form by ``govstd check``.
    """

    id: str = attrs.field(validator=identifier)
    title: str = attrs.field(validator=not_blank)
    fields: tuple[Field, ...] = attrs.field(converter=to_tuple)
    title_en: str = ""
    version: str = attrs.field(default="1", validator=not_blank)
    illustrative: bool = False
    notes: str = ""
    examples: tuple[FormExample, ...] = attrs.field(default=(), converter=to_tuple)
    languages: tuple[str, ...] = attrs.field(default=("zh", "en"), converter=to_tuple)
    titles: dict[str, str] = attrs.field(factory=dict, converter=_to_texts)
    messages: dict[str, dict[str, str]] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:  # noqa: PLR0912 - one test per rule
        if not self.fields:
            raise FieldValueError("fields", "a form needs at least one field")
        unique(self.fields, lambda f: f.name, "fields", "field name")
        langs = self.languages
        if langs[:2] != ("zh", "en"):
            raise FieldValueError("languages", f"must start with 'zh', 'en' (got {list(langs)})")
        for index, lang in enumerate(langs):
            if not isinstance(lang, str) or not _LANG.fullmatch(lang):
                raise FieldValueError(f"languages[{index}]", f"not a language tag: {lang!r}")
        unique(langs, str, "languages", "language")
        further = set(langs[2:])
        for lang in self.titles:
            if lang not in further:
                raise FieldValueError(f"titles.{lang}", "not one of the form's further languages")
        for lang, templates in self.messages.items():
            if lang not in further:
                raise FieldValueError(f"messages.{lang}", "not one of the form's further languages")
            if not isinstance(templates, dict):
                raise FieldValueError(f"messages.{lang}", "must be a table of templates by code")
            for code, template in templates.items():
                if not isinstance(template, str) or not template.strip():
                    raise FieldValueError(f"messages.{lang}.{code}", "must be a non-empty text")
        for path, field in self.walk():
            tables = [("labels", field.labels), ("constraint_messages", field.constraint_messages)]
            tables.append(("hints", {k: v for k, v in field.hints.items() if k != "en"}))
            tables += [
                (f"choices[{i}].labels", choice.labels) for i, choice in enumerate(field.choices)
            ]
            for what, table in tables:
                for lang in table:
                    if lang not in further:
                        raise FieldValueError(
                            f"{path}.{what}.{lang}",
                            "not one of the form's further languages "
                            f"(declare it in languages: {list(langs)})",
                        )

    def title_in(self, lang: str) -> str:
        """The title in ``lang``, falling back to the English, then the Chinese title."""
        if lang == "zh":
            return self.title
        if lang != "en" and lang in self.titles:
            return self.titles[lang]
        return self.title_en or self.title

    def walk(self) -> Iterator[tuple[str, Field]]:
        """Every field with its dotted path, depth first."""
        for field in self.fields:
            yield from field.walk()

    def field(self, path: str) -> Field:
        """The field at a dotted path (``applicant.name``; ``members[].id_number``).

        Raises:
            KeyError: If there is no such field.
        """
        for where, field in self.walk():
            if where == path:
                return field
        raise KeyError(path)
