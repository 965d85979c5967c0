"""BusinessCalendar: its rules pinned by examples and by laws against a slow reference."""

from __future__ import annotations

import math
import pickle
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_reference import ReferenceCalendar
from socialcare_metrics import BusinessCalendar, InvalidParameterError

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def ns(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1) * 1000


def business(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """The scalar answer, checked against the vectorised one on the way."""
    scalar = calendar.business_time(start, end)
    vectorised = calendar.business_nanoseconds([ns(start)], [ns(end)])
    assert int(vectorised[0]) == scalar // timedelta(microseconds=1) * 1000
    return scalar


# --- examples: DST ------------------------------------------------------------------------------


def test_new_york_spring_forward_inside_open_hours_is_an_hour_shorter() -> None:
    calendar = BusinessCalendar("America/New_York", {"sun": "01:00-05:00"})
    day_start = datetime(2024, 3, 10, tzinfo=NEW_YORK)  # clocks go 02:00 -> 03:00
    assert business(calendar, day_start, day_start + timedelta(days=1)) == 3 * HOUR
    # A week earlier the same hours are four hours long.
    week_before = day_start - timedelta(days=7)
    assert business(calendar, week_before, week_before + timedelta(days=1)) == 4 * HOUR


def test_new_york_fall_back_inside_open_hours_is_an_hour_longer() -> None:
    calendar = BusinessCalendar("America/New_York", {"sun": "01:00-03:00"})
    day_start = datetime(2024, 11, 3, tzinfo=NEW_YORK)  # clocks go 02:00 -> 01:00
    assert business(calendar, day_start, day_start + timedelta(days=1)) == 3 * HOUR


def test_dst_outside_open_hours_changes_nothing() -> None:
    calendar = BusinessCalendar("America/New_York", "mon-sun 09:00-17:00")
    for day in (date(2024, 3, 10), date(2024, 11, 3)):
        start = datetime(day.year, day.month, day.day, tzinfo=NEW_YORK)
        assert business(calendar, start, start + timedelta(days=1)) == 8 * HOUR
    # Saturday noon to Sunday 20:00 across the spring change: 5 h + 8 h.
    assert (
        business(
            calendar,
            datetime(2024, 3, 9, 12, tzinfo=NEW_YORK),
            datetime(2024, 3, 10, 20, tzinfo=NEW_YORK),
        )
        == 13 * HOUR
    )


def test_opening_time_in_the_spring_gap_moves_forward_by_the_gap() -> None:
    calendar = BusinessCalendar("America/New_York", {"sun": "02:30-05:00"})
    start = datetime(2024, 3, 10, tzinfo=NEW_YORK)
    # 02:30 does not exist; it becomes 03:30 EDT.
    assert business(calendar, start, start + timedelta(days=1)) == timedelta(hours=1.5)
    assert calendar.next_open(start) == datetime(2024, 3, 10, 3, 30, tzinfo=NEW_YORK)
    assert calendar.next_open(start).utcoffset() == timedelta(hours=-4)


def test_interval_wholly_inside_the_spring_gap_is_empty() -> None:
    calendar = BusinessCalendar("America/New_York", {"sun": "02:10-02:50, 06:00-07:00"})
    start = datetime(2024, 3, 10, tzinfo=NEW_YORK)
    # 02:10 -> 03:10 EDT and 02:50 -> 03:50 EDT: the gap rule keeps the 40 minutes.
    assert business(calendar, start, start + timedelta(days=1)) == timedelta(minutes=100)


def test_a_closing_moved_by_the_spring_gap_can_overlap_the_next_interval() -> None:
    # 02:30 does not exist on 10 March 2024 in New York and becomes 03:30, past the 03:00
    # opening of the next interval: the two overlap and count once. The first Sunday of the
    # year has the same hours without the gap, and must stay as it is.
    calendar = BusinessCalendar("America/New_York", {"sun": "01:00-02:30, 03:00-04:00"})
    spring = datetime(2024, 3, 10, tzinfo=NEW_YORK)
    january = datetime(2024, 1, 7, tzinfo=NEW_YORK)
    day = timedelta(days=1)
    assert business(calendar, spring, spring + day) == 2 * HOUR
    assert business(calendar, january, january + day) == timedelta(hours=2.5)
    assert business(calendar, january, spring + day) == 9 * timedelta(hours=2.5) + 2 * HOUR


def test_ambiguous_opening_time_takes_its_first_occurrence() -> None:
    calendar = BusinessCalendar("America/New_York", {"sun": "01:30-02:00"})
    start = datetime(2024, 11, 3, tzinfo=NEW_YORK)
    # 01:30 EDT (05:30 UTC) to 02:00 EST (07:00 UTC).
    assert business(calendar, start, start + timedelta(days=1)) == timedelta(hours=1.5)
    first = calendar.next_open(start)
    assert first.astimezone(UTC) == datetime(2024, 11, 3, 5, 30, tzinfo=UTC)


def test_berlin_spring_forward_and_fall_back() -> None:
    calendar = BusinessCalendar("Europe/Berlin", {"sun": "01:00-04:00"})
    spring = datetime(2024, 3, 31, tzinfo=BERLIN)  # 02:00 -> 03:00
    autumn = datetime(2024, 10, 27, tzinfo=BERLIN)  # 03:00 -> 02:00
    assert business(calendar, spring, spring + timedelta(days=1)) == 2 * HOUR
    assert business(calendar, autumn, autumn + timedelta(days=1)) == 4 * HOUR
    # Outside the open hours of those days nothing counts, DST or not.
    assert business(calendar, spring + 5 * HOUR, spring + timedelta(days=1)) == timedelta(0)


def test_berlin_opening_in_the_repeated_hour() -> None:
    calendar = BusinessCalendar("Europe/Berlin", {"sun": "02:30-03:30"})
    autumn = datetime(2024, 10, 27, tzinfo=BERLIN)
    # 02:30 CEST (00:30 UTC) to 03:30 CET (02:30 UTC).
    assert business(calendar, autumn, autumn + timedelta(days=1)) == 2 * HOUR


# --- examples: night shifts ---------------------------------------------------------------------


def test_night_shift_belongs_to_the_day_it_starts_on() -> None:
    calendar = BusinessCalendar("Europe/Berlin", {"fri": "22:00-06:00"})
    friday = datetime(2024, 6, 7, tzinfo=BERLIN)
    saturday = friday + timedelta(days=1)
    assert business(calendar, friday, friday + timedelta(days=3)) == 8 * HOUR
    assert business(calendar, saturday, saturday + timedelta(days=1)) == 6 * HOUR
    assert calendar.is_open(saturday + 3 * HOUR)
    assert not calendar.is_open(saturday + 6 * HOUR)
    assert calendar.is_open(friday + 22 * HOUR)
    assert not calendar.is_open(friday + 21 * HOUR)


def test_night_shift_across_dst_changes() -> None:
    new_york = BusinessCalendar("America/New_York", {"sat": "22:00-06:00"})
    saturday = datetime(2024, 3, 9, tzinfo=NEW_YORK)
    assert business(new_york, saturday, saturday + timedelta(days=2)) == 7 * HOUR
    berlin = BusinessCalendar("Europe/Berlin", {"sat": "22:00-06:00"})
    saturday = datetime(2024, 10, 26, tzinfo=BERLIN)
    assert business(berlin, saturday, saturday + timedelta(days=2)) == 9 * HOUR


def test_a_day_the_zone_skips_has_no_hours() -> None:
    # Samoa went from Thursday 29 December 2011 straight to Saturday 31 December.
    apia = ZoneInfo("Pacific/Apia")
    thursday = datetime(2011, 12, 29, tzinfo=apia)
    saturday = datetime(2011, 12, 31, tzinfo=apia)
    assert saturday - thursday == timedelta(days=2)  # wall clock; one day in real time
    # Thursday's night shift ends with Thursday: there is no Friday morning for it to run into.
    night = BusinessCalendar("Pacific/Apia", {"thu": "20:00-03:00"})
    assert business(night, thursday, saturday + timedelta(days=1)) == 4 * HOUR
    assert not night.is_open(datetime(2011, 12, 31, 1, tzinfo=apia))
    # Friday's hours never happen and do not land on Saturday either; only the part of its
    # night shift that falls on Saturday's own wall clock, 00:00-02:00, is open, as it would be
    # after a closed Friday.
    friday = BusinessCalendar("Pacific/Apia", {"fri": "00:00-00:30, 22:00-02:00"})
    assert business(friday, thursday, saturday + timedelta(days=1)) == 2 * HOUR
    assert friday.next_open(thursday) == saturday
    closed_saturday = BusinessCalendar(
        "Pacific/Apia", {"fri": "00:00-00:30"}, closed_dates=["2011-12-31"]
    )
    assert business(closed_saturday, thursday, saturday + timedelta(days=1)) == timedelta(0)


def test_night_shift_on_sunday_runs_into_monday() -> None:
    calendar = BusinessCalendar("UTC", {"sun": "23:00-01:00", "mon": "01:00-02:00"})
    sunday = datetime(2024, 6, 9, tzinfo=UTC)
    assert business(calendar, sunday, sunday + timedelta(days=2)) == 3 * HOUR
    assert calendar.is_open(sunday + timedelta(hours=24, minutes=30))


# --- examples: holidays, closed dates, special hours --------------------------------------------


def test_us_thanksgiving_is_closed() -> None:
    calendar = BusinessCalendar("America/New_York", "mon-fri 09:00-17:00", country="US")
    wednesday_close = datetime(2024, 11, 27, 17, tzinfo=NEW_YORK)
    friday_open = datetime(2024, 11, 29, 9, tzinfo=NEW_YORK)
    assert business(calendar, wednesday_close, friday_open) == timedelta(0)
    assert (
        business(
            calendar,
            datetime(2024, 11, 27, 12, tzinfo=NEW_YORK),
            datetime(2024, 11, 29, 12, tzinfo=NEW_YORK),
        )
        == 8 * HOUR
    )
    assert calendar.next_open(datetime(2024, 11, 28, 10, tzinfo=NEW_YORK)) == friday_open
    plain = BusinessCalendar("America/New_York", "mon-fri 09:00-17:00")
    assert business(plain, wednesday_close, friday_open) == 8 * HOUR


def test_german_unity_day_is_closed() -> None:
    calendar = BusinessCalendar("Europe/Berlin", "mon-fri 09:00-17:00", country="DE")
    thursday = datetime(2024, 10, 3, tzinfo=BERLIN)
    assert business(calendar, thursday, thursday + timedelta(days=1)) == timedelta(0)
    assert (
        business(
            calendar,
            datetime(2024, 10, 2, 12, tzinfo=BERLIN),
            datetime(2024, 10, 4, 12, tzinfo=BERLIN),
        )
        == 8 * HOUR
    )


def test_holidays_of_every_year_asked_about_in_any_order() -> None:
    calendar = BusinessCalendar("America/New_York", "mon-fri 09:00-17:00", country="US")
    for year in (2024, 2026, 2023, 2030, 2025):
        christmas = datetime(year, 12, 25, 12, tzinfo=NEW_YORK)
        assert christmas.weekday() < 5
        assert not calendar.is_open(christmas), year
        assert calendar.is_open(christmas - timedelta(days=7)), year


def test_indian_state_holiday_needs_the_subdivision() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    may_day = datetime(2024, 5, 1, tzinfo=kolkata)  # Maharashtra Day, a Wednesday
    national = BusinessCalendar("Asia/Kolkata", "mon-sat 10:00-18:00", country="IN")
    maharashtra = BusinessCalendar(
        "Asia/Kolkata", "mon-sat 10:00-18:00", country="IN", subdivision="MH"
    )
    assert business(national, may_day, may_day + timedelta(days=1)) == 8 * HOUR
    assert business(maharashtra, may_day, may_day + timedelta(days=1)) == timedelta(0)


def test_holiday_categories_and_a_holidays_object() -> None:
    # Assumption Day is in Bavaria's "catholic" category, not its public holidays.
    assumption = datetime(2024, 8, 15, tzinfo=BERLIN)  # a Thursday
    public = BusinessCalendar(
        "Europe/Berlin", "mon-fri 09:00-17:00", country="DE", subdivision="BY"
    )
    catholic = BusinessCalendar(
        "Europe/Berlin",
        "mon-fri 09:00-17:00",
        country="DE",
        subdivision="BY",
        categories=("public", "catholic"),
    )
    assert business(public, assumption, assumption + timedelta(days=1)) == 8 * HOUR
    assert business(catholic, assumption, assumption + timedelta(days=1)) == timedelta(0)
    own = holidays.country_holidays("US", subdiv="CA")
    from_object = BusinessCalendar("America/Los_Angeles", "mon-fri 09:00-17:00", holidays=own)
    los_angeles = ZoneInfo("America/Los_Angeles")
    cesar_chavez = datetime(2025, 3, 31, tzinfo=los_angeles)  # a California holiday, Monday
    assert business(from_object, cesar_chavez, cesar_chavez + timedelta(days=1)) == timedelta(0)


def test_holiday_closes_the_night_shift_that_started_the_evening_before() -> None:
    calendar = BusinessCalendar("Europe/Berlin", "mon-sun 22:00-06:00", country="DE")
    christmas_eve_night = datetime(2024, 12, 24, 22, tzinfo=BERLIN)
    # 22:00-24:00 on the 24th only; the 25th is a holiday from midnight.
    assert business(calendar, christmas_eve_night, christmas_eve_night + 12 * HOUR) == 2 * HOUR
    assert not calendar.is_open(datetime(2024, 12, 25, 1, tzinfo=BERLIN))
    # The 26th is a holiday too, but it closes only its own day: the shift it starts at 22:00
    # opens at midnight, on the 27th, an ordinary day.
    assert calendar.next_open(datetime(2024, 12, 25, 1, tzinfo=BERLIN)) == datetime(
        2024, 12, 27, 0, tzinfo=BERLIN
    )
    christmas = datetime(2024, 12, 25, tzinfo=BERLIN)
    # 25th and 26th nothing; 27th 00:00-06:00 and 22:00-24:00.
    assert business(calendar, christmas, christmas + timedelta(days=3)) == 8 * HOUR


def test_closed_dates_close_the_whole_local_day() -> None:
    calendar = BusinessCalendar(
        "UTC", "mon-sun 20:00-04:00", closed_dates=[date(2024, 7, 2), "2024-07-04"]
    )
    july_1 = datetime(2024, 7, 1, tzinfo=UTC)
    # Each closed date loses its own 00-04 and 20-24 and nothing else: 1st: 00-04 (the shift
    # of 30 June), 20-24; 2nd: none; 3rd: 00-04 (the 2nd's shift after midnight), 20-24; 4th:
    # none; 5th: 00-04, 20-24; 6th: 00-04. Up to the 6th at 06:00: 8 + 8 + 8 + 4 hours.
    assert business(calendar, july_1, july_1 + timedelta(days=5, hours=6)) == 28 * HOUR
    assert not calendar.is_open(datetime(2024, 7, 2, 3, tzinfo=UTC))
    assert calendar.is_open(datetime(2024, 7, 3, 3, tzinfo=UTC))


def test_independence_day_closes_its_own_day_of_two_night_shifts() -> None:
    # 4 July 2025 is a Friday. Thursday night's shift is open until midnight and closed from
    # 00:00; Friday night's shift is closed until 24:00 and open 00:00-06:00 on Saturday.
    calendar = BusinessCalendar("America/New_York", "thu-fri 22:00-06:00", country="US")
    plain = BusinessCalendar("America/New_York", "thu-fri 22:00-06:00")
    thursday_evening = datetime(2025, 7, 3, 20, tzinfo=NEW_YORK)
    saturday_noon = datetime(2025, 7, 5, 12, tzinfo=NEW_YORK)
    assert business(calendar, thursday_evening, saturday_noon) == 8 * HOUR
    assert business(plain, thursday_evening, saturday_noon) == 16 * HOUR
    for hour, is_open in [(23, True), (24 + 0, False), (24 + 5, False), (24 + 23, False)]:
        moment = thursday_evening.replace(hour=0) + timedelta(hours=hour)
        assert calendar.is_open(moment) is is_open, moment
    assert calendar.is_open(datetime(2025, 7, 5, 0, tzinfo=NEW_YORK))
    assert calendar.is_open(datetime(2025, 7, 5, 5, 59, tzinfo=NEW_YORK))
    assert not calendar.is_open(datetime(2025, 7, 5, 6, tzinfo=NEW_YORK))
    independence_day = datetime(2025, 7, 4, tzinfo=NEW_YORK)
    assert business(calendar, independence_day, independence_day + timedelta(days=1)) == (
        timedelta(0)
    )
    assert business(calendar, independence_day + timedelta(days=1), saturday_noon) == 6 * HOUR
    assert calendar.next_open(independence_day) == datetime(2025, 7, 5, 0, tzinfo=NEW_YORK)
    # The same date as a closed date of the caller's own behaves alike.
    own = BusinessCalendar("America/New_York", "thu-fri 22:00-06:00", closed_dates=["2025-07-04"])
    assert business(own, thursday_evening, saturday_noon) == 8 * HOUR
    assert own.next_open(independence_day) == datetime(2025, 7, 5, 0, tzinfo=NEW_YORK)


def test_a_closed_date_removes_the_same_hours_whichever_day_the_shift_belongs_to() -> None:
    # The shift of Tuesday night and the shift of Wednesday morning cover the same wall-clock
    # hours of Wednesday; closing Wednesday takes exactly those hours from either.
    tuesday = datetime(2024, 6, 11, tzinfo=UTC)
    closed = ["2024-06-12"]
    night = BusinessCalendar("UTC", {"tue": "20:00-08:00"}, closed_dates=closed)
    split = BusinessCalendar(
        "UTC", {"tue": "20:00-24:00", "wed": "00:00-08:00"}, closed_dates=closed
    )
    week = timedelta(days=7)
    assert business(night, tuesday, tuesday + week) == business(split, tuesday, tuesday + week)
    assert business(night, tuesday, tuesday + week) == 4 * HOUR
    # A closed Tuesday takes its own 20-24 and leaves Wednesday's 00-08.
    tuesday_closed = BusinessCalendar("UTC", {"tue": "20:00-08:00"}, closed_dates=["2024-06-11"])
    assert business(tuesday_closed, tuesday, tuesday + week) == 8 * HOUR
    assert tuesday_closed.next_open(tuesday) == datetime(2024, 6, 12, tzinfo=UTC)


def test_half_day_special_hours() -> None:
    calendar = BusinessCalendar(
        "Europe/Berlin", "mon-fri 09:00-17:00", special_hours={date(2024, 12, 24): "09:00-13:00"}
    )
    eve = datetime(2024, 12, 24, tzinfo=BERLIN)
    assert business(calendar, eve, eve + timedelta(days=1)) == 4 * HOUR
    assert not calendar.is_open(eve + 14 * HOUR)


def test_extra_open_sunday_and_open_holiday() -> None:
    calendar = BusinessCalendar(
        "Europe/Berlin",
        "mon-fri 09:00-17:00",
        country="DE",
        special_hours={"2024-12-22": [("10:00", "16:00")], "2024-10-03": "10:00-12:00"},
    )
    sunday = datetime(2024, 12, 22, tzinfo=BERLIN)
    unity_day = datetime(2024, 10, 3, tzinfo=BERLIN)
    assert business(calendar, sunday, sunday + timedelta(days=1)) == 6 * HOUR
    assert business(calendar, unity_day, unity_day + timedelta(days=1)) == 2 * HOUR


def test_special_hours_replace_the_night_shift_running_into_them() -> None:
    calendar = BusinessCalendar(
        "UTC", "mon-sun 22:00-06:00", special_hours={"2024-12-24": "09:00-13:00"}
    )
    start = datetime(2024, 12, 23, 12, tzinfo=UTC)
    # The 24th has exactly its special hours: the 23rd's shift stops at midnight and the 24th
    # has no night shift of its own. 23rd 22-24, 24th 09-13: 2 + 4 hours up to the 25th noon.
    assert business(calendar, start, start + timedelta(days=2)) == 6 * HOUR
    assert not calendar.is_open(datetime(2024, 12, 24, 23, tzinfo=UTC))
    assert calendar.is_open(datetime(2024, 12, 25, 23, tzinfo=UTC))
    closed = BusinessCalendar("UTC", "mon-sun 22:00-06:00", special_hours={"2024-12-24": "closed"})
    assert business(closed, start, start + timedelta(days=2)) == 2 * HOUR


def test_special_hours_that_cross_midnight_run_into_an_ordinary_day_only() -> None:
    # A New Year's Eve shift 20:00-02:00 belongs to the 31st, like a weekly night shift.
    hours = "mon-fri 09:00-17:00"
    eve = datetime(2024, 12, 31, tzinfo=UTC)
    two_days = timedelta(days=2)
    ordinary = BusinessCalendar("UTC", hours, special_hours={"2024-12-31": "20:00-02:00"})
    # The 31st 20-24, 1 January 00-02 and then 1 January's own 09-17.
    assert business(ordinary, eve, eve + two_days) == 14 * HOUR
    assert ordinary.is_open(datetime(2025, 1, 1, 1, tzinfo=UTC))
    # 1 January a holiday: it closes its own day, the tail of the 31st's shift included.
    holiday = BusinessCalendar(
        "UTC", hours, country="DE", special_hours={"2024-12-31": "20:00-02:00"}
    )
    assert business(holiday, eve, eve + two_days) == 4 * HOUR
    assert not holiday.is_open(datetime(2025, 1, 1, 1, tzinfo=UTC))
    # 1 January with special hours of its own: exactly those, nothing from the evening before.
    special = BusinessCalendar(
        "UTC",
        hours,
        country="DE",
        special_hours={"2024-12-31": "20:00-02:00", "2025-01-01": "10:00-12:00"},
    )
    assert business(special, eve, eve + two_days) == 6 * HOUR
    assert not special.is_open(datetime(2025, 1, 1, 1, tzinfo=UTC))


def test_a_holidays_night_shift_does_not_run_into_special_hours() -> None:
    # 26 December 2024 is a German holiday (a Thursday) whose night shift would run into the
    # 27th; the 27th has special hours, which are all it is open.
    calendar = BusinessCalendar(
        "Europe/Berlin",
        "mon-sun 22:00-06:00",
        country="DE",
        special_hours={"2024-12-27": "09:00-13:00"},
    )
    boxing_day = datetime(2024, 12, 26, tzinfo=BERLIN)
    # The 26th nothing; the 27th 09-13 only (its special hours start no night shift); the 28th
    # its own 22-24.
    assert business(calendar, boxing_day, boxing_day + timedelta(days=2)) == 4 * HOUR
    assert business(calendar, boxing_day, boxing_day + timedelta(days=3)) == 6 * HOUR
    assert calendar.next_open(boxing_day) == datetime(2024, 12, 27, 9, tzinfo=BERLIN)


def test_saturday_message_answered_on_monday_counts_only_monday() -> None:
    calendar = BusinessCalendar("America/New_York", "mon-fri 09:00-17:00")
    saturday = datetime(2024, 6, 8, 10, tzinfo=NEW_YORK)
    assert business(calendar, saturday, datetime(2024, 6, 10, 10, 30, tzinfo=NEW_YORK)) == (
        timedelta(minutes=90)
    )
    assert business(calendar, saturday, datetime(2024, 6, 10, 8, tzinfo=NEW_YORK)) == timedelta(0)
    assert calendar.next_open(saturday) == datetime(2024, 6, 10, 9, tzinfo=NEW_YORK)
    assert not calendar.is_open(saturday)


def test_always_open_equals_wall_time_across_dst() -> None:
    calendar = BusinessCalendar.always_open("America/New_York")
    start = datetime(2024, 3, 9, 12, tzinfo=NEW_YORK)
    end = datetime(2024, 3, 10, 12, tzinfo=NEW_YORK)
    # (Python subtracts two datetimes of one zone in wall-clock time, hence the UTC.)
    assert business(calendar, start, end) == end.astimezone(UTC) - start.astimezone(UTC)
    assert business(calendar, start, end) == 23 * HOUR
    assert calendar.next_open(start) == start


def test_whole_range_of_int64_instants() -> None:
    calendar = BusinessCalendar.always_open()
    lowest, highest = -(2**63) + 1, 2**63 - 1
    seconds = calendar.business_seconds([lowest, lowest, 0], [highest, 0, highest])
    assert seconds.tolist() == [(2**64 - 2) / 1e9, (2**63 - 1) / 1e9, (2**63 - 1) / 1e9]
    # The exact count is right in seconds, but no longer fits int64 nanoseconds.
    with pytest.raises(InvalidParameterError, match="292 years"):
        calendar.business_nanoseconds([lowest], [highest])
    # The longest span that does fit, to the nanosecond.
    assert calendar.business_nanoseconds([0, lowest], [highest, 0]).tolist() == [highest] * 2


# --- inputs and outputs ---------------------------------------------------------------------------


def test_datetime64_and_int64_inputs_agree_and_keep_their_shape() -> None:
    calendar = BusinessCalendar("Europe/Berlin", "mon-fri 09:00-17:00")
    starts = np.array(
        [["2024-06-07T06:00", "2024-06-08T00:00"], ["2024-06-10T07:00", "2024-06-10T07:00"]],
        dtype="datetime64[m]",
    )
    ends = starts + np.array([[240, 3 * 1440], [60, 0]], dtype="timedelta64[m]")
    seconds = calendar.business_seconds(starts, ends)
    assert seconds.shape == (2, 2)
    assert seconds.dtype == np.float64
    # 06:00-10:00 UTC is 08:00-12:00 in Berlin: 3 open hours; Saturday to Tuesday 00:00 UTC
    # holds Monday; 07:00-08:00 UTC is 09:00-10:00 in Berlin; an empty span is worth nothing.
    assert seconds.tolist() == [[3 * 3600.0, 8 * 3600.0], [3600.0, 0.0]]
    as_ints = calendar.business_seconds(
        starts.astype("datetime64[ns]").view(np.int64), ends.astype("datetime64[ns]").view(np.int64)
    )
    assert as_ints.tolist() == seconds.tolist()
    assert calendar.business_seconds(np.array([], dtype=np.int64), []).shape == (0,)
    nothing = np.empty((2, 0), dtype=np.int64)
    assert calendar.business_nanoseconds(nothing, nothing).shape == (2, 0)
    # Unsigned epoch nanoseconds are read as they are, up to the last int64 instant.
    as_unsigned = calendar.business_seconds(
        starts.astype("datetime64[ns]").view(np.int64).astype(np.uint64),
        ends.astype("datetime64[ns]").view(np.int64).astype(np.uint64),
    )
    assert as_unsigned.tolist() == seconds.tolist()
    last = np.array([2**63 - 1], dtype=np.uint64)
    assert BusinessCalendar.always_open().business_nanoseconds(last - 5, last).tolist() == [5]
    with pytest.raises(InvalidParameterError, match="dtype uint64"):
        calendar.business_seconds(last + 1, last + 1)


def test_arrays_longer_than_one_slice_are_answered_whole() -> None:
    # Pairs are answered in slices of 65,536; three and a bit of them here.
    rng = np.random.default_rng(11)
    count = 3 * 65_536 + 1_234
    starts = ns(datetime(2024, 1, 1, tzinfo=UTC)) + rng.integers(0, 300 * 86_400 * 10**9, count)
    ends = starts + rng.integers(0, 40 * 86_400 * 10**9, count)
    always = BusinessCalendar.always_open("Europe/Berlin")
    assert (always.business_nanoseconds(starts, ends) == ends - starts).all()
    weekdays = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    whole = weekdays.business_nanoseconds(starts, ends)
    piecewise = np.concatenate(
        [
            weekdays.business_nanoseconds(starts[i : i + 1000], ends[i : i + 1000])
            for i in (0, 70_000, count - 1000)
        ]
    )
    assert whole[[*range(1000), *range(70_000, 71_000), *range(count - 1000, count)]].tolist() == (
        piecewise.tolist()
    )
    assert (weekdays.business_seconds(starts, ends) == whole / 1e9).all()


def test_results_are_exact_nanoseconds() -> None:
    calendar = BusinessCalendar("UTC", "mon-fri 09:00-17:00:00.000001")
    monday = ns(datetime(2024, 6, 10, 9, tzinfo=UTC))
    result = calendar.business_nanoseconds([monday + 1], [monday + 8 * 3600 * 10**9 + 999])
    # Open until 17:00:00.000001, so the whole span counts: 8 h + 999 ns - 1 ns.
    assert result.tolist() == [8 * 3600 * 10**9 + 998]
    assert result.dtype == np.int64
    # Across the closing too: the microsecond after 17:00 counts, to the nanosecond.
    whole_day = calendar.business_nanoseconds([monday - 10**9], [monday + 9 * 3600 * 10**9 + 7])
    assert whole_day.tolist() == [8 * 3600 * 10**9 + 1000]


def test_end_before_start_is_an_error_naming_the_index() -> None:
    calendar = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    starts = np.arange(5, dtype=np.int64) * 10**12
    ends = starts + 10
    ends[3] = starts[3] - 1
    with pytest.raises(InvalidParameterError, match="index 3") as caught:
        calendar.business_seconds(starts, ends)
    assert caught.value.parameter == "ends"
    with pytest.raises(InvalidParameterError, match="index 0"):
        calendar.business_seconds(ends[:2], starts[:2] - 10**15)
    moment = datetime(2024, 6, 10, 12, tzinfo=UTC)
    with pytest.raises(InvalidParameterError, match="index 0"):
        calendar.business_time(moment, moment - timedelta(microseconds=1))


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda c: c.business_time(datetime(2024, 1, 1), datetime.now(UTC)), "start"),
        (lambda c: c.business_time(datetime.now(UTC), datetime(2024, 1, 1)), "end"),
        (lambda c: c.is_open(datetime(2024, 1, 1)), "t"),
        (lambda c: c.next_open("2024-01-01"), "t"),
        (lambda c: c.business_seconds(np.array(["NaT"], "datetime64[ns]"), [0]), "starts"),
        (lambda c: c.business_seconds([0.5], [1.5]), "starts"),
        (lambda c: c.business_seconds([0, 1], [2]), "ends"),
        (
            lambda c: c.business_seconds(
                np.array(["2300-01-01"], "datetime64[D]"), np.array(["2300-01-02"], "datetime64[D]")
            ),
            "starts",
        ),
    ],
)
def test_bad_call_arguments_name_the_parameter(
    call: Callable[[BusinessCalendar], Any], parameter: str
) -> None:
    calendar = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    with pytest.raises(InvalidParameterError) as caught:
        call(calendar)
    assert caught.value.parameter == parameter


