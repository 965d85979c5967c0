"""Expectation attainment: the share of first replies within an hour and within a day.

The source articles quote the Sprout Social Index: 57% of consumers expect a brand to reply on
social media within the first hour, and more than three quarters within 24 hours. This metric
puts the team's own shares beside those figures.

Each conversation's first wait is one item. Against a threshold, an item is

- **within**: its first reply came within the threshold (duration <= threshold);
- **late**: its first reply came after it, or it has no reply yet and is already older than it
  at ``as_of`` (it is known to miss the threshold, as a breached SLA is);
- **not yet due**: it has no reply yet and is not older than the threshold; it is left out of the
  share and counted beside it.

The share is within / (within + late). This is SLA logic with the threshold as the target, and it
uses the same exact integer-nanosecond comparison.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

import numpy as np

from .._engine.durations import measure
from .._engine.inputs import Data, message_inputs
from .._engine.waits import as_of_datetime, compute_waits
from .._engine.window import opened_in
from ..calendar import BusinessCalendar
from ..results._grouping import GroupKeys
from ..results.attainment import EXPECTED_WITHIN_DAY, EXPECTED_WITHIN_HOUR, AttainmentResult

__all__ = ["EXPECTED_WITHIN_DAY", "EXPECTED_WITHIN_HOUR", "expectation_attainment"]


_INT64_MAX: Final = int(np.iinfo(np.int64).max)


def expectation_attainment(
    data: Data,
    /,
    *,
    calendar: BusinessCalendar | None = None,
    bot_replies: bool = False,
    as_of: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> AttainmentResult:
    """How many first replies meet what customers expect: within 1 hour, and within 24 hours.

    The source articles quote the Sprout Social Index: 57% of consumers expect a reply within the
    first hour, and more than three quarters within 24 hours. The result shows the team's shares
    beside those figures ([`EXPECTED_WITHIN_HOUR`][socialcare_metrics.EXPECTED_WITHIN_HOUR],
    [`EXPECTED_WITHIN_DAY`][socialcare_metrics.EXPECTED_WITHIN_DAY]).

    Each conversation's first wait (from its first customer message to the first public reply) is
    one item. Its first reply is within the threshold when duration <= threshold. An unanswered
    conversation already older than the threshold at ``as_of`` is known to miss it and counts as
    late; one not yet that old is left out of the share and reported as not yet due.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        calendar: Measure business time in this calendar instead of wall-clock time.
        bot_replies: Count bot messages as replies.
        as_of: The time unanswered conversations are aged to; default the latest timestamp in
            the data.
        start: Keep only the items opened at or after this time (an aware datetime).
        end: Look at the data as it stood at this time: later messages, resolutions and actions
            are left out, items opened before it only are kept, and pending ones are aged to it
            unless ``as_of`` is given.

    Returns:
        An [`AttainmentResult`][socialcare_metrics.AttainmentResult].

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> def thread(cid, hours):
        ...     return Conversation(cid, [
        ...         Message("q", t0, "customer"),
        ...         Message("a", t0 + timedelta(hours=hours), "agent", agent_id="ana"),
        ...     ])
        >>> result = expectation_attainment([thread("c1", 0.5), thread("c2", 3), thread("c3", 30)])
        >>> print(result)
        within 1 h: 33.3% of 3 (consumers expecting it: 57%)
        within 24 h: 66.7% of 3 (consumers expecting it: 75%)
    """
    function = "expectation_attainment"
    table, as_of_value, window_start = message_inputs(
        data,
        function,
        bot_replies=bot_replies,
        calendar=calendar,
        as_of=as_of,
        start=start,
        end=end,
    )
    waits = compute_waits(table, bot_replies=bot_replies, as_of=as_of_value, function=function)
    first = waits.first
    closed = waits.closed[first]
    conversation = waits.conversation[first]
    opened = waits.start[first]
    agent = np.where(closed, waits.agent[first], table.assignee[conversation])
    keys = GroupKeys(
        agent=agent.astype(np.int32, copy=False),
        agent_names=table.agent_names,
        channel=waits.channel[first],
        channel_names=table.channel_names,
        time=opened,
        default_tz=None if calendar is None else calendar.timezone,
    )
    return opened_in(
        AttainmentResult(
            as_of=as_of_datetime(waits.as_of),
            business_time=calendar is not None,
            actual_ns=measure(opened, waits.end[first], calendar, function),
            closed=closed,
            keys=keys,
        ),
        window_start,
    )
