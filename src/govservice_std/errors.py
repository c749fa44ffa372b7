"""The library's exception hierarchy.

Every failure the library reports is a subclass of :class:`GovServiceError`, so an
application can catch one type. Each subclass is one kind of failure:

* :class:`InvalidDataError` — a data file or value does not fit the model; it carries every
  problem found, each with the path inside the data.
* :class:`PluginError` and its subclasses — a locality plugin failed to load, broke a hook's
  contract, or claimed a locality another plugin already claims; the message names the
  plugin, its distribution and version, and the hook.
* :class:`UnknownLocalityError` — no installed plugin declares the locality asked for.
* :class:`LocalityChainError` — the chain from the national baseline down to a locality is
  broken (a missing parent, a cycle, data that does not fit the layer).
* :class:`QueueError` and its subclasses — a queue command that does not fit the state
  (:class:`IllegalCommandError`) or an unusable event store (:class:`QueueStoreError`).
* :class:`CaseError` and its subclasses — a 办件 command that does not fit the case
  (:class:`IllegalCaseCommandError`), a case or review that does not exist or already
  exists (:class:`UnknownCaseError`, :class:`DuplicateReviewError`), an unusable case
  store (:class:`CaseStoreError`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence

import attrs

from govservice_std._privacy import mask_identifiers
from govservice_std.i18n import NP_, gettext, pgettext

__all__ = [
    "CaseError",
    "CaseStoreError",
    "DataProblem",
    "DuplicateReviewError",
    "FieldValueError",
    "GovServiceError",
    "IllegalCaseCommandError",
    "IllegalCommandError",
    "InvalidDataError",
    "LocalityChainError",
    "LocalityConflictError",
    "NoTicketWaitingError",
    "PluginContractError",
    "PluginError",
    "PluginLoadError",
    "QueueError",
    "QueueSchemaError",
    "QueueStoreError",
    "ScaffoldError",
    "UnknownCaseError",
    "UnknownLocalityError",
]


class GovServiceError(Exception):
    """Base class of every error raised by govservice_std.

    Its text never shows a whole ID number or mobile number: ``str()`` and
    ``localized()`` of every subclass pass through one masking step
    (``4413**********4517``, ``138****8000``), whatever the message was built from.
    """

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("localized")
        if own is not None and not getattr(own, "_masked", False):
            setattr(cls, "localized", _masked_localized(own))  # noqa: B010 - mypy

    def __str__(self) -> str:
        return mask_identifiers(super().__str__())

    def localized(self, lang: str = "zh") -> str:  # noqa: ARG002 - subclasses use it
        """The message in ``lang`` (``"zh"`` or ``"en"``) where the error has one.

        Errors that reach hall staff (queue commands, an unknown locality) carry a Chinese
        message; the others are for developers and plugin authors and are in English.
        """
        return str(self)


def _masked_localized(
    method: Callable[[GovServiceError, str], str],
) -> Callable[[GovServiceError, str], str]:
    @functools.wraps(method)
    def localized(self: GovServiceError, lang: str = "zh") -> str:
        return mask_identifiers(method(self, lang))

    localized._masked = True  # type: ignore[attr-defined]
    return localized


@attrs.frozen
class DataProblem:
    """One problem found in a piece of data.

    Both texts are masked when the problem is made: an ID number or mobile number quoted
    from the data shows as ``4413**********4517``.

    Attributes:
        path: Where the problem is, as a dotted path with list indices
            (``halls[3].windows[0].kind``); empty for the whole document.
        message: What is wrong, naming what was expected and what was got.
    """

    path: str = attrs.field(converter=mask_identifiers)
    message: str = attrs.field(converter=mask_identifiers)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class FieldValueError(GovServiceError, ValueError):
    """A model validator's complaint about one field.

    Raised inside model constructors; the loaders add the field's name to the path of the
    :class:`DataProblem` they report, so the problem points at the field itself. A model
    built directly in Python raises it as it is: like every error of the library it is a
    :class:`GovServiceError` (and, as before, a :class:`ValueError`).

    Args:
        field: Name of the offending field (or a dotted sub-path below it); empty when the
            complaint is about the value as a whole.
        message: What is wrong with it.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


