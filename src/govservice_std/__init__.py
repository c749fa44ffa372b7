"""govservice_std: standardized government service for China's three tiers of halls.

The names an application needs first are importable from here (:data:`__all__`, one table
below); the rest are public in their subpackages (:mod:`govservice_std.halls`,
:mod:`govservice_std.evaluation`, :mod:`govservice_std.queues`, …), each with its own
``__all__``. Importing the package is cheap: each name is loaded from its module on first
use, and no plugin is loaded until you ask for a registry.

>>> import govservice_std as gs
>>> registry = gs.load_registry(autoload=False)  # only the built-in national baseline
>>> registry.resolve("000000").locality.name
'全国'
>>> gs.DivisionCode("441324116").parent
DivisionCode(value='441324')
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

from govservice_std._version import __version__

# For type checkers only: at run time the names load lazily from the table below.
if TYPE_CHECKING:
    from govservice_std._markers import hookimpl as hookimpl
    from govservice_std._markers import hookspec as hookspec
    from govservice_std.calendar import WorkingCalendar as WorkingCalendar
    from govservice_std.divisions import NATIONAL as NATIONAL
    from govservice_std.divisions import DivisionCode as DivisionCode
    from govservice_std.errors import DataProblem as DataProblem
    from govservice_std.errors import FieldValueError as FieldValueError
    from govservice_std.errors import GovServiceError as GovServiceError
    from govservice_std.errors import InvalidDataError as InvalidDataError
    from govservice_std.errors import PluginError as PluginError
    from govservice_std.errors import QueueError as QueueError
    from govservice_std.errors import UnknownLocalityError as UnknownLocalityError
    from govservice_std.evaluation import Answer as Answer
    from govservice_std.evaluation import Assessment as Assessment
    from govservice_std.evaluation import Review as Review
    from govservice_std.evaluation import Scorecard as Scorecard
    from govservice_std.evaluation import Standard as Standard
    from govservice_std.evaluation import Status as Status
    from govservice_std.evaluation import evaluate_hall as evaluate_hall
    from govservice_std.evaluation import evaluate_locality as evaluate_locality
    from govservice_std.evaluation import load_assessment as load_assessment
    from govservice_std.evaluation import summarize_reviews as summarize_reviews
    from govservice_std.forms import CompiledForm as CompiledForm
    from govservice_std.forms import FormSpec as FormSpec
    from govservice_std.forms import ValidationResult as ValidationResult
    from govservice_std.forms import compile_form as compile_form
    from govservice_std.halls import Hall as Hall
    from govservice_std.halls import HallTier as HallTier
    from govservice_std.halls import Window as Window
    from govservice_std.items import Catalog as Catalog
    from govservice_std.items import ServiceItem as ServiceItem
    from govservice_std.localities import Locality as Locality
    from govservice_std.localities import LocalityLevel as LocalityLevel
    from govservice_std.localities import Provenance as Provenance
    from govservice_std.queues import MemoryStore as MemoryStore
    from govservice_std.queues import PostgresStore as PostgresStore
    from govservice_std.queues import QueueEngine as QueueEngine
    from govservice_std.queues import QueueKpis as QueueKpis
    from govservice_std.queues import QueuePolicy as QueuePolicy
    from govservice_std.queues import SQLiteStore as SQLiteStore
    from govservice_std.registry import Registry as Registry
    from govservice_std.registry import ResolvedLocality as ResolvedLocality
    from govservice_std.registry import load_registry as load_registry
    from govservice_std.serialization import dump as dump
    from govservice_std.serialization import dumps as dumps
    from govservice_std.serialization import load as load
    from govservice_std.serialization import loads as loads
    from govservice_std.serialization import structure as structure
    from govservice_std.serialization import unstructure as unstructure
    from govservice_std.staffing import DayProfile as DayProfile
    from govservice_std.staffing import erlang_c as erlang_c
    from govservice_std.staffing import load_profile as load_profile
    from govservice_std.staffing import plan_staffing as plan_staffing

_EXPORTS: dict[str, str] = {
    # Localities, the registry and the resolved locality
    "load_registry": "registry",
    "Registry": "registry",
    "ResolvedLocality": "registry",
    "Locality": "localities",
    "LocalityLevel": "localities",
    "Provenance": "localities",
    "DivisionCode": "divisions",
    "NATIONAL": "divisions",
    "hookimpl": "_markers",
    "hookspec": "_markers",
    # Errors: every one a GovServiceError
    "GovServiceError": "errors",
    "DataProblem": "errors",
    "FieldValueError": "errors",
    "InvalidDataError": "errors",
    "UnknownLocalityError": "errors",
    "PluginError": "errors",
    "QueueError": "errors",
    # Reading and writing data files (one converter)
    "load": "serialization",
    "loads": "serialization",
    "dump": "serialization",
    "dumps": "serialization",
    "structure": "serialization",
    "unstructure": "serialization",
    # Halls, service items, forms and the working calendar
    "Hall": "halls",
    "HallTier": "halls",
    "Window": "halls",
    "Catalog": "items",
    "ServiceItem": "items",
    "FormSpec": "forms",
    "CompiledForm": "forms",
    "ValidationResult": "forms",
    "compile_form": "forms",
    "WorkingCalendar": "calendar",
    # Evaluation
    "Standard": "evaluation",
    "Assessment": "evaluation",
    "Answer": "evaluation",
    "load_assessment": "evaluation",
    "evaluate_hall": "evaluation",
    "evaluate_locality": "evaluation",
    "Scorecard": "evaluation",
    "Status": "evaluation",
    "Review": "evaluation",
    "summarize_reviews": "evaluation",
    # Queues
    "QueueEngine": "queues",
    "QueuePolicy": "queues",
    "QueueKpis": "queues",
    "MemoryStore": "queues",
    "SQLiteStore": "queues",
    "PostgresStore": "queues",
    # Staffing
    "DayProfile": "staffing",
    "load_profile": "staffing",
    "plan_staffing": "staffing",
    "erlang_c": "staffing",
}
"""Each public name and the module it is loaded from, on first use."""

__all__ = ["__version__", *_EXPORTS]  # noqa: PLE0604 - built from the one table above


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        # A subpackage (``gs.halls.Weekday``) loads on first use too.
        if not name.startswith("_") and importlib.util.find_spec(f"govservice_std.{name}"):
            return importlib.import_module(f"govservice_std.{name}")
        raise AttributeError(f"module 'govservice_std' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"govservice_std.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