# The first and last instants int64 nanoseconds since the epoch can hold (the least is NaT).
FIRST_NS, LAST_NS = -(2**63) + 1, 2**63 - 1
FIRST_MOMENT = datetime(1677, 9, 21, 0, 12, 43, 145225, tzinfo=UTC)  # whole microseconds
LAST_MOMENT = datetime(2262, 4, 11, 23, 47, 16, 854775, tzinfo=UTC)
YEAR_1 = datetime(1, 1, 1, tzinfo=UTC)
YEAR_3000 = datetime(3000, 1, 1, tzinfo=UTC)
ORDINARY = datetime(2024, 6, 10, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda c: c.business_time(YEAR_1, ORDINARY), "start"),
        (lambda c: c.business_time(ORDINARY, YEAR_3000), "end"),
        (lambda c: c.business_time(FIRST_MOMENT - timedelta(microseconds=1), ORDINARY), "start"),
        (lambda c: c.business_time(ORDINARY, LAST_MOMENT + timedelta(microseconds=1)), "end"),
        # The largest datetime, read in a zone behind UTC, lies after year 9999 in UTC.
        (lambda c: c.business_time(ORDINARY, datetime.max.replace(tzinfo=NEW_YORK)), "end"),
        (
            lambda c: c.business_time(
                datetime.min.replace(tzinfo=ZoneInfo("Asia/Tokyo")), ORDINARY
            ),
            "start",
        ),
        (lambda c: c.is_open(YEAR_1), "t"),
        (lambda c: c.is_open(YEAR_3000), "t"),
        (lambda c: c.next_open(YEAR_1), "t"),
        (lambda c: c.next_open(YEAR_3000), "t"),
        (
            lambda c: c.business_seconds(
                np.array(["2024-01-01"], "datetime64[s]"), np.array(["3000-01-01"], "datetime64[s]")
            ),
            "ends",
        ),
        (
            lambda c: c.business_nanoseconds(
                np.array(["0001-01-01"], "datetime64[us]"),
                np.array(["2024-01-01"], "datetime64[us]"),
            ),
            "starts",
        ),
        (
            lambda c: c.business_seconds(
                np.array(["2024"], "datetime64[Y]"), np.array([10**17], "datetime64[Y]")
            ),
            "ends",
        ),
        # One step of this unit is 3 ns: the value is 3 times its integer, and out of range.
        (
            lambda c: c.business_seconds(
                np.array([0], "datetime64[3ns]"), np.array([2**62], "datetime64[3ns]")
            ),
            "ends",
        ),
        (
            lambda c: c.business_seconds(
                np.array([0], "datetime64[ps]"), np.array([10], "datetime64[ps]")
            ),
            "starts",
        ),
        # -2**63 is how int64 time columns (numpy's, pandas', this library's) write NaT.
        (lambda c: c.business_seconds([0, -(2**63)], [1, 1]), "starts"),
        (lambda c: c.business_seconds([0, 0], [1, -(2**63)]), "ends"),
        (lambda c: c.business_seconds([[0], [0, 1]], [[0], [0, 1]]), "starts"),
    ],
)
def test_instants_outside_int64_nanoseconds_are_refused_by_parameter(
    call: Callable[[BusinessCalendar], Any], parameter: str
) -> None:
    calendar = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    with pytest.raises(InvalidParameterError) as caught:
        call(calendar)
    assert caught.value.parameter == parameter