class InvalidDataError(GovServiceError, ValueError):
    """Data does not fit the model.

    Carries every problem found, not only the first. ``str()`` gives one line per problem,
    each prefixed by the source (usually a file name) when there is one::

        halls.toml: halls[3].windows[0].kind: must be one of 'comprehensive', ... (got 'x')

    Attributes:
        source: The file (or other source) the data came from, or ``None``.
        problems: Every problem found, in document order.
    """

    def __init__(self, problems: Iterable[DataProblem], source: str | None = None) -> None:
        self.problems: tuple[DataProblem, ...] = tuple(problems)
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        if not self.problems:
            return f"{prefix}invalid data"
        return "\n".join(f"{prefix}{problem}" for problem in self.problems)

    def with_source(self, source: str) -> InvalidDataError:
        """Return a copy of this error that names ``source`` as where the data came from."""
        return InvalidDataError(self.problems, source=source)


class UnknownLocalityError(GovServiceError, LookupError):
    """No installed plugin declares the locality asked for.

    Attributes:
        code: The division code that was asked for.
        known: The codes that are installed, for the message.
    """

    def __init__(self, code: str, known: Sequence[str] = ()) -> None:
        self.code = code
        self.known = tuple(known)
        hint = f" (installed: {', '.join(self.known)})" if self.known else ""
        super().__init__(f"unknown locality {code!r}{hint}")

    def localized(self, lang: str = "zh") -> str:
        """``未知的地区代码 …`` in Chinese (the default), else the English message."""
        known = gettext(", ", lang).join(self.known)
        hint = gettext(" (installed: {codes})", lang).format(codes=known) if self.known else ""
        return gettext("unknown locality {code!r}{hint}", lang).format(code=self.code, hint=hint)


class LocalityChainError(GovServiceError):
    """The chain of layers from the national baseline to a locality is broken."""


class ScaffoldError(GovServiceError):
    """A new plugin cannot be generated as asked (bad code or name, directory not empty)."""


class PluginError(GovServiceError):
    """A locality plugin misbehaved.

    The message names the plugin (its entry-point name), the distribution that ships it with
    its version, and the hook involved, so the person who sees it knows whom to ask.

    Attributes:
        plugin: The plugin's registered name.
        distribution: The distribution (``pip`` package) that ships it, if known.
        version: That distribution's version, if known.
        hook: The hook being loaded or called, if any.
        detail: What went wrong.
    """

    def __init__(
        self,
        detail: str,
        *,
        plugin: str,
        distribution: str | None = None,
        version: str | None = None,
        hook: str | None = None,
    ) -> None:
        self.detail = detail
        self.plugin = plugin
        self.distribution = distribution
        self.version = version
        self.hook = hook
        super().__init__(self._render())

    def _render(self) -> str:
        who = f"plugin {self.plugin!r}"
        if self.distribution:
            who += f" (distribution {self.distribution} {self.version or '?'})"
        where = f" in hook {self.hook}" if self.hook else ""
        return f"{who}{where}: {self.detail}"


class PluginLoadError(PluginError):
    """A plugin could not be imported or registered; the original error is chained."""


class PluginContractError(PluginError):
    """A plugin's hook returned something that breaks the hook's contract."""


class LocalityConflictError(PluginError):
    """Two plugins declare the same locality code.

    Attributes:
        other: The plugin that claimed the code first.
    """

    def __init__(
        self,
        detail: str,
        *,
        plugin: str,
        other: str,
        distribution: str | None = None,
        version: str | None = None,
        hook: str | None = None,
    ) -> None:
        self.other = other
        super().__init__(
            detail, plugin=plugin, distribution=distribution, version=version, hook=hook
        )


