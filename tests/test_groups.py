"""The result base: grouped statistics in one pass, splits by several keys, and every output."""

from __future__ import annotations

import itertools
import json
import math
import pickle
import sys
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcare_metrics import (
    BusinessCalendar,
    Conversation,
    InvalidParameterError,
    Message,
    MessageTable,
    SurveyResponse,
    SurveyTable,
    Task,
    csat,
    first_reply_time,
    nps,
    reply_rate,
    reply_wait_time,
    sample_conversations,
    task_performance,
)
from socialcare_metrics.results._stats import sort_within_groups

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def sample() -> MessageTable:
    return MessageTable.from_conversations(sample_conversations(n_conversations=600))


# --- the grouped statistics against numpy and exact arithmetic ------------------------------------

values_and_codes = st.integers(1, 6).flatmap(
    lambda n_groups: st.tuples(
        st.just(n_groups),
        st.lists(
            st.tuples(
                st.integers(0, n_groups - 1),
                st.one_of(
                    st.integers(0, 10**12),  # the combined-key path
                    st.integers(-(2**62), 2**62),  # spans too wide to combine: the rank path
                ),
            ),
            max_size=60,
        ),
    )
)


@given(values_and_codes, st.floats(0, 100))
def test_group_percentiles_equal_numpy_exactly(data: tuple[int, list[tuple[int, int]]], q: float):
    n_groups, pairs = data
    codes = np.array([c for c, _ in pairs], dtype=np.int64)
    values = np.array([v for _, v in pairs], dtype=np.int64)
    groups = sort_within_groups(values, codes, n_groups)
    got = groups.percentile(q)
    for g in range(n_groups):
        mine = values[codes == g]
        assert groups.counts[g] == mine.size
        if mine.size == 0:
            assert np.isnan(got[g])
            continue
        assert got[g] == np.percentile(mine, q)
        assert groups.minimum()[g] == mine.min()
        assert groups.maximum()[g] == mine.max()


@given(
    st.lists(st.integers(2**53, 2**55), min_size=2, max_size=8),
    st.floats(0, 100),
)
def test_percentiles_of_values_beyond_float_precision_equal_numpy(
    values: list[int], q: float
) -> None:
    # Above 2**53 ns (about 104 days) not every integer is a float: the interpolation must take
    # the difference of two values in integers, as numpy does, to give numpy's answer.
    array = np.array(values, dtype=np.int64)
    groups = sort_within_groups(array, np.zeros(array.size, dtype=np.int64), 1)
    assert groups.percentile(q)[0] == np.percentile(array, q)


@given(values_and_codes)
def test_group_means_are_exact(data: tuple[int, list[tuple[int, int]]]) -> None:
    n_groups, pairs = data
    codes = np.array([c for c, _ in pairs], dtype=np.int64)
    values = np.array([v % 10**15 for _, v in pairs], dtype=np.int64)
    means = sort_within_groups(values, codes, n_groups).mean_us()
    for g in range(n_groups):
        mine = [int(v) for v, c in zip(values, codes, strict=True) if c == g]
        if not mine:
            continue
        exact = Fraction(sum(mine), len(mine) * 1000)  # in microseconds
        assert means[g] == math.floor(exact + Fraction(1, 2))  # rounded half up


def test_the_seed_example_mean_is_exact() -> None:
    # 5 and 10 minutes: exactly 7 min 30 s, and its display floors to whole minutes.
    values = np.array([300, 600], dtype=np.int64) * 10**9
    groups = sort_within_groups(values, np.zeros(2, dtype=np.int64), 1)
    assert groups.mean_us()[0] == 450 * 10**6


# --- by() over one key or several ---------------------------------------------------------------


