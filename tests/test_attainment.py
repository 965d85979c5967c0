"""Expectation attainment, the first-reply-time distribution, and period grouping of the speed
metrics in the calendar's time zone."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference import reference_waits
from socialcare_metrics import (
    DURATION_BUCKETS,
    EXPECTED_WITHIN_DAY,
    EXPECTED_WITHIN_HOUR,
    BusinessCalendar,
    Conversation,
    InvalidParameterError,
    Message,
    expectation_attainment,
    first_reply_time,
    reply_wait_time,
    resolution_time,
)
from socialcare_metrics.testing import conversation_lists

T0 = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)  # a Monday
US = timedelta(microseconds=1)
HOUR = timedelta(hours=1)
DAY = timedelta(hours=24)
BERLIN = ZoneInfo("Europe/Berlin")


def answered(cid: str, after: timedelta, agent: str = "ana", **kw: object) -> Conversation:
    return Conversation(
        cid,
        [
            Message(f"{cid}-q", T0, "customer", channel="twitter"),
            Message(f"{cid}-a", T0 + after, "agent", agent_id=agent),
        ],
        **kw,  # type: ignore[arg-type]
    )


def unanswered(cid: str, opened: timedelta, assignee: str | None = None) -> Conversation:
    return Conversation(
        cid, [Message(f"{cid}-q", T0 + opened, "customer", channel="facebook")], assignee=assignee
    )


AS_OF = T0 + timedelta(hours=40)


def sample() -> list[Conversation]:
    return [
        answered("c1", timedelta(minutes=30)),
        answered("c2", HOUR),  # exactly one hour: within
        answered("c3", HOUR + US, agent="bo"),  # a microsecond late
        answered("c4", timedelta(hours=3), agent="bo"),
        answered("c5", DAY),  # exactly 24 hours: within a day
        answered("c6", timedelta(hours=30)),
        unanswered("p1", timedelta(hours=39, minutes=30), assignee="bo"),  # 30 min old
        unanswered("p2", timedelta(hours=38)),  # 2 h old: late for 1 h, not yet for 24 h
    ]


# --- expectation attainment -----------------------------------------------------------------------


def test_the_articles_figures() -> None:
    assert EXPECTED_WITHIN_HOUR == 0.57
    assert EXPECTED_WITHIN_DAY == 0.75


def test_shares_by_hand() -> None:
    result = expectation_attainment(sample(), as_of=AS_OF)
    assert (result.count, result.answered, result.pending) == (8, 6, 2)
    hour = result.within_hour
    # within: c1, c2. late: c3, c4, c5, c6 and p2 (2 h old). not yet due: p1.
    assert (hour.within, hour.late, hour.not_yet_due, hour.count) == (2, 5, 1, 7)
    assert hour.share == 2 / 7
    assert hour.expected == 0.57
    day = result.within_day
    # within: c1 to c5. late: c6. not yet due: p1 and p2.
    assert (day.within, day.late, day.not_yet_due) == (5, 1, 2)
    assert day.share == 5 / 6
    assert day.expected == 0.75
    assert str(result).splitlines() == [
        "within 1 h: 28.6% of 7 (consumers expecting it: 57%)",
        "within 24 h: 83.3% of 6 (consumers expecting it: 75%)",
    ]
    assert repr(result).startswith("<AttainmentResult within 1 h 28.6% (expected 57%)")


def test_an_unanswered_conversation_turns_late_when_it_passes_the_threshold() -> None:
    waiting = [unanswered("p", timedelta(0))]
    exactly = expectation_attainment(waiting, as_of=T0 + HOUR).within_hour
    assert (exactly.within, exactly.late, exactly.not_yet_due, exactly.share) == (0, 0, 1, None)
    later = expectation_attainment(waiting, as_of=T0 + HOUR + US).within_hour
    assert (later.late, later.not_yet_due, later.share) == (1, 0, 0.0)


def test_any_threshold() -> None:
    result = expectation_attainment(sample(), as_of=AS_OF)
    twenty = result.within(timedelta(minutes=20))
    assert (twenty.within, twenty.late, twenty.not_yet_due) == (0, 8, 0)
    assert twenty.expected is None
    benchmark = result.within(timedelta(hours=4), expected=0.9)
    # within: c1 to c4. late: c5, c6. not yet due: p1, p2 (2 h old).
    assert (benchmark.within, benchmark.late, benchmark.not_yet_due) == (4, 2, 2)
    assert (benchmark.share, benchmark.expected) == (4 / 6, 0.9)
    assert str(benchmark) == "within 4 h: 66.7% of 6 (consumers expecting it: 90%)"
    with pytest.raises(InvalidParameterError, match="'threshold' must be a positive timedelta"):
        result.within(timedelta(0))
    with pytest.raises(InvalidParameterError, match="'threshold'"):
        result.within(3600)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'expected' must be a share in"):
        result.within(HOUR, expected=57)


def test_breakdowns_and_output() -> None:
    result = expectation_attainment(sample(), as_of=AS_OF)
    by_agent = result.by("agent")
    assert list(by_agent) == ["ana", "bo", None]
    # ana answered c1 (30 min), c2 (1 h), c5 (24 h), c6 (30 h).
    assert by_agent["ana"].within_hour.share == 0.5
    # bo answered c3 and c4, and owns the unanswered p1 (not yet due).
    bo = by_agent["bo"].within_hour
    assert (bo.within, bo.late, bo.not_yet_due) == (0, 2, 1)
    assert by_agent[None].within_hour.late == 1  # p2, no assignee
    assert list(result.by("channel")) == ["facebook", "twitter"]
    data = result.to_dict()
    assert data["within_hour"]["share"] == 2 / 7
    assert data["within_day"]["expected"] == 0.75
    assert data["pending"] == 2
    assert data["business_time"] is False


def test_business_time_and_its_zone() -> None:
    calendar = BusinessCalendar("Europe/Berlin", "mon-fri 09:00-17:00")
    # Friday 16:30 -> Monday 09:20 Berlin: 64 h 50 min on the clock, 50 business minutes.
    weekend = Conversation(
        "w",
        [
            Message("q", datetime(2024, 5, 10, 16, 30, tzinfo=BERLIN), "customer"),
            Message("a", datetime(2024, 5, 13, 9, 20, tzinfo=BERLIN), "agent", agent_id="ana"),
        ],
    )
    assert expectation_attainment(weekend).within_hour.share == 0.0
    business = expectation_attainment(weekend, calendar=calendar)
    assert business.within_hour.share == 1.0
    assert business.business_time is True
    assert list(business.by("day")) == [datetime(2024, 5, 10, tzinfo=BERLIN)]


def test_over_nothing() -> None:
    result = expectation_attainment([])
    assert (result.count, result.within_hour.share, result.within_day.count) == (0, None, 0)
    assert str(result).startswith("within 1 h: n/a of 0")


def test_bad_arguments() -> None:
    with pytest.raises(InvalidParameterError, match="expectation_attainment\\(\\): 'calendar'"):
        expectation_attainment(sample(), calendar="UTC")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'bot_replies' must be a bool"):
        expectation_attainment(sample(), bot_replies="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'as_of'"):
        expectation_attainment(sample(), as_of=T0)


@given(conversation_lists(), st.integers(min_value=1, max_value=40 * 3600))
def test_attainment_matches_the_reference(conversations: list[Conversation], seconds: int) -> None:
    threshold = timedelta(seconds=seconds)
    result = expectation_attainment(conversations).within(threshold)
    firsts = [w for w in reference_waits(conversations) if w.first]
    within = sum(1 for w in firsts if w.closed and w.duration <= threshold)
    late = sum(1 for w in firsts if w.duration > threshold)
    assert (result.within, result.late) == (within, late)
    assert result.within + result.late + result.not_yet_due == len(firsts)


# --- the first-reply-time distribution ---------------------------------------------------------


def test_default_buckets_by_hand() -> None:
    distribution = first_reply_time(sample(), as_of=AS_OF).distribution()
    assert [b.label for b in distribution] == ["0-1 h", "1-4 h", "4-8 h", "8-24 h", "over 24 h"]
    # 30 min and exactly 1 h; 1 h + 1 us and 3 h; none; exactly 24 h; 30 h.
    assert [b.count for b in distribution] == [2, 2, 0, 1, 1]
    assert [b.share for b in distribution] == [2 / 6, 2 / 6, 0, 1 / 6, 1 / 6]
    assert (distribution.count, distribution.pending) == (6, 2)
    assert distribution["8-24 h"].low == timedelta(hours=8)
    assert distribution["over 24 h"].high is None
    assert DURATION_BUCKETS == (HOUR, 4 * HOUR, 8 * HOUR, DAY)
    assert str(distribution).splitlines()[0].split() == ["0-1", "h", "2", "33.3%"]
    data = distribution.to_dict()
    assert data["buckets"][4] == {
        "label": "over 24 h",
        "low": 86400.0,
        "high": None,
        "count": 1,
        "share": 1 / 6,
    }
    assert "0-1 h: 2" in repr(distribution)


def test_distribution_agrees_with_attainment() -> None:
    distribution = first_reply_time(sample(), as_of=AS_OF).distribution()
    attainment = expectation_attainment(sample(), as_of=AS_OF)
    assert distribution["0-1 h"].count == attainment.within_hour.within
    assert sum(b.count for b in list(distribution)[:4]) == attainment.within_day.within


def test_custom_bounds_and_labels() -> None:
    result = first_reply_time(sample(), as_of=AS_OF)
    minutes = result.distribution([timedelta(minutes=30), HOUR])
    assert [b.label for b in minutes] == ["0-30 min", "30-60 min", "over 60 min"]
    assert [b.count for b in minutes] == [1, 1, 4]
    days = result.distribution([DAY, 2 * DAY])
    assert [b.label for b in days] == ["0-1 d", "1-2 d", "over 2 d"]
    odd = result.distribution([timedelta(seconds=1.5)])
    assert [b.label for b in odd] == ["0-1.5 s", "over 1.5 s"]
    assert len(odd) == 2


def test_distribution_over_nothing() -> None:
    distribution = first_reply_time([]).distribution()
    assert distribution.count == 0
    assert all(b.count == 0 and b.share is None for b in distribution)
    assert "n/a" in str(distribution)


@pytest.mark.parametrize(
    "bounds",
    [
        [],
        [HOUR, HOUR],
        [2 * HOUR, HOUR],
        [timedelta(0)],
        [-HOUR],
        [3600],
        "1h",
        None,
        [HOUR, timedelta(days=300 * 365)],  # beyond int64 nanoseconds: was an OverflowError
    ],
)
def test_bad_bounds(bounds: object) -> None:
    with pytest.raises(InvalidParameterError, match="distribution\\(\\): 'bounds' must be"):
        first_reply_time(sample()).distribution(bounds)  # type: ignore[arg-type]


def test_unknown_label() -> None:
    distribution = first_reply_time(sample()).distribution()
    with pytest.raises(InvalidParameterError, match="'label' must be one of '0-1 h'"):
        distribution["1 h"]


@given(conversation_lists())
def test_distribution_counts_add_up(conversations: list[Conversation]) -> None:
    result = reply_wait_time(conversations)
    distribution = result.distribution()
    assert sum(b.count for b in distribution) == result.count == distribution.count
    if result.count:
        assert math.isclose(sum(b.share or 0.0 for b in distribution), 1.0)
    # Each bucket holds exactly the closed waits in (low, high] (the first from 0).
    waits = [w.duration for w in reference_waits(conversations) if w.closed]
    for bucket in distribution:
        expected = sum(
            1
            for d in waits
            if (d > bucket.low or bucket.low == timedelta(0))
            and (bucket.high is None or d <= bucket.high)
        )
        assert bucket.count == expected


# --- periods in the calendar's time zone ----------------------------------------------------------


def late_evening() -> list[Conversation]:
    # 23:30 UTC on Monday 6 May: 01:30 on Tuesday 7 May in Berlin.
    return [
        Conversation(
            "n",
            [
                Message("q", datetime(2024, 5, 6, 23, 30, tzinfo=UTC), "customer"),
                Message("a", datetime(2024, 5, 6, 23, 50, tzinfo=UTC), "agent", agent_id="ana"),
            ],
        )
    ]


@pytest.mark.parametrize("metric", [first_reply_time, reply_wait_time, resolution_time])
def test_speed_metrics_group_by_the_calendars_zone(metric: object) -> None:
    always = BusinessCalendar.always_open("Europe/Berlin")
    data = late_evening()
    if metric is resolution_time:
        data = [
            # Resolution belongs to the assignee.
            Conversation(c.id, c.messages, assignee="ana", resolved_at=c.messages[-1].sent_at)
            for c in data
        ]
    with_calendar = metric(data, calendar=always)  # type: ignore[operator]
    assert list(with_calendar.by("day")) == [datetime(2024, 5, 7, tzinfo=BERLIN)]
    assert list(with_calendar.by("week")) == [datetime(2024, 5, 6, tzinfo=BERLIN)]
    # A subset keeps the default zone; an explicit tz overrides it.
    assert list(with_calendar.by("agent")["ana"].by("day")) == [datetime(2024, 5, 7, tzinfo=BERLIN)]
    assert list(with_calendar.by("day", tz="UTC")) == [datetime(2024, 5, 6, tzinfo=UTC)]
    assert next(iter(with_calendar.by("hour", tz="UTC"))).hour == 23
    # No calendar: UTC, as before.
    assert list(metric(data).by("day")) == [datetime(2024, 5, 6, tzinfo=UTC)]  # type: ignore[operator]


def test_agent_grouping_still_refuses_a_zone() -> None:
    always = BusinessCalendar.always_open("Europe/Berlin")
    result = first_reply_time(late_evening(), calendar=always)
    with pytest.raises(InvalidParameterError, match="'tz' must be None when grouping by agent"):
        result.by("agent", tz="UTC")  # type: ignore[call-overload]