@pytest.mark.parametrize("unit", ["3ns", "7ns", "2us", "s", "7m", "3h", "D", "W"])
def test_the_first_and_last_values_of_each_unit_are_exactly_the_range(unit: str) -> None:
    calendar = BusinessCalendar.always_open()
    step = int(np.timedelta64(1, unit).astype("timedelta64[ns]").astype(np.int64))
    # The least and greatest multiples of the step that int64 nanoseconds hold, NaT apart.
    least = math.ceil(Fraction(-(2**63) + 1, step))
    greatest = (2**63 - 1) // step

    def instants(*values: int) -> npt.NDArray[np.datetime64]:
        return np.array(values, dtype=np.int64).view(f"datetime64[{unit}]")

    inside = calendar.business_nanoseconds(instants(least, 0), instants(0, greatest))
    assert inside.tolist() == [-least * step, greatest * step]
    for starts, ends, parameter in [
        (instants(least - 1), instants(0), "starts"),
        (instants(0), instants(greatest + 1), "ends"),
    ]:
        with pytest.raises(InvalidParameterError, match="first outside at index 0") as caught:
            calendar.business_nanoseconds(starts, ends)
        assert caught.value.parameter == parameter


@pytest.mark.parametrize("unit", ["ps", "fs", "as"])
def test_units_finer_than_nanoseconds_are_refused(unit: str) -> None:
    calendar = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    finer = np.array([0, 10], f"datetime64[{unit}]")
    with pytest.raises(InvalidParameterError, match="nanoseconds or a coarser unit") as caught:
        calendar.business_seconds(finer, finer)
    assert caught.value.parameter == "starts"
    assert caught.value.got == f"an array of dtype datetime64[{unit}]"


def test_instants_at_the_ends_of_the_int64_range_are_answered() -> None:
    calendar = BusinessCalendar.always_open()
    # (More than 292 years: too long for int64 nanoseconds, not for a timedelta.)
    assert calendar.business_time(FIRST_MOMENT, LAST_MOMENT) == LAST_MOMENT - FIRST_MOMENT
    assert calendar.is_open(FIRST_MOMENT)
    assert calendar.is_open(LAST_MOMENT)
    assert calendar.next_open(LAST_MOMENT) == LAST_MOMENT
    weekdays = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    assert not weekdays.is_open(LAST_MOMENT)  # a Friday, after hours
    # datetime64 values of any unit are compared with the range exactly, in their own unit.
    for unit, first, last in [
        ("s", "1677-09-21T00:12:44", "2262-04-11T23:47:16"),
        ("m", "1677-09-21T00:13", "2262-04-11T23:47"),
        ("h", "1677-09-21T01", "2262-04-11T23"),
        ("D", "1677-09-22", "2262-04-11"),
        ("M", "1677-10", "2262-04"),
        ("Y", "1678", "2262"),
    ]:
        ends = np.array([first, last], f"datetime64[{unit}]")
        starts = ends.copy()
        nanoseconds = calendar.business_nanoseconds(starts, ends)
        assert nanoseconds.tolist() == [0, 0]
        step = np.timedelta64(1, unit)
        for arguments, name in [((starts - step, ends), "starts"), ((starts, ends + step), "ends")]:
            with pytest.raises(InvalidParameterError, match="1677-09-21") as caught:
                calendar.business_nanoseconds(*arguments)
            assert caught.value.parameter == name
    # Friday evening: the next opening, Monday, is past the last instant there is.
    with pytest.raises(InvalidParameterError, match="2262-04-11 23:47:16") as caught:
        weekdays.next_open(LAST_MOMENT - timedelta(hours=3))
    assert caught.value.parameter == "t"
    # A unit of several nanoseconds counts each step as that many.
    three = np.array([0, 1], "datetime64[3ns]")
    assert calendar.business_nanoseconds(three[:1], three[1:]).tolist() == [3]
    assert calendar.business_seconds([FIRST_NS], [LAST_NS]).tolist() == [(2**64 - 2) / 1e9]


# --- construction -------------------------------------------------------------------------------


def test_ways_of_writing_hours_agree() -> None:
    written = [
        BusinessCalendar("UTC", "mon-fri 09:00-12:00, 13:00-17:00; sat 10:00-14:00"),
        BusinessCalendar(
            "UTC",
            {
                "mon-fri": [("09:00", "12:00"), ("13:00", "17:00")],
                "saturday": "10:00-14:00",
                "sun": "closed",
            },
        ),
        BusinessCalendar(
            ZoneInfo("UTC"),
            {
                **{day: [(time(9), time(12)), (time(13), "17:00")] for day in range(5)},
                5: [("10:00:00", "14:00")],
            },
        ),
    ]
    written.append(
        BusinessCalendar(
            "UTC",
            "mon,tue , wed-thu,fri 09:00-12:00, 13:00-17:00; saturday 10:00-14:00; sun closed",
        )
    )
    # Blank entries, capitals and Sunday as 6.
    written.append(
        BusinessCalendar("UTC", "Mon-FRI 09:00-12:00, 13:00-17:00;\n\n;Saturday 10:00-14:00;")
    )
    written.append(
        BusinessCalendar(
            "UTC",
            {"mon-fri": "09:00-12:00, 13:00-17:00", 5: "10:00-14:00", 6: "closed"},
        )
    )
    assert len(set(written)) == 1
    assert len({hash(calendar) for calendar in written}) == 1
    assert written[0].weekly_hours["mon"] == (("09:00", "12:00"), ("13:00", "17:00"))
    assert written[0].weekly_hours["sun"] == ()
    assert repr(written[0]) == (
        "BusinessCalendar('UTC', 'mon-fri 09:00-12:00, 13:00-17:00; sat 10:00-14:00')"
    )


def test_repr_round_trips_and_shows_everything() -> None:
    calendar = BusinessCalendar(
        "Europe/Berlin",
        "fri-mon 22:00-06:00",
        country="DE",
        subdivision="BY",
        closed_dates=["2024-12-31"],
        special_hours={"2024-12-24": "09:00-13:00", "2024-12-23": "closed"},
    )
    text = repr(calendar)
    assert text == (
        "BusinessCalendar('Europe/Berlin', 'mon 22:00-06:00; fri-sun 22:00-06:00', country='DE', "
        "subdivision='BY', closed_dates=['2024-12-31'], "
        "special_hours={'2024-12-23': 'closed', '2024-12-24': '09:00-13:00'})"
    )
    assert eval(text, {"BusinessCalendar": BusinessCalendar}) == calendar
    assert calendar.timezone == BERLIN
    assert calendar.country == "DE"
    assert calendar.subdivision == "BY"
    assert calendar.closed_dates == frozenset({date(2024, 12, 31)})
    assert calendar.special_hours[date(2024, 12, 23)] == ()


def test_importing_the_calendar_does_not_import_holidays() -> None:
    code = "import sys, socialcare_metrics.calendar; print('holidays' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_hours_are_written_back_as_given_to_the_microsecond() -> None:
    calendar = BusinessCalendar(
        "UTC",
        "mon 09:00:30-17:00:00.5, 22:00-24:00; tue 09:00-17:00:05; thu-fri 10:00-11:00",
        special_hours={"2024-12-24": "09:00-10:00, 11:00-12:00", "2024-12-31": "20:00-02:00"},
    )
    assert calendar.weekly_hours["mon"] == (("09:00:30", "17:00:00.500000"), ("22:00", "24:00"))
    assert calendar.weekly_hours["tue"] == (("09:00", "17:00:05"),)
    assert calendar.special_hours[date(2024, 12, 31)] == (("20:00", "02:00"),)
    text = repr(calendar)
    assert text == (
        "BusinessCalendar('UTC', 'mon 09:00:30-17:00:00.500000, 22:00-24:00; tue 09:00-17:00:05; "
        "thu-fri 10:00-11:00', special_hours={'2024-12-24': '09:00-10:00, 11:00-12:00', "
        "'2024-12-31': '20:00-02:00'})"
    )
    assert eval(text, {"BusinessCalendar": BusinessCalendar}) == calendar
    objects = BusinessCalendar("UTC", {"wed": [(time(9, 30, 15, 250000), time(17, 45, 5))]})
    assert objects.weekly_hours["wed"] == (("09:30:15.250000", "17:45:05"),)
    # Microseconds alone keep the seconds that lead up to them.
    assert BusinessCalendar("UTC", "sun 00:00:00.25-01:00").weekly_hours["sun"] == (
        ("00:00:00.250000", "01:00"),
    )


