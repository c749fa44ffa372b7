"""Forms written as XLSForm-style workbooks, and forms written back to them.

Form authors already write forms in a spreadsheet: a ``survey`` sheet with one row per
question (``type``, ``name``, ``label``, ``hint``, ``required``, ``relevant``,
``constraint``, ``constraint_message``), a ``choices`` sheet with the options of each list
(``list_name``, ``name``, ``label``) and a ``settings`` sheet (``form_id``, ``form_title``,
``version``). :func:`form_from_workbook` turns such a workbook into a
:class:`~govservice_std.forms.spec.FormSpec`; :func:`form_to_workbook` writes a form back in
the same shape, and reading that workbook gives the same form.

Types: ``text``, ``integer``, ``decimal``, ``date``, ``dateTime``, ``time``,
``select_one LIST``, ``select_multiple LIST``, ``begin_group``/``end_group``,
``begin_repeat``/``end_repeat``, ``file``/``image`` (an attachment), ``calculate`` (a text
field with a ``calculation``), and the library's own types by name (``boolean``,
``id_card``, ``uscc``, ``mobile``, ``division``, ``address``, ``number``).
``select_one towns`` (``counties``, ``villages``) with no such list on the ``choices``
sheet takes its options from the built-in division source of that name. English labels go
in ``label::English (en)``, further languages in ``label::ug`` or ``label::Uyghur (ug)``
(and the same for ``constraint_message`` and the settings' ``form_title``); the form then
declares those languages. The columns ``calculation``, ``default``, ``read_only``,
``repeat_count`` and ``choice_filter`` map onto the field attributes of those names
(``calculate`` for ``calculation``); a ``choice_filter`` is written as XLSForm's cascading
selects write it, ``column = expression``, where ``column`` is a column of the list's rows
on the ``choices`` sheet (the options' ``parent``). Columns named after the other
:class:`~govservice_std.forms.spec.Field` attributes (``max_length``, ``minimum``,
``min_items``, ``material`` …) set them. The settings' ``version`` is the form's version.

Expressions are translated into the library's rule language, token by token, never
evaluated: ``${name}`` becomes the field's path, ``=`` becomes ``==``, ``div`` and ``mod``
become ``/`` and ``%``, ``true()`` and ``false()`` become ``true`` and ``false``,
``string-length`` becomes ``len`` and ``count-selected`` becomes ``count``; ``selected``,
``count``, ``sum`` and ``today`` keep their names, and the library's ``age``, ``year``,
``empty`` and ``null`` may be used as they are. Anything else (``regex``, ``if``,
``concat``, ``..``, ``jr:`` functions) cannot be mapped and is reported at its cell.

>>> to_rule("${age} >= 18 and selected(${kinds}, 'a')", {"age": "age", "kinds": "kinds"})
"age >= 18 and selected(kinds, 'a')"
>>> from_rule("count(members) > 1 and . == true", {"members": "members"})
'count(${members}) > 1 and . = true()'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from govservice_std.errors import GovServiceError, InvalidDataError
from govservice_std.forms.spec import CHOICE_SOURCES, Field, FieldType, FormSpec
from govservice_std.serialization import structure
from govservice_std.spreadsheets import cells as c
from govservice_std.spreadsheets._problems import CellError, SheetProblem, SpreadsheetError
from govservice_std.spreadsheets.reader import Grid, read_workbook

__all__ = [
    "ExpressionMappingError",
    "form_from_grids",
    "form_from_workbook",
    "form_to_rows",
    "form_to_workbook",
    "from_rule",
    "to_rule",
]

_EN = "label::English (en)"
_MESSAGE_EN = "constraint_message::English (en)"
_TITLE_EN = "form_title::English (en)"
_EXTRA = (
    "min_length",
    "max_length",
    "pattern",
    "minimum",
    "maximum",
    "min_selected",
    "max_selected",
    "min_items",
    "max_items",
    "material",
)
_RULES = ("relevant", "constraint", "calculation", "repeat_count")
SURVEY_COLUMNS = (
    "type",
    "name",
    "label",
    _EN,
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    _MESSAGE_EN,
    "calculation",
    "default",
    "read_only",
    "choice_filter",
    "repeat_count",
    *_EXTRA,
)
"""The ``survey`` sheet's columns, as :func:`form_to_workbook` writes them."""


class ExpressionMappingError(CellError, GovServiceError):
    """An XLSForm expression (or a rule being exported) has no counterpart."""

    def localized(self, lang: str = "zh") -> str:
        """The message in ``lang``."""
        return self.message if lang == "zh" else self.message_en


