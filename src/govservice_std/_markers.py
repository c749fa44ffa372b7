"""The pluggy markers of the ``govservice_std`` project (private; re-exported by the package)."""

from __future__ import annotations

import pluggy

PROJECT = "govservice_std"
"""The pluggy project name; hook implementations must use markers of this name."""

ENTRY_POINT_GROUP = "govservice_std.localities"
"""The entry-point group locality plugins register under."""

hookspec = pluggy.HookspecMarker(PROJECT)
"""Marks a hook specification (used by :mod:`govservice_std.hookspecs`)."""

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marks a function of a plugin as the implementation of a hook.

Plugins import it from the package::

    from govservice_std import hookimpl

    @hookimpl
    def govservice_localities():
        ...
"""
