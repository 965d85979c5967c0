"""Local calendar periods: DST-correct days, ISO weeks, months and real hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcare_metrics import InvalidParameterError
from socialcare_metrics._core.periods import (
    MAX_PERIODS,
    PERIOD_UNITS,
    PeriodUnit,
    _present_by_sorting,
    bucket_instants,
    bucket_present,
    check_period_unit,
    local_days_and_ns,
    offsets_at,
    resolve_timezone,
)

BERLIN = ZoneInfo("Europe/Berlin")
NS = 1_000_000_000
HOUR = 3_600 * NS

# Zones with something to say: DST at 02:00/03:00 (Berlin), at 02:00 local (New York), a
# half-hour DST shift (Lord Howe), a half-hour offset and no DST (Kolkata), DST changing at
# midnight (Santiago, Havana), a skipped calendar day (Apia, 2011-12-30), and UTC.
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/Santiago",
    "America/Havana",
    "Pacific/Apia",
    "UTC",
)

# The instants int64 nanoseconds hold.
MIN_NS = -(2**63) + 1
MAX_NS = 2**63 - 1


def ns(value: datetime) -> int:
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * NS + delta.microseconds * 1_000


def local(instant_ns: int, tz: ZoneInfo) -> datetime:
    return (
        datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=instant_ns // 1_000)
    ).astimezone(tz)


def reference_key(instant_ns: int, unit: PeriodUnit, tz: ZoneInfo) -> object:
    """The period of an instant, the slow way: zoneinfo per instant."""
    moment = local(instant_ns, tz)
    day = moment.date()
    if unit == "hour":
        return (day, moment.hour, moment.utcoffset())
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return (day.year, day.month)


# --- examples -------------------------------------------------------------------------------------


def test_days_across_dst_changes_last_23_and_25_hours() -> None:
    instants = [
        ns(datetime(2024, 3, 31, 12, tzinfo=BERLIN)),
        ns(datetime(2024, 10, 27, 12, tzinfo=BERLIN)),
    ]
    index = bucket_instants(instants, "day", BERLIN)
    lengths = (index.ends - index.starts) // HOUR
    assert lengths[0] == 23  # spring forward
    assert lengths[-1] == 25  # fall back
    assert set(lengths[1:-1].tolist()) == {24}
    labels = index.labels()
    assert labels[0] == datetime(2024, 3, 31, tzinfo=BERLIN)
    assert labels[-1] == datetime(2024, 10, 27, tzinfo=BERLIN)
    assert labels[0].utcoffset() == timedelta(hours=1)
    assert labels[1].utcoffset() == timedelta(hours=2)


def test_empty_days_between_instants_are_present() -> None:
    instants = [
        ns(datetime(2024, 5, 1, 9, tzinfo=UTC)),
        ns(datetime(2024, 5, 4, 9, tzinfo=UTC)),
    ]
    index = bucket_instants(instants, "day", UTC)
    assert [label.date() for label in index.labels()] == [date(2024, 5, d) for d in range(1, 5)]
    assert index.counts().tolist() == [1, 0, 0, 1]


def test_the_repeated_hour_is_two_periods_and_the_skipped_hour_none() -> None:
    autumn = bucket_instants(
        [
            ns(datetime(2024, 10, 27, 2, 30, tzinfo=BERLIN)),
            ns(datetime(2024, 10, 27, 2, 30, fold=1, tzinfo=BERLIN)),
        ],
        "hour",
        BERLIN,
        span=(
            ns(datetime(2024, 10, 27, 0, tzinfo=BERLIN)),
            ns(datetime(2024, 10, 27, 23, 59, tzinfo=BERLIN)),
        ),
    )
    assert len(autumn) == 25
    assert autumn.codes.tolist() == [2, 3]
    assert [str(x) for x in autumn.labels()[2:4]] == [
        "2024-10-27 02:00:00+02:00",
        "2024-10-27 02:00:00+01:00",
    ]
    spring = bucket_instants(
        [],
        "hour",
        BERLIN,
        span=(
            ns(datetime(2024, 3, 31, 0, tzinfo=BERLIN)),
            ns(datetime(2024, 3, 31, 23, 59, tzinfo=BERLIN)),
        ),
    )
    assert len(spring) == 23
    assert [x.hour for x in spring.labels()[:3]] == [0, 1, 3]


def test_weeks_start_on_monday_and_months_on_the_first() -> None:
    sunday = ns(datetime(2024, 5, 5, 23, 0, tzinfo=BERLIN))
    monday = ns(datetime(2024, 5, 6, 0, 30, tzinfo=BERLIN))
    weeks = bucket_instants([sunday, monday], "week", BERLIN)
    assert [x.date() for x in weeks.labels()] == [date(2024, 4, 29), date(2024, 5, 6)]
    assert weeks.codes.tolist() == [0, 1]
    # 2024-04-30 23:30 in Berlin is already 2024-04-30 21:30 UTC: April, either way; but
    # 2024-05-31 23:30 UTC is June 1st in Berlin.
    months = bucket_instants([ns(datetime(2024, 5, 31, 23, 30, tzinfo=UTC))], "month", BERLIN)
    assert months.labels() == [datetime(2024, 6, 1, tzinfo=BERLIN)]


def test_a_skipped_calendar_day_is_an_empty_zero_length_period() -> None:
    apia = ZoneInfo("Pacific/Apia")  # 2011-12-29 was followed by 2011-12-31
    index = bucket_instants(
        [
            ns(datetime(2011, 12, 29, 12, tzinfo=apia)),
            ns(datetime(2011, 12, 31, 12, tzinfo=apia)),
        ],
        "day",
        apia,
    )
    assert len(index) == 3
    assert index.counts().tolist() == [1, 0, 1]
    assert int(index.ends[1] - index.starts[1]) == 0


def test_midnight_that_does_not_exist_moves_forward() -> None:
    havana = ZoneInfo("America/Havana")  # springs forward 2024-03-10 00:00 -> 01:00
    index = bucket_instants([ns(datetime(2024, 3, 10, 12, tzinfo=havana))], "day", havana)
    start = local(int(index.starts[0]), havana)
    assert (start.date(), start.hour, start.minute) == (date(2024, 3, 10), 1, 0)
    assert int(index.ends[0] - index.starts[0]) == 23 * HOUR


def test_fixed_offset_and_utc_zones() -> None:
    plus_five = timezone(timedelta(hours=5, minutes=30))
    index = bucket_instants([ns(datetime(2024, 1, 1, 20, tzinfo=UTC))], "day", plus_five)
    assert index.labels() == [datetime(2024, 1, 2, tzinfo=plus_five)]
    assert offsets_at(np.array([0], dtype=np.int64), plus_five).tolist() == [19_800 * NS]


def test_local_time_shifts_by_the_offset_in_force() -> None:
    winter = ns(datetime(2024, 1, 15, 12, tzinfo=UTC))
    summer = ns(datetime(2024, 7, 15, 23, 30, tzinfo=UTC))
    days, within = local_days_and_ns(np.array([winter, summer], dtype=np.int64), BERLIN)
    epoch = date(1970, 1, 1)
    assert days.tolist() == [(date(2024, 1, 15) - epoch).days, (date(2024, 7, 16) - epoch).days]
    assert within.tolist() == [13 * HOUR, HOUR + HOUR // 2]


def test_no_instants_and_no_span_give_no_periods() -> None:
    index = bucket_instants(np.zeros(0, dtype=np.int64), "month", UTC)
    assert len(index) == 0
    assert index.labels() == []
    assert index.counts().tolist() == []


def test_instants_outside_an_explicit_span_get_code_minus_one() -> None:
    inside = ns(datetime(2024, 5, 2, tzinfo=UTC))
    outside = ns(datetime(2024, 6, 2, tzinfo=UTC))
    index = bucket_instants(
        [inside, outside], "day", UTC, span=(inside, ns(datetime(2024, 5, 3, tzinfo=UTC)))
    )
    assert index.codes.tolist() == [0, -1]
    assert index.counts().tolist() == [1, 0]


def test_bad_zone_and_unit_name_the_function_and_parameter() -> None:
    with pytest.raises(InvalidParameterError, match=r"inbound_volume\(\): 'tz'.*Mars/Olympus"):
        resolve_timezone("Mars/Olympus", "inbound_volume")
    with pytest.raises(InvalidParameterError, match=r"'tz'"):
        resolve_timezone(3, "inbound_volume")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"'period'.*'fortnight'"):
        check_period_unit("fortnight", "inbound_volume")
    assert resolve_timezone(None, "f") is UTC
    assert resolve_timezone("Europe/Berlin", "f") == BERLIN
    assert check_period_unit("week", "f") == "week"


# --- properties -----------------------------------------------------------------------------------

_LO = ns(datetime(2005, 1, 1, tzinfo=UTC))
_HI = ns(datetime(2035, 1, 1, tzinfo=UTC))


@st.composite
def clustered_instants(draw: st.DrawFn) -> list[int]:
    """Instants within a few weeks of each other, somewhere in 2005..2035."""
    base = draw(st.integers(min_value=_LO, max_value=_HI))
    offsets = draw(st.lists(st.integers(min_value=0, max_value=40 * 86_400 * NS), max_size=30))
    return [base + offset for offset in offsets]


@given(
    clustered_instants(),
    st.sampled_from(PERIOD_UNITS),
    st.sampled_from(ZONES).map(ZoneInfo),
)
def test_periods_match_zoneinfo_one_instant_at_a_time(
    instants: list[int], unit: PeriodUnit, tz: ZoneInfo
) -> None:
    index = bucket_instants(np.array(instants, dtype=np.int64), unit, tz)
    # Every instant lies inside its period, and the periods tile the range without gaps.
    assert np.all(index.ends[:-1] == index.starts[1:])
    assert np.all(index.ends >= index.starts)
    for instant, code in zip(instants, index.codes.tolist(), strict=True):
        assert index.starts[code] <= instant < index.ends[code]
    # Two instants share a period exactly when zoneinfo gives them the same local period.
    keys = [reference_key(t, unit, tz) for t in instants]
    for i in range(len(instants)):
        for j in range(i + 1, len(instants)):
            assert (keys[i] == keys[j]) == (index.codes[i] == index.codes[j])
    # Counts add up, and the range has no period beyond the data's first and last.
    assert int(index.counts().sum()) == len(instants)
    if instants:
        assert index.codes.min() == 0
        assert index.codes.max() == len(index) - 1


@given(st.integers(min_value=_LO, max_value=_HI), st.sampled_from(ZONES).map(ZoneInfo))
def test_each_day_starts_at_local_midnight_or_the_first_moment_after_it(
    instant: int, tz: ZoneInfo
) -> None:
    index = bucket_instants([instant], "day", tz)
    start = local(int(index.starts[0]), tz)
    before = local(int(index.starts[0]) - 1_000, tz)
    assert start.date() == local(instant, tz).date()
    assert before.date() < start.date()
    # Midnight itself, or (where midnight was skipped) the first moment of the day.
    assert start.time() <= (datetime.min + timedelta(hours=2)).time()


@given(st.integers(min_value=_LO, max_value=_HI), st.sampled_from(ZONES).map(ZoneInfo))
def test_hour_periods_are_at_most_an_hour_and_named_by_their_local_start(
    instant: int, tz: ZoneInfo
) -> None:
    index = bucket_instants([], "hour", tz, span=(instant, instant + 3 * 86_400 * NS))
    lengths = index.ends - index.starts
    assert np.all((lengths > 0) & (lengths <= HOUR))
    for label, start in zip(index.labels(), index.starts.tolist(), strict=True):
        assert ns(label) == start
        assert label.utcoffset() == local(start, tz).utcoffset()


# --- long ranges: the work follows the data, and a range of too many periods is refused -----------


def test_a_range_of_too_many_periods_is_refused_before_it_is_built() -> None:
    # Two instants 560 years apart: 204,537 days (an hour-long wait to build, and gigabytes).
    far = [ns(datetime(1700, 3, 1, 10, tzinfo=UTC)), ns(datetime(2260, 3, 1, 10, tzinfo=UTC))]
    for unit, count in (("day", "204,537 days"), ("hour", "about 4,908,865 hours")):
        with pytest.raises(InvalidParameterError) as info:
            bucket_instants(far, unit, BERLIN, function="f", parameter="key", hint="Do this.")
        message = str(info.value)
        assert (info.value.function, info.value.parameter) == ("f", "key")
        assert "at most 100,000 periods" in message
        assert "1700-03-01 10:00 to 2260-03-01 10:00 UTC" in message
        assert count in message
        assert "Do this." in message
    # Coarser periods over the same range are built, each period once.
    weeks = bucket_instants(far, "week", BERLIN)
    assert len(weeks) == 29_220
    assert weeks.codes.tolist() == [0, 29_219]
    assert np.all(weeks.ends[:-1] == weeks.starts[1:])
    assert (weeks.labels()[0].date(), weeks.labels()[-1].date()) == (
        date(1700, 3, 1),  # a Monday
        date(2260, 2, 27),
    )


@pytest.mark.parametrize("unit", ["hour", "day"])
def test_the_limit_is_on_the_number_of_periods(unit: PeriodUnit) -> None:
    step = HOUR if unit == "hour" else 24 * HOUR
    first = ns(datetime(1750, 1, 1, tzinfo=UTC))
    assert len(bucket_instants([first, first + (MAX_PERIODS - 1) * step], unit, UTC)) == MAX_PERIODS
    with pytest.raises(InvalidParameterError, match=f"{MAX_PERIODS + 1:,} {unit}s"):
        bucket_instants([first, first + MAX_PERIODS * step], unit, UTC)


DAYS_3 = 3 * 24 * HOUR

# Anywhere in the range, and often within three days of either edge.
anywhere = (
    st.integers(min_value=MIN_NS, max_value=MAX_NS)
    | st.integers(min_value=MIN_NS, max_value=MIN_NS + DAYS_3)
    | st.integers(min_value=MAX_NS - DAYS_3, max_value=MAX_NS)
)


@given(
    st.lists(anywhere, min_size=1, max_size=12),
    st.sampled_from(PERIOD_UNITS),
    st.sampled_from((*ZONES, "Asia/Tokyo", "Pacific/Kiritimati", "America/Adak")).map(ZoneInfo),
)
def test_present_periods_hold_their_instants_anywhere_in_the_range(
    instants: list[int], unit: PeriodUnit, tz: ZoneInfo
) -> None:
    # Instants anywhere from 1677 to 2262, edges included: no error, no wrap-round.
    index = bucket_present(np.array(instants, dtype=np.int64), unit, tz)
    assert np.all(index.starts[1:] > index.starts[:-1])  # (a difference could wrap round)
    assert np.all(index.ends >= index.starts)
    for instant, code in zip(instants, index.codes.tolist(), strict=True):
        # A period cut by the edge of the range ends there, with the last instant in it.
        assert (
            index.starts[code] <= instant < index.ends[code]
            or instant == index.ends[code] == MAX_NS
        )
    keys = [reference_key(t, unit, tz) for t in instants]
    for i in range(len(instants)):
        for j in range(i + 1, len(instants)):
            assert (keys[i] == keys[j]) == (index.codes[i] == index.codes[j])
    assert sorted(set(index.codes.tolist())) == list(range(len(index)))
    for label, start in zip(index.labels(), index.starts.tolist(), strict=True):
        assert ns(label) // 1_000 == start // 1_000
        assert label.utcoffset() == local(start, tz).utcoffset()


@given(
    clustered_instants(),
    st.sampled_from(PERIOD_UNITS),
    st.sampled_from(ZONES).map(ZoneInfo),
)
def test_present_periods_are_the_nonempty_periods_of_the_range(
    instants: list[int], unit: PeriodUnit, tz: ZoneInfo
) -> None:
    # bucket_present lists the range and keeps what is used when the range is short, and sorts
    # the instants' own periods when it is long: both ways give the periods of the range.
    array = np.array(instants, dtype=np.int64)
    dense = bucket_instants(array, unit, tz)
    used = np.flatnonzero(dense.counts() > 0)
    for present in (bucket_present(array, unit, tz), _present_by_sorting(array, unit, tz)):
        assert present.starts.tolist() == dense.starts[used].tolist()
        assert present.ends.tolist() == dense.ends[used].tolist()
        assert present.labels() == [dense.labels()[i] for i in used.tolist()]
        assert used[present.codes].tolist() == dense.codes.tolist()


@pytest.mark.parametrize("unit", PERIOD_UNITS)
@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles", "UTC"])
def test_periods_at_the_edges_of_the_range(unit: PeriodUnit, zone: str) -> None:
    tz = ZoneInfo(zone)
    edges = np.array([MIN_NS, MIN_NS + HOUR, MAX_NS - HOUR, MAX_NS], dtype=np.int64)
    for index in (bucket_present(edges, unit, tz), bucket_instants(edges[:2], unit, tz)):
        assert np.all(index.starts >= MIN_NS)
        assert np.all(index.ends <= MAX_NS)
        assert np.all(index.ends >= index.starts)
    days, within = local_days_and_ns(edges, tz)
    for instant, day, ns_of_day in zip(edges.tolist(), days.tolist(), within.tolist(), strict=True):
        moment = local(instant, tz)
        assert date(1970, 1, 1) + timedelta(days=day) == moment.date()
        assert ns_of_day // 1_000 == (
            (moment.hour * 3600 + moment.minute * 60 + moment.second) * 1_000_000
            + moment.microsecond
        )
