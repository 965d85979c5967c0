"""Grouping of result items by agent, channel or local calendar period.

Every result type that can be split (durations, counts, rates, surveys, tasks) keeps one
`GroupKeys` per item and inherits `Grouped`, so that ``by()`` means the same thing
everywhere: named groups sorted by name, then ``None``; or every local period from the first
item's to the last item's, empty ones included.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any, Literal, Self, TypeAlias, overload

import attrs
import numpy as np
import numpy.typing as npt

from .._core.periods import (
    PERIOD_UNITS,
    TimeZone,
    bucket_instants,
    check_period_unit,
    resolve_timezone,
)
from .._core.time import NAT
from .._core.typing import Int32Array, Int64Array
from ..errors import InvalidParameterError

__all__ = ["GroupKey", "GroupKeys", "Grouped", "group_indices"]

GroupKey: TypeAlias = Literal["agent", "channel", "hour", "day", "week", "month"]


_GROUP_KEYS = "'agent', 'channel', 'hour', 'day', 'week' or 'month'"


@attrs.frozen(eq=False)
class GroupKeys:
    """What each item of a result can be grouped by: an agent, a channel and an instant.

    ``agent`` and ``channel`` are int32 codes into the name tuples, -1 for none; ``time`` is
    epoch ns (UTC), `NAT` for an item without a time. ``default_tz`` is the zone periods
    are local to when the caller names none: a result measured with a business calendar sets it
    to the calendar's zone, so that its days are the team's days; ``None`` is UTC.
    """

    agent: Int32Array
    agent_names: tuple[str, ...]
    channel: Int32Array
    channel_names: tuple[str, ...]
    time: Int64Array
    default_tz: tzinfo | None = attrs.field(default=None, kw_only=True)

    def subset(self, index: npt.NDArray[np.intp]) -> GroupKeys:
        return attrs.evolve(
            self, agent=self.agent[index], channel=self.channel[index], time=self.time[index]
        )

    def split(
        self, key: object, tz: TimeZone | None, function: str = "by"
    ) -> list[tuple[str | datetime | None, npt.NDArray[np.intp]]]:
        """The groups of ``key``, in order, each with the indices of its items.

        Agents and channels: the named groups that have items, sorted by name, then ``None``
        for items without one. Periods: every period from the first item's to the last item's,
        empty ones included, then ``None`` for items without a time; local to ``tz``, or to
        `default_tz` when ``tz`` is ``None``.
        """
        if key in ("agent", "channel"):
            if tz is not None:
                raise InvalidParameterError(
                    function, "tz", "None when grouping by agent or channel", tz
                )
            codes, names = (
                (self.agent, self.agent_names)
                if key == "agent"
                else (self.channel, self.channel_names)
            )
            # Shifted by one, so that "none" (-1) is group 0 and comes out first.
            chunks = group_indices(codes.astype(np.int64) + 1, len(names) + 1)
            named: list[tuple[str | datetime | None, npt.NDArray[np.intp]]] = [
                (names[code - 1], chunk)
                for code, chunk in enumerate(chunks)
                if code > 0 and chunk.size
            ]
            if chunks and chunks[0].size:
                named.append((None, chunks[0]))
            return named
        if isinstance(key, str) and key in PERIOD_UNITS:
            unit = check_period_unit(key, function, "key")
            zone = resolve_timezone(tz if tz is not None else self.default_tz, function)
            untimed = np.flatnonzero(self.time == NAT)
            if untimed.size:
                timed = np.flatnonzero(self.time != NAT)
                index = bucket_instants(self.time[timed], unit, zone)
                chunks = [timed[c] for c in group_indices(index.codes, len(index))]
            else:
                index = bucket_instants(self.time, unit, zone)
                chunks = group_indices(index.codes, len(index))
            groups: list[tuple[str | datetime | None, npt.NDArray[np.intp]]] = list(
                zip(index.labels(), chunks, strict=True)
            )
            if untimed.size:
                groups.append((None, untimed))
            return groups
        raise InvalidParameterError(function, "key", f"one of {_GROUP_KEYS}", key)


def group_indices(codes: npt.NDArray[np.int64], n_groups: int) -> list[npt.NDArray[np.intp]]:
    """The item indices of each group code in ``0 .. n_groups - 1``, in item order.

    A stable sort of small unsigned codes is a radix sort in numpy: several times faster than
    sorting the int32/int64 codes themselves, which matters on millions of items.
    """
    if n_groups == 0:
        return []
    if n_groups <= 1 << 8:
        small: npt.NDArray[Any] = codes.astype(np.uint8)
    elif n_groups <= 1 << 16:
        small = codes.astype(np.uint16)
    else:
        small = codes
    order = np.argsort(small, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=n_groups))[:-1]
    return list(np.split(order, bounds))


class Grouped:
    """Grouping for result types that hold a `GroupKeys` per item."""

    __slots__ = ()

    def _group_keys(self) -> GroupKeys:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def _subset(self, index: npt.NDArray[np.intp]) -> Self:  # pragma: no cover
        raise NotImplementedError

    @overload
    def by(
        self, key: Literal["agent", "channel"], *, tz: None = None
    ) -> dict[str | None, Self]: ...

    @overload
    def by(
        self, key: Literal["hour", "day", "week", "month"], *, tz: TimeZone | None = None
    ) -> dict[datetime | None, Self]: ...

    @overload
    def by(
        self, key: GroupKey, *, tz: TimeZone | None = None
    ) -> dict[str | datetime | None, Self]: ...

    def by(self, key: GroupKey, *, tz: TimeZone | None = None) -> dict[Any, Self]:
        """Split the result into one result per agent, channel or calendar period.

        Args:
            key: ``"agent"`` or ``"channel"`` (named groups sorted by name, then ``None`` for
                items without one), or a period: ``"hour"``, ``"day"``, ``"week"`` (ISO, from
                Monday) or ``"month"``, local to ``tz``; every period from the first item's to
                the last item's is present, empty ones included, keyed by its start as an aware
                datetime.
            tz: The time zone of the periods (an IANA name, a ``ZoneInfo`` or a fixed
                ``timezone``). Only for periods. By default, the time zone of the business
                calendar the result was measured with, if any, else UTC.

        Returns:
            A dict from group to that group's result.
        """
        function = f"{type(self).__name__}.by"
        return {
            label: self._subset(index)
            for label, index in self._group_keys().split(key, tz, function)
        }
