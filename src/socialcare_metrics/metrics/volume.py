"""Volume and productivity metrics.

Messages received, total replies, unique messages replied, reply rate, resolution rate, action
rate and time to action. Every one of them reads the waits engine's per-row masks (which customer
messages are public, which sit inside a wait that got a reply), so they agree with the speed
metrics by construction: a message is "replied" here exactly when its wait is closed there.
"""

from __future__ import annotations

from datetime import datetime

import attrs
import numpy as np
import numpy.typing as npt

from .._core.columns import AUTHOR_AGENT, AUTHOR_BOT, AUTHOR_CUSTOMER
from .._core.time import NAT, ns_to_datetime
from .._core.typing import Int32Array, Int64Array
from .._engine.durations import end_or_as_of, measure
from .._engine.inputs import Data, message_inputs
from .._engine.resolution import conversation_resolved
from .._engine.waits import Waits, as_of_datetime, compute_waits, default_as_of
from .._engine.window import opened_in
from ..calendar import BusinessCalendar
from ..errors import InvalidDataError
from ..results._base import Labels
from ..results._grouping import GroupKeys
from ..results.counts import CountResult, RateResult, ReplyVolumeResult
from ..results.durations import DurationResult
from ..tables.messages import MessageTable

__all__ = [
    "action_rate",
    "messages_received",
    "reply_rate",
    "resolution_rate",
    "time_to_action",
    "total_replies",
    "unique_messages_replied",
]


def _keys(table: MessageTable, rows: npt.NDArray[np.intp], agent: Int32Array) -> GroupKeys:
    return GroupKeys(
        agent=agent.astype(np.int32, copy=False),
        agent_names=table.agent_names,
        channel=table.channel[rows],
        channel_names=table.channel_names,
        time=table.sent_at[rows],
    )


def _wait_of_row(waits: Waits) -> Int64Array:
    """For each table row, the index of the latest wait opened at or before it.

    Every public customer message belongs to exactly one wait: the one opened by the first
    customer message of its run, which is the latest wait opened at or before it.
    """
    opens = np.zeros(len(waits.table), dtype=np.int64)
    opens[waits.open_row] = 1
    wait_index: Int64Array = np.cumsum(opens) - 1
    return wait_index


def _closing_agent(waits: Waits, rows: npt.NDArray[np.intp]) -> Int32Array:
    """The agent whose reply closed the wait of each customer row (-1 if none or pending)."""
    if rows.size == 0:
        return np.zeros(0, dtype=np.int32)
    agent: Int32Array = waits.agent[_wait_of_row(waits)[rows]]
    return agent


def messages_received(
    data: Data, /, *, start: datetime | None = None, end: datetime | None = None
) -> CountResult:
    """Total messages received: the public customer messages (private notes excluded).

    Grouped by agent, a message belongs to its conversation's assignee; by channel, to its own
    channel; by period, to the period in which the customer wrote.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        start: Keep only the items opened at or after this time (an aware datetime).
        end: Look at the data as it stood at this time: later messages, resolutions and actions
            are left out, and only the items opened before it are kept.

    Returns:
        A [`CountResult`][socialcare_metrics.CountResult].

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> conv = Conversation("c1", [
        ...     Message("m1", t0, "customer"),
        ...     Message("m2", t0 + timedelta(minutes=5), "agent", agent_id="ana"),
        ...     Message("m3", t0 + timedelta(minutes=6), "customer"),
        ... ])
        >>> messages_received([conv]).count
        2
    """
    table, _, window_start = message_inputs(data, "messages_received", start=start, end=end)
    rows = np.flatnonzero((table.author == AUTHOR_CUSTOMER) & ~table.private)
    assignee = table.assignee[table.conversation[rows]]
    return opened_in(
        CountResult(name="messages received", keys=_keys(table, rows, assignee)),
        window_start,
    )


