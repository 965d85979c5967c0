"""A slow, obviously correct business calendar to check the fast one against.

It shares no code with ``socialcare_metrics.calendar``, and it reads the rules the other way
round. The library walks the days on which intervals *start* and trims each interval where it
runs into a day with a rule of its own; this reference walks the local days an instant can fall
on and asks, for each, which part of its own wall clock, midnight to midnight, is open:

* a closed day (a holiday or a closed date without special hours): none of it;
* a day with special hours: exactly those hours, cut at its midnight at the end; nothing runs
  into it from the evening before;
* any other day: its weekday's hours, cut at midnight, and the part after midnight of the
  intervals that started the day before (that day's special hours if it had any, else its
  weekday's hours, whether or not it was closed itself).

Two ways to measure business time from that:

* ``business_ns`` turns each day's open wall-clock pieces into UTC instants and measures their
  union. Wall-clock times become instants by brute force, not through ``fold``: every UTC offset
  the zone uses near that day is tried, and the instants whose local reading equals the wall time
  are kept (the first of them wins; in a spring-forward gap there is none, and the wall time moves
  forward by the gap instead). This handles every DST rule.
* ``walked_business_ns`` walks the span minute by minute, reads each minute's local wall clock and
  asks whether that reading is open, with the rules written out once more as a plain predicate
  (``open_at``). No rule about times that do not exist or occur twice is needed, so it only
  answers calendars whose opening and closing times, and midnight, are whole minutes that no DST
  change touches: then the local reading of an instant decides, on its own, whether it is open.

Times of day are whole seconds after midnight; an interval's end may pass 86,400 (a night shift
that runs into the next day). Instants are int epoch nanoseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_SECONDS = 86_400
MINUTE_NS = 60 * 10**9

Interval = tuple[int, int]


def _never(day: date) -> bool:
    return False


@cache
def wall_to_ns(zone: ZoneInfo, day: date, seconds: int) -> int:
    """The UTC instant of the wall-clock time ``seconds`` after ``day``'s midnight in ``zone``."""
    wall = datetime(day.year, day.month, day.day) + timedelta(seconds=seconds)
    read_as_utc = wall.replace(tzinfo=UTC)
    offsets = {
        (read_as_utc + timedelta(hours=hours)).astimezone(zone).utcoffset()
        for hours in range(-30, 31)
    }
    candidates = sorted(read_as_utc - offset for offset in offsets if offset is not None)

    def reading(moment: datetime) -> datetime:
        return moment.astimezone(zone).replace(tzinfo=None)

    exact = [moment for moment in candidates if reading(moment) == wall]
    # In a gap there is no exact reading; reading the wall time with the offset from before the
    # change lands after the gap, later by exactly its length.
    after_gap = [moment for moment in candidates if reading(moment) > wall]
    chosen = exact[0] if exact else min(after_gap)
    return (chosen - EPOCH) // timedelta(microseconds=1) * 1000


@dataclass(frozen=True)
class ReferenceCalendar:
    zone: ZoneInfo
    # Monday 0 to Sunday 6: the intervals that start on that weekday.
    weekly: Mapping[int, Sequence[Interval]]
    special: Mapping[date, Sequence[Interval]] = field(default_factory=dict)
    closed: frozenset[date] = frozenset()
    holiday: Callable[[date], bool] = _never

    def is_closed_day(self, day: date) -> bool:
        return day not in self.special and (day in self.closed or self.holiday(day))

    def hours_starting_on(self, day: date) -> Sequence[Interval]:
        """The intervals a day starts: its special hours, else its weekday's, closed or not."""
        if day in self.special:
            return self.special[day]
        return self.weekly.get(day.weekday(), ())

    def open_pieces(self, day: date) -> list[Interval]:
        """The open parts of ``day``'s own wall clock, in seconds from 0 to 86,400."""
        if self.is_closed_day(day):
            return []
        pieces = [(start, min(end, DAY_SECONDS)) for start, end in self.hours_starting_on(day)]
        if day not in self.special:
            evening_before = self.hours_starting_on(day - timedelta(days=1))
            pieces += [(0, end - DAY_SECONDS) for _, end in evening_before if end > DAY_SECONDS]
        return pieces

    def local_date(self, instant_ns: int) -> date:
        moment = EPOCH + timedelta(microseconds=instant_ns // 1000)
        return moment.astimezone(self.zone).date()

    def open_intervals(self, first: date, last: date) -> list[Interval]:
        """UTC ns intervals open on the local days ``first``..``last``."""
        result = []
        day = first
        while day <= last:
            # A day's open time lies between its midnights: a day the zone skips (Apia, 30
            # December 2011) has none, though its wall-clock times read forward into the next.
            midnight = wall_to_ns(self.zone, day, 0)
            next_midnight = wall_to_ns(self.zone, day, DAY_SECONDS)
            for start, end in self.open_pieces(day):
                result.append(
                    (
                        max(midnight, wall_to_ns(self.zone, day, start)),
                        min(next_midnight, wall_to_ns(self.zone, day, end)),
                    )
                )
            day += timedelta(days=1)
        return result

    def business_ns(self, a: int, b: int) -> int:
        if b < a:
            raise ValueError("end before start")
        # A day's pieces lie between its midnights; a repeated or skipped hour around midnight
        # can put them under the neighbouring day's local date, hence the day either side.
        first = self.local_date(a) - timedelta(days=1)
        last = self.local_date(b) + timedelta(days=1)
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

    # -- the same rules once more, as a predicate over wall-clock readings --------------------

    def open_at(self, day: date, second: int) -> bool:
        """Whether the wall clock reading ``second`` after ``day``'s midnight is open."""
        if day in self.special:
            return any(start <= second < end for start, end in self.special[day])
        if day in self.closed or self.holiday(day):
            return False
        if any(start <= second < end for start, end in self.weekly.get(day.weekday(), ())):
            return True
        before = day - timedelta(days=1)
        started_before = self.special.get(before, self.weekly.get(before.weekday(), ()))
        return any(start <= second + DAY_SECONDS < end for start, end in started_before)

    def walked_business_ns(self, a: int, b: int) -> int:
        """Business time by walking ``[a, b)`` minute by minute (see the module docstring)."""
        if b < a:
            raise ValueError("end before start")
        total = 0
        minute = a - a % MINUTE_NS
        while minute < b:
            local = (EPOCH + timedelta(microseconds=minute // 1000)).astimezone(self.zone)
            if self.open_at(local.date(), local.hour * 3600 + local.minute * 60):
                total += min(b, minute + MINUTE_NS) - max(a, minute)
            minute += MINUTE_NS
        return total
