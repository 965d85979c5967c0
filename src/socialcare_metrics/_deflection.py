"""Call deflection (SPEC section 5): how much of the assisted contact load social care carries.

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
from typing import Any, Final, Literal, TypeAlias

import attrs

from ._errors import InvalidDataError, InvalidParameterError

__all__ = [
    "ASSISTED_CONTACT_COST",
    "CHANNEL_KINDS",
    "SOCIAL_CONTACT_COST",
    "DeflectionReport",
    "DeflectionResult",
    "call_deflection",
]

ChannelKind: TypeAlias = Literal["phone", "email", "social"]
#: The channel kinds call deflection knows: two assisted channels and social.
CHANNEL_KINDS: Final[tuple[ChannelKind, ...]] = ("phone", "email", "social")
#: The source articles' cost of a call-centre interaction: "up to $12".
ASSISTED_CONTACT_COST: Final = 12.0
#: The source articles' cost of a social interaction: "less than $1".
SOCIAL_CONTACT_COST: Final = 1.0

Contacts: TypeAlias = (
    Mapping[str, int] | Iterable[tuple[str, int]] | Iterable[tuple[str, Hashable, int]]
)

_SOURCE: Final = "call_deflection"
_EXPECTED_KIND: Final = "one of 'phone', 'email', 'social'"


@attrs.frozen
class DeflectionResult:
    """Contact counts per channel kind and what they say about deflection.

    Attributes:
        phone: Phone contacts.
        email: Email contacts.
        social: Social contacts.
        assisted_cost: The cost of one assisted (phone or email) contact used for savings.
        social_cost: The cost of one social contact used for savings.
    """

    phone: int
    email: int
    social: int
    assisted_cost: float = ASSISTED_CONTACT_COST
    social_cost: float = SOCIAL_CONTACT_COST

    @property
    def count(self) -> int:
        """All contacts counted (phone + email + social)."""
        return self.phone + self.email + self.social

    @property
    def ratio(self) -> float | None:
        """social / (phone + email); ``None`` when there was no phone or email contact."""
        assisted = self.phone + self.email
        return self.social / assisted if assisted else None

    @property
    def social_share(self) -> float | None:
        """social / (phone + email + social), in [0, 1]; ``None`` over no contact."""
        return self.social / self.count if self.count else None

    @property
    def savings(self) -> float:
        """social x (assisted_cost - social_cost): what social contacts saved over assisted."""
        return self.social * (self.assisted_cost - self.social_cost)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python values."""
        return {
            "name": "call deflection",
            "phone": self.phone,
            "email": self.email,
            "social": self.social,
            "count": self.count,
            "ratio": self.ratio,
            "social_share": self.social_share,
            "savings": self.savings,
            "assisted_cost": self.assisted_cost,
            "social_cost": self.social_cost,
        }

    def __str__(self) -> str:
        share = "n/a" if self.social_share is None else f"{self.social_share:.1%}"
        return f"social share {share}, savings {self.savings:,.2f}"


@attrs.frozen(eq=False)
class DeflectionReport:
    """Call deflection overall and per period.

    Attributes:
        total: The counts over every row.
        periods: One result per period, in sorted order (or in order of first appearance when
            the period labels cannot be sorted); empty when no row named a period.
    """

    total: DeflectionResult
    periods: dict[Hashable, DeflectionResult]

    @property
    def count(self) -> int:
        """All contacts counted."""
        return self.total.count

    @property
    def ratio(self) -> float | None:
        """social / (phone + email) over all rows."""
        return self.total.ratio

    @property
    def social_share(self) -> float | None:
        """social / all contacts over all rows."""
        return self.total.social_share

    @property
    def savings(self) -> float:
        """Estimated savings over all rows."""
        return self.total.savings

    def to_dict(self) -> dict[str, Any]:
        """The report as plain Python values; period labels as their ``str``."""
        return {
            **self.total.to_dict(),
            "periods": {str(k): v.to_dict() for k, v in self.periods.items()},
        }


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
        A :class:`DeflectionReport`: the totals, and one result per period.

    Raises:
        InvalidDataError: an unknown channel kind, a negative or non-integer count, or a
            malformed row; the message names the row.
        InvalidParameterError: a cost that is negative or not a finite number.

    Example:
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