def test_by_two_keys_gives_the_combinations_with_items(sample: MessageTable) -> None:
    result = reply_wait_time(sample)
    groups = result.by("agent", "day")
    assert groups.keys_used == ("agent", "day")
    labels = list(groups)
    assert labels
    assert all(isinstance(label, tuple) and len(label) == 2 for label in labels)
    assert sum(groups[label].count + groups[label].pending for label in labels) == (
        result.count + result.pending
    )
    assert all(groups[label].count + groups[label].pending > 0 for label in labels)
    # Ordered by the first key, then the second, as the one-key splits order them.
    agents = list(result.by("agent"))
    assert [label[0] for label in labels] == sorted(
        (label[0] for label in labels), key=agents.index
    )
    # Each combination is the intersection of the one-key groups.
    agent, day = labels[len(labels) // 2]
    both = groups[(agent, day)]
    by_day_of_agent = result.by("agent")[agent].by("day")
    assert both.to_dict() == by_day_of_agent[day].to_dict()


def test_one_period_key_keeps_empty_periods(sample: MessageTable) -> None:
    days = reply_rate(sample).by("day")
    starts = list(days)
    assert all(b - a == timedelta(days=1) for a, b in itertools.pairwise(starts))


def test_a_split_by_period_over_centuries() -> None:
    # Two waits 300 years apart: by day alone lists every day between them (109,574 periods),
    # which is refused; with another key only the combinations that have items are built.
    t0 = datetime(1724, 5, 6, 9, tzinfo=UTC)
    t1 = datetime(2024, 5, 6, 9, tzinfo=UTC)
    conversations = [
        Conversation(
            cid,
            [
                Message("q", t, "customer"),
                Message("a", t + timedelta(minutes=5), "agent", agent_id=agent),
            ],
        )
        for cid, t, agent in (("old", t0, "ana"), ("new", t1, "bo"))
    ]
    result = reply_wait_time(conversations)
    with pytest.raises(InvalidParameterError) as info:
        result.by("day", tz="Europe/Berlin")
    assert (info.value.function, info.value.parameter) == ("DurationResult.by", "key")
    assert "109,574 days" in str(info.value)
    assert "by('agent', 'day')" in str(info.value)
    berlin = ZoneInfo("Europe/Berlin")
    split = result.by("agent", "day", tz="Europe/Berlin")
    assert list(split) == [
        ("ana", datetime(1724, 5, 6, tzinfo=berlin)),
        ("bo", datetime(2024, 5, 6, tzinfo=berlin)),
    ]
    assert [g.count for g in split.values()] == [1, 1]
    hours = result.by("channel", "hour")
    assert list(hours) == [(None, datetime(1724, 5, 6, 9, tzinfo=UTC)), (None, t1)]
    # Coarser periods fit in the limit, empty ones included.
    assert len(result.by("month")) == 3601


@pytest.mark.parametrize(
    ("keys", "tz", "parameter"),
    [
        ((), None, "keys"),
        (("agent", "agent"), None, "keys"),
        (("team",), None, "key"),
        ((7,), None, "key"),
        (("agent",), "UTC", "tz"),
        (("agent", "channel"), "UTC", "tz"),
        (("day",), "Mars/Olympus", "tz"),
    ],
)
def test_bad_splits_say_what_was_wrong(
    sample: MessageTable, keys: tuple[object, ...], tz: object, parameter: str
) -> None:
    result = reply_wait_time(sample)
    with pytest.raises(InvalidParameterError, match=rf"DurationResult.by\(\): '{parameter}'"):
        result.by(*keys, tz=tz)  # type: ignore[arg-type]


def test_groups_are_a_read_only_mapping(sample: MessageTable) -> None:
    groups = reply_wait_time(sample).by("channel")
    assert len(groups) == len(list(groups)) == len(groups.keys())
    assert "twitter" in groups
    assert "fax" not in groups
    assert [] not in groups  # an unhashable label is simply absent
    with pytest.raises(KeyError):
        groups["fax"]
    assert dict(groups.items()).keys() == set(groups)
    assert reply_wait_time([]).by("agent") == {}


# --- one row per group, computed for all groups at once ----------------------------------------


def test_each_row_equals_its_group_result(sample: MessageTable) -> None:
    result = reply_wait_time(sample)
    grouped = result.by("agent", "week").to_dict()
    assert grouped["by"] == ["agent", "week"]
    json.dumps(grouped, allow_nan=False)
    groups = result.by("agent", "week")
    for row, label in zip(grouped["groups"], groups, strict=True):
        own = groups[label].to_dict()
        assert row["agent"] == label[0]
        assert row["week"] == label[1].isoformat()
        for name in ("count", "pending", "mean", "median", "p90", "min", "max"):
            assert row[name] == own[name], (label, name)


def test_to_pandas_has_one_row_per_group(sample: MessageTable) -> None:
    calendar = BusinessCalendar.always_open("Europe/Berlin")
    result = first_reply_time(sample, calendar=calendar)
    frame = result.by("day").to_pandas()
    assert len(frame) == len(result.by("day"))
    assert str(frame["day"].dt.tz) == "Europe/Berlin"  # the calendar's zone
    assert frame["day"].dt.hour.eq(0).all()
    assert frame["count"].sum() == result.count
    assert str(frame["mean"].dtype) == "Float64"  # undefined is <NA>, never NaN
    empty_days = frame[frame["count"] == 0]
    assert empty_days["mean"].isna().all()
    whole = result.to_pandas()
    assert len(whole) == 1
    assert whole["count"].iloc[0] == result.count


def test_to_arrow_matches_to_pandas(sample: MessageTable) -> None:
    groups = reply_rate(sample).by("channel")
    table = groups.to_arrow()
    assert isinstance(table, pa.Table)
    frame = groups.to_pandas()
    assert table.column("channel").to_pylist() == frame["channel"].tolist()
    assert table.column("numerator").to_pylist() == frame["numerator"].tolist()
    assert reply_rate(sample).to_arrow().num_rows == 1


def test_text_and_html_show_every_group(sample: MessageTable) -> None:
    groups = reply_wait_time(sample).by("agent")
    text = str(groups)
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["agent", "count", "pending"]
    assert len(lines) == len(groups) + 1
    assert any(line.startswith("(none)") for line in lines)  # the unassigned group
    html = groups._repr_html_()
    assert html.count("<tr>") == len(groups) + 1
    assert "Groups of DurationResult by agent" in repr(groups)


def test_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch, sample: MessageTable) -> None:
    result = reply_rate(sample)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'socialcare-metrics\[pandas\]'"):
        result.by("agent").to_pandas()
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match=r"socialcare-metrics\[pyarrow\]"):
        result.to_arrow()


