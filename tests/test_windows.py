"""Time windows: ``start=`` keeps the items opened in the window, ``end=`` is the edge of what is
known. Checked against records truncated by hand and against worked examples."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialcare_metrics import (
    Conversation,
    InvalidParameterError,
    Message,
    MessageTable,
    SlaPolicy,
    first_reply_time,
    inbound_volume,
    load_twcs,
    messages_received,
    reply_wait_time,
    resolution_rate,
    resolution_time,
    sla_compliance,
    time_to_action,
    total_replies,
)
from socialcare_metrics.metrics import REGISTRY, Metric
from socialcare_metrics.reports import activity_report, team_report
from socialcare_metrics.testing import aware_datetimes, conversations
from test_common import REQUIRED, snapshot

T0 = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
WINDOWED = [
    m
    for m in REGISTRY.values()
    if m.input == "messages" and "end" in inspect.signature(m.function).parameters
]


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def call(metric: Metric, data: Any, **options: Any) -> Any:
    return metric.function(data, **{**REQUIRED.get(metric.name, {}), **options})


def test_every_message_metric_takes_a_window() -> None:
    names = {m.name for m in REGISTRY.values() if m.input == "messages"}
    assert {m.name for m in WINDOWED} == names


def truncated(conversations: list[Conversation], end: datetime) -> list[Conversation]:
    """The records as they stood just before ``end``, written out by hand."""
    out = []
    for conversation in conversations:
        kept = [
            attrs.evolve(
                m,
                actioned_at=m.actioned_at
                if m.actioned_at is not None and m.actioned_at < end
                else None,
            )
            for m in conversation.messages
            if m.sent_at < end
        ]
        if not kept:
            continue
        resolved = conversation.resolved_at
        out.append(
            attrs.evolve(
                conversation,
                messages=kept,
                resolved_at=resolved if resolved is not None and resolved < end else None,
            )
        )
    return out


TIMES = aware_datetimes(
    min_value=datetime(2024, 3, 20, tzinfo=UTC), max_value=datetime(2024, 4, 10, tzinfo=UTC)
)
DATA = st.lists(
    conversations(start=TIMES, max_size=6, max_gap=timedelta(hours=30)),
    max_size=4,
    unique_by=lambda c: c.id,
)


@pytest.mark.parametrize("metric", WINDOWED, ids=lambda m: m.name)
@settings(max_examples=40, deadline=None)
@given(data=DATA, end=TIMES)
def test_the_end_of_a_window_is_the_data_as_it_stood_then(
    metric: Metric, data: list[Conversation], end: datetime
) -> None:
    windowed = call(metric, data, end=end)
    options = {"end": end} if metric.name in ("inbound_volume", "hour_of_week") else {}
    if "as_of" in inspect.signature(metric.function).parameters:
        options["as_of"] = end  # pending items are aged to the end of the window
    by_hand = call(metric, truncated(data, end), **options)
    assert snapshot(metric, windowed) == snapshot(metric, by_hand)


@pytest.mark.parametrize("metric", WINDOWED, ids=lambda m: m.name)
@settings(max_examples=30, deadline=None)
@given(data=DATA)
def test_a_window_around_everything_changes_nothing(
    metric: Metric, data: list[Conversation]
) -> None:
    # A conversation without a message has no time, so no window holds it.
    data = [c for c in data if c.messages]
    times = [m.sent_at for c in data for m in c.messages]
    if not times:
        return
    latest = max(times)
    # Everything known: every message, resolution and action is before the end.
    known = [
        *times,
        *(c.resolved_at for c in data),
        *(m.actioned_at for c in data for m in c.messages),
    ]
    end = max(t for t in known if t is not None) + timedelta(microseconds=1)
    options = {"as_of": latest} if "as_of" in inspect.signature(metric.function).parameters else {}
    whole = call(metric, data, **options)
    if metric.name == "inbound_volume":
        # Its periods run from the window's start: compare the counted messages.
        windowed = call(metric, data, start=min(times), end=end)
        assert windowed.total == whole.total
        return
    windowed = call(metric, data, start=min(times), end=end, **options)
    assert snapshot(metric, windowed) == snapshot(metric, whole)


@pytest.mark.parametrize(
    "metric",
    [m for m in WINDOWED if m.name in ("messages_received", "total_replies", "quick_replies")],
    ids=lambda m: m.name,
)
@settings(max_examples=40, deadline=None)
@given(data=DATA, cut=TIMES)
def test_counts_of_items_that_open_and_close_at_once_add_up_over_windows(
    metric: Metric, data: list[Conversation], cut: datetime
) -> None:
    lo, hi = datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC)
    whole = call(metric, data, start=lo, end=hi).count
    assert (
        call(metric, data, start=lo, end=cut).count + call(metric, data, start=cut, end=hi).count
        == whole
    )


# --- a worked example -------------------------------------------------------------------------


def example() -> list[Conversation]:
    return [
        Conversation(
            "c1",
            [
                Message("m1", at(0), "customer"),  # 09:00, answered 09:30
                Message("m2", at(30), "agent", agent_id="ana"),
                Message("m3", at(60), "customer", actioned_at=at(120)),  # 10:00
                Message("m4", at(120), "agent", agent_id="ana"),  # 11:00, after the end
            ],
            assignee="ana",
            resolved_at=at(150),
        ),
        Conversation(
            "c2",
            [
                Message("n1", at(50), "customer"),  # 09:50
                Message("n2", at(55), "agent", agent_id="ben"),
            ],
            assignee="ben",
            resolved_at=at(70),
        ),
    ]


START, END = at(45), at(90)  # 09:45 to 10:30


def test_a_window_keeps_what_opened_in_it_and_ages_what_is_pending_to_its_end() -> None:
    data = example()
    waits = reply_wait_time(data, start=START, end=END)
    # c1's 10:00 wait is still open at 10:30 (the 11:00 reply is not known yet): 30 minutes;
    # c2's 09:50 wait closed at 09:55; c1's 09:00 wait opened before the window.
    assert (waits.count, waits.pending) == (1, 1)
    assert waits.mean == timedelta(minutes=5)
    assert waits.by("agent")["ana"].pending == 1
    first = first_reply_time(data, start=START, end=END)
    assert (first.count, first.pending) == (1, 0)  # c2 only: c1's first wait opened at 09:00
    assert messages_received(data, start=START, end=END).count == 2  # 09:50 and 10:00
    assert total_replies(data, start=START, end=END).count == 1  # ben at 09:55
    rate = resolution_rate(data, start=START, end=END)
    assert (rate.numerator, rate.denominator) == (1, 1)  # c2, resolved 10:10; c1 opened 09:00
    assert resolution_rate(data, end=END).denominator == 2
    assert resolution_rate(data, end=END).numerator == 1  # c1's 11:30 resolution is not known
    assert resolution_time(data, end=at(200)).count == 2
    action = time_to_action(data, start=START, end=END)
    assert (action.count, action.pending) == (1, 1)  # the 10:00 message: its action is at 11:00
    report = sla_compliance(
        data, SlaPolicy(first_reply=timedelta(minutes=20)), start=START, end=END
    )
    assert (report.achieved, report.breached, report.pending) == (1, 0, 0)
    # as_of overrides the end as the time pending items are aged to.
    later = reply_wait_time(data, start=START, end=END, as_of=at(100))
    assert later.by("agent")["ana"].pending == 1


def test_windows_reach_the_reports() -> None:
    data = example()
    team = team_report(data, start=START, end=END)
    rows = {r["agent"]: r for r in team.section("reply_wait").rows()}
    assert (rows["(all)"]["count"], rows["(all)"]["pending"]) == (1, 1)
    agents = {r["agent"]: r for r in team.section("agents").rows()}
    # Conversations opened in the window: c2 only; replies sent in it: ben's.
    assert (agents["(all)"]["assigned"], agents["(all)"]["handled"]) == (1, 1)
    assert agents["ben"]["replies"] == 1
    assert team.window["start"] == START
    assert team.window["as of"] == END
    activity = activity_report(data, period="hour", start=START, end=END)
    periods = activity.section("periods").rows()
    assert [p["hour"] for p in periods] == [at(0).isoformat(), at(60).isoformat()]
    assert [p["received"] for p in periods] == [1, 1]
    assert "start: 2024-05-06 09:45:00+00:00" in str(team)


@pytest.mark.parametrize(
    ("options", "parameter"),
    [
        ({"start": END, "end": START}, "end"),
        ({"start": END, "end": END}, "end"),
        ({"start": "2024-05-06"}, "start"),
        ({"end": datetime(2024, 5, 6)}, "end"),
    ],
)
def test_a_bad_window_is_refused(options: dict[str, Any], parameter: str) -> None:
    for metric in WINDOWED:
        with pytest.raises(InvalidParameterError, match=f"'{parameter}'"):
            call(metric, example(), **options)


def test_a_window_of_a_table_equals_the_window_of_its_records() -> None:
    data = example()
    table = MessageTable.from_conversations(data)
    for metric in WINDOWED:
        assert snapshot(metric, call(metric, table, start=START, end=END)) == snapshot(
            metric, call(metric, data, start=START, end=END)
        ), metric.name


# --- the real file: a window bounds the periods -------------------------------------------------

HEAD = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata" / "twcs"
HEAD = HEAD / "twcs_head5000.csv"


@pytest.mark.skipif(not HEAD.exists(), reason=f"the real twcs file is not at {HEAD}")
def test_a_window_bounds_the_hourly_series_of_the_twcs_head() -> None:
    table = load_twcs(HEAD).table
    whole = inbound_volume(table, period="hour")
    assert len(whole) > 50_000  # a few thread roots date from 2011
    start, end = datetime(2017, 10, 1, tzinfo=UTC), datetime(2017, 12, 4, tzinfo=UTC)
    window = inbound_volume(table, period="hour", start=start, end=end)
    assert len(window) == (end - start) // timedelta(hours=1)
    in_window = messages_received(table, start=start, end=end).count
    assert window.total == in_window
    assert whole.total - in_window < 100  # almost everything is in the last two months


# --- surveys and tasks ---------------------------------------------------------------------------


def test_survey_metrics_keep_the_responses_answered_in_the_window() -> None:
    from socialcare_metrics import SurveyResponse, csat, nps

    responses = [
        SurveyResponse("csat", score, at(minutes)) for score, minutes in ((5, 0), (2, 50), (4, 100))
    ] + [SurveyResponse("nps", score, at(minutes)) for score, minutes in ((10, 10), (3, 60))]
    window = csat(responses, start=START, end=END)
    assert window.count == 1  # the 2 at 09:50
    assert window.value == 0.0
    assert csat(responses, start=START).count == 2
    assert nps(responses, start=START, end=END).count == 1  # the 3 at 10:00
    assert nps(responses, end=START).count == 1  # the 10 at 09:10
    with pytest.raises(InvalidParameterError, match="'end'"):
        csat(responses, start=END, end=START)


def test_task_performance_sees_the_tasks_as_they_stood_at_the_end() -> None:
    from socialcare_metrics import Task, task_performance

    tasks = [
        Task("t1", "ana", at(0), at(30)),  # assigned before the window
        Task("t2", "ana", at(50), at(80)),  # done within it
        Task("t3", "ben", at(60), at(200)),  # done after the end: still open at the end
        Task("t4", "ben", at(95)),  # assigned after the end
    ]
    result = task_performance(tasks, start=START, end=END)
    row = result.summary_row()
    assert (row["assigned"], row["completed"], row["open"]) == (2, 1, 1)
    assert result.mean_time_to_complete == timedelta(minutes=30)
    assert task_performance(tasks).summary_row()["completed"] == 3
