"""Customer sentiment: thresholds, shares, positive ratio and net sentiment against a
reference; the trend; per topic; scorers and the VADER extra."""

from __future__ import annotations

import builtins
import math
import pickle
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content_reference import customer_messages, sentiment_counts, topics_of, utc_day
from content_strategies import rich_conversations
from socialcare_metrics import (
    Conversation,
    InvalidDataError,
    InvalidParameterError,
    Message,
    MessageTable,
    SentimentResult,
    customer_sentiment,
    score_sentiment,
    topics,
    vader_scorer,
)

T0 = datetime(2024, 5, 6, 10, tzinfo=UTC)  # a Monday


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def worked_example() -> list[Conversation]:
    """By hand. Week 1: scores 0.8, 0.05 (positive: on the threshold), 0.0 (neutral), -0.05
    (negative: on the threshold), -0.9, and one unscored; a private note and an agent's
    message, scored, do not count. Week 2: 0.6, 0.3, -0.2."""
    return [
        Conversation(
            "c1",
            [
                Message("m1", at(0), "customer", sentiment=0.8, tags=["feedback/praise"]),
                Message("m2", at(1), "customer", sentiment=0.05, tags=["billing/refund"]),
                Message("m3", at(2), "customer", sentiment=0.0),
                Message("m4", at(3), "customer", sentiment=-0.05, tags=["billing/invoice"]),
                Message("m5", at(4), "customer", sentiment=-0.9, tags=["billing/refund"]),
                Message("m6", at(5), "customer", tags=["billing/refund"]),
                Message("n1", at(6), "customer", sentiment=-1.0, private=True),
                Message("r1", at(7), "agent", agent_id="ana", sentiment=1.0),
            ],
            assignee="ana",
            channel="twitter",
        ),
        Conversation(
            "c2",
            [
                Message("m1", at(24 * 7), "customer", sentiment=0.6),
                Message("m2", at(24 * 7 + 1), "customer", sentiment=0.3),
                Message("m3", at(24 * 7 + 2), "customer", sentiment=-0.2),
            ],
            assignee="bo",
            channel="facebook",
        ),
    ]


def test_worked_example() -> None:
    result = customer_sentiment(worked_example())
    # Positive: 0.8, 0.05, 0.6, 0.3; neutral: 0.0; negative: -0.05, -0.9, -0.2.
    assert (result.count, result.unscored) == (8, 1)
    assert (result.positive, result.neutral, result.negative) == (4, 1, 3)
    assert (result.positive_share, result.neutral_share, result.negative_share) == (
        0.5,
        0.125,
        0.375,
    )
    assert result.positive_ratio == 4 / 7
    assert result.net_sentiment == result.value == 12.5  # (4 - 3) / 8 x 100
    assert str(result) == "+12.5"
    assert result.to_dict() == {
        "name": "customer sentiment",
        "parameters": {"positive_threshold": 0.05, "negative_threshold": -0.05},
        "count": 8,
        "unscored": 1,
        "positive": 4,
        "neutral": 1,
        "negative": 3,
        "positive_share": 0.5,
        "neutral_share": 0.125,
        "negative_share": 0.375,
        "positive_ratio": 4 / 7,
        "net_sentiment": 12.5,
    }
    assert result.describe().splitlines()[0] == "customer sentiment"


def test_thresholds_are_parameters() -> None:
    strict = customer_sentiment(worked_example(), positive_threshold=0.5, negative_threshold=-0.5)
    # Positive: 0.8, 0.6; negative: -0.9; the other five are neutral.
    assert (strict.positive, strict.neutral, strict.negative) == (2, 5, 1)
    assert strict.net_sentiment == 12.5
    assert strict.to_dict()["parameters"] == {"positive_threshold": 0.5, "negative_threshold": -0.5}


