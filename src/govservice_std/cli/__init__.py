"""The ``govstd`` command line (also ``python -m govservice_std``).

Rendering only: every command asks the library and prints what it gets. A user error (an
unknown locality, a bad data file, a broken plugin) ends with exit status 2 and a one-line
message on standard error, never a traceback.

Each area's commands live in their own module and attach themselves to :data:`cli`.
"""

from __future__ import annotations

from govservice_std.cli import authoring as _authoring  # noqa: F401 - registers commands
from govservice_std.cli import cases as _cases  # noqa: F401 - registers its commands
from govservice_std.cli import evaluation as _evaluation  # noqa: F401 - registers its commands
from govservice_std.cli import halls as _halls  # noqa: F401 - registers its commands
from govservice_std.cli import items as _items  # noqa: F401 - registers its commands
from govservice_std.cli import queue as _queue  # noqa: F401 - registers its commands
from govservice_std.cli import queue_db as _queue_db  # noqa: F401 - registers its commands
from govservice_std.cli import serve as _serve  # noqa: F401 - registers its commands
from govservice_std.cli import spreadsheets as _spreadsheets  # noqa: F401 - registers its commands
from govservice_std.cli import staffing as _staffing  # noqa: F401 - registers its commands
from govservice_std.cli._base import cli, main

__all__ = ["cli", "main"]