def total_replies(
    data: Data,
    /,
    *,
    bot_replies: bool = False,
    start: datetime | None = None,
    end: datetime | None = None,
) -> ReplyVolumeResult:
    """Total replies (reply volume): public messages sent by the brand's agents.

    Bot messages are reported beside them in
    [`ReplyVolumeResult.bot_messages`][socialcare_metrics.ReplyVolumeResult.bot_messages]; with
    ``bot_replies=True`` they also count as replies, as in the waits engine. Private notes never
    count. Grouped by agent, a message belongs to the agent who sent it.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        bot_replies: Count bot messages as replies.
        start: Keep only the items opened at or after this time (an aware datetime).
        end: Look at the data as it stood at this time: later messages, resolutions and actions
            are left out, and only the items opened before it are kept.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> conv = Conversation("c1", [
        ...     Message("m1", t0, "customer"),
        ...     Message("m2", t0 + timedelta(minutes=1), "bot"),
        ...     Message("m3", t0 + timedelta(minutes=5), "agent", agent_id="ana"),
        ...     Message("m4", t0 + timedelta(minutes=6), "agent", agent_id="ana", private=True),
        ... ])
        >>> result = total_replies([conv])
        >>> result.count, result.bot_messages
        (1, 1)
    """
    table, _, window_start = message_inputs(
        data, "total_replies", bot_replies=bot_replies, start=start, end=end
    )
    author = table.author
    rows = np.flatnonzero(((author == AUTHOR_AGENT) | (author == AUTHOR_BOT)) & ~table.private)
    return opened_in(
        ReplyVolumeResult(
            name="total replies",
            bot=author[rows] == AUTHOR_BOT,
            bot_replies=bot_replies,
            keys=_keys(table, rows, table.agent[rows]),
        ),
        window_start,
    )


def unique_messages_replied(
    data: Data,
    /,
    *,
    bot_replies: bool = False,
    start: datetime | None = None,
    end: datetime | None = None,
) -> CountResult:
    """Unique messages replied: customer messages inside a wait that got a reply.

    Three customer messages in a row answered by one reply are three messages replied: they
    are one wait, and its reply answers each of them. Grouped by agent, a message belongs to the
    agent whose reply closed its wait.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        bot_replies: Count bot messages as replies.
        start: Keep only the items opened at or after this time (an aware datetime).
        end: Look at the data as it stood at this time: later messages, resolutions and actions
            are left out, and only the items opened before it are kept.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> conv = Conversation("c1", [
        ...     Message("m1", t0, "customer"),
        ...     Message("m2", t0 + timedelta(minutes=1), "customer"),
        ...     Message("m3", t0 + timedelta(minutes=5), "agent", agent_id="ana"),
        ...     Message("m4", t0 + timedelta(minutes=6), "customer"),
        ... ])
        >>> unique_messages_replied([conv]).count
        2
    """
    table, _, window_start = message_inputs(
        data, "unique_messages_replied", bot_replies=bot_replies, start=start, end=end
    )
    waits = compute_waits(table, bot_replies=bot_replies, function="unique_messages_replied")
    rows = np.flatnonzero(waits.replied)
    return opened_in(
        CountResult(
            name="unique messages replied", keys=_keys(table, rows, _closing_agent(waits, rows))
        ),
        window_start,
    )


def reply_rate(
    data: Data,
    /,
    *,
    bot_replies: bool = False,
    start: datetime | None = None,
    end: datetime | None = None,
) -> RateResult:
    """Reply rate: unique messages replied / messages received.

    The source articles give 34% as the average across industries. Grouped by agent, a replied
    message belongs to the agent whose reply closed its wait and an unreplied one to its
    conversation's assignee (who owes the reply); by period, to when the customer wrote.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        bot_replies: Count bot messages as replies.
        start: Keep only the items opened at or after this time (an aware datetime).
        end: Look at the data as it stood at this time: later messages, resolutions and actions
            are left out, and only the items opened before it are kept.

    Returns:
        A [`RateResult`][socialcare_metrics.RateResult]; its value is ``None`` when no customer
            message was received.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> conv = Conversation("c1", [
        ...     Message("m1", t0, "customer"),
        ...     Message("m2", t0 + timedelta(minutes=5), "agent", agent_id="ana"),
        ...     Message("m3", t0 + timedelta(minutes=6), "customer"),
        ... ])
        >>> result = reply_rate([conv])
        >>> result.value, str(result)
        (0.5, '50.0%')
    """
    table, _, window_start = message_inputs(
        data, "reply_rate", bot_replies=bot_replies, start=start, end=end
    )
    waits = compute_waits(table, bot_replies=bot_replies, function="reply_rate")
    rows = np.flatnonzero(waits.customer)
    hit = waits.replied[rows]
    agent = np.where(hit, _closing_agent(waits, rows), table.assignee[table.conversation[rows]])
    return opened_in(
        RateResult(name="reply rate", hit=hit, keys=_keys(table, rows, agent)),
        window_start,
    )


