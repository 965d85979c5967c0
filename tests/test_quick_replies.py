"""Most used quick replies: counts and shares against a reference, the trend, groups, halves."""

from __future__ import annotations

import math
import pickle
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content_reference import customer_messages, quick_reply_counts, utc_day
from content_strategies import rich_conversations
from socialcare_metrics import (
    Conversation,
    InvalidParameterError,
    Message,
    MessageTable,
    QuickReplyResult,
    RankedCount,
    quick_replies,
)

T0 = datetime(2024, 5, 6, 10, tzinfo=UTC)  # a Monday


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def picked(option: str | None, hours: float, i: int, **fields: object) -> Message:
    return Message(f"m{i}", at(hours), "customer", quick_reply=option, **fields)  # type: ignore[arg-type]


def worked_example() -> list[Conversation]:
    """Ten picks over two weeks, by hand: week 1: Track order 3, Billing 1;
    week 2: Track order 2, Billing 3, Talk to a person 1. Plus what does not count."""
    week1 = Conversation(
        "c1",
        [
            Message("b1", at(0), "bot", text="How can we help?"),
            picked("Track order", 0.1, 1),
            picked("Track order", 1, 2),
            picked("Billing", 2, 3),
            picked("Track order", 3, 4),
            picked("Billing", 3.5, 5, private=True),  # a private note: not counted
            picked(None, 4, 6, text="hello"),  # no quick reply
        ],
        channel="facebook",
        assignee="ana",
    )
    week2 = Conversation(
        "c2",
        [
            picked("Billing", 24 * 7, 1),
            picked("Billing", 24 * 7 + 1, 2),
            picked("Talk to a person", 24 * 7 + 2, 3),
            picked("Track order", 24 * 7 + 3, 4),
            picked("Billing", 24 * 8, 5),
            picked("Track order", 24 * 8 + 1, 6),
        ],
        channel="instagram",
        assignee="bo",
    )
    return [week1, week2]


def test_worked_example_counts_shares_and_ranking() -> None:
    result = quick_replies(worked_example())
    assert result.count == result.value == int(result) == 10
    assert result.counts() == {"Track order": 5, "Billing": 4, "Talk to a person": 1}
    assert result.top(2) == [
        RankedCount("Track order", 5, 0.5),
        RankedCount("Billing", 4, 0.4),
    ]
    assert result.to_dict() == {
        "name": "quick replies",
        "count": 10,
        "top": "Track order",
        "top_share": 0.5,
        "options": [
            {"option": "Track order", "count": 5, "share": 0.5},
            {"option": "Billing", "count": 4, "share": 0.4},
            {"option": "Talk to a person", "count": 1, "share": 0.1},
        ],
    }
    assert str(result).splitlines() == [
        "option            count  share",
        "Track order           5  50.0%",
        "Billing               4  40.0%",
        "Talk to a person      1  10.0%",
    ]
    by_agent = result.by("agent")
    assert by_agent["ana"].counts() == {"Track order": 3, "Billing": 1}
    assert by_agent["bo"].counts() == {"Billing": 3, "Track order": 2, "Talk to a person": 1}
    rows = by_agent.to_dict()["groups"]
    assert rows == [
        {"agent": "ana", "count": 4, "top": "Track order", "top_share": 0.75},
        {"agent": "bo", "count": 6, "top": "Billing", "top_share": 0.5},
    ]


def test_worked_example_trend_per_week() -> None:
    trend = quick_replies(worked_example()).trend("week")
    assert trend.unit == "week"
    assert trend.key == "option"
    assert trend.tz == "UTC"
    assert trend.periods == (datetime(2024, 5, 6, tzinfo=UTC), datetime(2024, 5, 13, tzinfo=UTC))
    rows = [(r["option"], r["count"], r["share"], r["count_change"]) for r in trend.rows()]
    assert rows == [
        ("Track order", 3, 0.75, None),
        ("Billing", 1, 0.25, None),
        ("Talk to a person", 0, 0.0, None),
        ("Track order", 2, 2 / 6, -1),
        ("Billing", 3, 0.5, 2),
        ("Talk to a person", 1, 1 / 6, 1),
    ]
    latest = trend.latest()
    assert [r["option"] for r in latest] == ["Track order", "Billing", "Talk to a person"]
    assert latest[1]["share_change"] == pytest.approx(0.5 - 0.25)
    # top= keeps the most used options overall.
    assert [r["option"] for r in quick_replies(worked_example()).trend("week", top=1).rows()] == [
        "Track order",
        "Track order",
    ]
    frame = trend.to_pandas()
    assert list(frame.columns) == [
        "week",
        "option",
        "count",
        "share",
        "count_change",
        "share_change",
    ]
    assert str(frame["week"].dt.tz) == "UTC"
    assert frame["count_change"].isna().sum() == 3  # the first week has no previous one
    assert trend.to_dict()["rows"][0]["week"] == "2024-05-06T00:00:00+00:00"