def test_repr_shows_categories_and_a_holidays_object() -> None:
    catholic = BusinessCalendar(
        "Europe/Berlin",
        "mon-fri 09:00-17:00",
        country="DE",
        subdivision="BY",
        categories=["public", "catholic", "public"],
    )
    assert repr(catholic) == (
        "BusinessCalendar('Europe/Berlin', 'mon-fri 09:00-17:00', country='DE', subdivision='BY', "
        "categories=('catholic', 'public'))"
    )
    assert catholic.categories == ("catholic", "public")
    assert eval(repr(catholic), {"BusinessCalendar": BusinessCalendar}) == catholic
    own = BusinessCalendar("UTC", "mon-fri 09:00-17:00", holidays=holidays.US())
    assert repr(own) == (
        "BusinessCalendar('UTC', 'mon-fri 09:00-17:00', "
        "holidays=<holidays.countries.united_states.US>)"
    )


def test_a_holidays_object_counts_by_identity() -> None:
    # A HolidayBase is a mutable dict the caller may still change, so only the same object
    # makes two calendars equal.
    us = holidays.US()
    first = BusinessCalendar("UTC", "mon-fri 09:00-17:00", holidays=us)
    again = BusinessCalendar("UTC", "mon-fri 09:00-17:00", holidays=us)
    other = BusinessCalendar("UTC", "mon-fri 09:00-17:00", holidays=holidays.US())
    plain = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    assert first == again
    assert hash(first) == hash(again)
    assert first != other
    assert first != plain
    assert first.holidays is us
    assert plain.holidays is None
    assert hash(plain) != hash(BusinessCalendar("UTC", "mon-fri 09:00-18:00"))


def test_calendar_is_immutable_hashable_and_pickles() -> None:
    calendar = BusinessCalendar("Europe/Berlin", "mon-fri 09:00-17:00", country="DE")
    with pytest.raises(AttributeError, match="immutable; cannot set '_timezone'"):
        calendar._timezone = ZoneInfo("UTC")  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable; cannot delete '_weekly'"):
        del calendar._weekly
    monday = datetime(2024, 10, 7, tzinfo=BERLIN)
    before = business(calendar, monday - timedelta(days=7), monday)
    copy = pickle.loads(pickle.dumps(calendar))
    assert copy == calendar
    assert hash(copy) == hash(calendar)
    assert business(copy, monday - timedelta(days=7), monday) == before == 32 * HOUR
    assert {calendar: 1}[copy] == 1
    assert calendar != BusinessCalendar("Europe/Berlin", "mon-fri 09:00-17:00")
    assert calendar != "Europe/Berlin"


@pytest.mark.parametrize(
    ("arguments", "parameter", "message"),
    [
        ({"hours": "mon 09:00-12:00, 11:00-13:00"}, "hours", "overlap"),
        ({"hours": "sun 22:00-06:00; mon 05:00-09:00"}, "hours", "sun 22:00-06:00 and mon"),
        ({"hours": "mon 09:00-09:00"}, "hours", "non-zero length"),
        ({"hours": "mon 09:00-25:00"}, "hours", "HH:MM"),
        ({"hours": "mon 9am-5pm"}, "hours", "HH:MM"),
        ({"hours": "mon 24:00-05:00"}, "hours", "23:59:59"),
        ({"hours": "mon 09:60-10:00"}, "hours", "HH:MM"),
        ({"hours": "mon 09:00"}, "hours", "HH:MM-HH:MM"),
        ({"hours": "funday 09:00-17:00"}, "hours", "weekdays"),
        ({"hours": "mon-wed-fri 09:00-17:00"}, "hours", "weekdays"),
        ({"hours": "mon 09:00:60-10:00"}, "hours", "HH:MM"),
        ({"hours": "sun 22:00-01:00; mon 00:00-00:00:00.000001"}, "hours", "overlap"),
        ({"holidays": holidays.US(), "subdivision": "CA"}, "holidays", "None when country"),
        ({"holidays": holidays.US(), "categories": "public"}, "holidays", "None when country"),
        ({"hours": {7: "09:00-17:00"}}, "hours", "weekday keys"),
        ({"hours": "mon-fri 09:00-17:00; fri 18:00-20:00"}, "hours", "once"),
        ({"hours": {"mon": [("09:00",)]}}, "hours", "pairs"),
        ({"hours": ""}, "hours", "some open time"),
        ({"hours": {}}, "hours", "some open time"),
        ({"hours": 9}, "hours", "mapping"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "IANA"),
        ({"timezone": "../../etc/passwd"}, "timezone", "IANA"),
        ({"timezone": 5}, "timezone", "IANA"),
        ({"country": "XX"}, "country", "holidays package"),
        ({"country": "US", "subdivision": "ZZ"}, "subdivision", "subdivision of US"),
        ({"country": "US", "categories": ["nope"]}, "categories", "categories of US"),
        ({"subdivision": "CA"}, "country", "country code"),
        ({"holidays": {date(2024, 1, 1)}}, "holidays", "HolidayBase"),
        ({"holidays": holidays.US(), "country": "US"}, "holidays", "None"),
        ({"closed_dates": ["2024-13-01"]}, "closed_dates", "ISO date"),
        ({"closed_dates": [datetime(2024, 1, 1)]}, "closed_dates", "date"),
        (
            {"special_hours": {"2024-12-24": "13:00-12:00, 12:30-14:00"}},
            "special_hours[2024-12-24]",
            "overlap",
        ),
        (
            {"closed_dates": ["2024-12-24"], "special_hours": {"2024-12-24": "09:00-13:00"}},
            "special_hours",
            "closed_dates",
        ),
        ({"special_hours": {"2024-12-24": "9-13"}}, "special_hours[2024-12-24]", "HH:MM"),
        # Odd types and empty values: each is the library's error, naming what was given.
        ({"hours": "mon-fri"}, "hours", "hours after the weekdays, such as 'mon-fri 09:00-17:00'"),
        ({"hours": "mon 09:00-17:00; sat"}, "hours", "'sat 09:00-17:00' or 'sat closed'"),
        ({"hours": {"mon": ""}}, "hours", "'closed'"),
        ({"special_hours": {"2024-12-24": ""}}, "special_hours[2024-12-24]", "'closed'"),
        ({"special_hours": [("2024-12-24", "09:00-13:00")]}, "special_hours", "a mapping"),
        ({"special_hours": "2024-12-24 09:00-13:00"}, "special_hours", "a mapping"),
        ({"special_hours": 5}, "special_hours", "a mapping"),
        ({"country": "US", "categories": 5}, "categories", "category names"),
        ({"country": "US", "categories": [5]}, "categories", "category names"),
        ({"country": "US", "categories": [["public"]]}, "categories", "category names"),
        ({"country": "US", "categories": [1, "public"]}, "categories", "category names"),
        ({"country": "US", "categories": b"public"}, "categories", "category names"),
        ({"country": "US", "categories": []}, "categories", "at least one"),
        ({"country": "US", "subdivision": ["CA"]}, "subdivision", "subdivision of US"),
        ({"country": "US", "subdivision": ""}, "subdivision", "subdivision of US"),
        ({"closed_dates": 5}, "closed_dates", "collection of them"),
        ({"closed_dates": b"2024-01-01"}, "closed_dates", "collection of them"),
        ({"closed_dates": "2024-13-01"}, "closed_dates", "ISO date"),
        ({"closed_dates": [None]}, "closed_dates", "ISO date"),
        ({"timezone": "Europe/" + "x" * 5000}, "timezone", "IANA"),
        ({"timezone": "UTC\0"}, "timezone", "IANA"),
    ],
)
def test_bad_construction_is_a_clear_error(
    arguments: dict[str, Any], parameter: str, message: str
) -> None:
    arguments = {"timezone": "UTC", "hours": "mon-fri 09:00-17:00", **arguments}
    with pytest.raises(InvalidParameterError, match=message) as caught:
        BusinessCalendar(**arguments)
    assert caught.value.parameter == parameter
    assert caught.value.function == "BusinessCalendar"


def _building(**arguments: Any) -> Callable[[], object]:
    return lambda: BusinessCalendar(
        **{"timezone": "UTC", "hours": "mon-fri 09:00-17:00", **arguments}
    )


def _calling(method: str, *arguments: Any) -> Callable[[], object]:
    return lambda: getattr(BusinessCalendar("UTC", "mon-fri 09:00-17:00"), method)(*arguments)


