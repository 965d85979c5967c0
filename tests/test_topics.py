"""Top topics and subtopics: levels, per message or conversation, untagged items, the trend,
groups and halves, against a pure-Python reference; the vectorised paths on a larger table."""

from __future__ import annotations

import math
import pickle
from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content_reference import topic_counts, topic_items, untagged
from content_strategies import rich_conversations
from socialcare_metrics import (
    Conversation,
    InvalidParameterError,
    Message,
    MessageTable,
    RankedCount,
    TopicResult,
    load_messages,
    topics,
)
from socialcare_metrics._engine import content

T0 = datetime(2024, 5, 6, 10, tzinfo=UTC)  # a Monday


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def worked_example() -> list[Conversation]:
    """By hand: five customer messages in two conversations.

    c1: m1 billing/refund; m2 billing/invoice and billing/refund/partial; m3 untagged;
        an agent reply tagged delivery (not a customer message: not counted);
        the conversation itself tagged account.
    c2: m1 delivery/late; m2 untagged.
    """
    return [
        Conversation(
            "c1",
            [
                Message("m1", at(0), "customer", tags=["billing/refund"]),
                Message(
                    "m2", at(1), "customer", tags=["billing/invoice", "billing/refund/partial"]
                ),
                Message("m3", at(2), "customer"),
                Message("r1", at(3), "agent", agent_id="ana", tags=["delivery"]),
            ],
            channel="twitter",
            assignee="ana",
            tags=["account"],
        ),
        Conversation(
            "c2",
            [
                Message("m1", at(24 * 7), "customer", tags=["delivery/late"]),
                Message("m2", at(24 * 7 + 1), "customer"),
            ],
            channel="facebook",
            assignee="bo",
        ),
    ]


def test_worked_example_per_message() -> None:
    result = topics(worked_example())
    assert result.count == result.value == 5
    assert (result.tagged, result.untagged, result.untagged_share) == (3, 2, 0.4)
    # m2's two billing tags count once for "billing".
    assert result.top() == [RankedCount("billing", 2, 0.4), RankedCount("delivery", 1, 0.2)]
    assert result.at_level(2).counts() == {
        "billing/refund": 2,
        "billing/invoice": 1,
        "delivery/late": 1,
    }
    assert result.at_level(3).counts() == {"billing/refund/partial": 1}
    assert topics(worked_example(), level=2).to_dict() == {
        "name": "topics",
        "parameters": {"per": "message", "level": 2},
        "count": 5,
        "tagged": 3,
        "untagged": 2,
        "untagged_share": 0.4,
        "top": "billing/refund",
        "top_share": 0.4,
        "topics": [
            {"topic": "billing/refund", "count": 2, "share": 0.4},
            {"topic": "billing/invoice", "count": 1, "share": 0.2},
            {"topic": "delivery/late", "count": 1, "share": 0.2},
        ],
    }


def test_worked_example_per_conversation() -> None:
    result = topics(worked_example(), per="conversation")
    assert (result.count, result.untagged) == (2, 0)
    # c1: its own "account" and its messages' billing tags (not the agent's delivery tag).
    assert result.counts() == {"account": 1, "billing": 1, "delivery": 1}
    assert result.top(1) == [RankedCount("account", 1, 0.5)]
    assert topics(worked_example(), per="conversation", level=2).counts() == {
        "billing/invoice": 1,
        "billing/refund": 1,
        "delivery/late": 1,
    }
    by_channel = result.by("channel")
    assert by_channel["twitter"].counts() == {"account": 1, "billing": 1}
    assert by_channel.to_dict()["groups"][0]["channel"] == "facebook"


def test_worked_example_trend() -> None:
    trend = topics(worked_example()).trend("week")
    assert [(r["topic"], r["count"], r["share"], r["count_change"]) for r in trend.rows()] == [
        ("billing", 2, 2 / 3, None),
        ("delivery", 0, 0.0, None),
        ("billing", 0, 0.0, -2),
        ("delivery", 1, 0.5, 1),
    ]
    assert trend.latest()[1]["share_change"] == pytest.approx(0.5)
    text = str(trend).splitlines()
    assert text[0].split() == ["week", "topic", "count", "share", "count_change", "share_change"]
    assert text[1].split()[-5:] == ["billing", "2", "66.7%", "n/a", "n/a"]
    assert text[-1].split()[-6:] == ["delivery", "1", "50.0%", "+1", "+50.0", "pp"]


