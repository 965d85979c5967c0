"""Mergeable states: the merge laws, partitions merged against the whole, JSON and pickle.

For every state of ``socialcare_metrics.states``:

- ``empty()`` is the identity of ``merge``, which is associative and commutative;
- one slice computed here gives the function's own result (exact);
- any partition of the conversations (or responses) into slices, each made a state and merged,
  gives what the function gives on the whole: identical counts, sums, means, rates, minimum,
  maximum and slowest items, overall and in every group of every key kept; percentiles within
  the sketch's 1%;
- states round-trip through JSON (``to_dict``/``from_dict``) and pickle, small;
- states of other options or groups refuse to merge, saying what differs.
"""

from __future__ import annotations

import functools
import inspect
import json
import pickle
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialcare_metrics import (
    BusinessCalendar,
    Conversation,
    InvalidDataError,
    InvalidParameterError,
    Message,
    MessageTable,
    Segment,
    SlaPolicy,
    SurveyResponse,
    Task,
    customer_sentiment,
    first_reply_time,
    inbound_volume,
    quick_replies,
    reply_wait_time,
    score_sentiment,
    task_performance,
    topics,
    voice_of_customer,
)
from socialcare_metrics.errors import StateMismatchError
from socialcare_metrics.metrics import REGISTRY
from socialcare_metrics.states import (
    RELATIVE_ACCURACY,
    STATES,
    CallDeflectionState,
    CsatState,
    CustomerSentimentState,
    DurationSummary,
    FirstReplyTimeState,
    HourOfWeekState,
    InboundVolumeState,
    MessagesReceivedState,
    MetricState,
    QuantileSketch,
    QuickRepliesState,
    ReplyRateState,
    ReplyWaitTimeState,
    SlaComplianceState,
    TaskPerformanceState,
    TaskSummary,
    TopicsState,
    VoiceOfCustomerState,
    VoiceSummary,
)
from socialcare_metrics.states._sketch import sketch_keys
from test_common import AFTER, CALENDAR, CAP, HOUR, REQUIRED, draw_options, inputs

CLASSES = list(STATES.values())
over_states = pytest.mark.parametrize("cls", CLASSES, ids=[cls._metric for cls in CLASSES])

#: The groups kept in the law tests: every name key the metric has, and days.
KEPT = {
    "messages": ("agent", "channel", "day"),
    "surveys": ("agent", "day"),
    "tasks": ("agent", "day"),
    "contacts": (),
}
#: The keys results are compared by: those kept, the periods days make, and combinations.
COMPARED: dict[str, tuple[tuple[str, ...], ...]] = {
    "messages": (
        ("agent",),
        ("channel",),
        ("day",),
        ("week",),
        ("month",),
        ("agent", "day"),
        ("channel", "agent", "month"),
    ),
    "surveys": (("agent",), ("day",), ("day", "agent")),
    "tasks": (("agent",), ("day",), ("week",), ("month", "agent")),
    "contacts": (),
}
T0 = datetime(2024, 3, 25, 9, 0, tzinfo=UTC)


def kept(cls: type[MetricState]) -> tuple[str, ...]:
    return tuple(k for k in KEPT[REGISTRY[cls._metric].input] if k in cls._allowed_by)


def options_for(cls: type[MetricState], draw: Any) -> dict[str, Any]:
    metric = REGISTRY[cls._metric]
    options = {**REQUIRED.get(metric.name, {}), **draw_options(metric, draw)}
    if cls._needs_as_of and options.get("as_of") is None and options.get("end") is None:
        options["as_of"] = AFTER
    # A function's own tz (hour of week's) is the state's tz=, given apart.
    options.pop("tz", None)
    # A sentiment state counts the scores the messages carry: no scorer (see below).
    if "scorer" in options:
        options["scorer"] = None
    return options


def with_tz(cls: type[MetricState], options: dict[str, Any], tz: str | None) -> dict[str, Any]:
    """The function's options for a state made with ``tz``."""
    takes_tz = "tz" in inspect.signature(REGISTRY[cls._metric].function).parameters
    return {**options, "tz": tz} if takes_tz else options


def objects(options: dict[str, Any]) -> dict[str, Any]:
    """The options ``from_dict`` needs again."""
    return {
        k: v for k, v in options.items() if k in ("calendar", "policy", "rules") and v is not None
    }


def as_rows(records: Any) -> Any:
    """Records to split into slices: call deflection's mapping as its rows."""
    return list(records.items()) if isinstance(records, dict) else records


def split(records: list[Any], draw: Any) -> list[list[Any]]:
    n_parts = draw(st.integers(1, 4))
    where = [draw(st.integers(0, n_parts - 1)) for _ in records]
    return [[r for r, w in zip(records, where, strict=True) if w == i] for i in range(n_parts)]


def merged_of(empty: MetricState, parts: list[list[Any]]) -> MetricState:
    return functools.reduce(lambda a, b: a.merge(b), [empty.update(part) for part in parts])


def unmerged(state: MetricState, options: dict[str, Any]) -> MetricState:
    """The state read back from its dict: its result comes from its cells, never exact."""
    return type(state).from_dict(json.loads(json.dumps(state.to_dict())), **objects(options))


#: The summaries' percentiles: estimates, once merged.
PERCENTILES = ("median", "p90", "median_time_to_complete")


def assert_same_summary(whole: dict[str, Any], merged: dict[str, Any], path: str = "") -> None:
    """Every value of the merged summary is the whole's; percentiles within the sketch's
    error (and a microsecond of rounding)."""
    for key, value in merged.items():
        if key in ("approximate", "relative_error"):
            continue
        expected = whole[key]
        if key in PERCENTILES and value is not None and expected is not None:
            assert abs(value - expected) <= RELATIVE_ACCURACY * expected + 2e-6, (path, key)
        elif isinstance(value, dict):
            assert_same_summary(expected, value, f"{path}.{key}")
        else:
            assert value == expected, (path, key, value, expected)