@pytest.mark.parametrize(
    ("options", "parameter", "message"),
    [
        ({"positive_threshold": 1.5}, "positive_threshold", r"a number in \[-1, 1\]"),
        ({"negative_threshold": float("nan")}, "negative_threshold", r"a number in \[-1, 1\]"),
        ({"negative_threshold": 0.2}, "negative_threshold", r"below 'positive_threshold' \(0.05\)"),
        ({"positive_threshold": -0.1}, "positive_threshold", r"above 'negative_threshold'"),
        (
            {"positive_threshold": 0.1, "negative_threshold": 0.1},
            "positive_threshold",
            r"above 'negative_threshold' \(0.1\)",
        ),
        ({"scorer": "vader"}, "scorer", "a callable"),
    ],
)
def test_bad_options(options: dict[str, Any], parameter: str, message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message) as caught:
        customer_sentiment(worked_example(), **options)
    assert (caught.value.function, caught.value.parameter) == ("customer_sentiment", parameter)


def test_nothing_scored() -> None:
    result = customer_sentiment([Conversation("c1", [Message("m1", T0, "customer")])])
    assert (result.count, result.unscored, result.value) == (0, 1, None)
    assert result.positive_ratio is None
    assert str(result) == "n/a"
    only_neutral = customer_sentiment(
        [Conversation("c1", [Message("m1", T0, "customer", sentiment=0.0)])]
    )
    assert only_neutral.positive_ratio is None  # neither positive nor negative
    assert only_neutral.net_sentiment == 0.0
    table = MessageTable.from_columns(conversation_id=["c1"], sent_at=[T0], author=["customer"])
    assert customer_sentiment(table).unscored == 1


def test_worked_example_trend() -> None:
    trend = customer_sentiment(worked_example()).trend("week")
    rows = trend.rows()
    assert [(r["count"], r["positive"], r["negative"], r["net_sentiment"]) for r in rows] == [
        (5, 2, 2, 0.0),
        (3, 2, 1, 100 / 3),
    ]
    assert rows[0]["net_sentiment_change"] is None
    assert rows[1]["net_sentiment_change"] == pytest.approx(100 / 3)
    assert rows[1]["positive_ratio_change"] == pytest.approx(2 / 3 - 1 / 2)
    assert rows[1]["negative_share_change"] == pytest.approx(1 / 3 - 2 / 5)
    assert trend.key is None
    frame = trend.to_pandas()
    assert frame["net_sentiment_change"].isna().tolist() == [True, False]
    assert trend.to_dict()["rows"][1]["week"] == "2024-05-13T00:00:00+00:00"
    assert "net_sentiment_change" in str(trend).splitlines()[0]


def test_by_topic() -> None:
    result = customer_sentiment(worked_example())
    topics_ = result.by_topic()
    assert list(topics_) == ["billing", "feedback", None]
    billing = topics_["billing"]
    # m2 0.05, m4 -0.05, m5 -0.9 scored; m6 unscored.
    assert (billing.count, billing.unscored, billing.positive, billing.negative) == (3, 1, 1, 2)
    sub = result.by_topic(level=2)
    assert list(sub) == ["billing/invoice", "billing/refund", "feedback/praise", None]
    assert sub["billing/refund"].count == 2
    frame = sub.to_pandas()
    assert frame["topic"].tolist() == ["billing/invoice", "billing/refund", "feedback/praise", None]
    with pytest.raises(InvalidParameterError, match=r"by_topic\(\): 'level'"):
        result.by_topic(0)


def test_by_topic_reads_tags_a_topics_call_left_on_the_table() -> None:
    table = MessageTable.from_conversations(worked_example())
    topics(table)  # encodes the tags once
    result = customer_sentiment(table)
    assert result.by_topic()["billing"].count == 3


def test_results_pickle_small_and_keep_their_topics() -> None:
    table = MessageTable.from_conversations(worked_example())
    result = customer_sentiment(table).by("agent")["bo"]
    copy = pickle.loads(pickle.dumps(result))
    assert isinstance(copy, SentimentResult)
    assert copy.to_dict() == result.to_dict()
    assert list(copy.by_topic()) == [None]
    ana = pickle.loads(pickle.dumps(customer_sentiment(table).by("agent")["ana"]))
    assert list(ana.by_topic()) == ["billing", "feedback", None]