def test_a_period_without_quick_replies_has_no_share() -> None:
    conversation = Conversation("c1", [picked("Billing", 0, 1), picked("Billing", 48, 2)])
    rows = quick_replies([conversation]).trend("day").rows()
    assert [r["count"] for r in rows] == [1, 0, 1]
    assert rows[1]["share"] is None
    assert rows[1]["share_change"] is None
    assert rows[2]["share_change"] is None  # the previous share is undefined
    assert rows[1]["count_change"] == -1
    assert rows[2]["count_change"] == 1


def test_nothing_picked() -> None:
    result = quick_replies([Conversation("c1", [Message("m1", T0, "customer", text="hi")])])
    assert result.count == 0
    assert result.top() == []
    assert result.counts() == {}
    assert str(result) == "n/a"
    assert result.to_dict()["top"] is None
    assert result.to_dict()["top_share"] is None
    assert len(result.trend("day")) == 0


def test_a_table_without_a_quick_reply_column() -> None:
    table = MessageTable.from_columns(conversation_id=["c1"], sent_at=[T0], author=["customer"])
    assert quick_replies(table).count == 0


def test_bad_top_and_period() -> None:
    result = quick_replies(worked_example())
    with pytest.raises(InvalidParameterError, match=r"QuickReplyResult\.top\(\): 'top'"):
        result.top(-1)
    with pytest.raises(InvalidParameterError, match=r"'period'"):
        result.trend("fortnight")
    with pytest.raises(InvalidParameterError, match=r"'top'"):
        result.trend("day", top=1.5)  # type: ignore[arg-type]


@settings(max_examples=40)
@given(rich_conversations())
def test_counts_match_the_reference_and_shares_add_up(conversations: list[Conversation]) -> None:
    result = quick_replies(conversations)
    expected = quick_reply_counts(conversations)
    assert result.counts() == dict(expected)
    assert result.count == sum(expected.values())
    ranking = result.top()
    # Most used first, equal counts by name.
    assert [(r.name, r.count) for r in ranking] == sorted(
        expected.items(), key=lambda item: (-item[1], item[0])
    )
    if result.count:
        assert math.isclose(sum(r.share for r in ranking), 1.0)
        assert result.to_dict()["top"] == ranking[0].name
    for n in range(4):
        assert result.top(n) == ranking[:n]


@settings(max_examples=40)
@given(rich_conversations(), st.sampled_from(["agent", "channel", "day", "week"]))
def test_each_options_counts_add_up_over_groups(
    conversations: list[Conversation], key: str
) -> None:
    result = quick_replies(conversations)
    total: Counter[str] = Counter()
    for part in result.by(key).values():
        total.update(part.counts())
    assert total == Counter(result.counts())


@settings(max_examples=40)
@given(rich_conversations(), st.data())
def test_counting_two_halves_of_the_conversations_adds_up(
    conversations: list[Conversation], data: st.DataObject
) -> None:
    first = (
        data.draw(st.sets(st.sampled_from(range(len(conversations))))) if conversations else set()
    )
    a = [c for i, c in enumerate(conversations) if i in first]
    b = [c for i, c in enumerate(conversations) if i not in first]
    merged = Counter(quick_replies(a).counts()) + Counter(quick_replies(b).counts())
    assert merged == Counter(quick_replies(conversations).counts())


@settings(max_examples=40)
@given(rich_conversations())
def test_daily_trend_matches_the_reference(conversations: list[Conversation]) -> None:
    trend = quick_replies(conversations).trend("day")
    per_day: Counter[tuple[object, str]] = Counter(
        (utc_day(m), m.quick_reply)
        for _, m in customer_messages(conversations)
        if m.quick_reply is not None
    )
    previous: dict[str, int] = {}
    totals: Counter[object] = Counter()
    for (day, _), n in per_day.items():
        totals[day] += n
    for row in trend.rows():
        day, option = row["day"].date(), row["option"]
        assert row["count"] == per_day[(day, option)]
        assert row["share"] == (per_day[(day, option)] / totals[day] if totals[day] else None)
        if option in previous:
            assert row["count_change"] == row["count"] - previous[option]
        else:
            assert row["count_change"] is None
        previous[option] = row["count"]
    # Every period, every option used: a full grid.
    assert len(trend) == len(trend.periods) * len(quick_replies(conversations).counts())


def test_results_pickle() -> None:
    result = quick_replies(worked_example())
    copy = pickle.loads(pickle.dumps(result))
    assert isinstance(copy, QuickReplyResult)
    assert copy.to_dict() == result.to_dict()