# --- results hold what they need, not the table --------------------------------------------------


def test_one_agents_result_pickles_small() -> None:
    rng = np.random.default_rng(7)
    n = 200_000
    conversation = np.sort(rng.integers(0, 40_000, n))
    table = MessageTable.from_columns(
        conversation_id=np.char.add("conversation-", conversation.astype(str)),
        sent_at=np.datetime64("2024-05-06T00:00", "ns")
        + rng.integers(0, 30 * 86_400, n).astype("timedelta64[s]"),
        author=np.where(rng.random(n) < 0.5, "customer", "agent"),
        agent_id=np.array([f"agent {i}" for i in range(20)])[rng.integers(0, 20, n)],
        text=np.full(n, "a message of some length to make the table heavy"),
    )
    for metric in (first_reply_time, reply_wait_time):
        result = metric(table)
        one = result.by("agent")["agent 3"]
        data = pickle.dumps(one)
        assert len(data) <= 1_000_000
        copy = pickle.loads(data)
        assert copy.to_dict() == one.to_dict()
        assert copy.slowest(3) == one.slowest(3)  # the labels survive compaction
        assert len(pickle.dumps(result)) < len(pickle.dumps(table)) / 2


def test_a_split_result_does_not_keep_the_table(sample: MessageTable) -> None:
    result = reply_wait_time(sample)
    assert not any(isinstance(v, MessageTable) for v in vars_of(result))


def vars_of(obj: object) -> list[object]:
    return [getattr(obj, name) for name in getattr(type(obj), "__slots__", ())]


def test_durations_are_exact_at_any_scale() -> None:
    # A wait of 200 days and 1 ns: float seconds would lose the nanosecond; the measure keeps it.
    table = MessageTable.from_columns(
        conversation_id=["c", "c"],
        sent_at=np.array(
            [np.datetime64("2024-01-01T00:00:00", "ns"), np.datetime64("2024-07-19T00:00:00", "ns")]
        )
        + np.array([0, 1], dtype="timedelta64[ns]"),
        author=["customer", "agent"],
    )
    result = first_reply_time(table)
    assert int(result.nanoseconds[0]) == 200 * 86_400 * 10**9 + 1
    assert result.max == timedelta(days=200)  # rounded half up to the microsecond
    assert result.to_dict()["mean"] == 200 * 86_400.0


