"""Distributions of service times and of visitors' patience, in minutes.

One small value type covers the four shapes a hall needs:

* ``exponential`` — memoryless, with a given mean (what Erlang C assumes);
* ``lognormal`` — skewed to the right like most real service times, given by its mean and
  standard deviation (not by the parameters of the underlying normal);
* ``empirical`` — resampled from recorded times (the service times of a real day's KPIs);
* ``fixed`` — always the same time.

In a data file::

    service = { kind = "lognormal", mean = 8.0, sd = 5.0 }
    service = { kind = "empirical", values = [3.5, 6.0, 12.25, 4.0] }

>>> TimeDistribution.lognormal(8.0, 5.0).expected
8.0
>>> TimeDistribution.empirical([2.0, 4.0]).expected
3.0
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from govservice_std._fields import to_enum, to_tuple
from govservice_std.errors import FieldValueError

# No service time, patience or interval of a hall's day is longer than the day.
_DAY_MINUTES = 1440.0

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["TimeDistribution", "TimeDistributionKind"]


class TimeDistributionKind(enum.Enum):
    """The shape of a :class:`TimeDistribution`."""

    EXPONENTIAL = "exponential"
    LOGNORMAL = "lognormal"
    EMPIRICAL = "empirical"
    FIXED = "fixed"


def _to_kind(value: TimeDistributionKind | str) -> TimeDistributionKind:
    return to_enum(TimeDistributionKind, value, "kind")


def _to_values(value: Iterable[float]) -> tuple[float, ...]:
    return tuple(float(v) for v in to_tuple(value))


@attrs.frozen
class TimeDistribution:
    """A distribution of times in minutes (see the module docs for the kinds).

    Every time is at most a day (1440 minutes).

    Build one with the class methods rather than the fields.

    Args:
        kind: The shape.
        mean: The mean in minutes (``exponential``, ``lognormal``, ``fixed``).
        sd: The standard deviation in minutes (``lognormal``).
        values: Recorded times to resample from (``empirical``).
    """

    kind: TimeDistributionKind = attrs.field(converter=_to_kind)
    mean: float | None = None
    sd: float | None = None
    values: tuple[float, ...] = attrs.field(default=(), converter=_to_values)

    def __attrs_post_init__(self) -> None:
        kind = self.kind
        if kind is TimeDistributionKind.EMPIRICAL:
            if not self.values:
                raise FieldValueError("values", "an empirical distribution needs recorded times")
            for index, value in enumerate(self.values):
                if not (math.isfinite(value) and 0 <= value <= _DAY_MINUTES):
                    raise FieldValueError(
                        f"values[{index}]", f"must be minutes in [0, 1440] (got {value!r})"
                    )
            if self.mean is not None or self.sd is not None:
                raise FieldValueError("", "an empirical distribution takes only 'values'")
            return
        if self.values:
            raise FieldValueError(
                "values", f"only an empirical distribution takes values ({kind.value})"
            )
        if self.mean is None or not (math.isfinite(self.mean) and 0 < self.mean <= _DAY_MINUTES):
            raise FieldValueError("mean", f"must be minutes in (0, 1440] (got {self.mean!r})")
        if kind is TimeDistributionKind.LOGNORMAL:
            if self.sd is None or not (math.isfinite(self.sd) and 0 < self.sd <= _DAY_MINUTES):
                raise FieldValueError("sd", f"must be minutes in (0, 1440] (got {self.sd!r})")
        elif self.sd is not None:
            raise FieldValueError("sd", f"only a lognormal distribution takes sd ({kind.value})")

    @classmethod
    def exponential(cls, mean: float) -> TimeDistribution:
        """Exponential times with this mean (minutes)."""
        return cls(TimeDistributionKind.EXPONENTIAL, mean=mean)

    @classmethod
    def lognormal(cls, mean: float, sd: float) -> TimeDistribution:
        """Lognormal times with this mean and standard deviation (minutes)."""
        return cls(TimeDistributionKind.LOGNORMAL, mean=mean, sd=sd)

    @classmethod
    def empirical(cls, values: Iterable[float]) -> TimeDistribution:
        """Times drawn with replacement from recorded ones (minutes)."""
        return cls(TimeDistributionKind.EMPIRICAL, values=tuple(values))

    @classmethod
    def fixed(cls, minutes: float) -> TimeDistribution:
        """Always ``minutes``."""
        return cls(TimeDistributionKind.FIXED, mean=minutes)

    @property
    def expected(self) -> float:
        """The mean in minutes (for ``empirical``, the mean of the recorded times)."""
        if self.mean is None:  # empirical
            return math.fsum(self.values) / len(self.values)
        return self.mean

    def sample(self, rng: np.random.Generator, size: int) -> npt.NDArray[np.float64]:
        """Draw ``size`` independent times.

        Args:
            rng: A numpy random generator.
            size: How many.
        """
        import numpy as np  # noqa: PLC0415 - keep importing the package light

        mean = self.expected
        kind = self.kind
        if kind is TimeDistributionKind.EXPONENTIAL:
            return rng.exponential(mean, size)
        if kind is TimeDistributionKind.LOGNORMAL:
            sigma2 = math.log1p((float(self.sd or 0.0) / mean) ** 2)
            return rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2), size)
        if kind is TimeDistributionKind.EMPIRICAL:
            return rng.choice(np.asarray(self.values, dtype=np.float64), size)
        return np.full(size, mean, dtype=np.float64)

    def describe(self) -> dict[str, Any]:
        """A short plain description (kind and mean, and sd where it applies)."""
        out: dict[str, Any] = {"kind": self.kind.value, "mean": self.expected}
        if self.sd is not None:
            out["sd"] = self.sd
        return out
