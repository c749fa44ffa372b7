"""Run ``govstd serve`` in a process of its own, for drills, end-to-end tests and benchmarks.

:func:`serve_process` is a context manager: it starts the service on loopback, waits until
it answers, yields its base URL (``http://127.0.0.1:PORT``) and stops it when the block ends.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from govservice_std.errors import GovServiceError

__all__ = ["ServiceStartError", "free_port", "serve_process"]


class ServiceStartError(GovServiceError):
    """The service process did not answer in time (its log is in the message)."""


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


@contextlib.contextmanager
def serve_process(
    db: str | Path,
    locality: str,
    *,
    hall: str,
    port: int | None = None,
    at: dt.datetime | str | None = None,
    workers: int = 1,
    log: Path | None = None,
    start_seconds: float = 60.0,
) -> Iterator[str]:
    """Run ``govstd serve`` on loopback until the block ends; yields its base URL.

    Args:
        db: The hall's database (a SQLite file or a ``postgresql://`` URL).
        locality: The locality's code.
        hall: The hall's code.
        port: The port (default: a free one).
        at: Run a drill: the clock starts at this moment (``--at``).
        workers: Worker processes (``--workers``).
        log: Where the process's standard error goes (default: discarded).
        start_seconds: How long to wait for the service to answer.

    Raises:
        ServiceStartError: If the process ends or does not answer in time.
    """
    port = port or free_port()
    command = [
        sys.executable, "-m", "govservice_std", "serve", locality, "--hall", hall,
        "--db", str(db), "--port", str(port), "--workers", str(workers),
    ]  # fmt: skip
    if at is not None:
        command += ["--at", at if isinstance(at, str) else at.isoformat()]
    with contextlib.ExitStack() as stack:
        sink = stack.enter_context(log.open("wb")) if log is not None else subprocess.DEVNULL
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=sink)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_seconds
        while not _answers(f"{base}/api/v1/hall"):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                told = log.read_text(errors="replace") if log is not None else ""
                raise ServiceStartError(f"the service did not start: {told}".strip())
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