class QueueError(GovServiceError):
    """Base class of the queue engine's errors.

    Args:
        message: What went wrong.
        message_zh: The same in Chinese, for errors that hall staff see (a hall that is not
            set up, an unknown hall); empty for the others.
    """

    def __init__(self, message: str = "", message_zh: str = "") -> None:
        super().__init__(message)
        self.message_zh = message_zh

    def localized(self, lang: str = "zh") -> str:
        """The Chinese message in Chinese (the default) where there is one, else the English."""
        if lang != "zh" or not self.message_zh:
            return str(self)
        return self.message_zh


class IllegalCommandError(QueueError):
    """A queue command does not fit the current state; nothing was changed.

    Attributes:
        command: The command's name (``finish``, ``call next`` …).
        reason: Why it was refused.
        reason_zh: The same in Chinese, for the hall staff who see it.
    """

    def __init__(self, command: str, reason: str, reason_zh: str = "") -> None:
        self.command = command
        self.reason = reason
        self.reason_zh = reason_zh
        super().__init__(f"cannot {command}: {reason}")

    def localized(self, lang: str = "zh") -> str:
        """``无法叫号：…`` in Chinese (the default) or ``cannot call next: …`` in English."""
        if lang == "zh" and not self.reason_zh:
            return str(self)
        reason = self.reason_zh if lang == "zh" else self.reason
        command = pgettext("queue command", self.command, lang)
        return gettext("cannot {command}: {reason}", lang).format(command=command, reason=reason)


# The queue commands' names, marked for the catalogs under the "queue command" context.
_COMMANDS = (
    NP_("queue command", "issue"),
    NP_("queue command", "check in"),
    NP_("queue command", "call next"),
    NP_("queue command", "recall"),
    NP_("queue command", "start"),
    NP_("queue command", "finish"),
    NP_("queue command", "mark no-show"),
    NP_("queue command", "reactivate"),
    NP_("queue command", "transfer"),
    NP_("queue command", "cancel"),
    NP_("queue command", "open window"),
    NP_("queue command", "close window"),
    NP_("queue command", "call ticket"),
    NP_("queue command", "park"),
    NP_("queue command", "resume"),
    NP_("queue command", "sign in"),
    NP_("queue command", "sign out"),
    NP_("queue command", "slots"),
    NP_("queue command", "book"),
    NP_("queue command", "cancel booking"),
    NP_("queue command", "reschedule"),
    NP_("queue command", "position"),
    NP_("queue command", "close day"),
)


class NoTicketWaitingError(IllegalCommandError):
    """A window asked for the next ticket but none of its lines has one waiting."""


class QueueStoreError(QueueError):
    """An event store is unusable: wrong hall, corrupt record, or a broken uniqueness rule."""


class QueueSchemaError(QueueStoreError):
    """A queue database's tables are not at the layout version this library needs.

    Raised instead of changing the database: migrations run only when asked for
    (:func:`~govservice_std.queues.stores.postgres.migrate`, ``govstd queue-db migrate``).
    """


class CaseError(GovServiceError):
    """Base class of the 办件 (case) errors; each carries a Chinese message for hall staff.

    Args:
        message: What went wrong, in English.
        message_zh: The same in Chinese (shown by default).
    """

    def __init__(self, message: str, message_zh: str = "") -> None:
        super().__init__(message)
        self.message_zh = message_zh

    def localized(self, lang: str = "zh") -> str:
        """The Chinese message (the default) where there is one, else the English."""
        if lang != "zh" or not self.message_zh:
            return str(self)
        return self.message_zh


class IllegalCaseCommandError(CaseError):
    """A case command does not fit the case's state; nothing was changed."""


class UnknownCaseError(CaseError, LookupError):
    """No case with this number (or linked to this ticket) is in the store."""


class DuplicateReviewError(CaseError):
    """The case already has its review: one review per case (一事一评)."""


class CaseStoreError(CaseError):
    """A case store is unusable: missing file, wrong layout, corrupt record."""