def resolution_rate(
    data: Data, /, *, start: datetime | None = None, end: datetime | None = None
) -> RateResult:
    """Resolution rate: resolved conversations / conversations.

    A conversation is resolved when it has a ``resolved_at`` and no public customer message was
    sent after it: a customer who writes again after the resolution reopens the conversation, and
    it counts as unresolved until it is resolved again. A customer message at exactly
    ``resolved_at`` does not reopen it, and a private note never does. (Resolution time and the
    resolution target of [`sla_compliance`][socialcare_metrics.sla_compliance] use this same
    rule.) Grouped by agent, a conversation belongs to its assignee; by channel and period, to the
    channel and time of its first message (a conversation without messages is under ``None``).

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        start: Keep only the items opened at or after this time (an aware datetime).
        end: Look at the data as it stood at this time: later messages, resolutions and actions
            are left out, and only the items opened before it are kept.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> done = Conversation("c1", [Message("m1", t0, "customer")],
        ...                     resolved_at=t0 + timedelta(hours=1))
        >>> open_ = Conversation("c2", [Message("m2", t0, "customer")])
        >>> resolution_rate([done, open_]).value
        0.5
        >>> reopened = Conversation("c3", [Message("m3", t0, "customer"),
        ...                                Message("m4", t0 + timedelta(hours=2), "customer")],
        ...                         resolved_at=t0 + timedelta(hours=1))
        >>> resolution_rate([done, open_, reopened]).numerator
        1
    """
    table, _, window_start = message_inputs(data, "resolution_rate", start=start, end=end)
    n = table.n_conversations
    first = table.offsets[:-1]
    has_messages = table.offsets[1:] > first
    first_row = np.where(has_messages, first, 0)
    if len(table):
        channel = np.where(has_messages, table.channel[first_row], -1).astype(np.int32)
        time = np.where(has_messages, table.sent_at[first_row], NAT).astype(np.int64)
    else:
        channel = np.full(n, -1, dtype=np.int32)
        time = np.full(n, NAT, dtype=np.int64)
    keys = GroupKeys(
        agent=table.assignee.astype(np.int32, copy=False),
        agent_names=table.agent_names,
        channel=channel,
        channel_names=table.channel_names,
        time=time,
    )
    return opened_in(
        RateResult(name="resolution rate", hit=conversation_resolved(table), keys=keys),
        window_start,
    )


def _actioned_at(table: MessageTable, rows: npt.NDArray[np.intp], function: str) -> Int64Array:
    """``actioned_at`` of the given rows (NAT for none), checked not to precede the message."""
    if table.actioned_at is None:
        return np.full(rows.shape[0], NAT, dtype=np.int64)
    actioned = table.actioned_at[rows]
    bad = np.flatnonzero((actioned != NAT) & (actioned < table.sent_at[rows]))
    if bad.size:
        row = int(rows[bad[0]])
        conversation = table.conversation_label(int(table.conversation[row]))
        label = (
            f"message {table.message_id[row]!r} of conversation {conversation!r}"
            if table.message_id is not None
            else f"a message of conversation {conversation!r}"
        )
        raise InvalidDataError(
            function,
            "actioned_at",
            int(table.row[row]),
            f"a time at or after the message was sent ({ns_to_datetime(table.sent_at[row])}) "
            f"for {label}",
            ns_to_datetime(int(actioned[bad[0]])),
        )
    return actioned


def action_rate(
    data: Data,
    /,
    *,
    bot_replies: bool = False,
    start: datetime | None = None,
    end: datetime | None = None,
) -> RateResult:
    """Action rate: customer messages replied to or actioned / customer messages.

    This is the source articles' "actioned messages divided by all messages". A message counts
    as actioned when it got a reply (it sits inside a wait that closed) or has an
    ``actioned_at`` (the brand marked it complete, or acted on it another way). Grouped by
    agent, a replied message belongs to the agent whose reply closed its wait and any other to
    the conversation's assignee.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        bot_replies: Count bot messages as replies.

    Raises:
        InvalidDataError: a message's ``actioned_at`` is before it was sent.
        start: Keep only the items opened at or after this time (an aware datetime).
        end: Look at the data as it stood at this time: later messages, resolutions and actions
            are left out, and only the items opened before it are kept.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> conv = Conversation("c1", [
        ...     Message("m1", t0, "customer", actioned_at=t0 + timedelta(minutes=2)),
        ...     Message("m2", t0 + timedelta(minutes=3), "customer"),
        ... ])
        >>> action_rate([conv]).value
        0.5
    """
    table, _, window_start = message_inputs(
        data, "action_rate", bot_replies=bot_replies, start=start, end=end
    )
    waits = compute_waits(table, bot_replies=bot_replies, function="action_rate")
    rows = np.flatnonzero(waits.customer)
    replied = waits.replied[rows]
    hit = replied | (_actioned_at(table, rows, "action_rate") != NAT)
    agent = np.where(replied, _closing_agent(waits, rows), table.assignee[table.conversation[rows]])
    return opened_in(
        RateResult(name="action rate", hit=hit, keys=_keys(table, rows, agent)),
        window_start,
    )


