"""Inbound volume per local period, and the hour-of-week matrix."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcare_metrics import (
    Conversation,
    InvalidParameterError,
    Message,
    MessageTable,
    hour_of_week,
    inbound_volume,
    sample_conversations,
)

BERLIN = ZoneInfo("Europe/Berlin")


def customer_messages(times: list[datetime], channel: str | None = None) -> Conversation:
    return Conversation(
        "c1", [Message(f"m{i}", t, "customer") for i, t in enumerate(times)], channel=channel
    )


def test_every_empty_day_is_present_as_zero() -> None:
    conv = customer_messages(
        [datetime(2024, 5, 6, 9, tzinfo=UTC), datetime(2024, 5, 9, 9, tzinfo=UTC)]
    )
    series = inbound_volume(conv, period="day")
    assert [p.date() for p in series.periods] == [date(2024, 5, d) for d in (6, 7, 8, 9)]
    assert series.counts.tolist() == [1, 0, 0, 1]
    assert series.total == series.count == 2
    assert series.mean == 0.5
    assert series.peak == (datetime(2024, 5, 6, tzinfo=UTC), 1)


def test_days_are_local_and_dst_days_are_23_and_25_hours_long() -> None:
    # 22:30 UTC on Saturday 30 March is 23:30 in Berlin; 22:30 UTC on Sunday is 00:30 Monday.
    conv = customer_messages(
        [datetime(2024, 3, 30, 22, 30, tzinfo=UTC), datetime(2024, 3, 31, 22, 30, tzinfo=UTC)]
    )
    series = inbound_volume(conv, period="day", tz="Europe/Berlin")
    assert [p.date() for p in series.periods] == [date(2024, 3, d) for d in (30, 31)] + [
        date(2024, 4, 1)
    ]
    assert series.counts.tolist() == [1, 0, 1]
    hours = ((series.ends - series.starts) // 3_600_000_000_000).tolist()
    assert hours == [24, 23, 24]
    assert series.tz == "Europe/Berlin"


def test_private_notes_and_brand_messages_are_not_inbound() -> None:
    t = datetime(2024, 5, 6, 9, tzinfo=UTC)
    conv = Conversation(
        "c1",
        [
            Message("m1", t, "customer"),
            Message("m2", t, "customer", private=True),
            Message("m3", t, "agent", agent_id="ana"),
            Message("m4", t, "bot"),
        ],
    )
    assert inbound_volume(conv).total == 1
    assert hour_of_week(conv).total == 1


def test_start_and_end_bound_the_range_and_keep_empty_edges() -> None:
    conv = customer_messages([datetime(2024, 5, 15, tzinfo=UTC), datetime(2024, 7, 2, tzinfo=UTC)])
    series = inbound_volume(
        conv,
        period="month",
        start=datetime(2024, 4, 1, tzinfo=UTC),
        end=datetime(2024, 7, 1, tzinfo=UTC),
    )
    assert [p.month for p in series.periods] == [4, 5, 6]
    assert series.counts.tolist() == [0, 1, 0]  # the July message is outside [start, end)
    nothing = inbound_volume(
        [],
        period="week",
        start=datetime(2024, 5, 6, tzinfo=UTC),
        end=datetime(2024, 5, 20, tzinfo=UTC),
    )
    assert nothing.counts.tolist() == [0, 0]


def test_series_by_channel_share_the_periods() -> None:
    convs = [
        customer_messages([datetime(2024, 5, 6, 9, tzinfo=UTC)], channel="twitter"),
        Conversation("c2", [Message("m1", datetime(2024, 5, 8, 9, tzinfo=UTC), "customer")]),
    ]
    series = inbound_volume(convs)
    by_channel = series.by("channel")
    assert list(by_channel) == ["twitter", None]
    assert by_channel["twitter"].counts.tolist() == [1, 0, 0]
    assert by_channel[None].counts.tolist() == [0, 0, 1]
    assert by_channel["twitter"].periods == series.periods


def test_hour_of_week_uses_the_local_wall_clock_monday_first() -> None:
    times = [
        datetime(2024, 5, 6, 9, 30, tzinfo=BERLIN),  # Monday 09
        datetime(2024, 5, 6, 9, 45, tzinfo=BERLIN),  # Monday 09
        datetime(2024, 5, 12, 23, 59, tzinfo=BERLIN),  # Sunday 23
    ]
    result = hour_of_week(customer_messages(times), tz=BERLIN)
    assert result.matrix.shape == (7, 24)
    assert result.matrix[0, 9] == 2
    assert result.matrix[6, 23] == 1
    assert result.total == 3
    assert result.busiest(5) == [("Monday", 9, 2), ("Sunday", 23, 1)]
    # In UTC the Sunday message is at 21:59.
    assert hour_of_week(customer_messages(times)).matrix[6, 21] == 1


def test_over_nothing_the_series_is_empty_and_undefined() -> None:
    series = inbound_volume([])
    assert len(series) == 0
    assert series.total == 0
    assert series.mean is None
    assert series.peak is None
    assert series.to_dict()["counts"] == []
    assert hour_of_week([]).total == 0


def test_bad_parameters_name_the_function() -> None:
    with pytest.raises(InvalidParameterError, match=r"inbound_volume\(\): 'period'"):
        inbound_volume([], period="year")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"inbound_volume\(\): 'tz'"):
        inbound_volume([], tz="Not/AZone")
    with pytest.raises(InvalidParameterError, match=r"inbound_volume\(\): 'start'"):
        inbound_volume([], start=datetime(2024, 5, 6))
    with pytest.raises(InvalidParameterError, match=r"inbound_volume\(\): 'end'"):
        inbound_volume(
            [], start=datetime(2024, 5, 6, tzinfo=UTC), end=datetime(2024, 5, 6, tzinfo=UTC)
        )
    with pytest.raises(InvalidParameterError, match=r"by\(\): 'key'"):
        inbound_volume([]).by("day")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"busiest\(\): 'k'"):
        hour_of_week([]).busiest(-1)


def test_a_range_of_too_many_periods_is_refused_with_what_to_do() -> None:
    # One message dated 300 years before the rest (a default date, a parsing error): every day
    # between them would be a period of the series, 109,574 of them.
    times = [datetime(1724, 5, 6, 9, tzinfo=UTC), datetime(2024, 5, 6, 9, tzinfo=UTC)]
    with pytest.raises(InvalidParameterError) as info:
        inbound_volume(customer_messages(times), period="day", tz="Europe/Berlin")
    message = str(info.value)
    assert (info.value.function, info.value.parameter) == ("inbound_volume", "period")
    assert "109,574 days" in message
    assert "1724-05-06 09:00 to 2024-05-06 09:00 UTC" in message
    assert "start= and end=" in message
    # start= and end= bound the range; a coarser period fits in the limit.
    recent = inbound_volume(
        customer_messages(times), period="day", start=datetime(2024, 1, 1, tzinfo=UTC)
    )
    assert (len(recent), recent.total) == (127, 1)
    months = inbound_volume(customer_messages(times), period="month", tz="Europe/Berlin")
    assert (len(months), months.total, months.counts[0], months.counts[-1]) == (3601, 2, 1, 1)
    # The hour-of-week matrix needs no periods: it is not bounded.
    assert hour_of_week(customer_messages(times), tz="Europe/Berlin").total == 2


# --- properties -------------------------------------------------------------------------------

_BASE = datetime(2024, 1, 1, tzinfo=UTC)
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe")


def table_of(seconds: list[int], channels: list[int]) -> MessageTable:
    n = len(seconds)
    base_ns = int(_BASE.timestamp()) * 1_000_000_000
    return MessageTable.from_columns(
        conversation_id=np.arange(n, dtype=np.int64),
        sent_at=np.array([base_ns + s * 1_000_000_000 for s in seconds], dtype=np.int64),
        author=np.zeros(n, dtype=np.int8),
        channel=[("twitter", "facebook", None)[c] for c in channels],
    )


instants = st.lists(st.integers(min_value=0, max_value=400 * 86_400), max_size=40)


@given(instants, st.sampled_from(["hour", "day", "week", "month"]), st.sampled_from(ZONES))
def test_volume_sums_to_the_total_and_matches_zoneinfo(
    seconds: list[int], unit: str, zone: str
) -> None:
    tz = ZoneInfo(zone)
    table = table_of(seconds, [0] * len(seconds))
    series = inbound_volume(table, period=unit, tz=zone)  # type: ignore[arg-type]
    assert series.total == len(seconds)
    assert int(series.counts.sum()) == len(seconds)
    if unit == "day":
        expected = Counter((_BASE + timedelta(seconds=s)).astimezone(tz).date() for s in seconds)
        got = {p.date(): int(c) for p, c in zip(series.periods, series.counts, strict=True)}
        assert {d: c for d, c in got.items() if c} == dict(expected)
        # Consecutive local dates, none missing.
        dates = [p.date() for p in series.periods]
        assert all((b - a).days == 1 for a, b in pairwise(dates))


@given(instants, st.lists(st.integers(0, 2), max_size=40), st.sampled_from(ZONES))
def test_channel_series_add_up_to_the_whole(
    seconds: list[int], channels: list[int], zone: str
) -> None:
    channels = (channels + [0] * len(seconds))[: len(seconds)]
    series = inbound_volume(table_of(seconds, channels), period="week", tz=zone)
    parts = series.by("channel")
    total = sum((p.counts for p in parts.values()), np.zeros(len(series), dtype=np.int64))
    assert np.array_equal(total, series.counts)


@given(instants, st.sampled_from(ZONES))
def test_hour_of_week_matches_zoneinfo(seconds: list[int], zone: str) -> None:
    tz = ZoneInfo(zone)
    result = hour_of_week(table_of(seconds, [0] * len(seconds)), tz=zone)
    expected = np.zeros((7, 24), dtype=np.int64)
    for s in seconds:
        local = (_BASE + timedelta(seconds=s)).astimezone(tz)
        expected[local.weekday(), local.hour] += 1
    assert np.array_equal(result.matrix, expected)


def test_series_split_and_converted() -> None:
    table = MessageTable.from_conversations(sample_conversations(n_conversations=300))
    series = inbound_volume(table, period="day", tz="Europe/Berlin")
    frame = series.to_pandas()
    assert list(frame.columns) == ["day", "count"]
    assert len(frame) == len(series.periods)
    assert str(frame["day"].dt.tz) == "Europe/Berlin"
    assert frame["count"].tolist() == series.counts.tolist()
    by_agent = series.by("agent")
    # Every group's series runs over the same periods, and they add up period by period.
    assert all(part.periods == series.periods for part in by_agent.values())
    assert (sum(part.counts for part in by_agent.values()) == series.counts).all()
    rows = by_agent.to_pandas()
    assert rows["total"].sum() == series.total
    for row in by_agent.to_dict()["groups"]:
        part = by_agent[row["agent"]]
        assert row["total"] == part.total
        assert row["peak_count"] == part.peak[1]
        assert row["mean"] == part.mean


@pytest.mark.parametrize(("n_agents", "days"), [(3, 30), (400, 400)])
def test_group_rows_of_a_series_count_only_what_is_there(n_agents: int, days: int) -> None:
    # 400 agents by 400 days is 160,000 (agent, day) cells for 600 messages: the rows are
    # counted from the messages, not from a grid of every cell; both ways agree with a count.
    rng = np.random.default_rng(7)
    n = 600
    base_ns = int(_BASE.timestamp()) * 1_000_000_000
    sent = base_ns + rng.integers(0, days * 86_400, n) * 1_000_000_000
    agents = rng.integers(0, n_agents, n)
    table = MessageTable.from_columns(
        conversation_id=np.arange(n),
        sent_at=sent,
        author=np.zeros(n, dtype=np.int8),
        assignee=agents,
    )
    series = inbound_volume(table, period="day")
    rows = series.by("agent").summary()
    day_of = ((sent - base_ns) // (86_400 * 10**9)).tolist()
    per_day = Counter(zip(agents.tolist(), day_of, strict=True))
    expected_peak: dict[str, int] = {}
    for (agent, _), count in per_day.items():
        expected_peak[str(agent)] = max(expected_peak.get(str(agent), 0), count)
    assert dict(zip(rows["agent"], rows["peak_count"], strict=True)) == expected_peak
    totals = Counter(str(a) for a in agents.tolist())
    assert dict(zip(rows["agent"], rows["total"], strict=True)) == dict(totals)
    assert rows["mean"] == [totals[a] / len(series) for a in rows["agent"]]