# Every error the calendar raises, word for word: which function, which parameter, what it
# expected and what it got.
WORD_FOR_WORD: list[tuple[Callable[[], object], str]] = [
    (
        _building(hours={"mon": [(time(9, tzinfo=UTC), "17:00")]}),
        (
            "BusinessCalendar(): 'hours' must be a time without a tzinfo (got "
            "datetime.time(9, 0, tzinfo=datetime.timezone.utc) that is a time)"
        ),
    ),
    (
        _building(hours="mon 09:00-25:00"),
        (
            "BusinessCalendar(): 'hours' must be a time 'HH:MM' or 'HH:MM:SS' from 00:00 to "
            "24:00, or a datetime.time (got '25:00' that is a str)"
        ),
    ),
    (
        _building(hours="mon 24:00-05:00"),
        (
            "BusinessCalendar(): 'hours' must be a time 'HH:MM' or 'HH:MM:SS' from 00:00 to "
            "23:59:59, or a datetime.time (got '24:00' that is a str)"
        ),
    ),
    (
        _building(hours={"sat": ""}),
        (
            "BusinessCalendar(): 'hours' must be a day's hours such as '09:00-17:00', or "
            "'closed' (got '' that is a str)"
        ),
    ),
    (
        _building(hours="mon 09:00"),
        (
            "BusinessCalendar(): 'hours' must be intervals written 'HH:MM-HH:MM', separated "
            "by commas (got '09:00' that is a str)"
        ),
    ),
    (
        _building(hours={"mon": [("09:00",)]}),
        (
            "BusinessCalendar(): 'hours' must be a sequence of (opening, closing) pairs (got "
            "[('09:00',)] that is a list)"
        ),
    ),
    (
        _building(hours={"mon": 5}),
        (
            "BusinessCalendar(): 'hours' must be a string such as '09:00-17:00' or (opening, "
            "closing) pairs (got 5 that is a int)"
        ),
    ),
    (
        _building(hours="mon 09:00-09:00"),
        (
            "BusinessCalendar(): 'hours' must be intervals of non-zero length (write a whole "
            "day as 00:00-24:00) (got '09:00-09:00' that is a str)"
        ),
    ),
    (
        _building(hours="mon 09:00-12:00, 11:00-13:00"),
        (
            "BusinessCalendar(): 'hours' must be intervals that do not overlap (got "
            "'09:00-12:00 and 11:00-13:00' that is a str)"
        ),
    ),
    (
        _building(hours="funday 09:00-17:00"),
        (
            "BusinessCalendar(): 'hours' must be weekdays written 'mon'..'sun' (or in full), "
            "ranges 'mon-fri', lists 'sat,sun' (got 'funday' that is a str)"
        ),
    ),
    (
        _building(hours="09:00-17:00"),
        (
            "BusinessCalendar(): 'hours' must be entries such as 'mon-fri 09:00-17:00' (got "
            "'09:00-17:00' that is a str)"
        ),
    ),
    (
        _building(hours="mon-fri"),
        (
            "BusinessCalendar(): 'hours' must be entries with hours after the weekdays, such "
            "as 'mon-fri 09:00-17:00' or 'mon-fri closed' (got 'mon-fri' that is a str)"
        ),
    ),
    (
        _building(hours={7: "09:00-17:00"}),
        (
            "BusinessCalendar(): 'hours' must be weekday keys 'mon'..'sun', 'mon-fri' or "
            "0..6 (got 7 that is a int)"
        ),
    ),
    (
        _building(hours=9),
        (
            "BusinessCalendar(): 'hours' must be a string such as 'mon-fri 09:00-17:00' or a "
            "mapping of weekdays to hours (got 9 that is a int)"
        ),
    ),
    (
        _building(hours="mon-fri 09:00-17:00; fri 18:00-20:00"),
        ("BusinessCalendar(): 'hours' must be each weekday given once (got 'fri' that is a str)"),
    ),
    (
        _building(hours="sun 22:00-06:00; mon 05:00-09:00"),
        (
            "BusinessCalendar(): 'hours' must be intervals that do not overlap (got 'sun "
            "22:00-06:00 and mon 05:00-09:00' that is a str)"
        ),
    ),
    (
        _building(closed_dates=["2024-13-01"]),
        (
            "BusinessCalendar(): 'closed_dates' must be a date or an ISO date 'YYYY-MM-DD' "
            "(got '2024-13-01' that is a str)"
        ),
    ),
    (
        _building(timezone="Mars/Olympus_Mons"),
        (
            "BusinessCalendar(): 'timezone' must be an IANA time zone name such as "
            "'Europe/Berlin', or a zoneinfo.ZoneInfo (got 'Mars/Olympus_Mons' that is a str)"
        ),
    ),
    (
        _building(holidays={date(2024, 1, 1)}),
        (
            "BusinessCalendar(): 'holidays' must be a holidays.HolidayBase object (for dates "
            "of your own pass closed_dates=) (got {datetime.date(2024, 1, 1)} that is a set)"
        ),
    ),
    (
        _building(holidays="DE:BY"),
        (
            "BusinessCalendar(): 'holidays' must be a holidays.HolidayBase object (for a "
            "country's holidays pass country='DE', subdivision='BY') (got 'DE:BY' that is a str)"
        ),
    ),
    (
        _building(holidays=holidays.US(), country="US"),
        (
            "BusinessCalendar(): 'holidays' must be None when country, subdivision or "
            "categories are given (got holidays.country_holidays('US') that is a US)"
        ),
    ),
    (
        _building(subdivision="CA"),
        (
            "BusinessCalendar(): 'country' must be a country code when a subdivision or "
            "categories are given (got None that is a NoneType)"
        ),
    ),
    (
        _building(special_hours=[("2024-12-24", "09:00-13:00")]),
        (
            "BusinessCalendar(): 'special_hours' must be a mapping of dates to hours, such "
            "as {'2024-12-24': '09:00-13:00'} (got [('2024-12-24', '09:00-13:00')] that is a "
            "list)"
        ),
    ),
    (
        _building(special_hours={"2024-12-24": "09:00-13:00", date(2024, 12, 24): "closed"}),
        (
            "BusinessCalendar(): 'special_hours' must be each date given once (got "
            "datetime.date(2024, 12, 24) that is a date)"
        ),
    ),
    (
        _building(closed_dates=["2024-12-24"], special_hours={"2024-12-24": "09:00-13:00"}),
        (
            "BusinessCalendar(): 'special_hours' must be dates that are not also in "
            "closed_dates (got '2024-12-24' that is a str)"
        ),
    ),
    (
        _building(special_hours={"2024-12-24": "9-13"}),
        (
            "BusinessCalendar(): 'special_hours[2024-12-24]' must be a time 'HH:MM' or "
            "'HH:MM:SS' from 00:00 to 23:59:59, or a datetime.time (got '9' that is a str)"
        ),
    ),
    (
        _building(hours="mon closed"),
        (
            "BusinessCalendar(): 'hours' must be some open time (weekly hours or special "
            "hours) (got 'mon closed' that is a str)"
        ),
    ),
    (
        _building(country="US", categories=5),
        (
            "BusinessCalendar(): 'categories' must be holiday category names, such as "
            "'public' or ('public', 'optional') (got 5 that is a int)"
        ),
    ),
    (
        _building(country="US", categories=[5]),
        (
            "BusinessCalendar(): 'categories' must be holiday category names, such as "
            "'public' or ('public', 'optional') (got [5] that is a list)"
        ),
    ),
    (
        _building(country="US", categories=[]),
        (
            "BusinessCalendar(): 'categories' must be at least one holiday category, or None "
            "for the package's default (got [] that is a list)"
        ),
    ),
    (
        _building(country="US", categories=["nope"]),
        (
            "BusinessCalendar(): 'categories' must be holiday categories of US (got "
            "('nope',) that is a tuple)"
        ),
    ),
    (
        _building(closed_dates=5),
        (
            "BusinessCalendar(): 'closed_dates' must be a date, an ISO date 'YYYY-MM-DD', or "
            "a collection of them (got 5 that is a int)"
        ),
    ),
    (
        _building(country="XX"),
        (
            "BusinessCalendar(): 'country' must be a country code of the holidays package, "
            "such as 'US', 'DE' or 'IN' (got 'XX' that is a str)"
        ),
    ),
    (
        _building(country="US", subdivision="ZZ"),
        (
            "BusinessCalendar(): 'subdivision' must be a subdivision of US (AK, AL, AR, AS, "
            "AZ, CA, CO, CT, DC, DE, ...) (got 'ZZ' that is a str)"
        ),
    ),
    (
        _building(country="US", subdivision=["CA"]),
        (
            "BusinessCalendar(): 'subdivision' must be a subdivision of US (AK, AL, AR, AS, "
            "AZ, CA, CO, CT, DC, DE, ...) (got ['CA'] that is a list)"
        ),
    ),
    (
        _building(country="AF", subdivision="X"),
        ("BusinessCalendar(): 'subdivision' must be None: AF has none (got 'X' that is a str)"),
    ),
    (
        _calling("business_time", datetime(2024, 1, 1), datetime(2024, 1, 2, tzinfo=UTC)),
        (
            "BusinessCalendar.business_time(): 'start' must be a timezone-aware datetime "
            "(got datetime.datetime(2024, 1, 1, 0, 0) that is a datetime)"
        ),
    ),
    (
        _building(country="AT", subdivision="10"),
        (
            "BusinessCalendar(): 'subdivision' must be a subdivision of AT (1, 2, 3, 4, 5, 6, 7, "
            "8, 9) (got '10' that is a str)"
        ),
    ),
    (
        _building(hours={"funday": "09:00-17:00"}),
        (
            "BusinessCalendar(): 'hours' must be weekdays written 'mon'..'sun' (or in full), "
            "ranges 'mon-fri', lists 'sat,sun' (got 'funday' that is a str)"
        ),
    ),
    (
        _building(special_hours={"2024-13-01": "09:00-13:00"}),
        (
            "BusinessCalendar(): 'special_hours' must be a date or an ISO date 'YYYY-MM-DD' "
            "(got '2024-13-01' that is a str)"
        ),
    ),
    (
        _calling("business_time", datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 1)),
        (
            "BusinessCalendar.business_time(): 'end' must be a timezone-aware datetime (got "
            "datetime.datetime(2024, 1, 1, 0, 0) that is a datetime)"
        ),
    ),
    (
        _calling(
            "business_time", datetime(2024, 1, 2, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)
        ),
        (
            "BusinessCalendar.business_time(): 'ends' must be at or after starts at every index "
            "(first end before its start at index 0) (got "
            "np.datetime64('2024-01-01T00:00:00.000000000') that is a datetime64)"
        ),
    ),
    (
        _calling("next_open", datetime(1, 1, 1, tzinfo=UTC)),
        (
            "BusinessCalendar.next_open(): 't' must be a datetime from 1677-09-21 "
            "00:12:43.145225 to 2262-04-11 23:47:16.854775 UTC (what int64 nanoseconds since "
            "1970 hold) (got datetime.datetime(1, 1, 1, 0, 0, tzinfo=datetime.timezone.utc) "
            "that is a datetime)"
        ),
    ),
    (
        _calling("is_open", datetime(3000, 1, 1, tzinfo=UTC)),
        (
            "BusinessCalendar.is_open(): 't' must be a datetime from 1677-09-21 "
            "00:12:43.145225 to 2262-04-11 23:47:16.854775 UTC (what int64 nanoseconds since "
            "1970 hold) (got datetime.datetime(3000, 1, 1, 0, 0, "
            "tzinfo=datetime.timezone.utc) that is a datetime)"
        ),
    ),
    (
        _calling("business_seconds", [[0], [0, 1]], [0]),
        (
            "BusinessCalendar.business_seconds(): 'starts' must be an array of datetime64 "
            "values (UTC) or of int64 epoch nanoseconds (got [[0], [0, 1]] that is a list)"
        ),
    ),
    (
        _calling(
            "business_seconds",
            np.array([[0, 0], [0, "NaT"]], "datetime64[ns]"),
            np.zeros((2, 2), "datetime64[ns]"),
        ),
        (
            "BusinessCalendar.business_seconds(): 'starts' must be instants, not NaT (first "
            "NaT at index (1, 1)) (got 'NaT' that is a str)"
        ),
    ),
    (
        _calling("business_seconds", np.array([0], "datetime64[ps]"), [0]),
        (
            "BusinessCalendar.business_seconds(): 'starts' must be datetime64 values in "
            "nanoseconds or a coarser unit (got 'an array of dtype datetime64[ps]' that is a "
            "str)"
        ),
    ),
    (
        _calling(
            "business_seconds", [0, 0], np.array(["2024-01-01", "3000-01-01"], "datetime64[s]")
        ),
        (
            "BusinessCalendar.business_seconds(): 'ends' must be instants from 1677-09-21 "
            "00:12:43.145224193 to 2262-04-11 23:47:16.854775807 UTC (first outside at index "
            "1) (got np.datetime64('3000-01-01T00:00:00') that is a datetime64)"
        ),
    ),
    (
        _calling("business_seconds", [0.5], [1.5]),
        (
            "BusinessCalendar.business_seconds(): 'starts' must be an array of datetime64 "
            "values (UTC) or of int64 epoch nanoseconds (got 'an array of dtype float64' "
            "that is a str)"
        ),
    ),
    (
        lambda: BusinessCalendar.always_open().business_nanoseconds([-(2**63) + 1], [2**63 - 1]),
        (
            "BusinessCalendar.business_nanoseconds(): 'ends' must be within 292 years of "
            "starts, so the result fits in int64 (got 'a longer span' that is a str)"
        ),
    ),
    (
        _calling("next_open", datetime(2262, 4, 11, 20, tzinfo=UTC)),
        (
            "BusinessCalendar.next_open(): 't' must be a time whose next opening comes "
            "before the last instant the library holds, 2262-04-11 23:47:16.854775 UTC (got "
            "datetime.datetime(2262, 4, 11, 20, 0, tzinfo=datetime.timezone.utc) that is a "
            "datetime)"
        ),
    ),
    (
        lambda: BusinessCalendar("UTC", {}, special_hours={"2024-06-09": "10:00-12:00"}).next_open(
            datetime(2024, 6, 9, 12, tzinfo=UTC)
        ),
        (
            "BusinessCalendar.next_open(): 't' must be a time before the calendar's last "
            "open interval (got datetime.datetime(2024, 6, 9, 12, 0, "
            "tzinfo=datetime.timezone.utc) that is a datetime)"
        ),
    ),
    (
        _calling("business_seconds", [0, 1], [2]),
        (
            "BusinessCalendar.business_seconds(): 'ends' must be an array of the shape of "
            "starts (2,) (got (1,) that is a tuple)"
        ),
    ),
    (
        _calling("business_seconds", [[0, 0], [0, -(2**63)]], [[1, 1], [1, 1]]),
        (
            "BusinessCalendar.business_seconds(): 'starts' must be instants, not NaT (-2**63 "
            "as int64; first at index (1, 1)) (got -9223372036854775808 that is a int)"
        ),
    ),
    (
        _calling("business_seconds", [0, 0], [1, -(2**63)]),
        (
            "BusinessCalendar.business_seconds(): 'ends' must be instants, not NaT (-2**63 "
            "as int64; first at index 1) (got -9223372036854775808 that is a int)"
        ),
    ),
    (
        _calling("business_seconds", [[0, 5]], [[1, 4]]),
        (
            "BusinessCalendar.business_seconds(): 'ends' must be at or after starts at every "
            "index (first end before its start at index (0, 1)) (got "
            "np.datetime64('1970-01-01T00:00:00.000000004') that is a datetime64)"
        ),
    ),
    (
        # Ten subdivisions are all shown; of eleven, the first ten and an ellipsis.
        _building(country="SB", subdivision="ZZ"),
        (
            "BusinessCalendar(): 'subdivision' must be a subdivision of SB (CE, CH, CT, GU, IS, "
            "MK, ML, RB, TE, WE) (got 'ZZ' that is a str)"
        ),
    ),
    (
        _building(country="AM", subdivision="ZZ"),
        (
            "BusinessCalendar(): 'subdivision' must be a subdivision of AM (AG, AR, AV, ER, GR, "
            "KT, LO, SH, SU, TV, ...) (got 'ZZ' that is a str)"
        ),
    ),
    (
        _calling("business_nanoseconds", [1], [0]),
        (
            "BusinessCalendar.business_nanoseconds(): 'ends' must be at or after starts at every "
            "index (first end before its start at index 0) (got "
            "np.datetime64('1970-01-01T00:00:00.000000000') that is a datetime64)"
        ),
    ),
]


@pytest.mark.parametrize(("action", "message"), WORD_FOR_WORD)
def test_error_messages_word_for_word(action: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        action()
    assert str(caught.value) == message


def test_closed_dates_may_be_none_or_a_single_date() -> None:
    weekdays = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    assert BusinessCalendar("UTC", "mon-fri 09:00-17:00", closed_dates=None) == weekdays
    one = BusinessCalendar("UTC", "mon-fri 09:00-17:00", closed_dates=["2024-07-04"])
    assert BusinessCalendar("UTC", "mon-fri 09:00-17:00", closed_dates="2024-07-04") == one
    assert BusinessCalendar("UTC", "mon-fri 09:00-17:00", closed_dates=date(2024, 7, 4)) == one
    assert one.closed_dates == frozenset({date(2024, 7, 4)})
    # A malformed single date is named whole, not by its first character.
    with pytest.raises(InvalidParameterError) as caught:
        BusinessCalendar("UTC", "mon-fri 09:00-17:00", closed_dates="2024-13-01")
    assert caught.value.got == "2024-13-01"


def test_special_hours_alone_are_enough_and_end() -> None:
    calendar = BusinessCalendar("UTC", {}, special_hours={"2024-06-09": "10:00-12:00"})
    assert business(
        calendar, datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)
    ) == (2 * HOUR)
    assert calendar.next_open(datetime(2024, 1, 1, tzinfo=UTC)) == datetime(
        2024, 6, 9, 10, tzinfo=UTC
    )
    with pytest.raises(InvalidParameterError, match="last open interval"):
        calendar.next_open(datetime(2024, 6, 9, 12, tzinfo=UTC))
    # Found from years before, however many closed years lie between (by a calendar that has
    # not looked at 2024 yet).
    fresh = BusinessCalendar("UTC", {}, special_hours={"2024-06-09": "10:00-12:00"})
    assert fresh.next_open(datetime(2011, 3, 1, tzinfo=UTC)) == datetime(2024, 6, 9, 10, tzinfo=UTC)
    # Years without a single open interval answer too.
    later = datetime(2030, 1, 1, tzinfo=UTC)
    assert business(calendar, later, later + timedelta(days=400)) == timedelta(0)
    assert not calendar.is_open(later)


def test_lookups_are_cached_and_widening_the_span_changes_nothing() -> None:
    calendar = BusinessCalendar("Europe/Berlin", "mon-fri 09:00-17:00", country="DE")
    rng = np.random.default_rng(7)
    starts = ns(datetime(2024, 1, 1, tzinfo=UTC)) + rng.integers(0, 365 * 86_400 * 10**9, 1000)
    ends = starts + rng.integers(0, 10 * 86_400 * 10**9, 1000)
    first = calendar.business_nanoseconds(starts, ends)
    far = ns(datetime(1990, 1, 1, tzinfo=UTC))
    calendar.business_nanoseconds([far], [far + 10**15])
    again = calendar.business_nanoseconds(starts, ends)
    fresh = BusinessCalendar("Europe/Berlin", "mon-fri 09:00-17:00", country="DE")
    assert first.tolist() == again.tolist() == fresh.business_nanoseconds(starts, ends).tolist()
    assert int(first.sum()) > 0


def test_short_gaps_between_intervals_use_the_exact_fallback() -> None:
    # One-second gaps put several open segments in one lookup bucket; answers must not change.
    hours = [(f"{h:02d}:00:00", f"{h:02d}:59:59") for h in range(23)] + [("23:00", "24:00")]
    calendar = BusinessCalendar("UTC", {"mon": hours})
    monday = ns(datetime(2024, 6, 10, tzinfo=UTC))
    second = 10**9
    offsets = [*range(0, 86_400 * second, 7_777_777_777), 3599 * second, 3600 * second]
    result = calendar.business_nanoseconds([monday] * len(offsets), [monday + o for o in offsets])
    open_spans = [(h * 3600 * second, ((h + 1) * 3600 - 1) * second) for h in range(23)]
    open_spans.append((23 * 3600 * second, 24 * 3600 * second))
    expected = [sum(max(0, min(o, b) - a) for a, b in open_spans) for o in offsets]
    assert result.tolist() == expected
    assert expected[-2:] == [3599 * second, 3599 * second]


