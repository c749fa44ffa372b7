"""How a locality's day profile is read: the nearest layer's ``staffing.toml``.

This is the only staffing code that reads the registry; it provides the
``staffing_profile`` part of a :class:`~govservice_std.registry.ResolvedLocality`. A layer
may put a ``staffing.toml`` in its data folder; the most specific layer's file wins
(profiles describe one hall's day and are not merged).

>>> from govservice_std import load_registry
>>> load_registry(autoload=False).resolve("000000").staffing_profile is None
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from govservice_std.registry import ResolvedLocality, source_name
from govservice_std.serialization import load
from govservice_std.staffing.profile import PROFILE_FILE, DayProfile

__all__ = ["PARTS", "resolve_staffing_profile"]


def resolve_staffing_profile(resolved: ResolvedLocality) -> DayProfile | None:
    """Read the day profile the nearest layer of a resolved locality's chain ships.

    Use :attr:`ResolvedLocality.staffing_profile
    <govservice_std.registry.ResolvedLocality.staffing_profile>`, which computes this once.

    Returns:
        The profile, or ``None`` if no layer of the chain ships one.

    Raises:
        InvalidDataError: If the file is invalid; the message names the file and plugin.
    """
    layers = resolved.layer_files(PROFILE_FILE)
    if not layers:
        return None
    info, file = layers[-1]
    return load(file, DayProfile, source=source_name(info, file))


PARTS: Mapping[str, Callable[[ResolvedLocality], object]] = {
    "staffing_profile": resolve_staffing_profile
}
"""The part of a resolved locality this module provides."""