def test_paths_are_normalised_and_case_kept() -> None:
    conversation = Conversation(
        "c1",
        [
            Message("m1", T0, "customer", tags=[" billing / refund ", "billing/refund/"]),
            Message("m2", T0, "customer", tags=["Billing/Refund"]),
            Message("m3", T0, "customer", tags=["/"]),
        ],
    )
    result = topics([conversation], level=2)
    assert result.counts() == {"Billing/Refund": 1, "billing/refund": 1}
    assert result.untagged == 1  # "/" names no topic
    # "a/b.c" sorts between "a/b" and "a/b/c" as text; "a/b" still counts once.
    odd = Conversation("c2", [Message("m1", T0, "customer", tags=["a/b", "a/b.c", "a/b/c"])])
    assert topics([odd], level=2).counts() == {"a/b": 1, "a/b.c": 1}
    assert topics([odd], level=2, per="conversation").counts() == {"a/b": 1, "a/b.c": 1}


def test_nothing() -> None:
    result = topics([])
    assert (result.count, result.untagged, result.untagged_share) == (0, 0, None)
    assert result.top() == []
    assert str(result) == "n/a"
    only_agents = [Conversation("c1", [Message("r1", T0, "agent", tags=["x"])], tags=["y"])]
    assert topics(only_agents, per="conversation").count == 0


def test_bad_options() -> None:
    with pytest.raises(InvalidParameterError, match=r"topics\(\): 'level' must be an int >= 1"):
        topics([], level=0)
    with pytest.raises(InvalidParameterError, match=r"topics\(\): 'per'"):
        topics([], per="tweet")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"TopicResult\.at_level\(\): 'level'"):
        topics([]).at_level(True)


@settings(max_examples=40)
@given(rich_conversations(), st.sampled_from(["message", "conversation"]), st.integers(1, 4))
def test_counts_match_the_reference(
    conversations: list[Conversation], per: str, level: int
) -> None:
    result = topics(conversations, per=per, level=level)  # type: ignore[arg-type]
    items = topic_items(conversations, per)
    expected = topic_counts(items, level)
    assert result.count == len(items)
    assert result.untagged == untagged(items)
    assert result.counts() == dict(sorted(expected.items(), key=lambda kv: (-kv[1], kv[0])))
    for row in result.top():
        assert math.isclose(row.share, row.count / result.count)
    # Each level's topics are the prefixes of the next level's.
    deeper = result.at_level(level + 1).counts()
    for name, count in deeper.items():
        assert result.counts()[name.rsplit("/", 1)[0]] >= count


@settings(max_examples=40)
@given(rich_conversations(), st.sampled_from(["message", "conversation"]), st.data())
def test_groups_add_up_per_topic(
    conversations: list[Conversation], per: str, data: st.DataObject
) -> None:
    result = topics(conversations, per=per)  # type: ignore[arg-type]
    key = data.draw(st.sampled_from(["agent", "channel", "day", "week"]))
    groups = result.by(key)
    total: Counter[str] = Counter()
    for part in groups.values():
        total.update(part.counts())
    assert total == Counter(result.counts())
    assert sum(part.untagged for part in groups.values()) == result.untagged
    # A group's row (all groups in one pass) is that group's own result.
    columns = groups.summary()
    for i, label in enumerate(columns[key]):
        part = groups[label]
        assert columns["top"][i] == (part.top(1)[0].name if part.count and part.top(1) else None)
        assert columns["untagged"][i] == part.untagged


@settings(max_examples=40)
@given(rich_conversations(), st.data())
def test_counting_two_halves_of_the_conversations_adds_up(
    conversations: list[Conversation], data: st.DataObject
) -> None:
    per = data.draw(st.sampled_from(["message", "conversation"]))
    first = data.draw(st.sets(st.sampled_from(range(max(len(conversations), 1)))))
    a = [c for i, c in enumerate(conversations) if i in first]
    b = [c for i, c in enumerate(conversations) if i not in first]
    whole = topics(conversations, per=per)  # type: ignore[arg-type]
    halves = [topics(part, per=per) for part in (a, b)]  # type: ignore[arg-type]
    assert Counter(halves[0].counts()) + Counter(halves[1].counts()) == Counter(whole.counts())
    assert halves[0].untagged + halves[1].untagged == whole.untagged
    assert halves[0].count + halves[1].count == whole.count


