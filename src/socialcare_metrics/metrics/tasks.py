"""Task performance: per assignee, tasks assigned, completed, completion rate and time to
complete, as the source articles' task performance report compares them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import numpy as np

from .._core.columns import _factorize
from .._core.time import NAT, datetime_to_ns
from .._engine.window import check_window
from ..errors import InvalidParameterError
from ..records import Task
from ..results._grouping import GroupKeys
from ..results.tasks import TaskPerformance

__all__ = ["task_performance"]


def task_performance(
    tasks: Iterable[Task], /, *, start: datetime | None = None, end: datetime | None = None
) -> TaskPerformance:
    """Task performance: tasks assigned, completed, completion rate and time to complete.

    Use ``.by("assignee")`` for the per-person report (the source articles' task performance
    report "compares the number of assigned tasks with the total completed", overall and per
    team member), or ``.by("week")`` for the trend by the period tasks were assigned in.

    Args:
        tasks: [`Task`][socialcare_metrics.Task] records; each id once.
        start: Keep only the tasks assigned at or after this time (an aware datetime).
        end: Look at the tasks as they stood at this time: only those assigned before it, and a
            completion at or after it is not known yet (the task is still open).

    Raises:
        InvalidParameterError: an item is not a Task, or a task id repeats.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Task
        >>> t0 = datetime(2024, 5, 6, 9, tzinfo=timezone.utc)
        >>> result = task_performance([
        ...     Task("t1", "ana", t0, t0 + timedelta(hours=2)),
        ...     Task("t2", "ana", t0),
        ... ])
        >>> result.completion_rate, result.mean_time_to_complete
        (0.5, datetime.timedelta(seconds=7200))
    """
    function = "task_performance"
    lo, hi = check_window(start, end, function)
    candidate: object = tasks
    if isinstance(candidate, str | bytes) or not isinstance(candidate, Iterable):
        raise InvalidParameterError(function, "tasks", "an iterable of Task", candidate)
    ids: list[str] = []
    seen: dict[str, int] = {}
    assignees: list[str] = []
    assigned: list[int] = []
    completed: list[int] = []
    for position, task in enumerate(tasks):
        if not isinstance(task, Task):
            raise InvalidParameterError(function, f"tasks[{position}]", "a Task", task)
        if task.id in seen:
            raise InvalidParameterError(
                function,
                f"tasks[{position}].id",
                f"a task id not used before (tasks[{seen[task.id]}] has it)",
                task.id,
            )
        seen[task.id] = position
        ids.append(task.id)
        assignees.append(task.assignee)
        assigned.append(datetime_to_ns(task.assigned_at))
        completed.append(NAT if task.completed_at is None else datetime_to_ns(task.completed_at))
    codes, names = _factorize(assignees)
    id_array = np.empty(len(ids), dtype=object)
    id_array[:] = ids
    assigned_at = np.asarray(assigned, dtype=np.int64)
    completed_at = np.asarray(completed, dtype=np.int64)
    agent = np.asarray(codes, dtype=np.int32)
    if lo is not None or hi is not None:
        keep = np.ones(assigned_at.shape[0], dtype=bool)
        if lo is not None:
            keep &= assigned_at >= lo
        if hi is not None:
            keep &= assigned_at < hi
            completed_at = np.where(completed_at >= hi, NAT, completed_at)
        index = np.flatnonzero(keep)
        id_array, assigned_at = id_array[index], assigned_at[index]
        completed_at, agent = completed_at[index], agent[index]
    return TaskPerformance(
        ids=id_array,
        assigned_at=assigned_at,
        completed_at=completed_at,
        keys=GroupKeys(
            agent=agent,
            agent_names=names,
            channel=np.full(assigned_at.shape[0], -1, dtype=np.int32),
            channel_names=(),
            time=assigned_at,
        ),
    )
