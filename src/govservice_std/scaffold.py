"""Generate a new locality plugin distribution (``govstd new-plugin``).

The generated project installs with pip, declares one locality with a data folder, ships
illustrative data files — ``halls.toml``, a criteria overlay ``criteria.toml`` (one added
criterion, one override), ``items.toml`` with one item and its form in ``forms/``, and a
``queue.toml`` overlay — and runs the contract suite in its tests, so it passes them
unchanged; the author then replaces the example data with the locality's own.

>>> spec = plan_plugin(code="441322", name="博罗县")
>>> spec.parent, spec.level, spec.distribution, spec.module
('441300', 'county', 'govservice-std-locality-441322', 'govservice_locality_441322')
"""

from __future__ import annotations

import re
import string
from importlib.resources import files
from pathlib import Path

import attrs

from govservice_std._version import __version__
from govservice_std.divisions import DivisionCode
from govservice_std.errors import FieldValueError, ScaffoldError
from govservice_std.localities import Locality

__all__ = ["PluginSpec", "plan_plugin", "write_plugin"]

_MODULE = re.compile(r"^[a-z_][a-z0-9_]*$")

_EXAMPLE_FORM = "example-allowance"
"""Id of the illustrative form the generated ``items.toml`` item uses."""


@attrs.frozen
class PluginSpec:
    """What :func:`write_plugin` generates.

    Attributes:
        code: The locality's six-digit division code.
        name: Its official name.
        level: ``province``, ``city`` or ``county`` (from the code).
        parent: The parent locality's code.
        module: The Python package name.
        distribution: The distribution (pip) name.
        entry_name: The entry-point (plugin) name.
    """

    code: str
    name: str
    level: str
    parent: str
    module: str
    distribution: str
    entry_name: str


def plan_plugin(
    *, code: str, name: str, parent: str | None = None, package: str | None = None
) -> PluginSpec:
    """Work out the names of a new plugin and check the locality is well formed.

    Args:
        code: The locality's six-digit division code.
        name: Its official name (博罗县).
        parent: The parent's code; derived from the code when omitted (a county directly
            under its province must give it).
        package: The Python package name; ``govservice_locality_<code>`` by default.

    Raises:
        ScaffoldError: If the code, name, parent or package name is not valid.
    """
    try:
        division = DivisionCode(code)
        derived = division.parent
        chosen = parent if parent is not None else (str(derived) if derived else None)
        locality = Locality(code=code, name=name, level=division.level.value, parent=chosen)
    except FieldValueError as error:
        raise ScaffoldError(f"cannot make a plugin for {code!r}: {error}") from None
    except ValueError as error:  # a level the code cannot have (town, village)
        raise ScaffoldError(f"cannot make a plugin for {code!r}: {error}") from None
    module = package or f"govservice_locality_{code}"
    if not _MODULE.match(module):
        raise ScaffoldError(f"package name {module!r} is not a valid lower-case Python name")
    return PluginSpec(
        code=str(locality.code),
        name=locality.name,
        level=locality.level.value,
        parent=str(locality.parent),
        module=module,
        distribution=f"govservice-std-locality-{code}"
        if package is None
        else module.replace("_", "-"),
        entry_name=f"locality_{code}" if package is None else module,
    )


_LEVEL_ZH = {"province": "省", "city": "市", "county": "县"}


def write_plugin(spec: PluginSpec, directory: Path | str) -> list[Path]:
    """Write the plugin project into ``directory`` (which must be empty or absent).

    Returns:
        The files written, relative to ``directory``.

    Raises:
        ScaffoldError: If ``directory`` exists and is not empty.
    """
    root = Path(directory)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ScaffoldError(f"{root} already exists and is not empty")
    values = {
        **attrs.asdict(spec),
        "level_zh": _LEVEL_ZH[spec.level],
        "library_version": __version__,
    }
    templates = files("govservice_std") / "templates" / "plugin"
    layout = {
        "pyproject.toml": "pyproject.toml.tmpl",
        "README.md": "README.md.tmpl",
        f"src/{spec.module}/__init__.py": "__init__.py.tmpl",
        f"src/{spec.module}/py.typed": None,
        f"src/{spec.module}/data/{spec.code}/halls.toml": "halls.toml.tmpl",
        f"src/{spec.module}/data/{spec.code}/criteria.toml": "criteria.toml.tmpl",
        f"src/{spec.module}/data/{spec.code}/items.toml": "items.toml.tmpl",
        f"src/{spec.module}/data/{spec.code}/forms/{_EXAMPLE_FORM}.toml": "form.toml.tmpl",
        f"src/{spec.module}/data/{spec.code}/queue.toml": "queue.toml.tmpl",
        "tests/test_contract.py": "test_contract.py.tmpl",
    }
    written: list[Path] = []
    for relative, template in layout.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        text = ""
        if template is not None:
            source = (templates / template).read_text(encoding="utf-8")
            text = string.Template(source).substitute(values)
        target.write_text(text, encoding="utf-8")
        written.append(Path(relative))
    return written