# --- what a new user ran into ---------------------------------------------------------------


def test_arrow_periods_keep_the_zone_across_dst(sample: MessageTable) -> None:
    groups = first_reply_time(sample).by("week", tz="Europe/Berlin")
    table = groups.to_arrow()
    assert str(table.schema.field("week").type) == "timestamp[us, tz=Europe/Berlin]"
    local_starts = [v.replace(tzinfo=None) for v in table.column("week").to_pylist()]
    assert local_starts == [label.replace(tzinfo=None) for label in groups]
    assert all(start.hour == 0 and start.weekday() == 0 for start in local_starts)


def test_the_group_without_a_name_is_none_in_a_data_frame(sample: MessageTable) -> None:
    groups = reply_wait_time(sample).by("agent")
    frame = groups.to_pandas()
    assert frame["agent"].iloc[-1] is None
    assert groups[frame["agent"].iloc[-1]].count == 0  # the key looks its group up


@pytest.mark.parametrize("metric", [csat, nps])
def test_survey_results_and_tables_pickle(metric: Any) -> None:
    responses = [
        SurveyResponse(metric.__name__, score, datetime(2024, 5, day, tzinfo=UTC), agent_id=agent)
        for day, score, agent in [(6, 4, "ana"), (7, 2, None), (8, 5, "ana"), (9, 3, "ben")]
    ]
    result = metric(responses)
    for value in (result, result.by("agent")["ana"], SurveyTable.from_responses(responses)):
        copy = pickle.loads(pickle.dumps(value))
        if isinstance(value, SurveyTable):
            assert metric(copy).to_dict() == result.to_dict()
        else:
            assert copy.to_dict() == value.to_dict()


def test_a_table_pickles_without_its_cache(sample: MessageTable) -> None:
    reply_wait_time(sample)  # fills the derived-data cache
    copy = pickle.loads(pickle.dumps(sample))
    assert not copy.sent_at.flags.writeable
    assert reply_wait_time(copy).to_dict() == reply_wait_time(sample).to_dict()


def test_keys_as_a_list_and_two_periods_are_refused_with_a_hint(sample: MessageTable) -> None:
    result = reply_wait_time(sample)
    with pytest.raises(InvalidParameterError, match="separate arguments"):
        result.by(["agent", "day"])  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="at most one period"):
        result.by("day", "week")


def test_a_bad_element_of_the_data_is_named() -> None:
    with pytest.raises(InvalidParameterError, match=r"first_reply_time\(\): 'data\[1\]'"):
        first_reply_time([sample_conversations(n_conversations=1)[0], 1])  # type: ignore[list-item]
    with pytest.raises(InvalidParameterError, match=r"csat\(\): 'data\[0\]' must be a Surv"):
        csat(sample_conversations(n_conversations=1))  # type: ignore[arg-type]


def test_tasks_split_by_agent_as_by_assignee() -> None:
    t0 = datetime(2024, 5, 6, 9, tzinfo=UTC)
    tasks = [
        Task("t1", "ana", t0, completed_at=t0 + timedelta(hours=2)),
        Task("t2", "ben", t0),
    ]
    result = task_performance(tasks)
    assert list(result.by("agent")) == list(result.by("assignee")) == ["ana", "ben"]
    assert str(result) == "50.0%"


def test_describe_shows_every_statistic(sample: MessageTable) -> None:
    result = first_reply_time(sample)
    lines = result.describe().splitlines()
    assert lines[0] == "first reply time"
    assert [line.split()[0] for line in lines[1:]] == list(result.summary_row())
    assert lines[3].split(maxsplit=1)[1] == str(result)  # the mean, in whole units
    assert str(result) != result.describe()  # str() stays the headline
    assert reply_rate(sample).describe().splitlines()[-1].endswith("%")


def test_per_item_fields_must_agree_in_length(sample: MessageTable) -> None:
    result = reply_rate(sample)
    with pytest.raises(ValueError, match="per-item fields differ in length"):
        attrs.evolve(result, hit=np.zeros(1, dtype=bool))