def test_times_are_read_to_the_microsecond() -> None:
    calendar = BusinessCalendar(
        "UTC",
        {
            "mon": [(time(9, 30, 15, 7), time(17, 45))],
            6: "10:00:00.5-11:00:00.123456",  # Sunday by number; a fraction is of a second
        },
    )
    assert calendar.weekly_hours["mon"] == (("09:30:15.000007", "17:45"),)
    assert calendar.weekly_hours["sun"] == (("10:00:00.500000", "11:00:00.123456"),)
    sunday = datetime(2024, 6, 9, tzinfo=UTC)
    assert business(calendar, sunday, sunday + timedelta(days=1)) == timedelta(
        seconds=3599, microseconds=623_456
    )


def test_weekdays_in_any_case_and_blank_entries_are_read() -> None:
    calendar = BusinessCalendar("UTC", "MON-Fri 09:00-12:00;; Sat 10:00-11:00\n")
    assert dict(calendar.weekly_hours) == {
        **dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), (("09:00", "12:00"),)),
        "sat": (("10:00", "11:00"),),
        "sun": (),
    }


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (
            "mon 09:00:60-10:00",
            "a time 'HH:MM' or 'HH:MM:SS' from 00:00 to 23:59:59, or a datetime.time (got "
            "'09:00:60' that is a str)",
        ),
        (
            "mon 09:00-10:00:60",
            "a time 'HH:MM' or 'HH:MM:SS' from 00:00 to 24:00, or a datetime.time (got "
            "'10:00:60' that is a str)",
        ),
        (
            "mon 09:00-10:00:00.1234567",
            "a time 'HH:MM' or 'HH:MM:SS' from 00:00 to 24:00, or a datetime.time (got "
            "'10:00:00.1234567' that is a str)",
        ),
    ],
)
def test_seconds_past_59_and_fractions_past_microseconds_are_refused(
    hours: str, message: str
) -> None:
    with pytest.raises(InvalidParameterError) as refused:
        BusinessCalendar("UTC", hours)
    assert str(refused.value) == f"BusinessCalendar(): 'hours' must be {message}"


# --- laws against the reference -----------------------------------------------------------------

ZONES = [
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "Asia/Kolkata",
    "America/Santiago",  # changes at midnight
    "Pacific/Apia",  # skipped 30 December 2011 entirely
    "America/St_Johns",
]
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _days_with_offset_changes(zone_name: str, years: range) -> list[date]:
    """Local days on which the zone's UTC offset changes, and the day before each."""
    zone = ZoneInfo(zone_name)
    found: list[date] = []
    day = date(years.start, 1, 1)
    while day.year < years.stop:
        later = day + timedelta(days=1)
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        next_midnight = datetime(later.year, later.month, later.day, tzinfo=zone)
        if midnight.utcoffset() != next_midnight.utcoffset():
            found += [day - timedelta(days=1), day]
        day = later
    return found


# Where each zone changes its offset (DST, or Apia skipping 30 December 2011), plus holidays.
CHANGE_DATES = {
    name: [*_days_with_offset_changes(name, range(2023, 2026)), date(2024, 12, 25)]
    for name in ZONES
}
CHANGE_DATES["Pacific/Apia"] += _days_with_offset_changes("Pacific/Apia", range(2011, 2012))
CHANGE_DATES["America/New_York"] += [date(2024, 11, 28)]
CHANGE_DATES["Europe/Berlin"] += [date(2024, 10, 3)]
# Times of day around the small hours, where the offset changes happen.
INTERESTING_MINUTES = [0, 30, 60, 90, 120, 150, 180, 210, 240, 1380, 1410]