def assert_same_result(cls: type[MetricState], whole: Any, merged: Any, tz: str | None) -> None:
    assert_same_summary(whole.to_dict(), merged.to_dict())
    if isinstance(merged, DurationSummary | TaskSummary):
        k = min(5, merged.kept_slowest)
        assert [s.duration for s in merged.slowest(k)] == [s.duration for s in whole.slowest(k)]
    for keys in COMPARED[REGISTRY[cls._metric].input]:
        if not set(keys) <= set(cls._allowed_by):
            continue
        zone = tz if set(keys) - {"agent", "channel"} else None
        expected, got = whole.by(*keys, tz=zone), merged.by(*keys, tz=zone)
        assert list(got) == list(expected), keys
        for row_whole, row_merged in zip(
            expected.to_dict()["groups"], got.to_dict()["groups"], strict=True
        ):
            assert_same_summary(row_whole, row_merged, str(keys))


# --- the laws ------------------------------------------------------------------------------------


def test_every_state_names_a_registered_metric() -> None:
    for name, cls in STATES.items():
        assert REGISTRY[name].state is cls
        assert cls._metric == name
    # Every metric has one.
    assert set(STATES) == set(REGISTRY)
    assert REGISTRY["call_deflection"].state is CallDeflectionState


@over_states
@CAP
@given(data=st.data())
def test_one_slice_is_the_function_exactly(cls: type[MetricState], data: st.DataObject) -> None:
    metric = REGISTRY[cls._metric]
    records = as_rows(data.draw(inputs(metric)))
    options = options_for(cls, data.draw)
    state = cls.empty(**options).update(records)
    assert state.exact
    result = state.result()
    assert result.to_dict() == metric.function(records, **options).to_dict()
    assert not getattr(result, "approximate", False)


#: The central law gets more examples than the others (100 under the CI profile).
PARTITIONS = settings(CAP, max_examples=min(settings().max_examples, 100))


@over_states
@PARTITIONS
@given(data=st.data())
def test_partitions_merged_give_the_whole(cls: type[MetricState], data: st.DataObject) -> None:
    metric = REGISTRY[cls._metric]
    records = as_rows(data.draw(inputs(metric)))
    options = options_for(cls, data.draw)
    tz = data.draw(st.sampled_from([None, "America/New_York", "Europe/Berlin"]))
    parts = split(records, data.draw)
    whole = metric.function(records, **with_tz(cls, options, tz))
    # Kept whole, every slice adds to the one cell; by groups, to the groups' cells.
    merged = unmerged(merged_of(cls.empty(tz=tz, **options), parts), options)
    assert not merged.exact
    assert_same_summary(whole.to_dict(), merged.result().to_dict())
    grouped = unmerged(merged_of(cls.empty(by=kept(cls), tz=tz, **options), parts), options)
    assert_same_result(cls, whole, grouped.result(), tz)


@CAP
@given(data=st.data(), tz=st.sampled_from(["Asia/Kathmandu", "Europe/Berlin", "UTC"]))
def test_hours_kept_make_days_weeks_and_months(data: st.DataObject, tz: str) -> None:
    # Hours in a zone 5:45 from UTC, or across a DST change, still make that zone's days.
    metric = REGISTRY["reply_wait_time"]
    records = data.draw(inputs(metric, narrow=True))
    parts = split(records, data.draw)
    state = unmerged(merged_of(ReplyWaitTimeState.empty(by="hour", tz=tz), parts), {})
    whole = reply_wait_time(records)
    for key in ("hour", "day", "week", "month"):
        expected, got = whole.by(key, tz=tz), state.result().by(key)
        assert list(got) == list(expected), key
        for row_whole, row_merged in zip(
            expected.to_dict()["groups"], got.to_dict()["groups"], strict=True
        ):
            assert_same_summary(row_whole, row_merged, key)


@over_states
@CAP
@given(data=st.data())
def test_merge_is_associative_and_commutative_with_empty_as_identity(
    cls: type[MetricState], data: st.DataObject
) -> None:
    metric = REGISTRY[cls._metric]
    records = as_rows(data.draw(inputs(metric)))
    options = options_for(cls, data.draw)
    empty = cls.empty(by=kept(cls), **options)
    third = len(records) // 3
    a, b, c = (
        empty.update(part)
        for part in (records[:third], records[third : 2 * third], records[2 * third :])
    )
    assert a.merge(b).merge(c) == a.merge(b.merge(c))
    assert a.merge(b) == b.merge(a)
    assert a.merge(empty) == a
    assert empty.merge(a) == a
    # Merging with an empty state keeps an exact result exact.
    assert a.merge(empty).exact
    # Adding data to a state is merging it with the data's state.
    assert a.update(records[third:]) == a.merge(empty.update(records[third:]))


@over_states
@CAP
@given(data=st.data())
def test_json_and_pickle_round_trips(cls: type[MetricState], data: st.DataObject) -> None:
    metric = REGISTRY[cls._metric]
    records = as_rows(data.draw(inputs(metric)))
    options = options_for(cls, data.draw)
    state = cls.empty(by=kept(cls), **options).update(records)
    as_json = json.dumps(state.to_dict(), allow_nan=False)
    back = cls.from_dict(json.loads(as_json), **objects(options))
    assert back == state
    assert back.to_dict() == state.to_dict()
    assert pickle.loads(pickle.dumps(state)) == state
    assert not pickle.loads(pickle.dumps(state)).exact


# --- a fixed example: groups by name, not by a table's codes ------------------------------------


def thread(cid: str, agent: str, minutes: float, channel: str = "twitter") -> Conversation:
    return Conversation(
        cid,
        [
            Message("q", T0, "customer", channel=channel),
            Message("a", T0 + timedelta(minutes=minutes), "agent", agent_id=agent),
        ],
        assignee=agent,
    )