# --- expressions -------------------------------------------------------------------------

_XLS_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<ref>\$\{[^}]*\})
      | (?P<str>'[^']*'|"[^"]*")
      | (?P<num>\d+(?:\.\d+)?)
      | (?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,|\.\.|\.)
      | (?P<word>[A-Za-z_][A-Za-z0-9_:-]*)
    """,
    re.VERBOSE,
)
# Functions spelt the same in XLSForm and in the rule language, both ways.
_SAME_FUNCTIONS = (
    "selected", "count", "sum", "today", "age", "year", "empty",
    "if", "coalesce", "round", "int", "birth_date", "date",
)  # fmt: skip
_XLS_FUNCTIONS = {
    **{name: name for name in _SAME_FUNCTIONS},
    "count-selected": "count",
    "string-length": "len",
    "len": "len",
}
_XLS_WORDS = {"and": "and", "or": "or", "not": "not", "div": "/", "mod": "%", "null": "null"}


def _unmappable(what: str, what_en: str, text: str) -> ExpressionMappingError:
    return ExpressionMappingError(
        f"表达式“{text}”中的{what}无法映射到本库的规则语言",
        f"{what_en} in {text!r} cannot be mapped onto the library's rule language",
    )


def to_rule(  # noqa: PLR0912 - one branch per kind of token
    text: str, refs: Mapping[str, str] | Callable[[str], str | None]
) -> str:
    """Translate an XLSForm expression into the library's rule language.

    Args:
        text: The expression.
        refs: ``${name}`` → the path to use in the rule (a mapping, or a function returning
            ``None`` for an unknown name).

    Raises:
        ExpressionMappingError: For a construct with no counterpart or an unknown name.
    """
    lookup = refs.get if isinstance(refs, Mapping) else refs
    out: list[str] = []
    pos = 0
    tokens = list(_scan(_XLS_TOKEN, text))
    index = 0
    while index < len(tokens):
        kind, value, pos = tokens[index]
        nxt = _next_significant(tokens, index)
        if kind == "ref":
            name = value[2:-1].strip()
            path = lookup(name)
            if path is None:
                raise ExpressionMappingError(
                    f"表达式“{text}”引用了不存在的题目 ${{{name}}}",
                    f"{text!r} refers to ${{{name}}}, which is not a question of the form",
                )
            out.append(path)
        elif kind == "op":
            if value == "..":
                raise _unmappable("“..”（上级节点）", "'..' (parent node)", text)
            out.append("==" if value == "=" else value)
        elif kind == "word":
            if value in ("true", "false") and nxt == "(":
                closing = _skip_call(tokens, index)
                if closing is None:
                    raise _unmappable(f"{value}()", f"{value}() with arguments", text)
                out.append(value)
                index = closing
            elif value in _XLS_WORDS:
                out.append(_XLS_WORDS[value])
            elif nxt == "(":
                if value not in _XLS_FUNCTIONS:
                    raise _unmappable(f"函数 {value}()", f"function {value}()", text)
                out.append(_XLS_FUNCTIONS[value])
            else:
                raise _unmappable(f"“{value}”", repr(value), text)
        else:
            out.append(value)
        index += 1
    del pos
    return "".join(out)


def _scan(pattern: re.Pattern[str], text: str) -> Iterator[tuple[str, str, int]]:
    pos = 0
    while pos < len(text):
        match = pattern.match(text, pos)
        if match is None:
            raise ExpressionMappingError(
                f"表达式“{text}”第 {pos + 1} 个字符“{text[pos]}”无法识别",
                f"unexpected character {text[pos]!r} at position {pos} in {text!r}",
            )
        kind = match.lastgroup or ""
        yield kind, match.group(kind), pos
        pos = match.end()


def _next_significant(tokens: Sequence[tuple[str, str, int]], index: int) -> str | None:
    for kind, value, _ in tokens[index + 1 :]:
        if kind != "space":
            return value
    return None


def _skip_call(tokens: Sequence[tuple[str, str, int]], index: int) -> int | None:
    """The index of the ``)`` closing an argument-less call at ``index``, or ``None``."""
    significant = [i for i in range(index + 1, len(tokens)) if tokens[i][0] != "space"]
    if len(significant) >= 2 and tokens[significant[1]][1] == ")":
        return significant[1]
    return None


_RULE_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<str>'[^']*'|"[^"]*")
      | (?P<num>\d+(?:\.\d+)?)
      | (?P<path>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
      | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|%|\(|\)|,|\[|\]|\.)
    """,
    re.VERBOSE,
)
_RULE_FUNCTIONS = {**{name: name for name in _SAME_FUNCTIONS}, "len": "string-length"}


