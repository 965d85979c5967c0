"""Call deflection results: contact counts per channel kind, the deflection ratio and savings."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Final, Literal, TypeAlias

import attrs

ASSISTED_CONTACT_COST: Final = 12.0
"""The source articles' cost of a call-centre interaction: "up to $12"."""


SOCIAL_CONTACT_COST: Final = 1.0
"""The source articles' cost of a social interaction: "less than $1"."""


__all__ = ["CHANNEL_KINDS", "DeflectionReport", "DeflectionResult"]

ChannelKind: TypeAlias = Literal["phone", "email", "social"]


CHANNEL_KINDS: Final[tuple[ChannelKind, ...]] = ("phone", "email", "social")
"""The channel kinds call deflection knows: two assisted channels and social."""


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
    def value(self) -> float | None:
        """The headline value: the deflection ratio, or ``None`` without assisted contacts."""
        return self.ratio

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
    def value(self) -> float | None:
        """The headline value: the deflection ratio, or ``None`` without assisted contacts."""
        return self.ratio

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