def test_agents_merge_by_name_not_by_code() -> None:
    # In the first table "zoe" is agent 0; in the second "ana" is: codes differ, names do not.
    first = MessageTable.from_conversations([thread("c1", "zoe", 10)])
    second = MessageTable.from_conversations([thread("c2", "ana", 30), thread("c3", "zoe", 20)])
    state = FirstReplyTimeState.empty(by="agent")
    merged = state.update(first).merge(state.update(second)).result()
    groups = merged.by("agent")
    assert list(groups) == ["ana", "zoe"]
    assert groups["zoe"].count == 2
    assert groups["zoe"].mean == timedelta(minutes=15)
    assert groups["ana"].max == timedelta(minutes=30)
    assert merged.approximate
    assert "estimates within 1%" in merged.describe()


def test_by_refuses_keys_the_state_did_not_keep() -> None:
    state = ReplyRateState.empty(by=("agent", "day"), tz="Europe/Berlin")
    left = state.update([thread("c1", "ana", 5)])
    result = left.merge(state.update([thread("c2", "bo", 5)])).result()
    assert list(result.by("agent")) == ["ana", "bo"]
    assert len(result.by("month")) == 1
    with pytest.raises(InvalidParameterError, match="by=\\('agent', 'day', 'channel'\\)"):
        result.by("channel")
    with pytest.raises(InvalidParameterError, match="'hour' or finer"):
        result.by("hour")
    with pytest.raises(InvalidParameterError, match="'tz'"):
        result.by("day", tz="UTC")
    assert list(result.by("day", tz="Europe/Berlin")) == list(result.by("day"))
    in_utc = MessagesReceivedState.empty(by="day").update([thread("c1", "ana", 5)])
    again = MessagesReceivedState.empty(by="day").update([thread("c9", "ana", 5)])
    assert len(in_utc.merge(again).result().by("day", tz=UTC)) == 1
    with pytest.raises(InvalidParameterError, match="'by'"):
        ReplyRateState.empty(by=("day", "week"))
    with pytest.raises(InvalidParameterError, match="'by'"):
        CsatState.empty(by="channel")


def test_slowest_is_limited_to_what_the_states_kept() -> None:
    state = ReplyWaitTimeState.empty(slowest=2)
    merged = state.update([thread("c1", "ana", 5)]).merge(
        state.update([thread("c2", "bo", 50), thread("c3", "bo", 7)])
    )
    result = merged.result()
    assert [s.conversation_id for s in result.slowest(2)] == ["c2", "c3"]
    with pytest.raises(InvalidParameterError, match="at most 2"):
        result.slowest(3)
    with pytest.raises(InvalidParameterError, match="'slowest'"):
        ReplyWaitTimeState.empty(slowest=-1)


# --- configurations that differ -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "named"),
    [
        ({}, {"calendar": CALENDAR}, "option calendar"),
        (
            {"calendar": CALENDAR},
            {"calendar": BusinessCalendar("Europe/Berlin", "mon-sat 08:00-18:00")},
            "option calendar",
        ),
        ({"as_of": AFTER}, {"as_of": AFTER + HOUR}, "option as_of"),
        ({"as_of": AFTER}, {}, "option as_of"),
        ({"start": T0}, {}, "option start"),
        ({"end": AFTER}, {"end": AFTER + HOUR}, "option end"),
        ({"bot_replies": True}, {}, "option bot_replies"),
        ({"by": "agent"}, {"by": "channel"}, "groups (by)"),
        ({"by": "day", "tz": "Europe/Berlin"}, {"by": "day"}, "time zone (tz)"),
        ({"slowest": 3}, {}, "option slowest"),
    ],
)
def test_states_of_other_options_refuse_to_merge(
    first: dict[str, Any], second: dict[str, Any], named: str
) -> None:
    a = FirstReplyTimeState.empty(**first).update([thread("c1", "ana", 5)])
    b = FirstReplyTimeState.empty(**second).update([thread("c2", "ana", 5)])
    with pytest.raises(StateMismatchError, match=re.escape(named)) as error:
        a.merge(b)
    assert "here" in str(error.value)
    assert "in the other" in str(error.value)


def test_hour_of_week_takes_the_states_tz_and_refuses_another() -> None:
    one = HourOfWeekState.empty(tz="Europe/Berlin").update([thread("c1", "ana", 5)])
    assert one.options["tz"] == "Europe/Berlin"
    other = HourOfWeekState.empty(tz="Europe/Berlin").update([thread("c9", "ana", 5)])
    merged = one.merge(other).result()
    assert merged.tz == "Europe/Berlin"
    assert merged.total == 2
    with pytest.raises(StateMismatchError, match="option tz: 'Europe/Berlin' here, None"):
        one.merge(HourOfWeekState.empty().update([thread("c2", "ana", 5)]))
    with pytest.raises(InvalidParameterError, match="'by'"):
        HourOfWeekState.empty(by="agent")


@pytest.mark.parametrize("end", [None, datetime(2024, 6, 1, tzinfo=UTC)])
def test_inbound_volume_from_a_window_that_opens_mid_period(end: datetime | None) -> None:
    # 1 March 00:00 UTC is 01:00 in Berlin: March began there an hour before the window did.
    options = {"period": "month", "start": datetime(2024, 3, 1, tzinfo=UTC), "end": end}
    conversations = [thread("c1", "ana", 5), thread("c2", "bo", 5)]
    state = InboundVolumeState.empty(tz="Europe/Berlin", by="agent", **options)
    merged = state.update(conversations[:1]).merge(state.update(conversations[1:]))
    whole = inbound_volume(conversations, tz="Europe/Berlin", **options)
    assert merged.result().to_dict() == whole.to_dict()
    assert merged.result().by("agent").to_dict() == whole.by("agent").to_dict()


def test_other_policies_and_other_metrics_refuse_to_merge() -> None:
    a = SlaComplianceState.empty(SlaPolicy(first_reply=HOUR), as_of=AFTER)
    b = SlaComplianceState.empty(SlaPolicy(first_reply=2 * HOUR), as_of=AFTER)
    with pytest.raises(StateMismatchError, match="option policy"):
        a.merge(b)
    with pytest.raises(StateMismatchError, match="must be a FirstReplyTimeState"):
        FirstReplyTimeState.empty().merge(ReplyWaitTimeState.empty())  # type: ignore[arg-type]


