"""Sphinx configuration for the govservice_std documentation.

The pages are MyST Markdown. The API reference documents every public name once, at the
path users import it from (``govservice_std.Hall``, ``govservice_std.halls.Zone``);
references written against a defining module (``govservice_std.halls.model.Hall``) are
redirected there by :func:`_public_alias`.
"""

from __future__ import annotations

import doctest
import importlib
import runpy
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

import govservice_std

project = "govservice_std"
author = "govservice_std developers"
copyright = "govservice_std developers"
release = govservice_std.__version__
version = ".".join(release.split(".")[:2])

# The prose is English with the Chinese terms beside it; the English search splitter keeps
# runs of Chinese characters as words, whereas the Chinese one drops them without jieba.
language = "en"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "sphinx_click",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
# web/_generated holds the endpoint reference written at build time, included by web/api.md.
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "web/_generated"]
# Curly quotes and ellipses, but no dashes: command-line options such as ``--json`` appear in
# docstrings as plain text and must not turn into en dashes.
smartquotes_action = "qe"
templates_path: list[str] = []

# -- MyST ---------------------------------------------------------------------------------

myst_enable_extensions = [
    "colon_fence",  # ::: fences for admonitions, so code blocks can sit inside them
    "deflist",  # field tables of the halls.toml reference
    "fieldlist",
    "substitution",
]
myst_heading_anchors = 3
myst_substitutions = {"version": release}

# -- autodoc and napoleon -----------------------------------------------------------------

autodoc_typehints = "description"
# Types go next to the parameters the docstring documents; undocumented attrs-generated
# parameters would otherwise repeat the class's Args section.
autodoc_typehints_description_target = "documented"
autodoc_member_order = "bysource"
add_module_names = False
python_use_unqualified_type_names = True

napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_attr_annotations = True

# -- doctest ------------------------------------------------------------------------------

# Only ``{doctest}`` blocks of the pages run here. Docstring examples already run under
# pytest (``--doctest-modules``) in their own module's namespace, which this builder does not
# reproduce.
doctest_test_doctest_blocks = ""
doctest_global_setup = "import govservice_std as gs"
# Exception messages are part of what the pages promise (errors name the plugin, the file and
# the path), so they are compared too; ``...`` stands for what varies, such as versions.
doctest_default_flags = doctest.ELLIPSIS | doctest.DONT_ACCEPT_TRUE_FOR_1

# -- nitpicky references ------------------------------------------------------------------

# The build is nitpicky: every cross-reference must resolve. Without intersphinx (the build
# runs offline) names from the standard library and from attrs, cattrs and pluggy have no
# page to link to; they are ignored here by family, each with its reason. Anything else that
# does not resolve fails the build.
nitpick_ignore_regex = [
    # The standard library, as it appears in our signatures and docstrings
    # (``pathlib.Path``, ``importlib.resources.abc.Traversable``, ``collections.abc.Mapping``).
    (
        r"py:(class|mod|func|meth|data|exc|obj)",
        r"(pathlib|datetime|decimal|enum|typing|collections\.abc|importlib)(\.\w+)*",
    ),
    # ``pathlib.Path`` as signatures name it after ``from pathlib import Path``.
    (r"py:class", r"Path"),
    # ``datetime`` as the code imports it (``import datetime as dt``), in unevaluated hints.
    (r"py:(class|obj)", r"dt\.\w+"),
    # The libraries we build on: cattrs converters, pluggy's manager and markers, attrs.
    (r"py:(class|mod|func|meth|data|exc|obj)", r"(attrs|attr|cattrs|pluggy)(\.\w+)+"),
    # Jinja2's environment and loaders, in the template family's signatures.
    (r"py:(class|mod|func|meth|data|exc|obj)", r"jinja2(\.\w+)+"),
    # python-stdnum's validators, named where the identifier checks delegate to them.
    (r"py:(class|mod|func|meth|data|exc|obj)", r"stdnum(\.\w+)+"),
    # NumPy arrays and scalars in the staffing signatures (no intersphinx: built offline).
    (r"py:(class|mod|func|meth|data|exc|obj)", r"(np|npt|numpy)(\.\w+)+"),
    # psycopg's connection pool in the PostgreSQL store's signatures (an optional extra).
    (r"py:(class|mod|func|meth|data|exc|obj)", r"(psycopg_pool\.)?ConnectionPool"),
    # Type variables of generic functions (``T`` in ``load(path, cls: type[T]) -> T``).
    (r"py:(class|obj)", r"(govservice_std(\.\w+)+\.)?[A-Z]"),
]

# -- linkcheck ----------------------------------------------------------------------------

# `make linkcheck` checks the internal references only (documents, anchors, included files):
# the build runs offline, so every external URL is skipped.
linkcheck_ignore = [r"https?://.*"]
linkcheck_anchors = True

# -- HTML ---------------------------------------------------------------------------------

html_theme = "furo"
html_title = f"govservice_std {release}"
html_static_path: list[str] = []
html_show_sourcelink = False


