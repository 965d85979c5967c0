"""Call deflection: how much of the assisted contact load social care carries.

From contact counts per channel kind (phone, email, social), optionally per period: the ratio
social / (phone + email), social's share of all assisted contacts, and the estimated savings,
social contacts x (cost of an assisted contact - cost of a social one). The default costs are
the source articles' figures: "a call-centre interaction can cost up to $12, a social one less
than $1".
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Final, TypeAlias

from ..errors import InvalidDataError, InvalidParameterError
from ..results.deflection import (
    ASSISTED_CONTACT_COST,
    CHANNEL_KINDS,
    SOCIAL_CONTACT_COST,
    ChannelKind,
    DeflectionReport,
    DeflectionResult,
)

__all__ = ["ASSISTED_CONTACT_COST", "SOCIAL_CONTACT_COST", "call_deflection"]


Contacts: TypeAlias = (
    Mapping[str, int] | Iterable[tuple[str, int]] | Iterable[tuple[str, Hashable, int]]
)


_SOURCE: Final = "call_deflection"


_EXPECTED_KIND: Final = "one of 'phone', 'email', 'social'"


def _cost(value: object, parameter: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise InvalidParameterError(_SOURCE, parameter, "a finite number >= 0", value)
    return float(value)


def _kind(value: object, row: int) -> ChannelKind:
    if isinstance(value, str):
        lowered = value.strip().lower()
        for kind in CHANNEL_KINDS:
            if lowered == kind:
                return kind
    raise InvalidDataError(_SOURCE, "channel", row, _EXPECTED_KIND, value)


def _count(value: object, row: int) -> int:
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise InvalidDataError(_SOURCE, "count", row, "a non-negative int", value)
    number = int(value.__index__())
    if number < 0:
        raise InvalidDataError(_SOURCE, "count", row, "a non-negative int", value)
    return number


def _rows(contacts: object) -> list[tuple[ChannelKind, Hashable, int]]:
    """Validated (kind, period or None, count) rows."""
    if isinstance(contacts, Mapping):
        return [
            (_kind(kind, row), None, _count(count, row))
            for row, (kind, count) in enumerate(contacts.items())
        ]
    if isinstance(contacts, str | bytes) or not isinstance(contacts, Iterable):
        raise InvalidParameterError(
            _SOURCE,
            "contacts",
            "a mapping of channel kind to count, or rows of (kind, count) or (kind, period, count)",
            contacts,
        )
    out: list[tuple[ChannelKind, Hashable, int]] = []
    for row, item in enumerate(contacts):
        if not isinstance(item, tuple) or len(item) not in (2, 3):
            raise InvalidDataError(
                _SOURCE, None, row, "a (kind, count) or (kind, period, count) tuple", item
            )
        if len(item) == 2:
            out.append((_kind(item[0], row), None, _count(item[1], row)))
        else:
            period = item[1]
            if period is None or not isinstance(period, Hashable):
                raise InvalidDataError(_SOURCE, "period", row, "a hashable period label", period)
            out.append((_kind(item[0], row), period, _count(item[2], row)))
    return out


def call_deflection(
    contacts: Contacts,
    /,
    *,
    assisted_cost: float = ASSISTED_CONTACT_COST,
    social_cost: float = SOCIAL_CONTACT_COST,
) -> DeflectionReport:
    """Call deflection from contact counts per channel kind, optionally per period.

    ratio = social / (phone + email); social share = social / (phone + email + social);
    savings = social x (assisted_cost - social_cost). The default costs are the source
    articles' figures: an assisted (call-centre) contact "up to $12", a social one "less than
    $1". Counts of the same kind and period add up.

    Args:
        contacts: ``{"phone": 400, "email": 100, "social": 1000}``, or rows of
            ``(kind, count)`` or ``(kind, period, count)``, where kind is ``"phone"``,
            ``"email"`` or ``"social"`` (any case) and period any hashable label ("2024-05",
            a date, ...).
        assisted_cost: The cost of one phone or email contact.
        social_cost: The cost of one social contact.

    Returns:
        A [`DeflectionReport`][socialcare_metrics.DeflectionReport]: the totals, and one result per
            period.

    Raises:
        InvalidDataError: an unknown channel kind, a negative or non-integer count, or a
            malformed row; the message names the row.
        InvalidParameterError: a cost that is negative or not a finite number.

    Examples:
        >>> report = call_deflection({"phone": 400, "email": 100, "social": 1000})
        >>> report.savings, report.ratio, round(report.social_share, 4)
        (11000.0, 2.0, 0.6667)
    """
    assisted = _cost(assisted_cost, "assisted_cost")
    social = _cost(social_cost, "social_cost")
    rows = _rows(contacts)
    totals = dict.fromkeys(CHANNEL_KINDS, 0)
    per_period: dict[Hashable, dict[ChannelKind, int]] = {}
    for kind, period, count in rows:
        totals[kind] += count
        if period is not None:
            per_period.setdefault(period, dict.fromkeys(CHANNEL_KINDS, 0))[kind] += count
    labels: list[Any] = list(per_period)
    # Labels of types that do not compare keep the order they first appeared in.
    with contextlib.suppress(TypeError):
        labels = sorted(labels)

    def result(counts: dict[ChannelKind, int]) -> DeflectionResult:
        return DeflectionResult(
            phone=counts["phone"],
            email=counts["email"],
            social=counts["social"],
            assisted_cost=assisted,
            social_cost=social,
        )

    return DeflectionReport(
        total=result(totals), periods={label: result(per_period[label]) for label in labels}
    )