def _format(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _wall_pair(start: int, length: int) -> tuple[str, str]:
    end = start + length
    return _format(start), "24:00" if end == 1440 else _format(end % 1440)


@st.composite
def calendars(
    draw: st.DrawFn, *, around_offset_changes: bool = False
) -> tuple[BusinessCalendar, ReferenceCalendar, date]:
    """A random calendar, its reference twin, and a date to draw instants near.

    With ``around_offset_changes`` the date is a day on which the zone's offset changes, and
    the hours open and close in the small hours of that weekday.
    """
    zone_name = draw(st.sampled_from(ZONES))
    change_days = st.sampled_from(CHANGE_DATES[zone_name])
    any_day = st.dates(min_value=date(1995, 1, 1), max_value=date(2040, 12, 31))
    base = draw(change_days if around_offset_changes else st.one_of(change_days, any_day))
    minute = st.sampled_from(INTERESTING_MINUTES)
    if not around_offset_changes:
        minute = st.one_of(minute, st.integers(0, 1439))
    length = st.one_of(st.sampled_from([30, 60, 90, 480, 600, 1440]), st.integers(1, 1440))
    week_minutes = 7 * 1440
    taken: list[tuple[int, int]] = []  # pieces on the week circle
    weekly: dict[int, list[tuple[int, int]]] = {}
    for day, start, size in draw(
        st.lists(
            st.tuples(
                st.just(base.weekday())
                if around_offset_changes
                else st.one_of(st.just(base.weekday()), st.integers(0, 6)),
                minute,
                length,
            ),
            max_size=8,
        )
    ):
        if size == 1440 and start != 0:
            size = 1439
        begin = day * 1440 + start
        pieces = [(begin, min(begin + size, week_minutes))]
        if begin + size > week_minutes:
            pieces.append((0, begin + size - week_minutes))
        if any(a < d and c < b for a, b in pieces for c, d in taken):
            continue
        taken += pieces
        weekly.setdefault(day, []).append((start, size))

    nearby = st.one_of(st.integers(-1, 1), st.integers(-3, 12)).map(
        lambda shift: base + timedelta(days=shift)
    )
    special: dict[date, list[tuple[int, int]]] = {}
    for day, intervals in draw(
        st.dictionaries(nearby, st.lists(st.tuples(minute, length), max_size=2), max_size=3)
    ).items():
        kept: list[tuple[int, int]] = []
        for start, size in intervals:
            if size == 1440 and start != 0:
                size = 1439
            if all(start + size <= s or s + z <= start for s, z in kept):
                kept.append((start, size))
        special[day] = kept
    closed = draw(st.sets(nearby, max_size=3)) - special.keys()
    country = draw(st.sampled_from([None, None, "US", "DE"]))
    if not weekly and not any(special.values()):
        weekly[0] = [(540, 480)]

    calendar = BusinessCalendar(
        zone_name,
        {
            DAY_NAMES[day]: [_wall_pair(start, size) for start, size in intervals]
            for day, intervals in weekly.items()
        },
        country=country,
        closed_dates=closed,
        special_hours={
            day: [_wall_pair(start, size) for start, size in intervals]
            for day, intervals in special.items()
        },
    )
    holiday_table = holidays.country_holidays(country) if country else None
    reference = ReferenceCalendar(
        zone=ZoneInfo(zone_name),
        weekly={
            day: [(start * 60, (start + size) * 60) for start, size in intervals]
            for day, intervals in weekly.items()
        },
        special={
            day: [(start * 60, (start + size) * 60) for start, size in intervals]
            for day, intervals in special.items()
        },
        closed=frozenset(closed),
        holiday=(lambda day: day in holiday_table) if holiday_table is not None else _never,
    )
    return calendar, reference, base


def _never(day: date) -> bool:
    return False


def instants_near(base: date) -> st.SearchStrategy[int]:
    origin = ns(datetime(base.year, base.month, base.day, tzinfo=UTC))
    minutes = st.integers(-3 * 1440, 12 * 1440).map(lambda m: origin + m * 60 * 10**9)
    anything = st.integers(-3 * 86_400 * 10**9, 12 * 86_400 * 10**9).map(lambda n: origin + n)
    return st.one_of(minutes, anything)


def ordered_pairs(base: date) -> st.SearchStrategy[list[tuple[int, int]]]:
    pair = st.tuples(instants_near(base), instants_near(base)).map(lambda p: (min(p), max(p)))
    return st.lists(pair, min_size=1, max_size=6)


@settings(deadline=None)
@given(data=st.data(), drawn=calendars())
def test_vectorised_equals_reference(
    data: st.DataObject, drawn: tuple[BusinessCalendar, ReferenceCalendar, date]
) -> None:
    calendar, reference, base = drawn
    pairs = data.draw(ordered_pairs(base))
    starts = np.array([a for a, _ in pairs], dtype=np.int64)
    ends = np.array([b for _, b in pairs], dtype=np.int64)
    fast = calendar.business_nanoseconds(starts, ends).tolist()
    assert fast == [reference.business_ns(a, b) for a, b in pairs]
    assert calendar.business_seconds(starts, ends).tolist() == [value / 1e9 for value in fast]


@settings(deadline=None)
@given(data=st.data(), drawn=calendars(around_offset_changes=True))
def test_days_with_offset_changes_equal_reference(
    data: st.DataObject, drawn: tuple[BusinessCalendar, ReferenceCalendar, date]
) -> None:
    calendar, reference, base = drawn
    day_before = ns(datetime(base.year, base.month, base.day, tzinfo=UTC)) - 86_400 * 10**9
    pairs = [(day_before, day_before + 3 * 86_400 * 10**9), *data.draw(ordered_pairs(base))]
    starts = [a for a, _ in pairs]
    ends = [b for _, b in pairs]
    assert calendar.business_nanoseconds(starts, ends).tolist() == [
        reference.business_ns(a, b) for a, b in pairs
    ]


@settings(deadline=None)
@given(data=st.data(), drawn=calendars())
def test_bounded_by_wall_time_and_additive(
    data: st.DataObject, drawn: tuple[BusinessCalendar, ReferenceCalendar, date]
) -> None:
    calendar, _, base = drawn
    a, b, c = sorted(data.draw(st.lists(instants_near(base), min_size=3, max_size=3)))
    ab, bc, ac = calendar.business_nanoseconds([a, b, a], [b, c, c]).tolist()
    assert 0 <= ab <= b - a
    assert 0 <= bc <= c - b
    assert ac == ab + bc


@settings(deadline=None)
@given(data=st.data(), drawn=calendars())
def test_open_and_next_open_agree_with_the_reference(
    data: st.DataObject, drawn: tuple[BusinessCalendar, ReferenceCalendar, date]
) -> None:
    calendar, reference, base = drawn
    instant = data.draw(instants_near(base))
    moment = EPOCH + timedelta(microseconds=instant // 1000)
    instant = ns(moment)
    assert calendar.is_open(moment) == reference.is_open(instant)
    try:
        opening = calendar.next_open(moment)
    except InvalidParameterError:
        # Only a calendar without weekly hours runs out of open time, and the reference finds
        # none after the instant either (special hours on a spring-forward day can be empty: a
        # 00:00-01:00 that the change skips opens and closes at 01:00).
        assert not any(calendar.weekly_hours.values())
        last = max(calendar.special_hours, default=reference.local_date(instant))
        horizon = ns(datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=3))
        assert reference.business_ns(instant, max(instant, horizon)) == 0
        return
    assert opening.tzinfo == calendar.timezone
    assert opening >= moment
    assert reference.is_open(ns(opening))
    # Nothing is open before it: any span inside [moment, opening] is worth nothing.
    assert reference.business_ns(instant, ns(opening)) == 0
    inside = sorted(data.draw(st.lists(st.integers(instant, ns(opening)), min_size=2, max_size=2)))
    assert calendar.business_nanoseconds([inside[0]], [inside[1]]).tolist() == [0]


@settings(deadline=None)
@given(data=st.data(), drawn=calendars())
def test_closed_dates_are_worth_nothing(
    data: st.DataObject, drawn: tuple[BusinessCalendar, ReferenceCalendar, date]
) -> None:
    calendar, reference, base = drawn
    day = data.draw(st.integers(-3, 12).map(lambda shift: base + timedelta(days=shift)))
    if day in calendar.special_hours:
        return
    closed = BusinessCalendar(
        calendar.timezone,
        dict(calendar.weekly_hours) if any(calendar.weekly_hours.values()) else "mon 09:00-17:00",
        closed_dates=[day],
    )
    zone = calendar.timezone
    midnight = ns(datetime(day.year, day.month, day.day, tzinfo=zone))
    next_midnight = ns(datetime.combine(day + timedelta(days=1), time(), tzinfo=zone))
    a, b = sorted(data.draw(st.lists(st.integers(midnight, next_midnight), min_size=2, max_size=2)))
    if reference.local_date(a) == day == reference.local_date(max(a, b - 1)):
        assert closed.business_nanoseconds([a], [b]).tolist() == [0]


@settings(deadline=None)
@given(data=st.data(), drawn=calendars())
def test_closing_a_date_removes_exactly_its_own_local_day(
    data: st.DataObject, drawn: tuple[BusinessCalendar, ReferenceCalendar, date]
) -> None:
    calendar, _, base = drawn
    near = [base + timedelta(days=shift) for shift in range(-3, 13)]
    # Days that start a night shift are where a closed date could take too much or too little.
    crossing = [
        day
        for day in near
        if any(
            closing <= opening and closing != "24:00"
            for opening, closing in calendar.weekly_hours[DAY_NAMES[day.weekday()]]
        )
    ]
    day = data.draw(
        st.sampled_from(crossing) | st.sampled_from(near) if crossing else st.sampled_from(near)
    )
    if day in calendar.special_hours:
        return
    closed = BusinessCalendar(
        calendar.timezone,
        dict(calendar.weekly_hours),
        country=calendar.country,
        closed_dates=calendar.closed_dates | {day},
        special_hours=dict(calendar.special_hours),
    )
    zone = calendar.timezone
    midnight = ns(datetime(day.year, day.month, day.day, tzinfo=zone))
    next_midnight = ns(datetime.combine(day + timedelta(days=1), time(), tzinfo=zone))
    if midnight == next_midnight:
        # A day the zone skipped (Apia, 30 December 2011): a closing time on it moves forward
        # by the gap, into the next day, so the law has no day of its own to speak of.
        return
    pairs = [(midnight - 86_400 * 10**9, next_midnight + 86_400 * 10**9)]
    pairs += data.draw(ordered_pairs(base))
    for a, b in pairs:
        # What the date takes is the open time between its midnights, whoever's shift it is.
        low = max(a, midnight)
        high = max(low, min(b, next_midnight))
        before, lost = calendar.business_nanoseconds([a, low], [b, high]).tolist()
        (after,) = closed.business_nanoseconds([a], [b]).tolist()
        assert after == before - lost


# --- seconds-short gaps, where several intervals share a lookup bucket ----------------------------

# Mondays at the ends of a year and one in between: lookups there reach the first and the last
# interval the calendar holds (2 January 2023 is the first interval of a table that starts in
# 2023; a table for 1 January 2024 starts with 31 December 2023, for its night shifts).
EDGE_MONDAYS = [date(2023, 1, 2), date(2024, 1, 1), date(2024, 6, 10), date(2024, 12, 30)]


@st.composite
def second_calendars(draw: st.DrawFn) -> tuple[BusinessCalendar, ReferenceCalendar, list[int]]:
    """Monday hours with gaps of a few seconds, their reference twin, and their boundaries."""
    zone_name = draw(st.sampled_from(["UTC", "Europe/Berlin", "America/New_York"]))
    monday = draw(st.sampled_from(EDGE_MONDAYS))
    start = draw(st.integers(0, 86_000))
    intervals: list[tuple[int, int]] = []
    for length, gap in draw(
        st.lists(st.tuples(st.integers(1, 300), st.integers(1, 4)), min_size=1, max_size=8)
    ):
        if start + length > 86_400:
            break
        intervals.append((start, start + length))
        start += length + gap
    pairs = [(f"{_clock(a)}", "24:00" if b == 86_400 else f"{_clock(b)}") for a, b in intervals]
    calendar = BusinessCalendar(zone_name, {"mon": pairs})
    zone = ZoneInfo(zone_name)
    reference = ReferenceCalendar(zone=zone, weekly={0: intervals})
    midnight = datetime(monday.year, monday.month, monday.day, tzinfo=zone)
    boundaries = [ns(midnight + timedelta(seconds=second)) for pair in intervals for second in pair]
    return calendar, reference, boundaries


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@settings(deadline=None)
@given(data=st.data(), drawn=second_calendars())
def test_intervals_seconds_apart_equal_the_reference_to_the_nanosecond(
    data: st.DataObject, drawn: tuple[BusinessCalendar, ReferenceCalendar, list[int]]
) -> None:
    calendar, reference, boundaries = drawn
    near = st.tuples(st.sampled_from(boundaries), st.integers(-(10**9), 10**9)).map(sum)
    close = st.tuples(st.sampled_from(boundaries), st.sampled_from([-2, -1, 0, 1, 2])).map(sum)
    instant = st.one_of(
        close, near, st.integers(-(10**14), 10**14).map(lambda n: boundaries[0] + n)
    )
    pairs = data.draw(st.lists(st.tuples(instant, instant).map(sorted), min_size=1, max_size=8))
    starts = [a for a, _ in pairs]
    ends = [b for _, b in pairs]
    assert calendar.business_nanoseconds(starts, ends).tolist() == [
        reference.business_ns(a, b) for a, b in pairs
    ]


def test_the_first_intervals_a_fresh_calendar_holds_seconds_apart() -> None:
    # Monday 2 January 2023 holds the first intervals of a table built for 2023; they are a
    # second apart, so they share one lookup bucket.
    monday = datetime(2023, 1, 2, tzinfo=UTC)
    hours = {"mon": "00:00:10-00:00:20, 00:00:21-00:00:40"}
    for start, end, expected in [(21.5, 30, 8.5), (15, 25, 9), (20, 21, 0), (0, 60, 29)]:
        calendar = BusinessCalendar("UTC", hours)
        assert business(
            calendar, monday + timedelta(seconds=start), monday + timedelta(seconds=end)
        ) == timedelta(seconds=expected)


def test_a_fresh_calendar_answers_the_edges_of_a_year() -> None:
    # The first query builds the table of open intervals for the years it needs; instants in
    # the last days of the last year and the first hours of the first must be inside it.
    december = datetime(2024, 12, 29, 12, tzinfo=UTC)
    end_of_year = datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    # 29th 12-17, 30th and 31st 09-17.
    days = BusinessCalendar("UTC", "mon-sun 09:00-17:00")
    assert business(days, december, end_of_year) == 21 * HOUR
    assert BusinessCalendar("UTC", "mon-sun 09:00-17:00").is_open(end_of_year - 8 * HOUR)
    # In Honolulu the first afternoon of 2025 is already 2 January in UTC, and it is open from
    # the shift that started on 31 December.
    honolulu = ZoneInfo("Pacific/Honolulu")
    long_nights = BusinessCalendar("Pacific/Honolulu", "mon-sun 22:00-21:00")
    new_year = datetime(2025, 1, 1, 15, tzinfo=honolulu)
    assert new_year.astimezone(UTC).date() == date(2025, 1, 2)
    assert long_nights.is_open(new_year)
    fresh = BusinessCalendar("Pacific/Honolulu", "mon-sun 22:00-21:00")
    assert business(fresh, new_year, new_year + HOUR) == HOUR


# --- night shifts and holidays, against the minute-by-minute walk -------------------------------

NIGHT_ZONES = ["America/New_York", "America/Chicago", "America/Los_Angeles"]
US_HOLIDAYS = sorted(holidays.country_holidays("US", years=range(2020, 2031)))
# Half hours a boundary may fall on in these zones: none inside (01:00, 03:00), where a DST change
# makes a wall-clock time not exist or occur twice, so the minute walk needs no rule for them.
CLEAR_HALF_HOURS = [m for m in range(0, 1440, 30) if not 60 < m < 180]


@st.composite
def night_shift_calendars(draw: st.DrawFn) -> tuple[BusinessCalendar, ReferenceCalendar, date]:
    """Night shifts on some weekdays, US holidays, and a US holiday to draw instants near."""
    zone_name = draw(st.sampled_from(NIGHT_ZONES))
    base = draw(st.sampled_from(US_HOLIDAYS))
    opening = draw(st.sampled_from([m for m in CLEAR_HALF_HOURS if m >= 18 * 60]))
    closing = draw(st.sampled_from([m for m in CLEAR_HALF_HOURS if 0 < m <= 9 * 60]))
    nights = draw(st.sets(st.integers(0, 6), min_size=1))
    days = draw(st.sets(st.integers(0, 6)))
    weekly = {day: [(opening, 1440 + closing)] if day in nights else [] for day in range(7)}
    for day in days:
        weekly[day].insert(0, (9 * 60, 17 * 60))
    nearby = st.integers(-2, 2).map(lambda shift: base + timedelta(days=shift))
    closed = draw(st.sets(nearby, max_size=2))
    special: dict[date, list[tuple[int, int]]] = {}
    for day in draw(st.sets(nearby, max_size=2)) - closed:
        start = draw(st.sampled_from(CLEAR_HALF_HOURS))
        end = draw(st.sampled_from([m for m in CLEAR_HALF_HOURS if m != start]))
        special[day] = [(start, end if end > start else end + 1440)]
    calendar = BusinessCalendar(
        zone_name,
        {
            DAY_NAMES[day]: [_wall_pair(start, end - start) for start, end in intervals]
            for day, intervals in weekly.items()
        },
        country="US",
        closed_dates=closed,
        special_hours={
            day: [_wall_pair(start, end - start) for start, end in intervals]
            for day, intervals in special.items()
        },
    )
    holiday_table = holidays.country_holidays("US")
    reference = ReferenceCalendar(
        zone=ZoneInfo(zone_name),
        weekly={day: [(s * 60, e * 60) for s, e in intervals] for day, intervals in weekly.items()},
        special={
            day: [(s * 60, e * 60) for s, e in intervals] for day, intervals in special.items()
        },
        closed=frozenset(closed),
        holiday=lambda day: day in holiday_table,
    )
    return calendar, reference, base


@settings(deadline=None)
@given(data=st.data(), drawn=night_shift_calendars())
def test_night_shifts_around_holidays_equal_the_minute_walk(
    data: st.DataObject, drawn: tuple[BusinessCalendar, ReferenceCalendar, date]
) -> None:
    calendar, reference, base = drawn
    origin = ns(datetime(base.year, base.month, base.day, tzinfo=UTC))
    day_ns = 86_400 * 10**9
    minutes = st.integers(-2 * 1440, 3 * 1440).map(lambda m: origin + m * 60 * 10**9)
    instant = st.one_of(minutes, st.integers(-2 * day_ns, 3 * day_ns).map(lambda n: origin + n))
    pairs = data.draw(
        st.lists(
            st.tuples(instant, instant).map(lambda p: (min(p), max(p))), min_size=1, max_size=3
        )
    )
    walked = [reference.walked_business_ns(a, b) for a, b in pairs]
    assert [reference.business_ns(a, b) for a, b in pairs] == walked
    assert calendar.business_nanoseconds([a for a, _ in pairs], [b for _, b in pairs]).tolist() == (
        walked
    )
    moment = data.draw(instant)
    at = EPOCH + timedelta(microseconds=moment // 1000)
    assert calendar.is_open(at) == (reference.walked_business_ns(ns(at), ns(at) + 1) == 1)


@given(
    zone=st.sampled_from(ZONES),
    start=st.integers(ns(datetime(1678, 1, 1, tzinfo=UTC)), ns(datetime(2261, 1, 1, tzinfo=UTC))),
    length=st.one_of(st.integers(0, 40 * 86_400 * 10**9), st.integers(0, 10**9)),
)
def test_always_open_equals_wall_time(zone: str, start: int, length: int) -> None:
    calendar = BusinessCalendar.always_open(zone)
    assert calendar.business_nanoseconds([start], [start + length]).tolist() == [length]


@given(data=st.data(), drawn=calendars())
def test_end_before_start_is_always_an_error(
    data: st.DataObject, drawn: tuple[BusinessCalendar, ReferenceCalendar, date]
) -> None:
    calendar, _, base = drawn
    pairs = data.draw(ordered_pairs(base).filter(lambda p: any(a < b for a, b in p)))
    flip = data.draw(st.sampled_from([i for i, (a, b) in enumerate(pairs) if a < b]))
    starts = [b if i == flip else a for i, (a, b) in enumerate(pairs)]
    ends = [a if i == flip else b for i, (a, b) in enumerate(pairs)]
    with pytest.raises(InvalidParameterError, match=f"index {flip}"):
        calendar.business_seconds(starts, ends)


# --- adding open time: the inverse of business time ---------------------------------------------


@settings(deadline=None)
@given(data=st.data(), drawn=calendars())
def test_adding_open_time_is_the_inverse_of_business_time(
    data: st.DataObject, drawn: tuple[BusinessCalendar, ReferenceCalendar, date]
) -> None:
    calendar, reference, base = drawn
    pairs = data.draw(ordered_pairs(base))
    starts = np.array([a for a, _ in pairs], dtype=np.int64)
    amounts = np.array([reference.business_ns(a, b) for a, b in pairs], dtype=np.int64)
    due = calendar.add_business_nanoseconds(starts, amounts).tolist()
    for (a, b), amount, t in zip(pairs, amounts.tolist(), due, strict=True):
        # The reference measures exactly that much open time up to the due time ...
        assert reference.business_ns(a, t) == amount
        assert a <= t <= b
        if amount == 0:
            assert t == a
        else:
            # ... and it is the earliest such instant.
            assert reference.business_ns(a, t - 1) == amount - 1


@pytest.mark.parametrize(
    ("hours", "zone", "start", "add", "due"),
    [
        # Friday 16:00 plus two open hours: one on Friday, one on Monday from 09:00.
        (
            "mon-fri 09:00-17:00",
            "UTC",
            datetime(2024, 6, 7, 16, 0),
            2,
            datetime(2024, 6, 10, 10, 0),
        ),
        # Used up exactly at closing time: the closing time, not Monday's opening.
        ("mon-fri 09:00-17:00", "UTC", datetime(2024, 6, 7, 16, 0), 1, datetime(2024, 6, 7, 17, 0)),
        # Written on Saturday: counting starts on Monday at 09:00.
        (
            "mon-fri 09:00-17:00",
            "UTC",
            datetime(2024, 6, 8, 10, 0),
            1,
            datetime(2024, 6, 10, 10, 0),
        ),
        # A night shift: Friday 23:00 plus 5 hours runs to Saturday 04:00.
        ("fri 22:00-06:00", "UTC", datetime(2024, 6, 7, 23, 0), 5, datetime(2024, 6, 8, 4, 0)),
        # The night of the spring-forward change in Berlin has one wall-clock hour less:
        # 00:00-06:00 local holds 5 real hours, so 5 hours from midnight end at 06:00 local.
        (
            "sun 00:00-06:00",
            "Europe/Berlin",
            datetime(2024, 3, 30, 23, 0),  # Sunday 00:00 CET
            5,
            datetime(2024, 3, 31, 4, 0),  # Sunday 06:00 CEST
        ),
    ],
)
def test_adding_open_time_worked_examples(
    hours: str, zone: str, start: datetime, add: int, due: datetime
) -> None:
    calendar = BusinessCalendar(zone, hours)
    got = calendar.add_business_time(start.replace(tzinfo=UTC), timedelta(hours=add))
    assert got == due.replace(tzinfo=UTC)
    assert got.tzinfo == ZoneInfo(zone)


def test_adding_open_time_skips_a_holiday() -> None:
    calendar = BusinessCalendar("America/New_York", "mon-fri 09:00-17:00", country="US")
    # Wednesday 3 July 2024, 16:00 EDT, plus 2 open hours: the 4th is Independence Day.
    start = datetime(2024, 7, 3, 16, 0, tzinfo=ZoneInfo("America/New_York"))
    due = calendar.add_business_time(start, timedelta(hours=2))
    assert due == datetime(2024, 7, 5, 10, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda c: c.add_business_time(datetime(2024, 1, 1), timedelta(hours=1)), "start"),
        (lambda c: c.add_business_time(datetime(2024, 1, 1, tzinfo=UTC), 3600), "duration"),
        (
            lambda c: c.add_business_time(datetime(2024, 1, 1, tzinfo=UTC), -timedelta(hours=1)),
            "duration",
        ),
        (lambda c: c.add_business_nanoseconds([0, 1], [5]), "nanoseconds"),
        (lambda c: c.add_business_nanoseconds([0], [-5]), "nanoseconds"),
        (lambda c: c.add_business_nanoseconds([0], [1.5]), "nanoseconds"),
        (lambda c: c.add_business_nanoseconds(["soon"], [1]), "starts"),
    ],
)
def test_adding_open_time_refuses_bad_arguments(call: Any, parameter: str) -> None:
    with pytest.raises(InvalidParameterError, match=f"'{parameter}'"):
        call(BusinessCalendar("UTC", "mon-fri 09:00-17:00"))