# Where each public name is documented: the package itself for the names it exports, else
# the subpackage or module whose ``__all__`` lists it (``govservice_std.halls.Weekday``).
_PUBLIC_MODULES = (
    "registry",
    "localities",
    "divisions",
    "errors",
    "serialization",
    "plugins",
    "hookspecs",
    "checks",
    "scaffold",
    "testing",
    "halls",
    "items",
    "forms",
    "calendar",
    "evaluation",
    "queues",
    "staffing",
)
_PUBLIC_HOME: dict[str, str] = {}
for _module in reversed(_PUBLIC_MODULES):
    for _name in importlib.import_module(f"govservice_std.{_module}").__all__:
        _PUBLIC_HOME[_name] = f"govservice_std.{_module}"
for _name in govservice_std.__all__:
    _PUBLIC_HOME[_name] = "govservice_std"


def _public_alias(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.TextElement
) -> nodes.reference | None:
    """Resolve references to a public name's defining module at its public path.

    Docstrings refer to ``govservice_std.halls.model.Hall`` or, in type hints, to a bare
    ``Hall``; the reference documents it where users import it from: ``govservice_std.Hall``
    for the names the package exports, else its subpackage (``govservice_std.halls.Zone``).
    Only public names are redirected, so a genuinely missing target still fails the
    nitpicky build.
    """
    if node.get("refdomain") != "py":
        return None
    target: str = node["reftarget"]
    parts = target.split(".")
    if parts[0] == "govservice_std":
        parts = parts[1:]
        # Drop the defining modules (``halls.model`` in ``govservice_std.halls.model.Hall``).
        while len(parts) > 1 and parts[0] not in _PUBLIC_HOME:
            parts = parts[1:]
    if not parts or parts[0] not in _PUBLIC_HOME:
        return None
    public = _PUBLIC_HOME[parts[0]] + "." + ".".join(parts)
    if public == target:
        return None
    domain: Any = env.get_domain("py")
    resolved: nodes.reference | None = domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], public, node, contnode
    )
    return resolved


_PROSE_KINDS = frozenset({"attribute", "property", "data"})
_held: dict[str, list[str]] = {}


def _hold_prose(
    _app: Sphinx, what: str, name: str, _obj: object, _options: object, lines: list[str]
) -> None:
    """Keep attribute docstrings away from napoleon (runs before it).

    napoleon reads the text before the first colon of an attribute's docstring as its type,
    so ``"综合窗口: accepts items of many departments"`` would render as a type named
    综合窗口. Our attribute docstrings are prose and types come from the annotations.
    """
    if what in _PROSE_KINDS and lines:
        _held[name] = lines[:]
        lines.clear()


def _restore_prose(
    _app: Sphinx, _what: str, name: str, _obj: object, _options: object, lines: list[str]
) -> None:
    """Put back the docstring :func:`_hold_prose` kept (runs after napoleon)."""
    held = _held.pop(name, None)
    if held is not None:
        lines[:] = held


def _api_reference(app: Sphinx) -> None:
    """Write the hall service's endpoint reference from its OpenAPI schema (web/api.md)."""
    import tempfile  # noqa: PLC0415 - only when the docs are built

    from govservice_std.queues.stores.sqlite import SQLiteStore  # noqa: PLC0415
    from govservice_std.registry import load_registry  # noqa: PLC0415
    from govservice_std.web.app import create_app  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "hall.db"
        SQLiteStore(db, "441324", locality="441324").close()
        registry = load_registry()
        web = create_app(registry.resolve("441324"), db)
        try:
            schema = web.openapi_schema.to_schema()
        finally:
            web.state.hall.service.close()
    lines = ["## Endpoints", ""]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            lines += [f"### `{method.upper()} {path}`", "", operation.get("summary", ""), ""]
            if operation.get("description"):
                lines += [operation["description"].strip(), ""]
            secured = bool(operation.get("security"))
            lines.append(f"- **Token**: {'required' if secured else 'not needed'}")
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                ref = body.get("schema", {}).get("$ref", "")
                lines.append(f"- **Body**: `{ref.rsplit('/', 1)[-1] or 'JSON object'}`")
            for param in operation.get("parameters", []):
                if param.get("in") == "query":
                    lines.append(f"- **Query** `{param['name']}`: {param.get('description', '')}")
            codes = ", ".join(f"`{code}`" for code in operation.get("responses", {}))
            lines += [f"- **Responses**: {codes}", ""]
    lines += ["## Schemas", ""]
    for name, component in sorted(schema["components"]["schemas"].items()):
        properties = component.get("properties", {})
        if not properties:
            continue
        required = set(component.get("required", []))
        lines += [f"### `{name}`", "", "| field | required |", "| --- | --- |"]
        lines += [f"| `{field}` | {'yes' if field in required else ''} |" for field in properties]
        lines.append("")
    target = Path(app.srcdir) / "web" / "_generated" / "endpoints.md"
    target.parent.mkdir(exist_ok=True)
    text = "\n".join(lines)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def _example_workbook(app: Sphinx) -> None:
    """Write the spreadsheet guide's example workbook from its script (never committed)."""
    folder = Path(app.srcdir) / "examples"
    runpy.run_path(str(folder / "county_workbook.py"))["county_workbook"](
        folder / "county-workbook.xlsx"
    )


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _api_reference)
    app.connect("builder-inited", _example_workbook)
    app.connect("missing-reference", _public_alias)
    # napoleon handles this event at the default priority, 500.
    app.connect("autodoc-process-docstring", _hold_prose, priority=400)
    app.connect("autodoc-process-docstring", _restore_prose, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