def from_rule(  # noqa: PLR0912 - one branch per kind of token
    text: str, refs: Mapping[str, str] | Callable[[str], str | None]
) -> str:
    """Translate a rule of the library's language into an XLSForm expression.

    Args:
        text: The rule.
        refs: A field path as written in the rule → the question name to reference (a
            mapping, or a function returning ``None`` when the path cannot be named).

    Raises:
        ExpressionMappingError: For lists (``in [...]``) and paths that cannot be named.
    """
    lookup = refs.get if isinstance(refs, Mapping) else refs
    tokens = list(_scan(_RULE_TOKEN, text))
    out: list[str] = []
    for index, (kind, value, _) in enumerate(tokens):
        nxt = _next_significant(tokens, index)
        before = out[-1][-1:] if out and out[-1] else ""
        if kind == "path":
            word = re.sub(r"\s+", "", value)
            if nxt == "(" and word in _RULE_FUNCTIONS:
                out.append(_RULE_FUNCTIONS[word])
            elif word in ("true", "false"):
                out.append(f"{word}()")
            elif word in ("and", "or", "not", "null"):
                out.append(word)
            elif word == "in":
                raise _unmappable("列表（in [...]）", "a list test (in [...])", text)
            else:
                name = lookup(word)
                if name is None:
                    raise ExpressionMappingError(
                        f"规则“{text}”中的 {word} 无法写成 XLSForm 引用",
                        f"{word!r} in {text!r} cannot be written as an XLSForm reference",
                    )
                out.append(f"${{{name}}}")
        elif kind == "op":
            if value in ("[", "]"):
                raise _unmappable("列表（[...]）", "a list ([...])", text)
            if value in ("/", "%"):
                word = "div" if value == "/" else "mod"
                after = nxt is not None and text[tokens[index][2] + 1 : tokens[index][2] + 2] != " "
                out.append(("" if before == " " else " ") + word + (" " if after else ""))
            else:
                out.append("=" if value == "==" else value)
        else:
            out.append(value)
    return "".join(out)


# --- reading ----------------------------------------------------------------------------


@attrs.define
class _Row:
    row: int
    cells: dict[str, object]
    columns: dict[str, tuple[int, str]]

    def problem(self, sheet: str, key: str, message: str, message_en: str) -> SheetProblem:
        column, heading = self.columns.get(key, (0, key))
        return SheetProblem(sheet, self.row, column, heading, message, message_en)


def _heading_key(heading: object) -> str:
    text = str(heading).strip()
    base, sep, lang = text.partition("::")
    base = base.strip().lower().replace(" ", "_")
    if sep:
        tag = _LANG_IN.search(lang)
        code = tag.group(1) if tag else lang.strip()
        lower = code.lower()
        if "english" in lang.lower() or lower == "en":
            return f"{base}::en"
        if lower in {"zh", "zh-hans"} or lang.strip().lower() == "chinese":
            return base
        return f"{base}::{code}"
    return base


_LANG_IN = re.compile(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\)\s*$")


def _rows(grid: Grid) -> list[_Row]:
    if not grid.rows:
        return []
    header = grid.rows[0]
    columns = {
        _heading_key(cell): (index + 1, str(cell).strip())
        for index, cell in enumerate(header)
        if not c.blank(cell)
    }
    rows = []
    for number, row in enumerate(grid.rows[1:], start=2):
        cells = {
            key: row[index - 1]
            for key, (index, _) in columns.items()
            if index - 1 < len(row) and not c.blank(row[index - 1])
        }
        if cells:
            rows.append(_Row(number, cells, columns))
    return rows


_TYPES = {
    "text": ("text", False),
    "string": ("text", False),
    "integer": ("number", True),
    "int": ("number", True),
    "decimal": ("number", False),
    "number": ("number", False),
    "date": ("date", False),
    "file": ("attachment", False),
    "image": ("attachment", False),
    "photo": ("attachment", False),
    "attachment": ("attachment", False),
    "acknowledge": ("boolean", False),
    **{t.value: (t.value, False) for t in FieldType if not t.container},
}
_METADATA = {"start", "end", "today", "deviceid", "username", "phonenumber", "email", "audit"}


