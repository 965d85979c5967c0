"""Task performance: assigned, completed, completion rate and time to complete per assignee."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcare_metrics import (
    InvalidParameterError,
    InvalidRecordError,
    SlowTask,
    Task,
    task_performance,
)

T0 = datetime(2024, 5, 6, 9, tzinfo=UTC)


def hours(h: float) -> datetime:
    return T0 + timedelta(hours=h)


def sample() -> list[Task]:
    return [
        Task("t1", "ana", T0, hours(1)),
        Task("t2", "ana", T0, hours(3)),
        Task("t3", "ana", T0),
        Task("t4", "bo", hours(24), hours(30)),
        Task("t5", "bo", hours(48)),
    ]


def test_counts_rate_and_times_by_hand() -> None:
    result = task_performance(sample())
    assert (result.assigned, result.completed, result.open) == (5, 3, 2)
    assert result.completion_rate == 3 / 5
    # Durations 1 h, 3 h, 6 h: mean 10/3 h, median 3 h, max 6 h.
    assert result.mean_time_to_complete == timedelta(hours=10 / 3)
    assert result.median_time_to_complete == timedelta(hours=3)
    assert result.max_time_to_complete == timedelta(hours=6)
    assert result.time_to_complete_percentile(0) == timedelta(hours=1)
    assert result.slowest(2) == [
        SlowTask("t4", "bo", timedelta(hours=6)),
        SlowTask("t2", "ana", timedelta(hours=3)),
    ]


def test_per_assignee_report() -> None:
    per = task_performance(sample()).by("assignee")
    assert list(per) == ["ana", "bo"]
    assert (per["ana"].assigned, per["ana"].completed) == (3, 2)
    assert per["ana"].completion_rate == pytest.approx(2 / 3)
    assert (per["bo"].assigned, per["bo"].completed) == (2, 1)
    assert per["bo"].mean_time_to_complete == timedelta(hours=6)


def test_per_day_of_assignment_with_empty_days() -> None:
    per_day = task_performance(sample()).by("day")
    assert [k.day for k in per_day if k is not None] == [6, 7, 8]
    assert [v.assigned for v in per_day.values()] == [3, 1, 1]
    assert task_performance([]).by("day") == {}


def test_over_nothing_everything_is_none_with_count_zero() -> None:
    result = task_performance([])
    assert (result.count, result.completion_rate, result.mean_time_to_complete) == (0, None, None)
    assert result.slowest() == []
    only_open = task_performance([Task("t1", "ana", T0)])
    assert only_open.completion_rate == 0.0
    assert only_open.median_time_to_complete is None
    assert only_open.to_dict()["mean_time_to_complete"] is None


def test_bad_input_names_the_record_or_position() -> None:
    with pytest.raises(InvalidRecordError, match=r"Task 't1': 'completed_at'"):
        Task("t1", "ana", T0, hours(-1))
    with pytest.raises(InvalidParameterError, match=r"task_performance\(\): 'tasks\[1\]\.id'"):
        task_performance([Task("t1", "ana", T0), Task("t1", "bo", T0)])
    with pytest.raises(InvalidParameterError, match=r"'tasks\[0\]'"):
        task_performance(["t1"])  # type: ignore[list-item]
    with pytest.raises(InvalidParameterError, match=r"'tasks'"):
        task_performance("t1")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"by\(\): 'key'"):
        task_performance([]).by("channel")  # type: ignore[call-overload]
    with pytest.raises(InvalidParameterError, match=r"'q'"):
        task_performance([]).time_to_complete_percentile(101)
    with pytest.raises(InvalidParameterError, match=r"'k'"):
        task_performance([]).slowest(-1)


@st.composite
def task_lists(draw: st.DrawFn) -> list[Task]:
    n = draw(st.integers(0, 25))
    out = []
    for i in range(n):
        start = draw(st.integers(0, 24 * 60))
        took = draw(st.one_of(st.none(), st.integers(0, 24 * 60)))
        out.append(
            Task(
                f"t{i}",
                draw(st.sampled_from(["ana", "bo", "chen"])),
                T0 + timedelta(minutes=start),
                None if took is None else T0 + timedelta(minutes=start + took),
            )
        )
    return out


@given(task_lists())
def test_assignees_partition_the_tasks_and_the_rate_is_in_range(tasks: list[Task]) -> None:
    result = task_performance(tasks)
    per = result.by("assignee")
    assert sum(r.assigned for r in per.values()) == len(tasks)
    assert sum(r.completed for r in per.values()) == sum(t.completed_at is not None for t in tasks)
    if tasks:
        assert result.completion_rate is not None
        assert 0.0 <= result.completion_rate <= 1.0
    durations = sorted(
        (t.completed_at - t.assigned_at).total_seconds() for t in tasks if t.completed_at
    )
    assert sorted(result.seconds.tolist()) == durations
    if durations:
        assert result.mean_time_to_complete == timedelta(seconds=sum(durations) / len(durations))
