"""SLA policies and the three-way status of an item against its target (achieved, breached,
pending), compared in exact integer nanoseconds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final, Literal, TypeAlias

import attrs
import numpy as np

from .._core.typing import BoolArray, Int8Array, Int64Array
from .._engine.durations import timedelta_ns
from ..calendar import _INT64_MAX, BusinessCalendar
from ..errors import InvalidParameterError

__all__ = ["SlaPolicy", "SlaStatus", "SlaTargetName", "classify"]

SlaTargetName: TypeAlias = Literal["first_reply", "next_reply", "resolution"]


SlaStatus: TypeAlias = Literal["achieved", "breached", "pending"]


#: The targets of a policy, in the order results list them.
TARGETS: Final[tuple[SlaTargetName, ...]] = ("first_reply", "next_reply", "resolution")


_TARGET_TITLES: Final = {
    "first_reply": "first reply",
    "next_reply": "next reply",
    "resolution": "resolution",
}


ACHIEVED: Final = 0


BREACHED: Final = 1


PENDING: Final = 2


_STATUS_NAMES: Final[tuple[SlaStatus, ...]] = ("achieved", "breached", "pending")


def classify(closed: BoolArray, actual_ns: Int64Array, target_ns: Int64Array | int) -> Int8Array:
    """Each item's status against its target: `ACHIEVED`, `BREACHED`, `PENDING`.

    ``actual_ns`` is the duration of a closed item and the age at ``as_of`` of an open one. Over
    the target is breached whether closed or not; within it, closed is achieved and open pending.
    """
    over = actual_ns > target_ns
    status = np.where(closed, ACHIEVED, PENDING).astype(np.int8)
    status[over] = BREACHED
    return status


def _check_target(instance: SlaPolicy, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise InvalidParameterError(
            "SlaPolicy", attribute.name, "a positive timedelta or None", value
        )
    if timedelta_ns(value) > _INT64_MAX:
        raise InvalidParameterError(
            "SlaPolicy", attribute.name, "a timedelta shorter than 292 years", value
        )


def _check_policy_calendar(
    instance: SlaPolicy, attribute: attrs.Attribute[Any], value: object
) -> None:
    if value is not None and not isinstance(value, BusinessCalendar):
        raise InvalidParameterError("SlaPolicy", "calendar", "a BusinessCalendar or None", value)


@attrs.frozen(kw_only=True)
class SlaPolicy:
    """Service-level targets: how soon the first reply, each next reply and the resolution are due.

    Every target is optional, but a policy needs at least one. With a ``calendar``, targets count
    business time only: a 2-hour first-reply target met on Monday at 09:30 for a message sent on
    Friday at 16:30 in a 09:00-17:00 team.

    Every field is keyword-only.

    Attributes:
        first_reply: Due time of each conversation's first reply (its first wait).
        next_reply: Due time of every later reply (each later wait).
        resolution: Due time of the resolution, from the customer's first message.
        calendar: Count business time in this calendar instead of wall-clock time; periods of
            the results are then local to the calendar's time zone.

    Raises:
        InvalidParameterError: A target that is not a positive ``timedelta``, a calendar that is
            not a [`BusinessCalendar`][socialcare_metrics.BusinessCalendar], or no target at all.

    Examples:
        >>> from datetime import timedelta
        >>> policy = SlaPolicy(first_reply=timedelta(hours=2), resolution=timedelta(days=1))
        >>> list(policy.targets)
        ['first_reply', 'resolution']
    """

    first_reply: timedelta | None = attrs.field(default=None, validator=_check_target)
    next_reply: timedelta | None = attrs.field(default=None, validator=_check_target)
    resolution: timedelta | None = attrs.field(default=None, validator=_check_target)
    calendar: BusinessCalendar | None = attrs.field(default=None, validator=_check_policy_calendar)

    def __attrs_post_init__(self) -> None:
        if self.first_reply is None and self.next_reply is None and self.resolution is None:
            raise InvalidParameterError(
                "SlaPolicy",
                "first_reply",
                "a timedelta for at least one of first_reply, next_reply and resolution",
                None,
            )

    @property
    def targets(self) -> dict[SlaTargetName, timedelta]:
        """The targets that are set, by name, in the order first reply, next reply, resolution."""
        values = (self.first_reply, self.next_reply, self.resolution)
        return {name: value for name, value in zip(TARGETS, values, strict=True) if value}
