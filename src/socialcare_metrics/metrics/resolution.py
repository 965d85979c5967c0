"""Resolution time: from the customer's first message to the conversation's resolution.

A conversation is measured when it has a public customer message. Its resolution time runs from
the first such message to ``resolved_at`` (the last time it was resolved). It is resolved by the
library's one rule: a ``resolved_at`` and no public customer message strictly after it. A
conversation that is not (no ``resolved_at``, or the customer wrote again after it and reopened
it) is pending and aged to ``as_of``, as an open wait is.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from .._engine.durations import end_or_as_of, measure
from .._engine.inputs import Data, message_inputs
from .._engine.resolution import resolution_items
from .._engine.waits import as_of_datetime, default_as_of
from .._engine.window import opened_in
from ..calendar import BusinessCalendar
from ..results._base import Labels
from ..results._grouping import GroupKeys
from ..results.durations import DurationResult

__all__ = ["resolution_time"]


def resolution_time(
    data: Data,
    /,
    *,
    calendar: BusinessCalendar | None = None,
    as_of: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> DurationResult:
    """How long conversations took to resolve: from the customer's first message to resolution.

    One item per conversation with a public customer message. A resolved conversation's resolution
    time is ``resolved_at`` minus the time of its first public customer message (wall-clock, or
    business time in ``calendar``). A conversation is resolved when it has a ``resolved_at`` and
    no public customer message was sent strictly after it (the rule of
    [`resolution_rate`][socialcare_metrics.resolution_rate]): a customer who writes again after
    the resolution, or only after it (a brand post resolved, then the customer wrote), reopens
    the conversation. An unresolved one is pending: counted in
    [`pending`][socialcare_metrics.DurationResult.pending] and aged to ``as_of``.

    Grouped by agent, a conversation belongs to its assignee (``None`` when it has none); by
    channel, to the channel of the customer's first message; by period, to the period in which
    the customer first wrote (local to the calendar's time zone when a calendar is given).

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        calendar: Measure business time in this calendar instead of wall-clock time.
        as_of: The time unresolved conversations are aged to; default the latest timestamp in
            the data.
        start: Keep only the items opened at or after this time (an aware datetime).
        end: Look at the data as it stood at this time: later messages, resolutions and actions
            are left out, items opened before it only are kept, and pending ones are aged to it
            unless ``as_of`` is given.

    Returns:
        A [`DurationResult`][socialcare_metrics.DurationResult] with the summary every duration
            metric has (count, pending, mean, median, p90, percentiles, min, max, slowest,
            distribution, by).

    Raises:
        InvalidParameterError: ``calendar`` is not a BusinessCalendar, or ``as_of`` is not an
            aware datetime or is before an unresolved conversation's first customer message.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> conv = Conversation("c1", [
        ...     Message("m1", t0, "customer"),
        ...     Message("m2", t0 + timedelta(minutes=5), "agent", agent_id="ana"),
        ... ], resolved_at=t0 + timedelta(hours=3))
        >>> str(resolution_time([conv]))
        '3 h'
    """
    function = "resolution_time"
    table, as_of_value, window_start = message_inputs(
        data, function, calendar=calendar, as_of=as_of, start=start, end=end
    )
    if as_of_value is None:
        as_of_value = default_as_of(table)
    items = resolution_items(table)
    finished = end_or_as_of(
        items.start, items.end, items.resolved, as_of_value, function, "conversation"
    )
    keys = GroupKeys(
        agent=table.assignee[items.conversation].astype(np.int32, copy=False),
        agent_names=table.agent_names,
        channel=table.channel[items.row],
        channel_names=table.channel_names,
        time=items.start,
        default_tz=None if calendar is None else calendar.timezone,
    )
    return opened_in(
        DurationResult(
            name="resolution time",
            ns=measure(items.start, finished, calendar, function),
            closed=items.resolved,
            conversation=Labels(codes=items.conversation, names=table.conversation_ids),
            keys=keys,
            as_of=as_of_datetime(as_of_value),
        ),
        window_start,
    )
