"""Speed metrics: first reply time and reply wait time."""

from __future__ import annotations

from datetime import datetime

from .._engine.inputs import Data, message_inputs
from .._engine.waits import Waits, compute_waits
from .._engine.window import opened_in
from ..calendar import BusinessCalendar
from ..results.durations import DurationResult

__all__ = ["first_reply_time", "reply_wait_time"]


def _waits(
    data: Data,
    function: str,
    *,
    calendar: BusinessCalendar | None,
    bot_replies: bool,
    as_of: datetime | None,
    start: datetime | None,
    end: datetime | None,
) -> tuple[Waits, int | None]:
    table, as_of_value, lo = message_inputs(
        data,
        function,
        bot_replies=bot_replies,
        calendar=calendar,
        as_of=as_of,
        start=start,
        end=end,
    )
    waits = compute_waits(
        table, bot_replies=bot_replies, as_of=as_of_value, calendar=calendar, function=function
    )
    return waits, lo


def first_reply_time(
    data: Data,
    /,
    *,
    calendar: BusinessCalendar | None = None,
    bot_replies: bool = False,
    as_of: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> DurationResult:
    """How long customers waited for the brand's first reply.

    The first reply time of a conversation is the duration of its first wait: from the
    customer's first message (the oldest one not yet answered) to the first public
    reply by an agent. A conversation whose first wait has no reply yet is counted as pending.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        calendar: Measure business time in this calendar instead of wall-clock time; the
            result's ``by("day")`` (and other periods) then defaults to the calendar's time
            zone.
        bot_replies: Count bot messages as replies (by default the customer is still waiting
            for a person).
        as_of: The time pending waits are aged to; default the latest timestamp in the data.
        start: Keep only the items opened at or after this time (an aware datetime).
        end: Look at the data as it stood at this time: later messages, resolutions and actions
            are left out, items opened before it only are kept, and pending ones are aged to it
            unless ``as_of`` is given.

    Returns:
        A [`DurationResult`][socialcare_metrics.DurationResult], one item per conversation that has
            a customer message.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> conv = Conversation("c1", [
        ...     Message("m1", t0, "customer"),
        ...     Message("m2", t0 + timedelta(minutes=5), "agent", agent_id="ana"),
        ... ])
        >>> first_reply_time([conv]).mean
        datetime.timedelta(seconds=300)
    """
    waits, lo = _waits(
        data,
        "first_reply_time",
        calendar=calendar,
        bot_replies=bot_replies,
        as_of=as_of,
        start=start,
        end=end,
    )
    result = DurationResult._from_waits(
        "first reply time", waits, waits.first, tz=None if calendar is None else calendar.timezone
    )
    return opened_in(result, lo)


def reply_wait_time(
    data: Data,
    /,
    *,
    calendar: BusinessCalendar | None = None,
    bot_replies: bool = False,
    as_of: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> DurationResult:
    """How long customers waited for each reply: every closed wait, the first one included.

    A wait opens at a customer message when none is open and closes at the next public reply by
    an agent; customer messages sent while it is open do not move its start.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        calendar: Measure business time in this calendar instead of wall-clock time; the
            result's periods then default to the calendar's time zone.
        bot_replies: Count bot messages as replies.
        as_of: The time pending waits are aged to; default the latest timestamp in the data.
        start: Keep only the items opened at or after this time (an aware datetime).
        end: Look at the data as it stood at this time: later messages, resolutions and actions
            are left out, items opened before it only are kept, and pending ones are aged to it
            unless ``as_of`` is given.

    Returns:
        A [`DurationResult`][socialcare_metrics.DurationResult], one item per wait.

    Examples:
        The source articles' example: 5 minutes to answer the first message and 10 to answer
        the second.

        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> def at(minutes): return t0 + timedelta(minutes=minutes)
        >>> conv = Conversation("c1", [
        ...     Message("m1", at(0), "customer"),
        ...     Message("m2", at(5), "agent", agent_id="ana"),
        ...     Message("m3", at(6), "customer"),
        ...     Message("m4", at(16), "agent", agent_id="ana"),
        ... ])
        >>> result = reply_wait_time([conv])
        >>> result.mean, str(result)
        (datetime.timedelta(seconds=450), '7 min')
    """
    waits, lo = _waits(
        data,
        "reply_wait_time",
        calendar=calendar,
        bot_replies=bot_replies,
        as_of=as_of,
        start=start,
        end=end,
    )
    result = DurationResult._from_waits(
        "reply wait time", waits, tz=None if calendar is None else calendar.timezone
    )
    return opened_in(result, lo)
