"""Task performance results: tasks assigned and completed, and the time they took."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Literal, Self, overload

import attrs
import numpy as np
import numpy.typing as npt

from .._core.periods import TimeZone
from .._core.time import NAT
from ..errors import InvalidParameterError
from ..results._grouping import GroupKeys

__all__ = ["SlowTask", "TaskPerformance"]


@attrs.frozen
class SlowTask:
    """One of the tasks that took longest to complete."""

    task_id: str
    assignee: str
    duration: timedelta


@attrs.frozen(eq=False, repr=False)
class TaskPerformance:
    """Tasks assigned and completed, and how long completing took.

    Time-to-complete statistics are over completed tasks only; over none they are ``None``.
    Percentiles use linear interpolation between closest ranks (numpy's default).
    """

    _ids: npt.NDArray[np.object_]
    _assignee: npt.NDArray[np.int32]
    _names: tuple[str, ...]
    _assigned_at: npt.NDArray[np.int64]
    _completed_at: npt.NDArray[np.int64]  # NAT while open

    def _subset(self, index: npt.NDArray[np.intp]) -> Self:
        return attrs.evolve(
            self,
            ids=self._ids[index],
            assignee=self._assignee[index],
            assigned_at=self._assigned_at[index],
            completed_at=self._completed_at[index],
        )

    # --- counts -----------------------------------------------------------------------------

    @property
    def assigned(self) -> int:
        """Tasks assigned."""
        return int(self._ids.shape[0])

    @property
    def count(self) -> int:
        """The count the result is based on: tasks assigned."""
        return self.assigned

    @property
    def value(self) -> float | None:
        """The headline value: the completion rate, or ``None`` over no task."""
        return self.completion_rate

    @property
    def completed(self) -> int:
        """Tasks completed."""
        return int(np.count_nonzero(self._completed_at != NAT))

    @property
    def open(self) -> int:
        """Tasks not completed."""
        return self.assigned - self.completed

    @property
    def completion_rate(self) -> float | None:
        """completed / assigned, in [0, 1]; ``None`` when no task was assigned."""
        return self.completed / self.assigned if self.assigned else None

    # --- time to complete -------------------------------------------------------------------

    @property
    def seconds(self) -> npt.NDArray[np.float64]:
        """Time to complete of each completed task, in seconds (read-only)."""
        done = self._completed_at != NAT
        out: npt.NDArray[np.float64] = (self._completed_at[done] - self._assigned_at[done]).astype(
            np.float64
        ) / 1e9
        out.flags.writeable = False
        return out

    def _stat(self, reduce: Callable[[npt.NDArray[np.float64]], Any]) -> timedelta | None:
        values = self.seconds
        return timedelta(seconds=float(reduce(values))) if values.size else None

    @property
    def mean_time_to_complete(self) -> timedelta | None:
        """The mean time from assignment to completion."""
        return self._stat(np.mean)

    @property
    def median_time_to_complete(self) -> timedelta | None:
        """The median time from assignment to completion."""
        return self.time_to_complete_percentile(50)

    @property
    def max_time_to_complete(self) -> timedelta | None:
        """The longest time from assignment to completion."""
        return self._stat(np.max)

    def time_to_complete_percentile(self, q: float) -> timedelta | None:
        """The ``q``-th percentile of time to complete, ``q`` in [0, 100]."""
        if (
            isinstance(q, bool)
            or not isinstance(q, int | float)
            or not math.isfinite(q)
            or not 0 <= q <= 100
        ):
            raise InvalidParameterError(
                "time_to_complete_percentile", "q", "a number in [0, 100]", q
            )
        return self._stat(lambda values: np.percentile(values, q))

    def slowest(self, k: int = 5) -> list[SlowTask]:
        """The ``k`` completed tasks that took longest, longest first (ties: input order)."""
        if isinstance(k, bool) or not isinstance(k, int) or k < 0:
            raise InvalidParameterError("slowest", "k", "an int >= 0", k)
        done = np.flatnonzero(self._completed_at != NAT)
        durations = self._completed_at[done] - self._assigned_at[done]
        order = done[np.argsort(-durations, kind="stable")[:k]]
        return [
            SlowTask(
                task_id=str(self._ids[i]),
                assignee=self._names[self._assignee[i]],
                duration=timedelta(
                    microseconds=int(self._completed_at[i] - self._assigned_at[i]) // 1_000
                ),
            )
            for i in order.tolist()
        ]

    # --- grouping ---------------------------------------------------------------------------

    @overload
    def by(self, key: Literal["assignee"], *, tz: None = None) -> dict[str, Self]: ...

    @overload
    def by(
        self, key: Literal["hour", "day", "week", "month"], *, tz: TimeZone | None = None
    ) -> dict[datetime | None, Self]: ...

    def by(self, key: str, *, tz: TimeZone | None = None) -> dict[Any, Self]:
        """Split by assignee (sorted by name), or by the period tasks were assigned in.

        Args:
            key: ``"assignee"``, or ``"hour"``, ``"day"``, ``"week"``, ``"month"`` (every
                period from the first assignment's to the last's, empty ones included).
            tz: The time zone of the periods; default UTC.
        """
        if key == "assignee":
            key = "agent"
        elif key in ("agent", "channel"):
            raise InvalidParameterError(
                "by", "key", "'assignee', 'hour', 'day', 'week' or 'month'", key
            )
        keys = GroupKeys(
            agent=self._assignee,
            agent_names=self._names,
            channel=np.full(self.assigned, -1, dtype=np.int32),
            channel_names=(),
            time=self._assigned_at,
        )
        return {label: self._subset(index) for label, index in keys.split(key, tz)}

    # --- output -----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python values (durations in seconds)."""

        def secs(value: timedelta | None) -> float | None:
            return None if value is None else value.total_seconds()

        return {
            "name": "task performance",
            "assigned": self.assigned,
            "completed": self.completed,
            "open": self.open,
            "completion_rate": self.completion_rate,
            "mean_time_to_complete": secs(self.mean_time_to_complete),
            "median_time_to_complete": secs(self.median_time_to_complete),
            "max_time_to_complete": secs(self.max_time_to_complete),
        }

    def __repr__(self) -> str:
        rate = "n/a" if self.completion_rate is None else f"{self.completion_rate:.1%}"
        return (
            f"<TaskPerformance: {self.completed} of {self.assigned} completed ({rate}), "
            f"{self.open} open>"
        )
