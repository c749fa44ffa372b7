"""Babel extractor for the catalogs: marked strings plus the command line's help texts.

Babel's Python extractor finds ``_()``, ``N_()`` and ``ngettext()`` calls; click's help
texts are plain docstrings and ``help=`` arguments, so this extractor also yields the
cleaned docstring of every function decorated with ``….command(…)`` or ``….group(…)`` and
every string passed as ``help=``/``short_help=`` — exactly the texts
:class:`~govservice_std.cli._base.LocalizedCommand` looks up when it formats help.
"""

from __future__ import annotations

import ast
import inspect
import io
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

__all__ = ["extract"]

_HELP_KEYWORDS = ("help", "short_help")


def _is_click(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name in {"command", "group"}


def _is_labelled(base: ast.expr) -> bool:
    return getattr(base, "id", getattr(base, "attr", "")) == "LabelledEnum"


def _enum_labels(node: ast.ClassDef) -> Iterator[tuple[Any, ...]]:
    # A LabelledEnum member is `NAME = "value", "label"`: the label, with the class's name
    # as its context, as LabelledEnum.label() looks it up.
    for statement in node.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple):
            parts = statement.value.elts
            if len(parts) == 2 and isinstance(parts[1], ast.Constant):
                yield statement.lineno, "pgettext", (node.name, str(parts[1].value)), []


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Any,
) -> Iterator[tuple[Any, ...]]:
    """Yield ``(line, function, message, comments)`` as Babel's extractors do."""
    from babel.messages.extract import extract_python  # noqa: PLC0415 - a tooling dependency

    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and any(map(_is_labelled, node.bases)):
            yield from _enum_labels(node)
        elif isinstance(node, ast.FunctionDef) and any(map(_is_click, node.decorator_list)):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.lineno, "", doc, []
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                value = keyword.value
                if (
                    keyword.arg in _HELP_KEYWORDS
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    yield value.lineno, "", inspect.cleandoc(value.value), []