def time_to_action(
    data: Data,
    /,
    *,
    calendar: BusinessCalendar | None = None,
    bot_replies: bool = False,
    as_of: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> DurationResult:
    """Time to action: from each customer message to the first thing the brand did about it.

    Measured like a wait, per customer message: from when it was sent to the earlier of the
    reply that closed its wait and its ``actioned_at``. A message with neither is pending, aged
    to ``as_of``. Unlike reply wait time, every message is measured from its own time, not from
    the start of its wait: the second of two messages answered by one reply waited less.

    Grouped by agent, an item belongs to the agent whose reply came first, else (actioned
    first, or pending) to the conversation's assignee.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        calendar: Measure business time in this calendar instead of wall-clock time.
        bot_replies: Count bot messages as replies.
        as_of: The time pending messages are aged to; default the latest timestamp in the data.
        start: Keep only the items opened at or after this time (an aware datetime).
        end: Look at the data as it stood at this time: later messages, resolutions and actions
            are left out, items opened before it only are kept, and pending ones are aged to it
            unless ``as_of`` is given.

    Returns:
        A [`DurationResult`][socialcare_metrics.DurationResult], one item per customer message.

    Raises:
        InvalidDataError: a message's ``actioned_at`` is before it was sent.
        InvalidParameterError: ``as_of`` is before a pending message.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> conv = Conversation("c1", [
        ...     Message("m1", t0, "customer", actioned_at=t0 + timedelta(minutes=2)),
        ...     Message("m2", t0 + timedelta(minutes=4), "customer"),
        ...     Message("m3", t0 + timedelta(minutes=10), "agent", agent_id="ana"),
        ... ])
        >>> [d.total_seconds() for d in [time_to_action([conv]).min, time_to_action([conv]).max]]
        [120.0, 360.0]
    """
    function = "time_to_action"
    table, as_of_value, window_start = message_inputs(
        data,
        function,
        bot_replies=bot_replies,
        calendar=calendar,
        as_of=as_of,
        start=start,
        end=end,
    )
    waits = compute_waits(table, bot_replies=bot_replies, function=function)
    rows = np.flatnonzero(waits.customer)
    opened = table.sent_at[rows]
    replied = waits.replied[rows]
    wait_index = _wait_of_row(waits)[rows]
    reply_at = np.where(replied, waits.end[wait_index], NAT)
    actioned = _actioned_at(table, rows, function)
    has_action = actioned != NAT
    closed = replied | has_action
    # NAT is int64's minimum, so the earlier of two known times is a min over "known or max".
    big = np.iinfo(np.int64).max
    end_known = np.minimum(np.where(replied, reply_at, big), np.where(has_action, actioned, big))
    reply_first = replied & (reply_at <= np.where(has_action, actioned, big))

    if as_of_value is None:
        as_of_value = default_as_of(table)
    finished = end_or_as_of(opened, end_known, closed, as_of_value, function, "message")
    conversation = table.conversation[rows]
    agent = np.where(reply_first, waits.agent[wait_index], table.assignee[conversation])
    return opened_in(
        DurationResult(
            name="time to action",
            ns=measure(opened, finished, calendar, function),
            closed=closed,
            conversation=Labels(
                codes=conversation.astype(np.int64, copy=False), names=table.conversation_ids
            ),
            # With a calendar, periods default to its zone, as for the other speed metrics.
            keys=attrs.evolve(
                _keys(table, rows, agent),
                default_tz=None if calendar is None else calendar.timezone,
            ),
            as_of=as_of_datetime(as_of_value),
        ),
        window_start,
    )