def test_as_of_must_be_fixed_where_the_numbers_depend_on_it() -> None:
    policy = SlaPolicy(first_reply=HOUR)
    with pytest.raises(InvalidParameterError, match="differs from one slice") as error:
        SlaComplianceState.empty(policy)
    assert "'as_of'" in str(error.value)
    # An end fixes it too (as_of defaults to the end).
    assert SlaComplianceState.empty(policy, end=AFTER).options["end"] == AFTER
    # Durations do not depend on it: without one, the merged as_of is the latest message seen,
    # which is the whole's default.
    state = FirstReplyTimeState.empty()
    late = thread("c2", "ana", 5)
    merged = state.update([thread("c1", "ana", 90)]).merge(state.update([late]))
    assert merged.result().as_of == first_reply_time([thread("c1", "ana", 90), late]).as_of


def test_bad_options_are_the_functions_errors() -> None:
    with pytest.raises(InvalidParameterError, match="'bot_replies'"):
        FirstReplyTimeState.empty(bot_replies="yes")
    with pytest.raises(InvalidParameterError, match="'colour'"):
        FirstReplyTimeState.empty(colour="red")
    with pytest.raises(InvalidParameterError, match="'tz'"):
        FirstReplyTimeState.empty(by="day", tz="Mars/Olympus_Mons")


def test_from_dict_refuses_other_versions_metrics_and_objects() -> None:
    data = FirstReplyTimeState.empty(calendar=CALENDAR).to_dict()
    with pytest.raises(StateMismatchError, match="version"):
        FirstReplyTimeState.from_dict({**data, "version": 99})
    with pytest.raises(StateMismatchError, match="a messages_received state"):
        MessagesReceivedState.from_dict(data)
    with pytest.raises(StateMismatchError, match="pass the same calendar"):
        FirstReplyTimeState.from_dict(data)
    assert FirstReplyTimeState.from_dict(data, calendar=CALENDAR).options["calendar"] == CALENDAR
    with pytest.raises(StateMismatchError, match="not a state's dict: KeyError 'cells'"):
        FirstReplyTimeState.from_dict(
            {k: v for k, v in data.items() if k != "cells"}, calendar=CALENDAR
        )
    with pytest.raises(StateMismatchError, match="expected the options"):
        FirstReplyTimeState.from_dict({**data, "options": {"colour": "red"}})
    with pytest.raises(StateMismatchError, match="not a state's dict"):
        FirstReplyTimeState.from_dict({**data, "cells": [[["ana"], {}]]}, calendar=CALENDAR)


# --- size -----------------------------------------------------------------------------------------