@settings(max_examples=40)
@given(rich_conversations(), st.sampled_from([(0.05, -0.05), (0.0, -0.5), (1.0, -1.0)]))
def test_counts_and_shares_match_the_reference(
    conversations: list[Conversation], thresholds: tuple[float, float]
) -> None:
    positive, negative = thresholds
    result = customer_sentiment(
        conversations, positive_threshold=positive, negative_threshold=negative
    )
    expected = sentiment_counts([m for _, m in customer_messages(conversations)], *thresholds)
    assert (result.count, result.unscored) == (expected.scored, expected.unscored)
    assert (result.positive, result.neutral, result.negative) == (
        expected.positive,
        expected.neutral,
        expected.negative,
    )
    if result.count:
        shares = (result.positive_share, result.neutral_share, result.negative_share)
        assert math.isclose(sum(s for s in shares if s is not None), 1.0)
        assert result.net_sentiment is not None
        assert -100 <= result.net_sentiment <= 100
        assert math.isclose(
            result.net_sentiment, 100 * (expected.positive - expected.negative) / expected.scored
        )
    else:
        assert result.net_sentiment is None
    polar = expected.positive + expected.negative
    assert result.positive_ratio == (expected.positive / polar if polar else None)


@settings(max_examples=40)
@given(rich_conversations(), st.sampled_from(["agent", "channel", "day"]))
def test_trend_is_the_split_by_period_with_changes(
    conversations: list[Conversation], unit: str
) -> None:
    result = customer_sentiment(conversations)
    if unit != "day":
        groups = result.by(unit)
        assert sum(g.positive for g in groups.values()) == result.positive
        return
    trend = result.trend("day")
    rows = trend.rows()
    groups = result.by("day")
    assert [r["day"] for r in rows] == list(groups)
    previous = None
    for row, part in zip(rows, groups.values(), strict=True):
        assert row["count"] == part.count
        assert row["net_sentiment"] == part.net_sentiment
        if previous is None or previous["net_sentiment"] is None or row["net_sentiment"] is None:
            assert row["net_sentiment_change"] is None
        else:
            assert row["net_sentiment_change"] == pytest.approx(
                row["net_sentiment"] - previous["net_sentiment"]
            )
        previous = row
    days = {utc_day(m) for _, m in customer_messages(conversations)}
    assert {r["day"].date() for r in rows if r["count"] + r["unscored"]} == days


@settings(max_examples=40)
@given(rich_conversations(), st.integers(1, 3))
def test_by_topic_is_the_sentiment_of_each_topics_messages(
    conversations: list[Conversation], level: int
) -> None:
    result = customer_sentiment(conversations).by_topic(level)
    messages = [m for _, m in customer_messages(conversations)]
    names = sorted({t for m in messages for t in topics_of(m.tags, level)})
    expected_labels: list[str | None] = list(names)
    if any(not topics_of(m.tags, level) for m in messages):
        expected_labels.append(None)
    assert list(result) == expected_labels
    for label, part in result.items():
        mine = [
            m
            for m in messages
            if (label in topics_of(m.tags, level) if label else not topics_of(m.tags, level))
        ]
        expected = sentiment_counts(mine)
        assert (part.count, part.unscored, part.positive, part.negative) == (
            expected.scored,
            expected.unscored,
            expected.positive,
            expected.negative,
        )


@settings(max_examples=40)
@given(rich_conversations(), st.data())
def test_counting_two_halves_of_the_conversations_adds_up(
    conversations: list[Conversation], data: st.DataObject
) -> None:
    first = data.draw(st.sets(st.sampled_from(range(max(len(conversations), 1)))))
    halves = [
        customer_sentiment([c for i, c in enumerate(conversations) if (i in first) == side])
        for side in (True, False)
    ]
    whole = customer_sentiment(conversations)
    for name in ("count", "unscored", "positive", "neutral", "negative"):
        assert getattr(halves[0], name) + getattr(halves[1], name) == getattr(whole, name)


