"""Task performance results: tasks assigned and completed, and the time they took."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from .._core.time import NAT
from .._core.typing import BoolArray, FloatArray, Int64Array
from .._core.validation import check_count, check_number
from .._engine.durations import ns_to_timedelta
from ._base import ITEM, Result, Summary
from ._grouping import GroupKeys
from ._stats import (
    SortedGroups,
    group_counts,
    mean_us,
    ns_float_to_us,
    round_us,
    shares,
    sort_whole,
    sort_within_groups,
    us_to_seconds,
)

__all__ = ["SlowTask", "TaskPerformance"]


@attrs.frozen
class SlowTask:
    """One of the tasks that took longest to complete."""

    task_id: str
    assignee: str
    duration: timedelta


def task_columns(
    assigned: Int64Array,
    completed: Int64Array,
    mean: FloatArray,
    median: FloatArray,
    maximum: FloatArray,
) -> Summary:
    """A task split's columns, from its tasks assigned and completed per group and the time to
    complete's mean, median and maximum (in seconds, NaN over no completed task)."""
    return {
        "assigned": assigned,
        "completed": completed,
        "open": (assigned - completed),
        "completion_rate": shares(completed, assigned),
        "mean_time_to_complete": mean,
        "median_time_to_complete": median,
        "max_time_to_complete": maximum,
    }


class TaskCounts(Result):
    """What task performance derives from its tasks assigned and completed: the function's
    [`TaskPerformance`][socialcare_metrics.TaskPerformance] and a merged state's summary share
    it."""

    __slots__ = ()

    _column_formats: ClassVar[Mapping[str, str]] = {
        "completion_rate": "percent",
        "mean_time_to_complete": "duration",
        "median_time_to_complete": "duration",
        "max_time_to_complete": "duration",
    }

    _group_keys_accepted: ClassVar[Mapping[str, str]] = {
        "assignee": "agent",
        "agent": "agent",
        "hour": "hour",
        "day": "day",
        "week": "week",
        "month": "month",
    }

    @property
    def assigned(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def completed(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def count(self) -> int:
        """The count the result is based on: tasks assigned."""
        return self.assigned

    @property
    def value(self) -> float | None:
        """The headline value: the completion rate, or ``None`` over no task."""
        return self.completion_rate

    @property
    def completion_rate(self) -> float | None:
        """completed / assigned, in [0, 1]; ``None`` when no task was assigned."""
        return self.completed / self.assigned if self.assigned else None

    def __str__(self) -> str:
        return "n/a" if self.completion_rate is None else f"{self.completion_rate:.1%}"


@attrs.frozen(eq=False, repr=False)
class TaskPerformance(TaskCounts):
    """Tasks assigned and completed, and how long completing took.

    Time-to-complete statistics are over completed tasks only; over none they are ``None``.
    Durations are exact (integer nanoseconds, shown rounded half up to the microsecond); the
    mean is exact and percentiles use linear interpolation between closest ranks (numpy's
    default). ``by()`` takes ``"assignee"`` (also spelled ``"agent"``; sorted by name) or a
    period the tasks were assigned
    in (``"hour"``, ``"day"``, ``"week"``, ``"month"``; UTC unless ``tz=`` says otherwise),
    or several of them: ``by("assignee", "week")``.
    """

    _ids: npt.NDArray[np.object_] = attrs.field(metadata=ITEM)
    _assigned_at: Int64Array = attrs.field(metadata=ITEM)
    _completed_at: Int64Array = attrs.field(metadata=ITEM)  # NAT while open
    _keys: GroupKeys = attrs.field(metadata=ITEM)  # agent: the assignee; time: assigned_at

    def _done(self) -> BoolArray:
        done: BoolArray = self._completed_at != NAT
        return done

    def _durations_ns(self) -> Int64Array:
        done = self._done()
        out: Int64Array = self._completed_at[done] - self._assigned_at[done]
        return out

    def _sorted(self) -> SortedGroups:
        return sort_whole(self._durations_ns())

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        done = self._done()
        assigned = group_counts(codes, n_groups)
        groups = sort_within_groups(self._durations_ns(), codes[done], n_groups)
        completed = groups.counts
        full = completed > 0
        return task_columns(
            assigned,
            completed,
            us_to_seconds(groups.mean_us(), full),
            us_to_seconds(ns_float_to_us(groups.percentile(50)), full),
            us_to_seconds(round_us(groups.maximum()), full),
        )

    # --- counts -----------------------------------------------------------------------------

    @property
    def assigned(self) -> int:
        """Tasks assigned."""
        return int(self._ids.shape[0])

    @property
    def completed(self) -> int:
        """Tasks completed."""
        return int(np.count_nonzero(self._done()))

    @property
    def open(self) -> int:
        """Tasks not completed."""
        return self.assigned - self.completed

    # --- time to complete -------------------------------------------------------------------

    @property
    def seconds(self) -> FloatArray:
        """Time to complete of each completed task, in seconds (read-only)."""
        out: FloatArray = self._durations_ns() / 1e9
        out.flags.writeable = False
        return out

    @property
    def mean_time_to_complete(self) -> timedelta | None:
        """The mean time from assignment to completion (exact)."""
        if not self.completed:
            return None
        return timedelta(microseconds=mean_us(self._durations_ns()))

    @property
    def median_time_to_complete(self) -> timedelta | None:
        """The median time from assignment to completion."""
        return self.time_to_complete_percentile(50)

    @property
    def max_time_to_complete(self) -> timedelta | None:
        """The longest time from assignment to completion."""
        values = self._durations_ns()
        return ns_to_timedelta(int(values.max())) if values.size else None

    def time_to_complete_percentile(self, q: float) -> timedelta | None:
        """The ``q``-th percentile of time to complete, ``q`` in [0, 100]."""
        q = check_number(q, "TaskPerformance.time_to_complete_percentile", "q", low=0, high=100)
        if not self.completed:
            return None
        return timedelta(microseconds=int(ns_float_to_us(self._sorted().percentile(q))[0]))

    def slowest(self, k: int = 5) -> list[SlowTask]:
        """The ``k`` completed tasks that took longest, longest first (ties: input order)."""
        k = check_count(k, "TaskPerformance.slowest", "k")
        done = np.flatnonzero(self._done())
        durations = self._completed_at[done] - self._assigned_at[done]
        order = done[np.argsort(-durations, kind="stable")[:k]]
        names = self._keys.agent_names
        return [
            SlowTask(
                task_id=str(self._ids[i]),
                assignee=names[self._keys.agent[i]],
                duration=ns_to_timedelta(int(self._completed_at[i] - self._assigned_at[i])),
            )
            for i in order.tolist()
        ]

    # --- output -----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python values (durations in seconds)."""

        return {"name": "task performance", **self.summary_row()}

    def __repr__(self) -> str:
        rate = "n/a" if self.completion_rate is None else f"{self.completion_rate:.1%}"
        return (
            f"<TaskPerformance: {self.completed} of {self.assigned} completed ({rate}), "
            f"{self.open} open>"
        )