def generated_table(n_conversations: int, seed: int = 0) -> MessageTable:
    """Alternating customer and agent messages, log-normal reply delays, 30 agents."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(2, 9, size=n_conversations)
    conversation = np.repeat(np.arange(n_conversations), sizes)
    n = int(sizes.sum())
    first = np.cumsum(sizes) - sizes
    position = np.arange(n) - np.repeat(first, sizes)
    start = np.datetime64("2024-01-01T00:00:00", "ns") + rng.integers(
        0, 365 * 86_400, size=n_conversations
    ).astype("timedelta64[s]")
    gaps = (rng.lognormal(7, 1.5, size=n) * 1e9).astype(np.int64)
    gaps[position == 0] = 0
    sent = (
        np.repeat(start, sizes)
        + np.cumsum(gaps).astype("timedelta64[ns]")
        - np.repeat((np.cumsum(gaps)[first]).astype("timedelta64[ns]"), sizes)
    )
    agent = np.array([f"agent{i}" for i in range(30)], dtype=object)[
        rng.integers(0, 30, size=n_conversations)
    ]
    author = np.where(position % 2 == 0, "customer", "agent")
    return MessageTable.from_columns(
        conversation_id=conversation,
        sent_at=sent,
        author=author,
        agent_id=np.where(author == "agent", np.repeat(agent, sizes), None),
        channel=np.array(["twitter", "facebook", "email"], dtype=object)[
            rng.integers(0, 3, size=n)
        ],
    )


def test_states_of_a_large_table_pickle_in_kilobytes() -> None:
    table = generated_table(20_000)
    assert len(table) >= 90_000
    for cls in (FirstReplyTimeState, ReplyWaitTimeState, MessagesReceivedState, ReplyRateState):
        size = len(pickle.dumps(cls.empty().update(table)))
        assert size < 20_000, (cls.__name__, size)
    by_agent = len(pickle.dumps(ReplyWaitTimeState.empty(by="agent").update(table)))
    assert by_agent < 30 * 20_000


def test_a_merged_large_table_keeps_every_exact_number() -> None:
    table = generated_table(5_000, seed=1)
    ids = table.conversation_ids
    parts = [table.select(conversations=ids[i::3]) for i in range(3)]
    state = ReplyWaitTimeState.empty(by="agent")
    merged = functools.reduce(lambda a, b: a.merge(b), [state.update(p) for p in parts])
    whole = reply_wait_time(table)
    result = unmerged(merged, {}).result()
    for name in ("count", "pending", "mean", "min", "max"):
        assert getattr(result, name) == getattr(whole, name), name
    for q in (1, 25, 50, 90, 99, 100):
        exact = whole.percentile(q)
        estimate = result.percentile(q)
        assert exact is not None
        assert estimate is not None
        assert abs(estimate - exact) <= RELATIVE_ACCURACY * exact + timedelta(microseconds=1), q
    assert [s.duration for s in result.slowest(10)] == [s.duration for s in whole.slowest(10)]


# --- the sketch -----------------------------------------------------------------------------------


durations = st.lists(
    st.integers(0, 10**15) | st.sampled_from([0, 1, 999, 10**9]), min_size=1, max_size=200
)


@settings(max_examples=min(settings().max_examples, 100))
@given(values=durations, more=durations, q=st.floats(0, 100))
def test_sketch_percentiles_are_within_the_relative_accuracy(
    values: list[int], more: list[int], q: float
) -> None:
    a = QuantileSketch.of(np.array(values, dtype=np.int64))
    b = QuantileSketch.of(np.array(more, dtype=np.int64))
    both = np.array(values + more, dtype=np.int64)
    merged = a.merge(b)
    assert merged == QuantileSketch.of(both)
    assert merged.count == both.size
    estimate = merged.percentile(q)
    exact = float(np.percentile(both, q))
    assert estimate is not None
    assert abs(estimate - exact) <= RELATIVE_ACCURACY * exact * (1 + 1e-9) + 1e-6


def test_sketch_keys_are_ddsketchs_keys() -> None:
    from ddsketch import LogarithmicMapping

    mapping = LogarithmicMapping(RELATIVE_ACCURACY)
    values = np.unique(np.geomspace(1, 1e15, 5_000).astype(np.int64))
    keys = sketch_keys(values, RELATIVE_ACCURACY)
    # The same bucket, but for a value within a rounding error of a bucket's edge.
    assert np.mean(keys == np.array([mapping.key(float(v)) for v in values])) > 0.999


def test_a_missing_ddsketch_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ddsketch", None)
    with pytest.raises(ImportError, match=r"socialcare-metrics\[scale\]"):
        QuantileSketch.of(np.array([1, 2, 3], dtype=np.int64))


def test_surveys_merge_by_rated_agent() -> None:
    def answers(agent: str, *scores: int) -> list[SurveyResponse]:
        return [SurveyResponse("csat", s, T0, agent_id=agent) for s in scores]

    state = CsatState.empty(by="agent")
    merged = state.update(answers("ana", 5, 1)).merge(state.update(answers("ana", 4)))
    result = unmerged(merged, {}).result()
    assert result.by("agent")["ana"].distribution() == {1: 1, 2: 0, 3: 0, 4: 1, 5: 1}
    assert result.csat == pytest.approx(2 / 3)


# --- content states -------------------------------------------------------------------------------


def test_a_sentiment_state_counts_the_scores_the_messages_carry() -> None:
    with pytest.raises(InvalidParameterError, match=r"'scorer' must be None: .*score_sentiment"):
        CustomerSentimentState.empty(scorer=lambda text: 0.5)
    conversations = [
        Conversation("c1", [Message("m1", T0, "customer", text="thanks, great")]),
        Conversation("c2", [Message("m2", T0, "customer", text="still broken")]),
    ]

    def scorer(text: str) -> float:
        return 0.9 if "thanks" in text else -0.9

    scored = score_sentiment(conversations, scorer)
    state = CustomerSentimentState.empty(by="channel")
    ids = scored.conversation_ids
    merged = state.update(scored.select(conversations=ids[:1])).merge(
        state.update(scored.select(conversations=ids[1:]))
    )
    whole = customer_sentiment(conversations, scorer=scorer)
    assert merged.result().to_dict() == whole.to_dict()
    assert (merged.result().positive, merged.result().negative) == (1, 1)


def test_topics_states_need_their_rules_again_and_keep_their_level() -> None:
    rules = {"billing/refund": ["refund"]}
    conversations = [
        Conversation("c1", [Message("m1", T0, "customer", text="a refund please")]),
        Conversation("c2", [Message("m2", T0, "customer", tags=["billing/invoice"])]),
    ]
    state = TopicsState.empty(level=2, rules=rules)
    merged = state.update(conversations[:1]).merge(state.update(conversations[1:]))
    with pytest.raises(StateMismatchError, match="pass the same rules"):
        TopicsState.from_dict(merged.to_dict())
    back = TopicsState.from_dict(merged.to_dict(), rules=rules).result()
    assert back.counts() == {"billing/invoice": 1, "billing/refund": 1}
    assert back.to_dict() == topics(conversations, level=2, rules=rules).to_dict()
    assert str(back).splitlines()[0].split() == ["topic", "count", "share"]
    with pytest.raises(StateMismatchError, match="option level"):
        merged.merge(TopicsState.empty(level=1, rules=rules))


def test_quick_replies_merge_options_by_name() -> None:
    def picked(cid: str, agent: str, *options: str) -> Conversation:
        return Conversation(
            cid,
            [Message(f"{cid}{i}", T0, "customer", quick_reply=o) for i, o in enumerate(options)],
            assignee=agent,
        )

    # "Billing" is option 0 of the first table and option 1 of the second.
    first, second = [picked("c1", "ana", "Billing")], [picked("c2", "bo", "Agent", "Billing")]
    state = QuickRepliesState.empty(by="agent")
    merged = unmerged(state.update(first).merge(state.update(second)), {}).result()
    assert merged.counts() == {"Billing": 2, "Agent": 1}
    assert merged.by("agent")["bo"].to_dict() == quick_replies(second).to_dict()
    assert merged.by("agent").to_pandas()["top"].tolist() == ["Billing", "Agent"]
    assert merged.top(1)[0].share == 2 / 3


def test_task_states_keep_assignees_and_the_slowest_tasks() -> None:
    def task(tid: str, who: str, hours: float | None) -> Task:
        done = None if hours is None else T0 + timedelta(hours=hours)
        return Task(tid, who, T0, done)

    first = [task("t1", "ana", 2), task("t2", "ana", None), task("t3", "bo", 7)]
    second = [task("t4", "bo", 3), task("t5", "cy", 2)]
    state = TaskPerformanceState.empty(by=("assignee", "day"), slowest=3)
    merged = unmerged(state.update(first).merge(state.update(second)), {}).result()
    whole = task_performance(first + second)
    assert_same_summary(whole.to_dict(), merged.to_dict())
    groups = merged.by("assignee")
    assert list(groups) == list(whole.by("assignee")) == ["ana", "bo", "cy"]
    assert groups["ana"].open == 1
    assert [(s.task_id, s.assignee) for s in merged.slowest(3)] == [
        ("t3", "bo"),
        ("t4", "bo"),
        ("t1", "ana"),
    ]
    assert [s.duration for s in merged.slowest(3)] == [s.duration for s in whole.slowest(3)]
    with pytest.raises(InvalidParameterError, match="by=\\('agent'\\)"):
        TaskPerformanceState.empty().update(first).merge(
            TaskPerformanceState.empty().update(second)
        ).result().by("assignee")
    with pytest.raises(InvalidParameterError, match="'by'"):
        TaskPerformanceState.empty(by=("assignee", "agent"))
    with pytest.raises(InvalidParameterError, match="'by'"):
        TaskPerformanceState.empty(by="channel")


# --- call deflection: period labels of every kind a state keeps -----------------------------------


def test_deflection_states_keep_labels_of_every_kind_and_rows_without_one() -> None:
    may = datetime(2024, 5, 1, tzinfo=UTC)
    first = CallDeflectionState.empty(assisted_cost=10).update(
        [("phone", 3), ("social", "2024-05", 4), ("email", may, 2)]
    )
    second = (
        CallDeflectionState.empty(assisted_cost=10)
        .update({"social": 5, "PHONE": 1})
        .update([("social", 202405, 6), ("phone", may.date(), 1), ("email", "2024-05", 0)])
    )
    merged = unmerged(first.merge(second), {})
    report = merged.result()
    # Rows without a period count in the total only.
    assert (report.total.phone, report.total.email, report.total.social) == (5, 2, 15)
    # Periods in sorted order, one type after another: ints, strs, dates, datetimes.
    assert list(report.periods) == [202405, "2024-05", may.date(), may]
    assert (report.periods["2024-05"].social, report.periods["2024-05"].email) == (4, 0)
    assert report.savings == 15 * (10 - 1)
    assert merged == first.merge(second)
    with pytest.raises(StateMismatchError, match="assisted_cost"):
        first.merge(CallDeflectionState.empty())


@pytest.mark.parametrize(
    "label", [("2024", 5), 2.5, True, datetime(2024, 5, 1), frozenset({1})], ids=repr
)
def test_deflection_states_refuse_labels_their_dict_cannot_hold(label: object) -> None:
    rows = [("phone", "2024-04", 1), ("social", label, 2)]
    with pytest.raises(InvalidDataError, match=r"column 'period', row 1: .*int, a str, a date"):
        CallDeflectionState.empty().update(rows)


# --- voice of the customer ------------------------------------------------------------------------

VOICE_WORDS = ["refund", "late", "app", "crash", "thanks", "great", "the", "退款", "배송이", "😡"]
VOICE_SEGMENTS = [
    Segment.tag("billing"),
    Segment.negative(),
    Segment.channel("twitter") & ~Segment.positive(),
    Segment.assignee("ana") | Segment.tag("app"),
    Segment.period(T0, T0 + timedelta(days=1)),
]


@st.composite
def voice_conversations(draw: st.DrawFn) -> list[Conversation]:
    """Customer messages over three days, with words from a small vocabulary, tags and scores;
    many share a time (and message ids repeat across conversations), so examples tie."""
    out = []
    for c in range(draw(st.integers(0, 8))):
        messages = []
        for m in range(draw(st.integers(1, 4))):
            words = draw(st.lists(st.sampled_from(VOICE_WORDS), max_size=4))
            messages.append(
                Message(
                    f"m{m}",
                    T0 + timedelta(hours=draw(st.sampled_from([0, 0, 1, 30, 55]))),
                    "customer",
                    text=" ".join(words),
                    channel=draw(st.sampled_from([None, "twitter", "facebook"])),
                    tags=draw(st.lists(st.sampled_from(["billing", "billing/refund", "app"]))),
                    sentiment=draw(st.none() | st.sampled_from([-0.8, -0.05, 0.0, 0.3])),
                    private=draw(st.sampled_from([False] * 5 + [True])),
                )
            )
        messages.append(
            Message("r", T0 + timedelta(hours=60), "agent", agent_id="ana", text="refund crash")
        )
        out.append(
            Conversation(
                f"c{c}",
                sorted(messages, key=lambda m: m.sent_at),
                channel="facebook",
                assignee=draw(st.sampled_from([None, "ana", "bo"])),
            )
        )
    return out


def assert_same_voice(merged: Any, whole: Any) -> None:
    """The same rankings, scores to the last bit, examples, counts and summary."""
    assert merged.terms == whole.terms
    assert merged.against_terms == whole.against_terms
    assert merged.ranking() == whole.ranking()
    assert [s.z for s in merged.ranking()] == [s.z for s in whole.ranking()]
    assert merged.counts() == whole.counts()
    assert (merged.value, merged.count, merged.overlap) == (whole.value, whole.count, whole.overlap)
    assert merged.to_dict() == whole.to_dict()
    assert merged.describe() == whole.describe()
    assert str(merged) == str(whole)


@CAP
@given(
    data=voice_conversations(),
    cut=st.data(),
    segment=st.sampled_from(VOICE_SEGMENTS),
    against=st.sampled_from([None, Segment.positive(), Segment.tag("app")]),
    min_count=st.integers(1, 3),
    top=st.integers(1, 6),
    examples=st.integers(0, 3),
    bigrams=st.booleans(),
)
def test_voice_states_merged_are_the_function_on_all_the_data(
    data: list[Conversation],
    cut: st.DataObject,
    segment: Segment,
    against: Segment | None,
    min_count: int,
    top: int,
    examples: int,
    bigrams: bool,
) -> None:
    options = {
        "segment": segment,
        "against": against,
        "min_count": min_count,
        "top": top,
        "examples": examples,
        "bigrams": bigrams,
    }
    parts = split(data, cut.draw)
    whole = voice_of_customer(data, **options)
    state = VoiceOfCustomerState.empty(by=("agent", "channel", "day"), **options)
    merged = unmerged(merged_of(state, parts), {}).result()
    assert isinstance(merged, VoiceSummary)
    assert_same_voice(merged, whole)
    for keys in (("agent",), ("channel",), ("day",), ("agent", "day")):
        groups, expected = merged.by(*keys), whole.by(*keys)
        assert list(groups) == list(expected)
        assert groups.to_dict() == expected.to_dict()
        for label in groups:
            assert_same_voice(groups[label], expected[label])


def test_voice_states_merge_groups_by_name_and_keep_the_latest_examples() -> None:
    def said(cid: str, mid: str, hours: int, text: str, who: str) -> Conversation:
        at = T0 + timedelta(hours=hours)
        return Conversation(cid, [Message(mid, at, "customer", text=text)], assignee=who)

    # "zoe" is agent 0 of the first table and agent 1 of the second; ties in time go by
    # conversation id, then message id, wherever the messages were counted.
    first = [said("c9", "m0", 5, "refund late", "zoe"), said("c2", "m1", 1, "refund", "zoe")]
    second = [
        said("c1", "m2", 5, "refund please", "ana"),
        said("c3", "m9", 5, "refund app", "zoe"),
        said("c4", "m0", 0, "app crash", "ana"),
    ]
    options = {"segment": Segment.assignee("zoe"), "min_count": 1, "examples": 2}
    state = VoiceOfCustomerState.empty(by="agent", **options)
    merged = state.update(MessageTable.from_conversations(first)).merge(
        state.update(MessageTable.from_conversations(second))
    )
    result = unmerged(merged, {}).result()
    whole = voice_of_customer(first + second, **options)
    assert_same_voice(result, whole)
    (refund,) = [s for s in result.ranking() if s.term == "refund"]
    assert (refund.segment_count, refund.against_count, refund.corpus_count) == (3, 1, 4)
    top = {s.term: s for s in result.terms}
    assert [(e.conversation_id, e.message_id) for e in top["refund"].examples] == [
        ("c3", "m9"),
        ("c9", "m0"),
    ]
    groups = result.by("agent")
    assert list(groups) == ["ana", "zoe"]
    assert groups["zoe"].segment_messages == 3
    assert groups["zoe"].against_messages == 0
    assert groups.to_dict() == whole.by("agent").to_dict()


def test_voice_states_without_message_ids_keep_examples() -> None:
    def table(conversations: list[str], hours: list[int], texts: list[str]) -> MessageTable:
        return MessageTable.from_columns(
            conversation_id=conversations,
            sent_at=[T0 + timedelta(hours=h) for h in hours],
            author=["customer"] * len(texts),
            text=texts,
            sentiment=[-0.5 if "refund" in text else 0.5 for text in texts],
        )

    a = table(["a", "a", "a"], [0, 1, 2], ["refund", "refund please", "thanks"])
    b = table(["b", "b"], [1, 2], ["refund", "thanks"])
    state = VoiceOfCustomerState.empty(segment="negative", min_count=1)
    merged = unmerged(state.update(a).merge(state.update(b)), {}).result()
    assert merged.terms[0].term == "refund"
    assert [(e.conversation_id, e.message_id) for e in merged.terms[0].examples] == [
        ("a", None),
        ("b", None),
        ("a", None),
    ]
    whole = voice_of_customer(MessageTable.concat([a, b]), segment="negative", min_count=1)
    assert_same_voice(merged, whole)


def test_voice_segments_go_into_the_dict_as_how_they_were_built() -> None:
    berlin = T0.astimezone(ZoneInfo("Europe/Berlin"))
    segment = ~(Segment.negative(-0.3) & Segment.channel("twitter")) | Segment.period(
        berlin, berlin + timedelta(days=2)
    )
    against = Segment.tag(" billing / refund ")
    state = VoiceOfCustomerState.empty(
        segment=segment, against=against, stop_words=("the", "late", "the"), by="day"
    ).update([thread("c1", "ana", 5)])
    written = json.loads(json.dumps(state.to_dict(), allow_nan=False))
    assert written["options"]["against"] == {
        "segment": ["tag", "billing/refund"],
        "description": "tag 'billing/refund'",
    }
    assert written["options"]["segment"]["segment"][0] == "or"
    assert written["options"]["stop_words"] == ["late", "the"]
    back = VoiceOfCustomerState.from_dict(written)
    assert back == state
    assert back.options["segment"].description == segment.description
    assert back.options["stop_words"] == ("late", "the")
    assert pickle.loads(pickle.dumps(state)) == state
    # Segments built apart, or named, compare by how they were built.
    again = VoiceOfCustomerState.empty(
        segment=~(Segment.negative(-0.3) & Segment.channel("twitter"))
        | Segment.period(berlin, berlin + timedelta(days=2)),
        against=Segment.tag("billing/refund"),
        stop_words=["late", "the"],
        by="day",
    )
    assert state.merge(again) == state
    named = VoiceOfCustomerState.empty(segment="negative")
    assert named.merge(VoiceOfCustomerState.empty(segment=Segment.negative())) == named
    # A segment's dict that does not rebuild it is not a state's.
    tampered = json.loads(json.dumps(state.to_dict()))
    tampered["options"]["against"]["description"] = "tag 'other'"
    with pytest.raises(StateMismatchError, match="not a state's dict"):
        VoiceOfCustomerState.from_dict(tampered)
    tampered["options"]["against"] = {"segment": ["colour", "red"], "description": "red"}
    with pytest.raises(StateMismatchError, match="not a state's dict"):
        VoiceOfCustomerState.from_dict(tampered)


@pytest.mark.parametrize("name", ["segment", "against"])
@pytest.mark.parametrize(
    "value",
    [
        lambda table: table.sentiment < 0,
        Segment.where(lambda table: table.sentiment < 0, "angry"),
        Segment.rows([True, False]),
        [True, False],
        np.array([True, False]),
        Segment.negative() & Segment.where(lambda table: table.sentiment < -0.5),
    ],
    ids=["function", "where", "rows", "list", "array", "combined"],
)
def test_voice_states_refuse_segments_they_cannot_write_down(name: str, value: Any) -> None:
    options = {"segment": "negative", name: value}
    with pytest.raises(InvalidParameterError, match=f"'{name}' must be a segment a state") as error:
        VoiceOfCustomerState.empty(**options)
    assert "cannot go into a state's dict" in str(error.value)
    assert "Segment.tag" in str(error.value)


def test_voice_states_check_their_options_as_the_function_does() -> None:
    with pytest.raises(InvalidParameterError, match="'segment'"):
        VoiceOfCustomerState.empty(segment="angry")
    with pytest.raises(InvalidParameterError, match="'segment' must be given"):
        VoiceOfCustomerState.empty()
    with pytest.raises(InvalidParameterError, match="'top'"):
        VoiceOfCustomerState.empty(segment="negative", top=0)
    # Stop words are read once, as a set; what the function refuses is refused.
    once = VoiceOfCustomerState.empty(segment="negative", stop_words=iter(["the", "a", "the"]))
    assert once.options["stop_words"] == ("a", "the")
    with pytest.raises(InvalidParameterError, match="'stop_words'"):
        VoiceOfCustomerState.empty(segment="negative", stop_words=iter([1]))
    with pytest.raises(InvalidParameterError, match="'by'"):
        VoiceOfCustomerState.empty(segment="negative", by="quarter")


@pytest.mark.parametrize(
    ("first", "second", "named"),
    [
        (
            {},
            {"segment": Segment.tag("app")},
            "option segment: \"tag 'billing'\" here, \"tag 'app'\"",
        ),
        ({}, {"against": "positive"}, "option against: None here"),
        ({"against": Segment.tag("app")}, {"against": ~Segment.tag("app")}, "option against"),
        ({}, {"min_count": 1}, "option min_count"),
        ({}, {"top": 5}, "option top"),
        ({}, {"prior": 1.0}, "option prior"),
        ({}, {"examples": 0}, "option examples"),
        ({}, {"stop_words": ["refund"]}, "option stop_words"),
        ({}, {"language": "de"}, "option language"),
        ({}, {"bigrams": True}, "option bigrams"),
        ({}, {"start": T0}, "option start"),
        ({}, {"by": "agent"}, "groups (by)"),
    ],
)
def test_voice_states_of_other_options_refuse_to_merge(
    first: dict[str, Any], second: dict[str, Any], named: str
) -> None:
    a = VoiceOfCustomerState.empty(**{"segment": Segment.tag("billing"), **first})
    b = VoiceOfCustomerState.empty(**{"segment": Segment.tag("billing"), **second})
    with pytest.raises(StateMismatchError, match=re.escape(named)):
        a.merge(b)


def test_voice_states_grow_with_the_vocabulary_not_with_the_messages() -> None:
    def table(n_conversations: int) -> MessageTable:
        rng = np.random.default_rng(7)
        words = np.array([f"word{i}" for i in range(60)], dtype=object)
        texts = [" ".join(rng.choice(words, size=5)) for _ in range(n_conversations)]
        return MessageTable.from_columns(
            conversation_id=np.arange(n_conversations),
            message_id=np.arange(n_conversations),
            sent_at=np.datetime64("2024-03-25T09:00", "ns")
            + rng.integers(0, 86_400, size=n_conversations).astype("timedelta64[s]"),
            author=["customer"] * n_conversations,
            text=texts,
            sentiment=rng.uniform(-1, 1, size=n_conversations),
        )

    state = VoiceOfCustomerState.empty(segment="negative")
    small = len(pickle.dumps(state.update(table(1_000))))
    large = len(pickle.dumps(state.update(table(20_000))))
    assert large < 1.2 * small, (small, large)


def test_states_that_keep_no_groups_say_so() -> None:
    with pytest.raises(InvalidParameterError, match=r"must be \(\) \(this state keeps no groups"):
        HourOfWeekState.empty(by="day")
    with pytest.raises(InvalidParameterError, match=r"'agent', 'hour', 'day', 'week', 'month'"):
        CsatState.empty(by="channel")


def test_states_in_one_zone_merge_however_it_was_named() -> None:
    # Without a calendar, tz=None cuts periods in UTC: it merges with tz="UTC", and the merged
    # state's days are the same.
    named = ReplyRateState.empty(by="day", tz="UTC").update([thread("c1", "ana", 5)])
    unnamed = ReplyRateState.empty(by="day").update([thread("c2", "bo", 5)])
    merged = named.merge(unnamed).result()
    assert merged.count == 2
    assert len(merged.by("day")) == 1
    with pytest.raises(StateMismatchError, match="'Europe/Berlin' here, 'UTC' in the other"):
        ReplyRateState.empty(by="day", tz="Europe/Berlin").merge(unnamed)


# --- the same data twice -------------------------------------------------------------------------


def test_the_same_conversations_twice_are_refused() -> None:
    # A state merged with itself, updated twice with one slice, or two states of one slice:
    # each would count every conversation twice.
    table = MessageTable.from_conversations([thread("c1", "ana", 5), thread("c2", "bo", 7)])
    state = ReplyRateState.empty(by="agent").update(table)
    twice = "both states hold the same conversations"
    with pytest.raises(StateMismatchError, match=twice):
        state.merge(state)
    with pytest.raises(StateMismatchError, match=twice):
        state.update(table)
    with pytest.raises(StateMismatchError, match=twice):
        ReplyRateState.empty(by="agent").update(
            [thread("c2", "bo", 7), thread("c1", "ana", 5)]
        ).merge(unmerged(state, {}))
    # Other conversations, or the same ids started at other times (another export's), merge.
    later = [thread("c3", "ana", 5), thread("c1", "bo", 9)]
    later[1] = Conversation(
        "c1",
        [
            Message("q", T0 + timedelta(days=1), "customer"),
            Message("a", T0 + timedelta(days=1, minutes=9), "agent", agent_id="bo"),
        ],
    )
    merged = state.update(later[:1]).merge(ReplyRateState.empty(by="agent").update(later[1:]))
    assert merged.result().count == 4
    # The fingerprint is the conversations', whichever slices they came in.
    halves = (
        ReplyRateState.empty(by="agent")
        .update(table.select(conversations=["c1"]))
        .merge(ReplyRateState.empty(by="agent").update(table.select(conversations=["c2"])))
    )
    assert halves.fingerprint == state.fingerprint != 0
    assert unmerged(state, {}).fingerprint == state.fingerprint
