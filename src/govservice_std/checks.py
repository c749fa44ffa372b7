"""Checks of a locality the way the library will use it, for plugin authors and CI.

:func:`check_locality` loads the plugins, resolves the locality through its chain and runs
every registered check, collecting problems instead of stopping at the first. The same
checks back ``govstd check LOCALITY`` and the pytest contract suite in
:mod:`govservice_std.testing`.

Each check is a function ``(registry, code) -> Iterable[CheckProblem]`` registered in
:data:`CHECKS`; domain modules add their own (items, forms, criteria) next to the data they
own.

>>> problems = check_locality("000000", registry=None, autoload=False)
>>> problems
()
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any

import attrs

from govservice_std.errors import (
    GovServiceError,
    InvalidDataError,
    PluginError,
)
from govservice_std.halls import HALLS_FILE
from govservice_std.i18n import _
from govservice_std.registry import Registry, ResolvedLocality, load_registry

if TYPE_CHECKING:
    from govservice_std.forms import Choice, FormLibrary, FormSpec

__all__ = [
    "CHECKS",
    "KNOWN_DATA_FILES",
    "CheckProblem",
    "check_locality",
    "problems_from_error",
]

KNOWN_DATA_FILES: set[str] = {
    HALLS_FILE,
    "README.md",
    "calendar.toml",
    "criteria.toml",
    "divisions.toml",
    "items.toml",
    "queue.toml",
    "staffing.toml",
}
"""File names the library reads from a layer's data folder; anything else is reported, since
a misspelt file would otherwise be ignored in silence. Domain modules add their files."""


@attrs.frozen
class CheckProblem:
    """One problem found by a check.

    Attributes:
        check: The check that found it (``halls``, ``data-files`` …).
        source: The file or plugin concerned.
        path: The path inside the file, if any.
        message: What is wrong.
    """

    check: str
    source: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        path = f"{self.path}: " if self.path else ""
        return f"{where}{path}{self.message} [{self.check}]"


def problems_from_error(check: str, error: GovServiceError) -> list[CheckProblem]:
    """Turn a library error into check problems, one per data problem."""
    if isinstance(error, InvalidDataError):
        return [
            CheckProblem(check, error.source or "", problem.path, problem.message)
            for problem in error.problems
        ] or [CheckProblem(check, error.source or "", "", str(error))]
    if isinstance(error, PluginError):
        source = f"plugin {error.plugin}"
        if error.distribution:
            source += f" ({error.distribution} {error.version or '?'})"
        detail = f"hook {error.hook}: {error.detail}" if error.hook else error.detail
        return [CheckProblem(check, source, "", detail)]
    return [CheckProblem(check, "", "", str(error))]


def _check_chain(registry: Registry, code: str) -> Iterable[CheckProblem]:
    registry.chain(code)
    return ()


def _check_halls(registry: Registry, code: str) -> Iterable[CheckProblem]:
    registry.resolve(code)
    return ()


def _unchecked(registry: Registry, code: str) -> ResolvedLocality:
    # Each check reads its own part, whatever the state of the others (the halls included).
    return ResolvedLocality(registry, registry.chain(code))


def _check_criteria(registry: Registry, code: str) -> Iterable[CheckProblem]:
    # Overlays must name criteria in force, and the chosen scoring model must exist.
    _unchecked(registry, code).part("scoring_model")
    return ()


def _check_calendar(registry: Registry, code: str) -> Iterable[CheckProblem]:
    _unchecked(registry, code).part("calendar")
    return ()


def _check_items(registry: Registry, code: str) -> Iterable[CheckProblem]:
    # Items load with their localizations: promised limits within legal limits, forms
    # that exist in the chain, codes that fit each layer's layout.
    _unchecked(registry, code).part("catalog")
    return ()


def _check_forms(registry: Registry, code: str) -> Iterable[CheckProblem]:
    # Loading compiles every form (its rule expressions parse) and collects the layers'
    # cross-field checks from their plugins; then each form must judge its own examples
    # as they say: problems exactly at the fields they name.
    library = _unchecked(registry, code).forms
    problems: list[CheckProblem] = []
    for form in library:
        for index, example in enumerate(form.spec.examples):
            result = form.validate(example.data, today=example.today)
            found = sorted({problem.path for problem in result.problems})
            expected = sorted(set(example.problems))
            if found != expected:
                detail = "; ".join(f"{p.path}: {p.message}" for p in result.problems)
                problems.append(
                    CheckProblem(
                        "forms",
                        str(library.provenance[form.spec.id]),
                        f"examples[{index}]",
                        f"example {example.name!r} expects problems at {expected or 'none'}, "
                        f"the form finds them at {found or 'none'}"
                        + (f" ({detail})" if detail else ""),
                    )
                )
        problems.extend(
            CheckProblem("forms", str(library.provenance[form.spec.id]), path, message)
            for path, message in _empty_sources(form.spec, library.choice_sources)
        )
    problems.extend(_check_materials(registry, code, library))
    return problems


def _empty_sources(
    spec: FormSpec, sources: Mapping[str, Sequence[Choice]]
) -> Iterable[tuple[str, str]]:
    """A field whose built-in choice source has no option in this locality."""
    for path, field in spec.walk():
        if field.choice_source is not None and not sources.get(field.choice_source):
            yield (
                path,
                _(
                    "the choice source {source!r} offers no option in this locality: "
                    "list its division units in divisions.toml"
                ).format(source=field.choice_source),
            )


def _check_materials(registry: Registry, code: str, library: FormLibrary) -> list[CheckProblem]:
    """An attachment field must name a material its item has (by ``Material.id``)."""
    try:
        catalog = _unchecked(registry, code).catalog
    except GovServiceError:
        return []  # the items check reports it
    problems: list[CheckProblem] = []
    for item in catalog:
        if item.form is None or item.form not in library:
            continue
        form = library.get(item.form)
        ids = {material.id for material in item.materials if material.id}
        for path, field in form.spec.walk():
            if field.material is not None and field.material not in ids:
                problems.append(
                    CheckProblem(
                        "forms",
                        str(library.provenance[form.spec.id]),
                        path,
                        _(
                            "the attachment names material {material!r}, which item {item} "
                            "(whose form this is) does not list; its material ids: {ids}"
                        ).format(
                            material=field.material,
                            item=item.code,
                            ids=", ".join(sorted(ids)) or "-",
                        ),
                    )
                )
    return problems


def _check_queue(registry: Registry, code: str) -> Iterable[CheckProblem]:
    # Lines, priority groups and outcomes overlay by id; unknown ids in removals fail.
    _unchecked(registry, code).part("queue_policy")
    return ()


def _check_staffing(registry: Registry, code: str) -> Iterable[CheckProblem]:
    _unchecked(registry, code).part("staffing_profile")
    return ()


def _check_data_files(registry: Registry, code: str) -> Iterable[CheckProblem]:
    problems: list[CheckProblem] = []
    for info in registry.chain(code):
        data = info.locality.data
        if data is None:
            continue
        if not data.is_dir():
            problems.append(
                CheckProblem(
                    "data-files",
                    f"plugin {info.plugin.label}",
                    "",
                    f"data folder of {info.locality.label} does not exist: {data}",
                )
            )
            continue
        problems.extend(
            CheckProblem(
                "data-files",
                f"{entry} (plugin {info.plugin.label})",
                "",
                "unknown data file; expected one of " + ", ".join(sorted(KNOWN_DATA_FILES)),
            )
            for entry in _entries(data)
            if entry.is_file() and entry.name not in KNOWN_DATA_FILES
        )
    return problems


def _entries(folder: Traversable) -> list[Traversable]:
    return sorted(folder.iterdir(), key=lambda e: e.name)


CHECKS: dict[str, Callable[[Registry, str], Iterable[CheckProblem]]] = {
    "chain": _check_chain,
    "data-files": _check_data_files,
    "halls": _check_halls,
    "calendar": _check_calendar,
    "items": _check_items,
    "forms": _check_forms,
    "criteria": _check_criteria,
    "queue": _check_queue,
    "staffing": _check_staffing,
}
"""The registered checks by name, run in this order."""


def check_locality(
    code: str, *, registry: Registry | None = None, **load_options: Any
) -> tuple[CheckProblem, ...]:
    """Run every check on a locality and return all problems found (empty when clean).

    Args:
        code: The locality's division code.
        registry: A registry to check against; by default one is loaded with
            ``load_options`` (the arguments of :func:`~govservice_std.load_registry`).
        **load_options: Passed to :func:`~govservice_std.load_registry`.

    Returns:
        Every problem, in check order. A plugin that fails to load is reported as a
        problem of the ``load`` check, and nothing else is checked.
    """
    if registry is None:
        try:
            registry = load_registry(**load_options)
        except GovServiceError as error:
            return tuple(problems_from_error("load", error))
    try:
        registry.info(code)
    except GovServiceError as error:
        return tuple(problems_from_error("locality", error))
    problems: list[CheckProblem] = []
    for name, check in CHECKS.items():
        try:
            problems.extend(check(registry, code))
        except GovServiceError as error:
            problems.extend(problems_from_error(name, error))
    return tuple(problems)
