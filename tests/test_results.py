"""The duration format and the result object's output."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcare_metrics import (
    Conversation,
    InvalidParameterError,
    Message,
    format_duration,
    reply_wait_time,
)

UNITS = {"s": 1, "min": 60, "h": 3600, "d": 86400}


def parse(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = text.lstrip("-").split()
    return sign * sum(int(n) * UNITS[u] for n, u in zip(parts[::2], parts[1::2], strict=True))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(minutes=7, seconds=30), "7 min"),
        (timedelta(0), "0 s"),
        (59.999, "59 s"),
        (60, "1 min"),
        (3600, "1 h"),
        (3600 + 59, "1 h"),
        (86400 + 120, "1 d 2 min"),
        (timedelta(days=3, hours=4, minutes=5, seconds=59), "3 d 4 h 5 min"),
        (-90, "-1 min"),
        (None, "n/a"),
    ],
)
def test_format_duration_examples(value: timedelta | float | None, text: str) -> None:
    assert format_duration(value) == text


@given(st.floats(min_value=0, max_value=400 * 86400, allow_nan=False))
def test_format_duration_truncates(seconds: float) -> None:
    text = format_duration(seconds)
    if seconds < 60:
        assert parse(text) == math.floor(seconds)
    else:
        # Whole minutes, truncated: the display is the floor.
        assert parse(text) == math.floor(seconds / 60) * 60
        assert "s" not in text.split()


@given(st.integers(min_value=0, max_value=10**12))
def test_timedelta_and_seconds_format_alike(micros: int) -> None:
    td = timedelta(microseconds=micros)
    assert format_duration(td) == format_duration(micros // 1_000_000)


@pytest.mark.parametrize("bad", [float("inf"), float("nan"), "7", True])
def test_format_duration_rejects(bad: object) -> None:
    with pytest.raises(InvalidParameterError, match="format_duration"):
        format_duration(bad)  # type: ignore[arg-type]


def test_result_outputs() -> None:
    t0 = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)
    conv = Conversation(
        "c1",
        [
            Message("q1", t0, "customer"),
            Message("a1", t0 + timedelta(minutes=5), "agent", agent_id="ana"),
            Message("q2", t0 + timedelta(minutes=6), "customer"),
            Message("a2", t0 + timedelta(minutes=16), "agent", agent_id="bo"),
        ],
        channel="twitter",
    )
    result = reply_wait_time([conv])
    d = result.to_dict()
    assert d["count"] == 2
    assert d["mean"] == 450.0
    assert d["min"] == 300.0
    assert d["max"] == 600.0
    assert d["median"] == 450.0
    assert d["p90"] == pytest.approx(570.0)
    assert "7 min" in repr(result)
    assert "<caption>reply wait time</caption>" in result._repr_html_()
    assert result.seconds.tolist() == [300.0, 600.0]
    with pytest.raises(ValueError, match="read-only"):
        result.seconds[0] = 1.0
    assert {k: str(v) for k, v in result.by("agent").items()} == {"ana": "5 min", "bo": "10 min"}
    with pytest.raises(InvalidParameterError, match="'k'"):
        result.slowest(-1)


@given(st.lists(st.integers(0, 5), min_size=1, max_size=30), st.integers(0, 35))
def test_slowest_equals_a_full_stable_sort(waits: list[int], k: int) -> None:
    """Ties included: the k longest, longest first, earlier items first among equals."""
    t0 = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)
    convs = [
        Conversation(
            f"c{i:02d}",
            [
                Message("q", t0, "customer"),
                Message("a", t0 + timedelta(minutes=w), "agent"),
            ],
        )
        for i, w in enumerate(waits)
    ]
    got = [(s.conversation_id, s.duration) for s in reply_wait_time(convs).slowest(k)]
    expected = sorted(enumerate(waits), key=lambda item: -item[1])[:k]
    assert got == [(f"c{i:02d}", timedelta(minutes=w)) for i, w in expected]
