"""A slow, obviously correct business calendar to check the fast one against.

It shares no code with ``socialcare_metrics.calendar``. It walks the local days around a span
one by one, turns each day's wall-clock intervals into UTC instants, and measures the union of
those that meet the span. Wall-clock times become instants by brute force, not through
``fold``: every UTC offset the zone uses near that day is tried, and the instants whose local
reading equals the wall time are kept (the first of them wins; in a spring-forward gap there is
none, and the wall time moves forward by the gap instead).

Times of day are whole seconds after midnight; an interval's end may pass 86,400 (a night shift
that runs into the next day). Instants are int epoch nanoseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_SECONDS = 86_400

Interval = tuple[int, int]


def _never(day: date) -> bool:
    return False


@dataclass(frozen=True)
class ReferenceCalendar:
    zone: ZoneInfo
    # Monday 0 to Sunday 6: the intervals that start on that weekday.
    weekly: Mapping[int, Sequence[Interval]]
    special: Mapping[date, Sequence[Interval]] = field(default_factory=dict)
    closed: frozenset[date] = frozenset()
    holiday: Callable[[date], bool] = _never

    def closed_all_day(self, day: date) -> bool:
        return day not in self.special and (day in self.closed or self.holiday(day))

    def has_own_rule(self, day: date) -> bool:
        return day in self.special or self.closed_all_day(day)

    def intervals_starting_on(self, day: date) -> Sequence[Interval]:
        if day in self.special:
            return self.special[day]
        if self.closed_all_day(day):
            return ()
        return self.weekly.get(day.weekday(), ())

    def local_date(self, instant_ns: int) -> date:
        moment = EPOCH + timedelta(microseconds=instant_ns // 1000)
        return moment.astimezone(self.zone).date()

    def wall_to_ns(self, day: date, seconds: int) -> int:
        wall = datetime(day.year, day.month, day.day) + timedelta(seconds=seconds)
        read_as_utc = wall.replace(tzinfo=UTC)
        offsets = {
            (read_as_utc + timedelta(hours=hours)).astimezone(self.zone).utcoffset()
            for hours in range(-30, 31)
        }
        candidates = sorted(read_as_utc - offset for offset in offsets if offset is not None)

        def reading(moment: datetime) -> datetime:
            return moment.astimezone(self.zone).replace(tzinfo=None)

        exact = [moment for moment in candidates if reading(moment) == wall]
        if exact:
            chosen = exact[0]
        else:
            # In a gap, reading the wall time with the offset from before the change lands
            # after the gap, later by exactly its length.
            chosen = min(moment for moment in candidates if reading(moment) > wall)
        return (chosen - EPOCH) // timedelta(microseconds=1) * 1000

    def open_intervals(self, first: date, last: date) -> list[Interval]:
        """UTC ns intervals that start on the local days ``first``..``last``."""
        result = []
        day = first
        while day <= last:
            for start, end in self.intervals_starting_on(day):
                next_day = day + timedelta(days=1)
                if end > DAY_SECONDS and self.has_own_rule(next_day):
                    end = DAY_SECONDS
                result.append((self.wall_to_ns(day, start), self.wall_to_ns(day, end)))
            day += timedelta(days=1)
        return result

    def business_ns(self, a: int, b: int) -> int:
        if b < a:
            raise ValueError("end before start")
        first = self.local_date(a) - timedelta(days=1)
        last = self.local_date(b)
        pieces = sorted(
            (max(start, a), min(end, b))
            for start, end in self.open_intervals(first, last)
            if min(end, b) > max(start, a)
        )
        total = 0
        covered_to = a
        for start, end in pieces:
            start = max(start, covered_to)
            if end > start:
                total += end - start
                covered_to = end
        return total

    def is_open(self, instant: int) -> bool:
        return self.business_ns(instant, instant + 1) == 1
