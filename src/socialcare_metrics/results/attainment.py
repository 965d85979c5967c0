"""Expectation attainment results: the share of first replies within a threshold, against what
customers expect."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar, Final

import attrs
import numpy as np

from .._core.typing import BoolArray, Int64Array
from .._engine.durations import _INT64_MAX, timedelta_ns
from .._engine.sla import ACHIEVED, BREACHED, PENDING, classify
from ..errors import InvalidParameterError
from ._base import ITEM, Result, Summary
from ._grouping import GroupKeys
from ._render import format_duration
from ._stats import group_counts, shares

EXPECTED_WITHIN_HOUR: Final = 0.57
"""Share of consumers who expect a reply on social media within the first hour (Sprout Social
Index, as quoted by the source articles)."""


EXPECTED_WITHIN_DAY: Final = 0.75
"""Share of consumers who expect a reply within 24 hours: "more than three quarters" in the source
articles, so 75% is a lower bound."""


__all__ = ["AttainmentResult", "Expectation"]

_HOUR: Final = timedelta(hours=1)


_DAY: Final = timedelta(hours=24)


@attrs.frozen
class Expectation:
    """First replies measured against one threshold.

    Attributes:
        threshold: The time within which a first reply counts.
        within: First replies that came within the threshold (duration <= threshold).
        late: First replies that came after it, plus unanswered conversations already older
            than it at ``as_of``.
        not_yet_due: Unanswered conversations not yet older than the threshold: left out of
            [`share`][socialcare_metrics.Expectation.share], since they may still make it.
        expected: The share of consumers who expect a reply within the threshold, according to
            the source articles (``None`` for a threshold they give no figure for).
    """

    threshold: timedelta
    within: int
    late: int
    not_yet_due: int
    expected: float | None

    @property
    def count(self) -> int:
        """The conversations the share is over: within + late."""
        return self.within + self.late

    @property
    def share(self) -> float | None:
        """within / (within + late), or ``None`` when that is 0."""
        return self.within / self.count if self.count else None

    @property
    def percent(self) -> float | None:
        """The share in percent, or ``None``."""
        return None if self.share is None else 100.0 * self.share

    def to_dict(self) -> dict[str, Any]:
        """The expectation as plain Python values (the threshold in seconds)."""
        return {
            "threshold_seconds": self.threshold.total_seconds(),
            "within": self.within,
            "late": self.late,
            "not_yet_due": self.not_yet_due,
            "count": self.count,
            "share": self.share,
            "expected": self.expected,
        }

    def __str__(self) -> str:
        share = "n/a" if self.share is None else f"{self.share:.1%}"
        text = f"within {_threshold_text(self.threshold)}: {share} of {self.count:,}"
        if self.expected is not None:
            text += f" (consumers expecting it: {self.expected:.0%})"
        return text


def _threshold_text(value: timedelta) -> str:
    """Whole hours as hours (the articles' "24 hours", not "1 d"); anything else as usual."""
    if value % _HOUR == timedelta(0):
        return f"{value // _HOUR} h"
    return format_duration(value)


def _check_threshold(value: object, function: str) -> timedelta:
    if (
        not isinstance(value, timedelta)
        or value <= timedelta(0)
        or timedelta_ns(value) > _INT64_MAX
    ):
        raise InvalidParameterError(
            function, "threshold", "a positive timedelta shorter than 292 years", value
        )
    return value


def attainment_columns(
    count: Int64Array,
    answered: Int64Array,
    hour: tuple[Int64Array, Int64Array],
    day: tuple[Int64Array, Int64Array],
) -> Summary:
    """An attainment split's columns, from its conversations, answered, and (within, late) per
    group for the hour and for the day."""
    return {
        "count": count,
        "answered": answered,
        "pending": (count - answered),
        "within_hour": shares(hour[0], hour[0] + hour[1]),
        "within_day": shares(day[0], day[0] + day[1]),
    }


class FirstReplyExpectations(Result):
    """What expectation attainment derives from its conversations, answered, and first replies
    within the hour and the day: the function's
    [`AttainmentResult`][socialcare_metrics.AttainmentResult] and a merged state's summary share
    it."""

    __slots__ = ()

    _column_formats: ClassVar[Mapping[str, str]] = {
        "within_hour": "percent",
        "within_day": "percent",
    }

    as_of: datetime | None
    business_time: bool

    @property
    def count(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def answered(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def within_hour(self) -> Expectation:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def within_day(self) -> Expectation:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def value(self) -> float | None:
        """The headline value: the share of first replies within an hour, or ``None``."""
        return self.within_hour.share

    @property
    def pending(self) -> int:
        """Conversations whose first wait has no reply yet."""
        return self.count - self.answered

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python values: ``name``, ``count``, ``answered``, ``pending``,
        ``within_hour`` and ``within_day`` (as `Expectation.to_dict`), ``business_time`` and
        ``as_of`` (ISO 8601, or ``None``)."""
        return {
            "name": "expectation attainment",
            "count": self.count,
            "answered": self.answered,
            "pending": self.pending,
            "within_hour": self.within_hour.to_dict(),
            "within_day": self.within_day.to_dict(),
            "business_time": self.business_time,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
        }

    def __str__(self) -> str:
        return f"{self.within_hour}\n{self.within_day}"


@attrs.frozen(eq=False, repr=False)
class AttainmentResult(FirstReplyExpectations):
    """The share of first replies within 1 hour and within 24 hours, beside what customers expect.

    [`within_hour`][socialcare_metrics.AttainmentResult.within_hour] and
    [`within_day`][socialcare_metrics.AttainmentResult.within_day] each hold the counts and the
    share, with the source articles' figure in `Expectation.expected` (57% and 75%);
    [`within`][socialcare_metrics.AttainmentResult.within] measures any other threshold. ``by(key)``
    splits it by ``"agent"`` (who sent the first reply; an unanswered conversation belongs to its
    assignee), ``"channel"`` (of the customer's first message) or a local period (in which the
    customer first wrote; in the calendar's time zone when a calendar was given, else UTC, unless
    ``tz=`` says otherwise).
    """

    as_of: datetime | None  # None: no data and no as_of given
    business_time: bool
    _actual_ns: Int64Array = attrs.field(metadata=ITEM)  # first reply time, or age at as_of
    _closed: BoolArray = attrs.field(metadata=ITEM)
    _keys: GroupKeys = attrs.field(metadata=ITEM)

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        count = group_counts(codes, n_groups)
        answered = group_counts(codes, n_groups, self._closed)
        parts: list[tuple[Int64Array, Int64Array]] = []
        for threshold in (_HOUR, _DAY):
            status = classify(self._closed, self._actual_ns, timedelta_ns(threshold))
            within = group_counts(codes, n_groups, status == ACHIEVED)
            late = group_counts(codes, n_groups, status == BREACHED)
            parts.append((within, late))
        return attainment_columns(count, answered, parts[0], parts[1])

    @property
    def count(self) -> int:
        """Conversations with a customer message (answered or not): one first wait each."""
        return int(self._closed.shape[0])

    @property
    def answered(self) -> int:
        """Conversations whose first wait got a reply."""
        return int(np.count_nonzero(self._closed))

    def within(self, threshold: timedelta, *, expected: float | None = None) -> Expectation:
        """The first replies measured against ``threshold``.

        Args:
            threshold: A positive duration.
            expected: A benchmark share to show beside the result (for the 1-hour and 24-hour
                thresholds the articles' figures are used when none is given).
        """
        function = "AttainmentResult.within"
        _check_threshold(threshold, function)
        if expected is not None and (
            isinstance(expected, bool)
            or not isinstance(expected, int | float)
            or not 0 <= expected <= 1
        ):
            raise InvalidParameterError(function, "expected", "a share in [0, 1] or None", expected)
        if expected is None:
            expected = {_HOUR: EXPECTED_WITHIN_HOUR, _DAY: EXPECTED_WITHIN_DAY}.get(threshold)
        status = classify(self._closed, self._actual_ns, timedelta_ns(threshold))
        counts = np.bincount(status, minlength=3)
        return Expectation(
            threshold=threshold,
            within=int(counts[ACHIEVED]),
            late=int(counts[BREACHED]),
            not_yet_due=int(counts[PENDING]),
            expected=expected,
        )

    @property
    def within_hour(self) -> Expectation:
        """First replies within 1 hour, beside the 57% of consumers who expect that."""
        return self.within(_HOUR)

    @property
    def within_day(self) -> Expectation:
        """First replies within 24 hours, beside the 75% ("more than three quarters")."""
        return self.within(_DAY)

    def __repr__(self) -> str:
        def share(item: Expectation) -> str:
            return "n/a" if item.share is None else f"{item.share:.1%}"

        return (
            f"<AttainmentResult within 1 h {share(self.within_hour)} (expected 57%), "
            f"within 24 h {share(self.within_day)} (expected 75%); {self.count:,} conversations, "
            f"{self.pending:,} unanswered>"
        )