def _sheet(grids: Sequence[Grid], name: str) -> Grid | None:
    for grid in grids:
        if grid.name.strip().lower() == name:
            return grid
    return None


def form_from_workbook(path: Path | str) -> FormSpec:
    """Read an XLSForm-style workbook (see the module docs) into a form.

    Raises:
        SpreadsheetError: With every problem, each at its sheet, row and column.
    """
    return form_from_grids(read_workbook(path), source=str(path), default_id=Path(path).stem)


def form_from_grids(  # noqa: PLR0912, PLR0915 - one pass over the survey rows
    grids: Sequence[Grid], *, source: str = "", default_id: str = "form"
) -> FormSpec:
    """Read a form from a workbook's sheets (``survey``, ``choices``, ``settings``).

    Raises:
        SpreadsheetError: With every problem, each at its sheet, row and column.
    """
    problems: list[SheetProblem] = []
    survey = _sheet(grids, "survey")
    if survey is None:
        raise SpreadsheetError(
            [SheetProblem("survey", 0, 0, "", "缺少 survey 工作表", "no 'survey' sheet")],
            source=source,
        )
    choices: dict[str, list[dict[str, Any]]] = {}
    languages: set[str] = set()
    choices_sheet = _sheet(grids, "choices")
    for row in _rows(choices_sheet) if choices_sheet is not None else []:
        list_name = c.text(row.cells.get("list_name", ""))
        value = row.cells.get("name")
        label = row.cells.get("label")
        if not list_name or value is None or label is None:
            missing = "list_name" if not list_name else ("name" if value is None else "label")
            problems.append(row.problem("choices", missing, "必填项为空", "is empty"))
            continue
        choice: dict[str, Any] = {"value": c.text(value), "label": c.text(label)}
        if "label::en" in row.cells:
            choice["label_en"] = c.text(row.cells["label::en"])
        further = {
            key.partition("::")[2]: c.text(cell)
            for key, cell in row.cells.items()
            if key.startswith("label::") and key != "label::en"
        }
        if further:
            choice["labels"] = further
            languages.update(further)
        choice["_columns"] = {
            key: c.text(cell)
            for key, cell in row.cells.items()
            if key not in ("list_name", "name", "label") and "::" not in key
        }
        choices.setdefault(list_name, []).append(choice)
    settings: dict[str, object] = {}
    settings_sheet = _sheet(grids, "settings")
    if settings_sheet is not None and (rows := _rows(settings_sheet)):
        settings = rows[0].cells

    rows = _rows(survey)
    # First pass: the tree of questions, each with its row, to resolve ${name} references.
    root: dict[str, Any] = {"fields": [], "path": "", "kind": "root"}
    stack = [root]
    where: dict[int, _Row] = {}
    nodes: list[tuple[dict[str, Any], _Row]] = []
    for row in rows:
        raw_type = c.text(row.cells.get("type", "")).strip()
        kind, _, argument = raw_type.partition(" ")
        kind = kind.strip().lower().replace(" ", "_")
        argument = argument.strip()
        if raw_type.lower().replace(" ", "_") in (
            "begin_group",
            "begin_repeat",
            "end_group",
            "end_repeat",
        ):
            kind = raw_type.lower().replace(" ", "_")
            argument = ""
        if not kind:
            problems.append(row.problem("survey", "type", "缺少题型", "no type"))
            continue
        if kind in ("end_group", "end_repeat"):
            wanted = "group" if kind == "end_group" else "repeat"
            if len(stack) == 1 or stack[-1]["kind"] != wanted:
                problems.append(
                    row.problem(
                        "survey",
                        "type",
                        f"{kind} 没有对应的 begin_{wanted}",
                        f"{kind} without a matching begin_{wanted}",
                    )
                )
            else:
                stack.pop()
            continue
        if kind in _METADATA:
            continue
        name = c.text(row.cells.get("name", ""))
        node: dict[str, Any] = {"name": name, "row": row.row, "kind": "field"}
        if kind in ("begin_group", "begin_repeat"):
            node["type"] = "group" if kind == "begin_group" else "repeat"
            node["kind"] = node["type"]
            node["fields"] = []
        elif kind in ("select_one", "select_multiple", "select_one_from_file"):
            if kind == "select_one_from_file":
                problems.append(
                    row.problem(
                        "survey",
                        "type",
                        "无法映射题型 select_one_from_file：请把选项写在 choices 表",
                        "select_one_from_file cannot be mapped: list the options on 'choices'",
                    )
                )
                continue
            node["type"] = "choice" if kind == "select_one" else "multi_choice"
            if argument in CHOICE_SOURCES and argument not in choices and kind == "select_one":
                node["choice_source"] = argument
            elif argument not in choices:
                problems.append(
                    row.problem(
                        "survey",
                        "type",
                        f"choices 表中没有选项列表“{argument}”",
                        f"no list {argument!r} on the 'choices' sheet",
                    )
                )
                continue
            else:
                node["choices"] = choices[argument]
        elif kind == "calculate":
            node["type"] = "text"
        elif kind in _TYPES:
            node["type"], integer = _TYPES[kind]
            if integer:
                node["integer"] = True
        else:
            problems.append(
                row.problem(
                    "survey",
                    "type",
                    f"题型“{raw_type}”无法映射",
                    f"type {raw_type!r} cannot be mapped",
                )
            )
            continue
        parent = stack[-1]
        node["path"] = f"{parent['path']}{'.' if parent['path'] else ''}{name}"
        node["parent"] = parent
        parent["fields"].append(node)
        where[row.row] = row
        nodes.append((node, row))
        if node["kind"] in ("group", "repeat"):
            stack.append(node)
    problems.extend(
        where[open_node["row"]].problem(
            "survey",
            "type",
            f"begin_{open_node['kind']} 没有对应的 end_{open_node['kind']}",
            f"begin_{open_node['kind']} without a matching end_{open_node['kind']}",
        )
        for open_node in stack[1:]
    )

    by_name: dict[str, list[dict[str, Any]]] = {}
    for node, _row in nodes:
        by_name.setdefault(node["name"], []).append(node)

    by_path = {node["path"]: node for node, _row in nodes}

    def resolver(owner: dict[str, Any]) -> Callable[[str], str | None]:
        def resolve(name: str) -> str | None:
            # ${group.name} (a path from the form's root) names a question whose bare
            # name is not unique; a bare name picks the nearest question of that name.
            if "." in name:
                return _reference(owner, [by_path[name]]) if name in by_path else None
            return _reference(owner, by_name.get(name, []))

        return resolve

    # Second pass: attributes and rules of each question.
    for node, row in nodes:
        cells = row.cells
        label = cells.get("label")
        if label is not None:
            node["label"] = c.text(label)
        for key, attr in (
            ("label::en", "label_en"),
            ("hint", "hint"),
            ("constraint_message", "constraint_message"),
            ("constraint_message::en", "constraint_message_en"),
        ):
            if key in cells:
                node[attr] = c.text(cells[key])
        for base, attr in (
            ("label", "labels"),
            ("constraint_message", "constraint_messages"),
            ("hint", "hints"),
        ):
            further = {
                key.partition("::")[2]: c.text(cell)
                for key, cell in cells.items()
                if key.startswith(f"{base}::") and (key != f"{base}::en" or base == "hint")
            }
            if further:
                node[attr] = further
                languages.update(lang for lang in further if lang != "en")
        for key in _RULES:
            if key in cells:
                try:
                    rule = to_rule(c.text(cells[key]), resolver(node))
                except CellError as exc:
                    problems.append(row.problem("survey", key, exc.message, exc.message_en))
                    continue
                node["calculate" if key == "calculation" else key] = rule
        if "read_only" in cells:
            try:
                node["read_only"] = c.boolean(_bare(cells["read_only"]))
            except CellError as exc:
                problems.append(row.problem("survey", "read_only", exc.message, exc.message_en))
        if "default" in cells:
            try:
                node["default"] = _default(node.get("type", ""), cells["default"])
            except CellError as exc:
                problems.append(row.problem("survey", "default", exc.message, exc.message_en))
        if "choice_filter" in cells:
            try:
                _choice_filter(node, c.text(cells["choice_filter"]), resolver(node))
            except CellError as exc:
                problems.append(row.problem("survey", "choice_filter", exc.message, exc.message_en))
        elif "choices" in node:
            node["choices"] = [_bare_choice(ch) for ch in node["choices"]]
        if "required" in cells:
            raw = cells["required"]
            try:
                node["required"] = c.boolean(_bare(raw))
            except CellError:
                try:
                    node["required_if"] = to_rule(c.text(raw), resolver(node))
                except CellError as exc:
                    problems.append(row.problem("survey", "required", exc.message, exc.message_en))
        for key in _EXTRA:
            if key in cells:
                try:
                    extra: object = (
                        c.text(cells[key])
                        if key in ("pattern", "material")
                        else c.number(cells[key])
                        if key in ("minimum", "maximum")
                        else c.integer(cells[key])
                    )
                except CellError as exc:
                    problems.append(row.problem("survey", key, exc.message, exc.message_en))
                    continue
                node[key] = extra

    fields_data = [_plain(n) for n in root["fields"]]
    if not problems and not fields_data:
        problems.append(
            SheetProblem("survey", 0, 0, "", "表单没有题目", "the form has no question")
        )
    settings_title = settings.get("form_title")
    data: dict[str, Any] = {
        "id": c.text(settings.get("form_id", default_id)),
        "title": c.text(settings_title) if settings_title is not None else default_id,
        "fields": fields_data,
    }
    if _TITLE_EN.lower() in {k.lower() for k in settings} or "form_title::en" in settings:
        data["title_en"] = c.text(settings["form_title::en"])
    if "version" in settings:
        data["version"] = c.text(settings["version"])
    titles = {
        key.partition("::")[2]: c.text(cell)
        for key, cell in settings.items()
        if key.startswith("form_title::") and key != "form_title::en"
    }
    languages.update(titles)
    if titles:
        data["titles"] = titles
    if "languages" in settings:
        languages.update(c.text(settings["languages"]).split())
    languages.difference_update(("zh", "en"))
    if languages:
        data["languages"] = ["zh", "en", *sorted(languages)]
    if "illustrative" in settings:
        try:
            data["illustrative"] = c.boolean(settings["illustrative"])
        except CellError as exc:
            problems.append(
                SheetProblem("settings", 2, 0, "illustrative", exc.message, exc.message_en)
            )
    if "notes" in settings:
        data["notes"] = c.text(settings["notes"])
    if problems:
        raise SpreadsheetError(sorted(problems, key=_order), source=source)
    rows_by_path = _row_paths(root["fields"], "fields")
    try:
        spec = structure(data, FormSpec)
        from govservice_std.forms.validate import compile_form  # noqa: PLC0415

        compile_form(spec)
    except InvalidDataError as error:
        for problem in error.problems:
            row_number, key = _locate(problem.path, rows_by_path)
            target = where.get(row_number)
            if target is None:
                problems.append(SheetProblem("survey", 0, 0, "", problem.message, problem.message))
            else:
                problems.append(target.problem("survey", key, problem.message, problem.message))
        raise SpreadsheetError(sorted(problems, key=_order), source=source) from None
    return spec