def test_adding_open_time_to_a_calendar_that_never_opens_again_is_refused() -> None:
    calendar = BusinessCalendar("UTC", {}, special_hours={"2024-06-10": "09:00-17:00"})
    start = datetime(2024, 6, 10, 16, 0, tzinfo=UTC)
    assert calendar.add_business_time(start, timedelta(hours=1)) == datetime(
        2024, 6, 10, 17, 0, tzinfo=UTC
    )
    with pytest.raises(InvalidParameterError, match="'duration'"):
        calendar.add_business_time(start, timedelta(hours=2))


# --- adding open time: the edges -----------------------------------------------------------------

INT64_MAX = 2**63 - 1
ADD_TIME = "BusinessCalendar.add_business_time()"
ADD_NS = "BusinessCalendar.add_business_nanoseconds()"
NEVER_BEFORE_2262 = (
    "a duration the calendar's open hours use up before 2262-04-11 23:47:16.854775 UTC"
)


@pytest.mark.parametrize("hours", ["mon-fri 09:00-17:00", "mon-sun 00:00-24:00"])
def test_adding_open_time_too_long_for_int64_is_refused_not_wrapped(hours: str) -> None:
    # The longest duration a timedelta may hold here, and the longest int64 amount: both end
    # after 2262 on any calendar, so they are refused, never turned into an instant in the past.
    calendar = BusinessCalendar("UTC", hours)
    start = datetime(2024, 6, 10, 9, tzinfo=UTC)
    longest = (INT64_MAX // 1000) * 1000
    with pytest.raises(InvalidParameterError) as refused:
        calendar.add_business_time(start, timedelta(microseconds=INT64_MAX // 1000))
    assert str(refused.value) == (
        f"{ADD_TIME}: 'duration' must be {NEVER_BEFORE_2262} (got {longest} that is a int)"
    )
    with pytest.raises(InvalidParameterError) as refused:
        calendar.add_business_nanoseconds([ns(start)], [INT64_MAX])
    assert str(refused.value) == (
        f"{ADD_NS}: 'nanoseconds' must be {NEVER_BEFORE_2262} (got {INT64_MAX} that is a int)"
    )


def test_adding_open_time_over_more_than_146_years_on_an_always_open_calendar() -> None:
    # Always open: open time is wall time, so the due time is start + duration, even when the
    # duration is long (158 years here) and the table of open intervals grows past 2**62 ns.
    calendar = BusinessCalendar.always_open()
    start = datetime(2024, 1, 1, tzinfo=UTC)
    duration = timedelta(microseconds=5 * 10**15 + 3)
    assert calendar.add_business_time(start, duration) == start + duration
    due = calendar.add_business_nanoseconds([ns(start)], [5 * 10**18 + 3])
    assert due.tolist() == [ns(start) + 5 * 10**18 + 3]


def test_adding_open_time_refuses_bad_arguments_word_for_word() -> None:
    calendar = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    refusals: list[tuple[Callable[[], object], str]] = [
        (
            lambda: calendar.add_business_time(datetime(2024, 1, 1), HOUR),
            f"{ADD_TIME}: 'start' must be a timezone-aware datetime "
            "(got datetime.datetime(2024, 1, 1, 0, 0) that is a datetime)",
        ),
        (
            lambda: calendar.add_business_time(start, 3600),  # type: ignore[arg-type]
            f"{ADD_TIME}: 'duration' must be a timedelta >= 0 (got 3600 that is a int)",
        ),
        (
            lambda: calendar.add_business_time(start, -timedelta(microseconds=1)),
            f"{ADD_TIME}: 'duration' must be a timedelta >= 0 (got datetime.timedelta(days=-1, "
            "seconds=86399, microseconds=999999) that is a timedelta)",
        ),
        (
            # One microsecond more than int64 nanoseconds hold.
            lambda: calendar.add_business_time(
                start, timedelta(microseconds=INT64_MAX // 1000 + 1)
            ),
            f"{ADD_TIME}: 'duration' must be a timedelta shorter than 292 years (got "
            "datetime.timedelta(days=106751, seconds=85636, microseconds=854776) that is a "
            "timedelta)",
        ),
        (
            lambda: calendar.add_business_nanoseconds([0, 1], [5]),
            f"{ADD_NS}: 'nanoseconds' must be an array of integers in the shape of starts (2,) "
            "(got [5] that is a list)",
        ),
        (
            lambda: calendar.add_business_nanoseconds([[0, 1], [2, 3]], [[1, 2], [3]]),
            f"{ADD_NS}: 'nanoseconds' must be an array of integers in the shape of starts (2, 2) "
            "(got [[1, 2], [3]] that is a list)",
        ),
        (
            lambda: calendar.add_business_nanoseconds(["soon"], [1]),
            f"{ADD_NS}: 'starts' must be an array of datetime64 values (UTC) or of int64 epoch "
            "nanoseconds (got 'an array of dtype <U4' that is a str)",
        ),
        (
            # Zero is allowed: the first amount refused is the negative one.
            lambda: calendar.add_business_nanoseconds([0, 0], [0, -5]),
            f"{ADD_NS}: 'nanoseconds' must be integers >= 0 that fit in int64 (first not at "
            "index 1) (got -5 that is a int64)",
        ),
        (
            lambda: calendar.add_business_nanoseconds([[0, 0], [0, 0]], [[0, 0], [-5, 0]]),
            f"{ADD_NS}: 'nanoseconds' must be integers >= 0 that fit in int64 (first not at "
            "index (1, 0)) (got -5 that is a int64)",
        ),
        (
            # The largest int64 is allowed: the first amount refused is the one past it.
            lambda: calendar.add_business_nanoseconds(
                [0, 0], np.array([INT64_MAX, 2**63], dtype=np.uint64)
            ),
            f"{ADD_NS}: 'nanoseconds' must be integers >= 0 that fit in int64 (first not at "
            "index 1) (got 9223372036854775808 that is a uint64)",
        ),
        (
            lambda: calendar.add_business_nanoseconds([0, -(2**63)], [1, 1]),
            f"{ADD_NS}: 'starts' must be instants, not NaT (got 'NaT' that is a str)",
        ),
    ]
    for call, message in refusals:
        with pytest.raises(InvalidParameterError) as refused:
            call()
        assert str(refused.value) == message


@pytest.mark.parametrize(
    "start",
    [
        datetime(2024, 6, 8, 12, tzinfo=UTC),  # Saturday, closed: not moved to Monday's opening
        datetime(2024, 6, 10, 9, tzinfo=UTC),  # Monday's opening
        datetime(2024, 6, 10, 17, tzinfo=UTC),  # Monday's closing
        datetime(2024, 6, 10, 12, 0, 0, 1, tzinfo=UTC),
    ],
)
def test_adding_no_open_time_gives_the_start_itself(start: datetime) -> None:
    calendar = BusinessCalendar("Europe/Berlin", "mon-fri 09:00-17:00")
    due = calendar.add_business_time(start, timedelta(0))
    assert due == start
    assert due.tzinfo == BERLIN
    assert calendar.add_business_nanoseconds([ns(start)], [0]).tolist() == [ns(start)]


def test_adding_days_seconds_and_microseconds_of_open_time() -> None:
    calendar = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    monday = datetime(2024, 6, 10, 9, tzinfo=UTC)
    # 3 days of open time are 72 h, nine 8-hour days: they run out on the next Thursday at
    # 17:00, and the 5.000007 s after that on Friday from 09:00.
    duration = timedelta(days=3, seconds=5, microseconds=7)
    assert calendar.add_business_time(monday, duration) == datetime(
        2024, 6, 21, 9, 0, 5, 7, tzinfo=UTC
    )
    assert calendar.add_business_time(monday, timedelta(days=3)) == datetime(
        2024, 6, 20, 17, tzinfo=UTC
    )
    # The same in nanoseconds, one nanosecond past Thursday's closing.
    due = calendar.add_business_nanoseconds([ns(monday)], [72 * 3_600 * 10**9 + 1])
    assert due.tolist() == [ns(datetime(2024, 6, 21, 9, tzinfo=UTC)) + 1]


def test_adding_open_time_keeps_every_microsecond_near_2262() -> None:
    # Past 2255 a float of epoch microseconds can no longer hold an odd one.
    calendar = BusinessCalendar.always_open()
    start = datetime(2260, 1, 1, 0, 0, 0, 1, tzinfo=UTC)
    assert calendar.add_business_time(start, timedelta(microseconds=2)) == datetime(
        2260, 1, 1, 0, 0, 0, 3, tzinfo=UTC
    )


def test_adding_open_time_over_years_widens_the_table() -> None:
    calendar = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    start = datetime(2024, 6, 10, 9, tzinfo=UTC)
    # 10 years of weekdays later, counted by the reference as well.
    weekdays = {day: [(9 * 3600, 17 * 3600)] for day in range(5)}
    reference = ReferenceCalendar(ZoneInfo("UTC"), weekdays)
    end = datetime(2034, 6, 12, 12, tzinfo=UTC)
    amount = reference.business_ns(ns(start), ns(end))
    assert calendar.add_business_nanoseconds([ns(start)], [amount]).tolist() == [ns(end)]


def test_adding_open_time_to_special_hours_in_a_later_year() -> None:
    # No weekly hours: the due time is in the last year with special hours.
    calendar = BusinessCalendar(
        "UTC", {}, special_hours={"2024-12-31": "09:00-17:00", "2025-01-02": "09:00-17:00"}
    )
    start = datetime(2024, 12, 31, 16, tzinfo=UTC)
    assert calendar.add_business_time(start, 2 * HOUR) == datetime(2025, 1, 2, 10, tzinfo=UTC)
    # Before the first special hours, counting starts at their opening.
    fresh = BusinessCalendar("UTC", {}, special_hours={"2024-06-10": "09:00-17:00"})
    assert fresh.add_business_nanoseconds([ns(datetime(2024, 6, 1, tzinfo=UTC))], [1]).tolist() == [
        ns(datetime(2024, 6, 10, 9, tzinfo=UTC)) + 1
    ]
    # After the last special hours there is no open time, but nothing to add is still fine
    # (asked of a calendar that has not looked at the years with open time).
    fresh = BusinessCalendar("UTC", {}, special_hours={"2024-06-10": "09:00-17:00"})
    later = datetime(2030, 1, 1, tzinfo=UTC)
    assert fresh.add_business_time(later, timedelta(0)) == later


def test_adding_open_time_names_the_first_amount_never_used_up() -> None:
    calendar = BusinessCalendar(
        "UTC", {}, special_hours={"2024-06-10": "09:00-17:00", "2024-06-11": "09:00-17:00"}
    )
    start = ns(datetime(2024, 6, 10, 16, tzinfo=UTC))
    hour = 3_600 * 10**9
    # 9 hours run out exactly at the last closing time; 10 never do.
    assert calendar.add_business_nanoseconds([start], [9 * hour]).tolist() == [
        ns(datetime(2024, 6, 11, 17, tzinfo=UTC))
    ]
    with pytest.raises(InvalidParameterError) as refused:
        calendar.add_business_nanoseconds([start, start, start], [9 * hour, 10 * hour, 11 * hour])
    assert str(refused.value) == (
        f"{ADD_NS}: 'nanoseconds' must be {NEVER_BEFORE_2262} (got {10 * hour} that is a int)"
    )
    # Not strict (how SLA due times are found), each one never used up is NaT instead.
    due = calendar._add(
        "f", "p", np.array([start, start, start]), np.array([9 * hour, 10 * hour, 0]), strict=False
    )
    assert due.dtype == np.int64
    assert due.tolist() == [ns(datetime(2024, 6, 11, 17, tzinfo=UTC)), -(2**63), start]


def test_adding_open_time_to_starts_too_far_apart_is_refused() -> None:
    calendar = BusinessCalendar.always_open()
    starts = [ns(datetime(1700, 1, 1, tzinfo=UTC)), ns(datetime(2200, 1, 1, tzinfo=UTC))]
    with pytest.raises(InvalidParameterError) as refused:
        calendar.add_business_nanoseconds(starts, [1, 1])
    assert str(refused.value) == (
        f"{ADD_NS}: 'starts' must be instants within about 290 years of open time of each other "
        "(got 'a wider span' that is a str)"
    )


def test_adding_more_open_time_than_int64_counts_from_an_early_start_is_refused() -> None:
    calendar = BusinessCalendar.always_open()
    start = ns(datetime(1700, 6, 1, tzinfo=UTC))
    with pytest.raises(InvalidParameterError) as refused:
        calendar.add_business_nanoseconds([start], [INT64_MAX])
    assert str(refused.value) == (
        f"{ADD_NS}: 'nanoseconds' must be a duration the calendar's open hours use up within "
        f"about 290 years of open time of the earliest start (got {INT64_MAX} that is a int)"
    )


@pytest.mark.parametrize("shape", [(0,), (2, 0)])
def test_adding_open_time_to_no_starts(shape: tuple[int, ...]) -> None:
    calendar = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    empty = np.empty(shape, dtype=np.int64)
    due = calendar.add_business_nanoseconds(empty, empty)
    assert due.shape == shape
    assert due.dtype == np.int64


def test_adding_open_time_keeps_the_shape_of_the_starts() -> None:
    calendar = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    monday = ns(datetime(2024, 6, 10, 9, tzinfo=UTC))
    hour = 3_600 * 10**9
    starts = np.array([[monday, monday], [monday + hour, monday + 2 * hour]])
    amounts = np.array([[0, 8 * hour], [9 * hour, 1]])
    due = calendar.add_business_nanoseconds(starts.astype("datetime64[ns]"), amounts)
    assert due.tolist() == [
        [monday, monday + 8 * hour],
        [ns(datetime(2024, 6, 11, 11, tzinfo=UTC)), monday + 2 * hour + 1],
    ]