@settings(max_examples=40)
@given(rich_conversations())
def test_daily_trend_matches_the_reference(conversations: list[Conversation]) -> None:
    result = topics(conversations)
    trend = result.trend("day")
    items = topic_items(conversations, "message")
    per_day: Counter[tuple[object, str]] = Counter(
        (item.day, t) for item in items for t in topic_counts([item], 1)
    )
    totals = Counter(item.day for item in items)
    for row in trend.rows():
        day = row["day"].date()
        assert row["count"] == per_day[(day, row["topic"])]
        assert row["share"] == (row["count"] / totals[day] if totals[day] else None)
    assert len(trend) == len(trend.periods) * len(result.counts())


def test_results_pickle_with_their_tags() -> None:
    result = topics(worked_example(), per="conversation")
    copy = pickle.loads(pickle.dumps(result.by("agent")["bo"]))
    assert isinstance(copy, TopicResult)
    assert copy.counts() == {"delivery": 1}
    assert copy.at_level(2).counts() == {"delivery/late": 1}


def _random_table(
    n: int, seed: int, *, conversation_tags: bool, many_paths: bool
) -> tuple[MessageTable, list[Conversation]]:
    rng = np.random.default_rng(seed)
    pool = ["a/x", "a/y", "b/x/1", "b", "c/z", "a/x/2", "a-c/x", "a/x/1"]
    if many_paths:  # 150 more: masks of three 64-bit words
        pool += [f"t{i % 9}/s{i}" for i in range(150)]
    sets = [(), ("a/x",), ("b/x/1", "a/y"), ("c/z",), ("a/x", "a/x/2"), ("b",), ("a-c/x",)]
    sets += [(pool[-i], pool[-2 * i]) for i in range(1, 40)] if many_paths else []
    conversations = []
    for c in range(n // 4):
        messages = []
        for i in range(int(rng.integers(1, 8))):
            author = ["customer", "customer", "agent"][int(rng.integers(0, 3))]
            tags = sets[int(rng.integers(0, len(sets)))]
            messages.append(Message(f"m{i}", at(float(rng.integers(0, 500))), author, tags=tags))
        own = (pool[int(rng.integers(0, len(pool)))],) if conversation_tags and c % 3 else ()
        conversations.append(Conversation(f"c{c}", messages, assignee=f"agent{c % 700}", tags=own))
    return MessageTable.from_conversations(conversations), conversations


@pytest.mark.parametrize("conversation_tags", [False, True])
@pytest.mark.parametrize("many_paths", [False, True])
@pytest.mark.parametrize("mask_words", [8, 0])
def test_the_vectorised_paths_agree_with_the_reference_on_a_larger_table(
    conversation_tags: bool, many_paths: bool, mask_words: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Unions by bit masks of one or three words, or (mask_words=0) by sorting pairs; 700
    # agents by the tag sets: the per-group counts take their sparse path too.
    monkeypatch.setattr(content, "_MAX_MASK_WORDS", mask_words)
    table, conversations = _random_table(
        8_000, 7, conversation_tags=conversation_tags, many_paths=many_paths
    )
    for per in ("message", "conversation"):
        items = topic_items(conversations, per)
        for level in (1, 2, 3):
            result = topics(table, per=per, level=level)  # type: ignore[arg-type]
            assert result.counts() == dict(
                sorted(topic_counts(items, level).items(), key=lambda kv: (-kv[1], kv[0]))
            )
            assert result.untagged == untagged(items)
        groups = topics(table, per=per).by("agent")  # type: ignore[arg-type]
        rows = {row["agent"]: row for row in groups.to_dict()["groups"]}
        by_agent: dict[str | None, Counter[str]] = {}
        for item in items:
            by_agent.setdefault(item.agent, Counter()).update(topic_counts([item], 1))
        for agent, counter in by_agent.items():
            ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
            assert rows[agent]["top"] == (ranked[0][0] if ranked else None)


def test_tags_from_the_generic_loader(tmp_path: object) -> None:
    import pathlib

    path = pathlib.Path(str(tmp_path)) / "export.csv"
    path.write_text(
        "ticket,at,who,labels\n"
        "T1,2024-05-06T10:00:00Z,customer,billing/refund;delivery/late\n"
        "T1,2024-05-06T10:05:00Z,agent,\n"
        "T2,2024-05-06T11:00:00Z,customer,billing/invoice\n"
        "T2,2024-05-06T11:30:00Z,customer,\n"
    )
    loaded = load_messages(
        path,
        columns={"conversation_id": "ticket", "sent_at": "at", "author": "who", "tags": "labels"},
    )
    result = topics(loaded.table)
    assert result.counts() == {"billing": 2, "delivery": 1}
    assert result.untagged == 1
    assert topics(loaded.table, per="conversation", level=2).counts() == {
        "billing/invoice": 1,
        "billing/refund": 1,
        "delivery/late": 1,
    }