def _bare(raw: object) -> object:
    """A yes/no cell as XLSForm writes it (``yes``, ``true()``)."""
    return raw.strip().removesuffix("()") if isinstance(raw, str) else raw


def _default(kind: str, raw: object) -> object:
    """A ``default`` cell as a value of the field's type."""
    if kind == "number":
        return c.number(raw)
    if kind == "boolean":
        return c.boolean(_bare(raw))
    if kind == "multi_choice":  # XLSForm: the values chosen, separated by spaces
        return c.text(raw).split()
    return c.text(raw)


_FILTER = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)(.*)", re.DOTALL)


def _choice_filter(node: dict[str, Any], text: str, refs: Callable[[str], str | None]) -> None:
    """``column = expression``: the options' ``parent`` from ``column``, the rule from the rest."""
    match = _FILTER.fullmatch(text)
    if match is None:
        raise ExpressionMappingError(
            f"选项筛选条件“{text}”应写作“列名 = 表达式”（如 town = ${{town}}）",
            f"the choice filter {text!r} must read 'column = expression' (town = ${{town}})",
        )
    column, rest = match.group(1), match.group(2)
    node["choice_filter"] = to_rule(rest.strip(), refs)
    if "choice_source" in node:
        return
    options = []
    for choice in node.get("choices", []):
        parent = choice["_columns"].get(column)
        if parent is None:
            raise ExpressionMappingError(
                f"选项“{choice['value']}”缺少筛选列“{column}”",
                f"option {choice['value']!r} has no value in the filter column {column!r}",
            )
        options.append({**_bare_choice(choice), "parent": parent})
    node["choices"] = options


