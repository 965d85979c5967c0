"""Volume and productivity: messages received, replies, reply/resolution/action rates."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference import reference_resolved
from socialcare_metrics import (
    BusinessCalendar,
    Conversation,
    InvalidDataError,
    InvalidParameterError,
    Message,
    MessageTable,
    action_rate,
    first_reply_time,
    messages_received,
    reply_rate,
    resolution_rate,
    time_to_action,
    total_replies,
    unique_messages_replied,
)

T0 = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def customer(mid: str, minutes: float, **kw: object) -> Message:
    return Message(mid, at(minutes), "customer", **kw)  # type: ignore[arg-type]


def agent(mid: str, minutes: float, who: str = "ana", **kw: object) -> Message:
    return Message(mid, at(minutes), "agent", agent_id=who, **kw)  # type: ignore[arg-type]


# --- the articles' figure ---------------------------------------------------------------------


def test_34_of_100_customer_messages_replied_is_the_articles_34_percent_reply_rate() -> None:
    # Source: the articles (seeds 000-003) give 34% as the average reply rate across industries.
    conversations = [
        Conversation(
            f"c{i}",
            [customer("q", i)] + ([agent("a", i + 5)] if i < 34 else []),
        )
        for i in range(100)
    ]
    result = reply_rate(conversations)
    assert (result.numerator, result.denominator) == (34, 100)
    assert result.value == pytest.approx(0.34)
    assert str(result) == "34.0%"
    assert result.percent == pytest.approx(34.0)
    assert messages_received(conversations).count == 100
    assert unique_messages_replied(conversations).count == 34
    assert total_replies(conversations).count == 34


# --- definitions, by hand ---------------------------------------------------------------------


def burst_conversation() -> Conversation:
    """Three questions, one reply, a private note, a bot message, a follow-up left unanswered."""
    return Conversation(
        "c1",
        [
            customer("m1", 0),
            customer("m2", 1),
            customer("m3", 2),
            Message("n1", at(3), "agent", agent_id="bo", private=True),
            Message("b1", at(4), "bot"),
            agent("m4", 10, "ana"),
            customer("m5", 20),
        ],
        assignee="bo",
        channel="twitter",
    )


def test_a_burst_of_three_answered_once_is_three_messages_replied_and_one_reply() -> None:
    conv = burst_conversation()
    assert messages_received(conv).count == 4
    replies = total_replies(conv)
    assert (replies.count, replies.agent_replies, replies.bot_messages) == (1, 1, 1)
    assert unique_messages_replied(conv).count == 3
    rate = reply_rate(conv)
    assert (rate.numerator, rate.denominator) == (3, 4)


def test_bots_count_as_replies_only_when_asked() -> None:
    conv = burst_conversation()
    with_bots = total_replies(conv, bot_replies=True)
    assert (with_bots.count, with_bots.bot_messages) == (2, 1)
    # The bot at minute 4 now closes the wait; the agent at minute 10 closes nothing.
    assert unique_messages_replied(conv, bot_replies=True).count == 3
    assert reply_rate(conv, bot_replies=True).value == pytest.approx(0.75)


def test_private_customer_messages_are_not_received() -> None:
    conv = Conversation("c1", [customer("m1", 0), customer("m2", 1, private=True)])
    assert messages_received(conv).count == 1


def test_grouping_by_agent_follows_who_is_responsible() -> None:
    conv = burst_conversation()
    # Received: the assignee (bo) for all four customer messages.
    assert {k: v.count for k, v in messages_received(conv).by("agent").items()} == {"bo": 4}
    # Replied: the agent whose reply closed the wait (ana).
    assert {k: v.count for k, v in unique_messages_replied(conv).by("agent").items()} == {"ana": 3}
    # Replies: the sender; the bot has no agent and sits under None.
    by_sender = total_replies(conv).by("agent")
    assert list(by_sender) == ["ana", None]
    assert (by_sender["ana"].agent_replies, by_sender[None].bot_messages) == (1, 1)
    # Reply rate: replied messages with ana, the unreplied one with the assignee.
    by_agent = reply_rate(conv).by("agent")
    assert {k: (v.numerator, v.denominator) for k, v in by_agent.items()} == {
        "ana": (3, 3),
        "bo": (0, 1),
    }


def test_grouping_by_channel_and_day() -> None:
    convs = [
        Conversation("c1", [customer("m1", 0), agent("m2", 5)], channel="twitter"),
        Conversation("c2", [customer("m1", 60 * 24 * 2)], channel="facebook"),
    ]
    by_channel = reply_rate(convs).by("channel")
    assert list(by_channel) == ["facebook", "twitter"]
    assert by_channel["facebook"].value == 0.0
    assert by_channel["twitter"].value == 1.0
    by_day = messages_received(convs).by("day")
    assert [k.date().isoformat() for k in by_day if k is not None] == [
        "2024-05-06",
        "2024-05-07",
        "2024-05-08",
    ]
    assert [v.count for v in by_day.values()] == [1, 0, 1]
    # An empty day's rate is undefined, not zero.
    assert reply_rate(convs).by("day")[datetime(2024, 5, 7, tzinfo=UTC)].value is None


def test_periods_are_local_to_the_time_zone_asked_for() -> None:
    late = datetime(2024, 5, 6, 23, 30, tzinfo=UTC)  # already May 7th in Berlin
    conv = Conversation("c1", [Message("m1", late, "customer")])
    berlin = ZoneInfo("Europe/Berlin")
    assert list(messages_received(conv).by("day", tz="Europe/Berlin")) == [
        datetime(2024, 5, 7, tzinfo=berlin)
    ]
    assert list(messages_received(conv).by("day")) == [datetime(2024, 5, 6, tzinfo=UTC)]


def test_resolution_rate_counts_conversations() -> None:
    convs = [
        Conversation("c1", [customer("m1", 0)], resolved_at=at(30), assignee="ana"),
        Conversation("c2", [customer("m1", 0)], assignee="ana"),
        Conversation("c3", [customer("m1", 0)], resolved_at=at(5), assignee="bo"),
        Conversation("c4", [], assignee="bo"),
    ]
    result = resolution_rate(convs)
    assert (result.numerator, result.denominator) == (2, 4)
    assert {k: (v.numerator, v.denominator) for k, v in result.by("agent").items()} == {
        "ana": (1, 2),
        "bo": (1, 2),
    }
    # The conversation without messages has no time: it is grouped under None.
    by_day = result.by("day")
    assert [(v.numerator, v.denominator) for v in by_day.values()] == [(2, 3), (0, 1)]
    assert list(by_day)[-1] is None


def test_action_rate_and_time_to_action_take_the_earlier_of_reply_and_action() -> None:
    conv = Conversation(
        "c1",
        [
            customer("m1", 0, actioned_at=at(2)),  # actioned at 2, replied at 10: 2 min
            customer("m2", 4),  # replied at 10: 6 min
            agent("m3", 10, "ana"),
            customer("m4", 20, actioned_at=at(50)),  # replied at 30: 10 min, by ana
            agent("m5", 30, "ana"),
            customer("m6", 40, actioned_at=at(45)),  # actioned only: 5 min
            customer("m7", 60),  # neither: pending, 0 min old at as_of (the latest time)
        ],
        assignee="bo",
    )
    rate = action_rate(conv)
    assert (rate.numerator, rate.denominator) == (4, 5)
    assert reply_rate(conv).numerator == 3
    result = time_to_action(conv)
    assert sorted(result.seconds.tolist()) == [120.0, 300.0, 360.0, 600.0]
    assert result.pending == 1
    # m1 (actioned first) and m6 belong to the assignee; m2 and m4 to ana, whose reply was first.
    assert {k: (v.count, v.pending) for k, v in result.by("agent").items()} == {
        "ana": (2, 0),
        "bo": (2, 1),
    }
    later = time_to_action(conv, as_of=at(70))
    assert later.pending_ages.tolist() == [600.0]


def test_time_to_action_measures_business_time_with_a_calendar() -> None:
    conv = Conversation("c1", [customer("m1", 0), agent("m2", 10)])
    assert time_to_action(conv).seconds.tolist() == [600.0]
    # Monday 10:00-10:10 UTC, of which 10:00-10:04 and 10:07-10:10 are open: 7 minutes.
    calendar = BusinessCalendar("UTC", "mon 10:00-10:04, 10:07-12:00")
    assert time_to_action(conv, calendar=calendar).seconds.tolist() == [420.0]
    with pytest.raises(InvalidParameterError, match="calendar"):
        time_to_action(conv, calendar="UTC")  # type: ignore[arg-type]


def test_a_table_without_actioned_at_has_action_rate_equal_to_reply_rate() -> None:
    table = MessageTable.from_columns(
        conversation_id=["c1", "c1", "c1", "c2"],
        sent_at=[at(0), at(1), at(5), at(7)],
        author=["customer", "agent", "customer", "customer"],
        agent_id=[None, "ana", None, None],
    )
    assert action_rate(table).to_dict() | {"name": ""} == reply_rate(table).to_dict() | {"name": ""}


# --- empty and undefined ----------------------------------------------------------------------


def test_over_nothing_rates_are_none_with_count_zero() -> None:
    for result in (reply_rate([]), action_rate([]), resolution_rate([])):
        assert result.value is None
        assert result.percent is None
        assert result.count == 0
        assert str(result) == "n/a"
        assert result.by("day") == {}
    assert messages_received([]).count == 0
    assert total_replies([]).count == 0
    assert time_to_action([]).mean is None
    assert time_to_action([]).count == 0
    only_agents = Conversation("c1", [agent("m1", 0)])
    assert reply_rate(only_agents).to_dict() == {
        "name": "reply rate",
        "numerator": 0,
        "denominator": 0,
        "value": None,
    }


# --- bad input --------------------------------------------------------------------------------


def test_an_action_before_the_message_is_an_error_naming_it() -> None:
    conv = Conversation("c9", [customer("m1", 10, actioned_at=at(5))])
    with pytest.raises(InvalidDataError, match=r"action_rate.*'actioned_at'.*'m1'.*'c9'"):
        action_rate(conv)
    with pytest.raises(InvalidDataError, match=r"time_to_action.*'actioned_at'"):
        time_to_action(conv)


def test_bad_parameters_name_the_function_and_parameter() -> None:
    conv = burst_conversation()
    with pytest.raises(InvalidParameterError, match=r"reply_rate\(\): 'bot_replies'"):
        reply_rate(conv, bot_replies="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"messages_received\(\): 'data'"):
        messages_received("c1")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"by\(\): 'key'.*'team'"):
        reply_rate(conv).by("team")  # type: ignore[call-overload]
    with pytest.raises(InvalidParameterError, match=r"by\(\): 'tz'"):
        reply_rate(conv).by("agent", tz="UTC")  # type: ignore[call-overload]
    with pytest.raises(InvalidParameterError, match=r"time_to_action\(\): 'calendar'"):
        time_to_action(conv, calendar=object())  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"time_to_action\(\): 'as_of'"):
        time_to_action(conv, as_of=at(-60))


# --- properties against a slow reference ------------------------------------------------------

AGENTS = ("ana", "bo", None)
CHANNELS = ("twitter", "facebook", None)


@st.composite
def conversation_lists(draw: st.DrawFn) -> list[Conversation]:
    convs = []
    for c in range(draw(st.integers(min_value=0, max_value=6))):
        n = draw(st.integers(min_value=0, max_value=8))
        minutes = sorted(draw(st.lists(st.integers(0, 60 * 24 * 5), min_size=n, max_size=n)))
        messages = []
        for i, minute in enumerate(minutes):
            author = draw(st.sampled_from(["customer", "customer", "agent", "bot"]))
            action = draw(st.one_of(st.none(), st.integers(0, 600)))
            messages.append(
                Message(
                    f"m{i}",
                    at(minute),
                    author,
                    agent_id=draw(st.sampled_from(AGENTS)) if author == "agent" else None,
                    channel=draw(st.sampled_from(CHANNELS)),
                    private=draw(st.booleans()) and author != "bot",
                    actioned_at=None if action is None else at(minute + action),
                )
            )
        convs.append(
            Conversation(
                f"c{c}",
                messages,
                assignee=draw(st.sampled_from(AGENTS)),
                # After every message, at one (a tie does not reopen), just after one, or none.
                resolved_at=draw(
                    st.sampled_from(
                        [None, at(60 * 24 * 6)]
                        + [at(m + extra) for m in minutes for extra in (0, 1)]
                    )
                ),
            )
        )
    return convs


def reference_replied(conv: Conversation, bot_replies: bool) -> list[tuple[Message, bool]]:
    """Walk one conversation: each public customer message and whether a reply answered it."""
    out: list[tuple[Message, bool]] = []
    waiting: list[Message] = []
    for m in conv.messages:
        if m.private:
            continue
        if m.author == "customer":
            waiting.append(m)
        elif m.author == "agent" or (bot_replies and m.author == "bot"):
            out.extend((w, True) for w in waiting)
            waiting = []
    out.extend((w, False) for w in waiting)
    return out


@given(conversation_lists(), st.booleans())
def test_reply_rate_matches_the_reference_and_is_replied_over_received(
    convs: list[Conversation], bot_replies: bool
) -> None:
    walked = [item for conv in convs for item in reference_replied(conv, bot_replies)]
    received = messages_received(convs).count
    replied = unique_messages_replied(convs, bot_replies=bot_replies).count
    rate = reply_rate(convs, bot_replies=bot_replies)
    assert received == len(walked)
    assert replied == sum(flag for _, flag in walked)
    assert (rate.numerator, rate.denominator) == (replied, received)
    if received:
        assert rate.value is not None
        assert 0.0 <= rate.value <= 1.0
        assert rate.value == replied / received
    else:
        assert rate.value is None


@given(conversation_lists(), st.booleans())
def test_replies_count_public_brand_messages(convs: list[Conversation], bot_replies: bool) -> None:
    public = Counter(m.author.value for conv in convs for m in conv.messages if not m.private)
    result = total_replies(convs, bot_replies=bot_replies)
    assert result.agent_replies == public["agent"]
    assert result.bot_messages == public["bot"]
    assert result.count == public["agent"] + (public["bot"] if bot_replies else 0)


@given(conversation_lists(), st.sampled_from(["agent", "channel", "hour", "day", "week"]))
def test_groups_partition_every_metric(convs: list[Conversation], key: str) -> None:
    for result in (reply_rate(convs), action_rate(convs), resolution_rate(convs)):
        groups = result.by(key)  # type: ignore[call-overload]
        assert sum(g.numerator for g in groups.values()) == result.numerator
        assert sum(g.denominator for g in groups.values()) == result.denominator
    received = messages_received(convs)
    assert sum(g.count for g in received.by(key).values()) == received.count  # type: ignore[call-overload]
    replies = total_replies(convs)
    assert sum(g.count for g in replies.by(key).values()) == replies.count  # type: ignore[call-overload]


@given(conversation_lists())
def test_volume_per_day_sums_to_the_total_and_matches_dates(convs: list[Conversation]) -> None:
    by_day = messages_received(convs).by("day")
    expected = Counter(
        m.sent_at.astimezone(UTC).date()
        for conv in convs
        for m in conv.messages
        if m.author == "customer" and not m.private
    )
    assert sum(g.count for g in by_day.values()) == messages_received(convs).count
    assert {k.date(): v.count for k, v in by_day.items() if v.count and k is not None} == dict(
        expected
    )


@given(conversation_lists())
def test_action_rate_is_at_least_reply_rate_and_time_to_action_counts_add_up(
    convs: list[Conversation],
) -> None:
    actions = action_rate(convs)
    replies = reply_rate(convs)
    assert actions.denominator == replies.denominator
    assert actions.numerator >= replies.numerator
    timed = time_to_action(convs)
    assert timed.count == actions.numerator
    assert timed.count + timed.pending == actions.denominator
    assert bool(np.all(timed.seconds >= 0))
    resolved = sum(reference_resolved(conv) for conv in convs)
    assert resolution_rate(convs).numerator == resolved


def test_time_to_action_periods_default_to_the_calendar_zone() -> None:
    # 23:30 UTC on 6 May is 01:30 on 7 May in Berlin.
    late = datetime(2024, 5, 6, 23, 30, tzinfo=UTC)
    conv = Conversation(
        "c1",
        [Message("m1", late, "customer"), Message("m2", late + timedelta(minutes=5), "agent")],
    )
    calendar = BusinessCalendar.always_open("Europe/Berlin")
    days = time_to_action(conv, calendar=calendar).by("day")
    assert [d.day for d in days] == [7]
    assert [d.day for d in time_to_action(conv).by("day")] == [6]
    assert [d.day for d in first_reply_time(conv, calendar=calendar).by("day")] == [7]