# --- scorers --------------------------------------------------------------------------------


def by_words(text: str) -> float:
    """A toy scorer: +0.5 per "good", -0.5 per "bad", clipped to [-1, 1]."""
    words = text.lower().split()
    return max(-1.0, min(1.0, 0.5 * words.count("good") - 0.5 * words.count("bad")))


def texts() -> list[Conversation]:
    return [
        Conversation(
            "c1",
            [
                Message("m1", at(0), "customer", text="good good", sentiment=-1.0),
                Message("m2", at(1), "customer", text="bad"),
                Message("m3", at(2), "customer", text="  ", sentiment=0.9),
                Message("m4", at(3), "agent", text="bad bad", sentiment=0.4),
                Message("m5", at(4), "customer", text="good good"),
            ],
        )
    ]


def test_a_scorer_scores_every_customer_message_with_text() -> None:
    table = score_sentiment(texts(), by_words)
    assert table.sentiment is not None
    # The scorer replaces customer scores; no text is unscored; the agent keeps its own.
    assert table.sentiment.tolist()[:2] == [1.0, -0.5]
    assert math.isnan(table.sentiment[2])
    assert table.sentiment.tolist()[3:] == [0.4, 1.0]
    result = customer_sentiment(texts(), scorer=by_words)
    assert (result.positive, result.negative, result.unscored) == (2, 1, 1)


def test_a_scorer_is_called_once_per_distinct_text() -> None:
    calls: list[str] = []

    def counting(text: str) -> float:
        calls.append(text)
        return 0.0

    customer_sentiment(texts(), scorer=counting)
    assert sorted(calls) == ["bad", "good good"]


@pytest.mark.parametrize("bad", [1.5, -1.01, float("nan"), float("inf"), "0.3", True, None])
def test_a_score_outside_the_scale_names_the_message(bad: object) -> None:
    def scorer(text: str) -> Any:
        return bad if text == "bad" else 0.0

    with pytest.raises(InvalidDataError) as caught:
        customer_sentiment(texts(), scorer=scorer)
    message = str(caught.value)
    assert message.startswith("customer_sentiment, column 'sentiment', row 1: expected a score")
    assert "for message 'm2' of conversation 'c1'" in message
    with pytest.raises(InvalidDataError, match=r"^score_sentiment, column 'sentiment', row 1"):
        score_sentiment(texts(), scorer)


def test_score_sentiment_needs_a_callable() -> None:
    with pytest.raises(InvalidParameterError, match=r"score_sentiment\(\): 'scorer'"):
        score_sentiment(texts(), None)  # type: ignore[arg-type]


def test_a_scorer_on_a_table_without_text_scores_nothing() -> None:
    table = MessageTable.from_columns(
        conversation_id=["c1"], sent_at=[T0], author=["customer"], sentiment=[0.7]
    )
    assert customer_sentiment(table, scorer=by_words).unscored == 1


def test_numpy_scores_are_accepted() -> None:
    result = customer_sentiment(texts(), scorer=lambda text: np.float32(0.25))
    assert result.positive == 3


def test_vader_scores_english() -> None:
    score = vader_scorer()
    assert score("Thank you so much, great help!") > 0.5
    assert score("This is terrible, still no refund") < -0.5
    assert score("") == 0.0
    assert "English" in repr(score)
    result = customer_sentiment(
        [
            Conversation(
                "c1",
                [
                    Message("m1", T0, "customer", text="Love it, thanks!"),
                    Message("m2", T0, "customer", text="Worst service ever."),
                    Message("m3", T0, "customer", text="The parcel arrived."),
                ],
            )
        ],
        scorer=score,
    )
    assert (result.positive, result.neutral, result.negative) == (1, 1, 1)


def test_a_missing_vader_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_vader(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("vaderSentiment"):
            raise ImportError("No module named 'vaderSentiment'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_vader)
    with pytest.raises(ImportError, match=r"pip install 'socialcare-metrics\[vader\]'"):
        vader_scorer()