def _bare_choice(choice: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in choice.items() if not k.startswith("_")}


def _order(problem: SheetProblem) -> tuple[str, int, int]:
    return (problem.sheet, problem.row, problem.column)


def _containers(node: dict[str, Any]) -> list[dict[str, Any]]:
    chain = []
    current = node.get("parent")
    while current is not None:
        chain.append(current)
        current = current.get("parent")
    return chain  # innermost first, the root last


def _reference(owner: dict[str, Any], candidates: list[dict[str, Any]]) -> str | None:
    """The rule path for a ``${name}`` used on ``owner``.

    The path is relative to the deepest container both share, so the nearest candidate
    wins; ``None`` when there is none or two are as near.
    """
    if not candidates:
        return None
    own = _containers(owner)
    best: list[tuple[int, str]] = []
    for candidate in candidates:
        theirs = _containers(candidate)
        shared = next(x for x in own if any(x is t for t in theirs))
        depth = len(_containers(shared)) if shared.get("kind") != "root" else -1
        base = shared["path"]
        relative = candidate["path"][len(base) + 1 :] if base else candidate["path"]
        best.append((depth, relative))
    best.sort(key=lambda b: -b[0])
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None
    return best[0][1]


def _plain(node: dict[str, Any]) -> dict[str, Any]:
    skip = {"row", "kind", "path", "parent"}
    out = {k: v for k, v in node.items() if k not in skip and k != "fields"}
    if "fields" in node:
        out["fields"] = [_plain(child) for child in node["fields"]]
    return out


