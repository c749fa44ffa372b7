"""The hall service: an HTTP API and the browser pages a hall runs on.

Install the ``web`` extra (``pip install govservice-std[web]``), then build the app with
:func:`~govservice_std.web.app.create_app` or run it with ``govstd serve``. See the hall
service guide in the documentation.
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    # The web framework is imported only when the service is used.
    if name == "create_app":
        from govservice_std.web.app import create_app  # noqa: PLC0415

        return create_app
    raise AttributeError(name)
