"""What each item of a result can be grouped by, and the groups of one key.

Every result that can be split keeps one `GroupKeys` per item (an agent, a channel, an instant),
so that ``by()`` means the same thing everywhere: named groups sorted by name, then ``None``; or
every local period from the first item's to the last item's, empty ones included (up to
`MAX_PERIODS` of them; combined with another key, only the periods that have items).
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from .._core.periods import (
    PERIOD_UNITS,
    PeriodIndex,
    TimeZone,
    bucket_instants,
    bucket_present,
    check_period_unit,
    resolve_timezone,
)
from .._core.time import NAT
from .._core.typing import Int32Array, Int64Array
from ..errors import InvalidParameterError

__all__ = ["GroupKey", "GroupKeys", "group_indices"]

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

    def codes(
        self, key: str, tz: TimeZone | None, function: str, *, present_only: bool = False
    ) -> tuple[list[str | datetime | None], Int64Array]:
        """The groups of ``key``, in order, and each item's group number (0, 1, ...).

        Agents and channels: the named groups that have items, sorted by name (the order of
        the name tuple), then ``None`` for items without one. Periods: every period from the
        first item's to the last item's, empty ones included (with ``present_only``, only the
        periods that have items), then ``None`` for items without a time; local to ``tz``, or
        to `default_tz` when ``tz`` is ``None``.
        """
        if key in ("agent", "channel"):
            if tz is not None:
                raise InvalidParameterError(
                    function, "tz", "None when grouping by agent or channel only", tz
                )
            return self._name_codes(key)
        if key in PERIOD_UNITS:
            unit = check_period_unit(key, function, "key")
            zone = resolve_timezone(tz if tz is not None else self.default_tz, function)

            def bucket(instants: Int64Array) -> PeriodIndex:
                if present_only:
                    return bucket_present(instants, unit, zone)
                return bucket_instants(
                    instants,
                    unit,
                    zone,
                    function=function,
                    parameter="key",
                    hint=f"Group by a coarser period, or by {key!r} with another key (by('agent', "
                    f"{key!r}) lists only the periods that have items); an item dated far from "
                    "the others may be a mistake in the data.",
                )

            untimed = self.time == NAT
            if untimed.any():
                timed = np.flatnonzero(~untimed)
                index = bucket(self.time[timed])
                labels: list[str | datetime | None] = list(index.labels())
                codes = np.full(self.time.shape[0], len(labels), dtype=np.int64)
                codes[timed] = index.codes
                labels.append(None)
                return labels, codes
            index = bucket(self.time)
            return list(index.labels()), index.codes.astype(np.int64, copy=False)
        raise InvalidParameterError(function, "key", f"one of {_GROUP_KEYS}", key)

    def _name_codes(self, key: str) -> tuple[list[str | datetime | None], Int64Array]:
        values, names = (
            (self.agent, self.agent_names) if key == "agent" else (self.channel, self.channel_names)
        )
        # Shifted by one, so that "none" (-1) is slot 0.
        shifted = values.astype(np.int64) + 1
        present = np.bincount(shifted, minlength=len(names) + 1) > 0
        named = np.flatnonzero(present[1:])
        remap = np.full(len(names) + 1, -1, dtype=np.int64)
        remap[named + 1] = np.arange(named.shape[0], dtype=np.int64)
        labels: list[str | datetime | None] = [names[i] for i in named.tolist()]
        if present[0]:
            remap[0] = len(labels)
            labels.append(None)
        codes: Int64Array = remap[shifted]
        return labels, codes


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