def _row_paths(nodes: list[dict[str, Any]], prefix: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for index, node in enumerate(nodes):
        path = f"{prefix}[{index}]"
        out[path] = node["row"]
        if "fields" in node:
            out.update(_row_paths(node["fields"], f"{path}.fields"))
    return out


def _locate(path: str, rows: Mapping[str, int]) -> tuple[int, str]:
    """The survey row and column key of a model path (``fields[2].fields[0].relevant``)."""
    best = ""
    for candidate in rows:
        if (path == candidate or path.startswith((f"{candidate}.", f"{candidate}["))) and len(
            candidate
        ) > len(best):
            best = candidate
    if not best:
        return 0, ""
    rest = path[len(best) :].lstrip(".")
    key = re.split(r"[.\[]", rest, maxsplit=1)[0] if rest else "name"
    key = {
        "label_en": "label::en",
        "constraint_message_en": "constraint_message::en",
        "calculate": "calculation",
        "choice_source": "type",
        "required_if": "required",
        "choices": "type",
        "fields": "type",
    }.get(key, key)
    return rows[best], key


# --- writing ----------------------------------------------------------------------------


def _tree(fields: Sequence[Field]) -> dict[str, dict[str, Any]]:
    """Nodes as the reader builds them (name, path, kind, parent), keyed by path."""
    root: dict[str, Any] = {"path": "", "kind": "root", "name": ""}
    out: dict[str, dict[str, Any]] = {}

    def walk(children: Sequence[Field], parent: dict[str, Any]) -> None:
        for field in children:
            path = f"{parent['path']}.{field.name}" if parent["path"] else field.name
            kind = field.type.value if field.type.container else "field"
            node = {"name": field.name, "path": path, "kind": kind, "parent": parent}
            out[path] = node
            walk(field.fields, node)

    walk(fields, root)
    return out


def form_to_rows(spec: FormSpec) -> dict[str, list[list[object]]]:  # noqa: PLR0915 - one row per attribute
    """A form as the rows of its ``survey``, ``choices`` and ``settings`` sheets.

    Raises:
        ExpressionMappingError: If a rule has no XLSForm counterpart (lists) or refers to
            a field whose name is not unique enough to reference.
    """
    further = spec.languages[2:]
    columns = [
        *SURVEY_COLUMNS[:4],
        *(f"label::{lang}" for lang in further),
        SURVEY_COLUMNS[4],
        *(f"hint::{lang}" for lang in ("en", *further)),
        *SURVEY_COLUMNS[5:10],
        *(f"constraint_message::{lang}" for lang in further),
        *SURVEY_COLUMNS[10:],
    ]
    survey: list[list[object]] = [list(columns)]
    parents = any(ch.parent for _, f in spec.walk() for ch in f.choices)
    choice_head: list[object] = [
        "list_name",
        "name",
        "label",
        _EN,
        *(f"label::{lang}" for lang in further),
        *(["parent"] if parents else []),
    ]
    choices: list[list[object]] = [choice_head]
    tree = _tree(spec.fields)
    by_name: dict[str, list[dict[str, Any]]] = {}
    for node in tree.values():
        by_name.setdefault(node["name"], []).append(node)

    def refs(containers: tuple[str, ...], name: str) -> Callable[[str], str | None]:
        owner = tree[".".join((*containers, name))]

        def lookup(written: str) -> str | None:
            # The rule language resolves a path from the innermost container outwards.
            for depth in range(len(containers), -1, -1):
                full = ".".join((*containers[:depth], written))
                if full in tree:
                    target = tree[full]
                    bare = target["name"]
                    if _reference(owner, by_name[bare]) in (written, None) and _reference(
                        owner, by_name[bare]
                    ) == _reference(owner, [target]):
                        return str(bare)
                    return full
            return None

        return lookup

    def emit(  # noqa: PLR0912, PLR0915 - one branch per optional column
        fields: Sequence[Field], containers: tuple[str, ...]
    ) -> None:
        for field in fields:
            row: dict[str, object] = {"name": field.name, "label": field.label}
            own = refs(containers, field.name)
            if field.type.container:
                row["type"] = f"begin_{field.type.value}"
            elif field.type in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
                list_name = field.choice_source or "_".join((*containers, field.name))
                kind = "select_one" if field.type is FieldType.CHOICE else "select_multiple"
                row["type"] = f"{kind} {list_name}"
                choices.extend(
                    [
                        list_name,
                        ch.value,
                        ch.label,
                        ch.label_en or None,
                        *(ch.labels.get(lang) for lang in further),
                        *([ch.parent or None] if parents else []),
                    ]
                    for ch in field.choices
                )
                if field.choice_filter is not None:
                    row["choice_filter"] = "parent = " + from_rule(field.choice_filter, own)
            elif field.type is FieldType.NUMBER:
                row["type"] = "integer" if field.integer else "decimal"
            elif field.type is FieldType.DATETIME:
                row["type"] = "dateTime"
            else:
                row["type"] = field.type.value
            if field.label_en:
                row[_EN] = field.label_en
            for lang, text in field.labels.items():
                row[f"label::{lang}"] = text
            for lang, text in field.hints.items():
                row[f"hint::{lang}"] = text
            for lang, text in field.constraint_messages.items():
                row[f"constraint_message::{lang}"] = text
            if field.calculate is not None:
                row["calculation"] = from_rule(field.calculate, own)
            if field.repeat_count is not None:
                row["repeat_count"] = from_rule(field.repeat_count, own)
            if field.default is not None:
                default = field.default
                if isinstance(default, bool):
                    default = "yes" if default else "no"
                elif isinstance(default, list | tuple):
                    default = " ".join(str(value) for value in default)
                row["default"] = default
            if field.read_only:
                row["read_only"] = "yes"
            if field.hint:
                row["hint"] = field.hint
            if field.required:
                row["required"] = "yes"
            if field.required_if is not None:
                row["required"] = from_rule(field.required_if, own)
            if field.relevant is not None:
                row["relevant"] = from_rule(field.relevant, own)
            if field.constraint is not None:
                row["constraint"] = from_rule(field.constraint, own)
            if field.constraint_message:
                row["constraint_message"] = field.constraint_message
            if field.constraint_message_en:
                row[_MESSAGE_EN] = field.constraint_message_en
            for key in _EXTRA:
                value = getattr(field, key)
                if value is not None:
                    row[key] = value
            survey.append([row.get(str(column)) for column in columns])
            if field.type.container:
                emit(field.fields, (*containers, field.name))
                survey.append([f"end_{field.type.value}", *([None] * (len(columns) - 1))])

    emit(spec.fields, ())
    settings_head: list[object] = [
        "form_id",
        "form_title",
        _TITLE_EN,
        *(f"form_title::{lang}" for lang in further),
        "version",
        "illustrative",
        "notes",
        *(["languages"] if further else []),
    ]
    settings_row: list[object] = [
        spec.id,
        spec.title,
        spec.title_en or None,
        *(spec.titles.get(lang) for lang in further),
        spec.version,
        "yes" if spec.illustrative else "no",
        spec.notes or None,
        *([" ".join(spec.languages)] if further else []),
    ]
    return {"survey": survey, "choices": choices, "settings": [settings_head, settings_row]}


def form_to_workbook(spec: FormSpec, path: Path | str) -> None:
    """Write a form as an XLSForm-style workbook that :func:`form_from_workbook` reads back.

    Examples shipped with the form, and its message templates in further languages, are not
    written (a workbook has no place for them).

    Raises:
        ExpressionMappingError: If a rule has no XLSForm counterpart.
        MissingDependencyError: If openpyxl is missing.
    """
    from govservice_std.spreadsheets.export import write_rows  # noqa: PLC0415

    write_rows(form_to_rows(spec), path)
