"""SLA compliance: targets for first reply, next reply and resolution.

Every item is a wait (first reply: each conversation's first wait; next reply: every later wait)
or a conversation (resolution: from the customer's first message to ``resolved_at``, resolved by
the rule resolution rate and resolution time use). Against its target an item is

- **achieved**: it closed within the target (duration <= target);
- **breached**: it closed after the target, or it is still open and already older than it;
- **pending**: it is still open and not yet older than the target.

Compliance is achieved / (achieved + breached). Durations are compared with their targets in
integer nanoseconds (wall-clock, or the policy calendar's business time), so a reply at exactly
the target is achieved whatever the scale of the numbers: no float rounding at the boundary.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import numpy.typing as npt

from .._core.time import ns_to_datetime
from .._core.typing import BoolArray, Int8Array, Int64Array
from .._engine.durations import measure, timedelta_ns
from .._engine.inputs import Data, message_inputs
from .._engine.resolution import resolution_items
from .._engine.sla import TARGETS, SlaPolicy, SlaTargetName, classify
from .._engine.waits import as_of_datetime, compute_waits, default_as_of
from .._engine.window import opened_in
from ..errors import InvalidParameterError
from ..results._base import Labels
from ..results._grouping import GroupKeys
from ..results.sla import SlaReport

__all__ = ["sla_compliance"]


def sla_compliance(
    data: Data,
    /,
    policy: SlaPolicy,
    *,
    bot_replies: bool = False,
    as_of: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> SlaReport:
    """Compliance with a service-level policy, per target and overall.

    Items: for the first-reply target, each conversation's first wait; for the next-reply
    target, every later wait; for the resolution target, each conversation with a customer
    message, from that message to ``resolved_at``. A conversation is resolved, as for
    [`resolution_rate`][socialcare_metrics.resolution_rate], when it has a ``resolved_at`` and no
    public customer message came strictly after it; one the customer reopened so is still open.
    Each item is **achieved** (closed within the target: duration <= target), **breached**
    (closed after it, or still open and already older than it at ``as_of``) or **pending**
    (open, not yet older). Compliance is achieved / (achieved + breached); pending items are
    counted, not scored, and compliance over no scored item is ``None``.

    Durations are business time in the policy's calendar if it has one, else wall-clock time,
    and are compared with the targets in exact integer nanoseconds.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        policy: The targets (and optional calendar).
        bot_replies: Count bot messages as replies that close a wait.
        as_of: The time open items are aged to; default the latest timestamp in the data.
        start: Keep only the items opened at or after this time (an aware datetime).
        end: Look at the data as it stood at this time: later messages, resolutions and actions
            are left out, items opened before it only are kept, and pending ones are aged to it
            unless ``as_of`` is given.

    Returns:
        An [`SlaReport`][socialcare_metrics.SlaReport]: overall counts and compliance, each target's
            [`SlaResult`][socialcare_metrics.SlaResult], margins per item, and
            ``by("agent" | "channel" | period)``.

    Raises:
        InvalidParameterError: ``policy`` is not an [`SlaPolicy`][socialcare_metrics.SlaPolicy],
            ``bot_replies`` not a bool, or ``as_of`` not an aware datetime or before an open item's
            start.

    Examples:
        The source articles' example: the target is to reply within 2 hours, and every inquiry
        got its reply within 2 hours, so the SLA is 100%.

        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> def thread(cid, minutes):
        ...     return Conversation(cid, [
        ...         Message("q", t0, "customer", channel="twitter"),
        ...         Message("a", t0 + timedelta(minutes=minutes), "agent", agent_id="ana"),
        ...     ])
        >>> policy = SlaPolicy(first_reply=timedelta(hours=2))
        >>> report = sla_compliance([thread("c1", 20), thread("c2", 95), thread("c3", 120)], policy)
        >>> str(report.first_reply), report.achieved, report.breached
        ('100.0%', 3, 0)
    """
    function = "sla_compliance"
    if not isinstance(policy, SlaPolicy):
        raise InvalidParameterError(function, "policy", "an SlaPolicy", policy)
    table, as_of_value, window_start = message_inputs(
        data, function, bot_replies=bot_replies, as_of=as_of, start=start, end=end
    )
    if as_of_value is None:
        as_of_value = default_as_of(table)
    calendar = policy.calendar
    targets = policy.targets

    kinds: list[Int8Array] = []
    closed: list[BoolArray] = []
    starts: list[Int64Array] = []
    ends: list[Int64Array] = []
    targets_ns: list[Int64Array] = []
    conversations: list[Int64Array] = []
    agents: list[npt.NDArray[np.int32]] = []
    channels: list[npt.NDArray[np.int32]] = []

    def add(
        name: SlaTargetName,
        is_closed: BoolArray,
        start: Int64Array,
        end: Int64Array,
        conversation: Int64Array,
        agent: npt.NDArray[np.int32],
        channel: npt.NDArray[np.int32],
    ) -> None:
        n = start.shape[0]
        kinds.append(np.full(n, TARGETS.index(name), dtype=np.int8))
        closed.append(is_closed)
        starts.append(start)
        ends.append(end)
        targets_ns.append(np.full(n, timedelta_ns(targets[name]), dtype=np.int64))
        conversations.append(conversation)
        agents.append(agent.astype(np.int32, copy=False))
        channels.append(channel.astype(np.int32, copy=False))

    if "first_reply" in targets or "next_reply" in targets:
        # Wall-clock waits only for their bounds: business time is measured below, exactly.
        waits = compute_waits(table, bot_replies=bot_replies, as_of=as_of_value, function=function)
        owner = np.where(waits.closed, waits.agent, table.assignee[waits.conversation])
        for name, mask in (("first_reply", waits.first), ("next_reply", ~waits.first)):
            if name in targets:
                add(
                    name,
                    waits.closed[mask],
                    waits.start[mask],
                    waits.end[mask],
                    waits.conversation[mask],
                    owner[mask],
                    waits.channel[mask],
                )
    if "resolution" in targets:
        items = resolution_items(table)
        pending = ~items.resolved
        if pending.any():
            late = int(items.start[pending].max())
            if late > as_of_value:
                raise InvalidParameterError(
                    function,
                    "as_of",
                    "a time at or after every unresolved conversation's first customer message "
                    f"(the latest is at {ns_to_datetime(late).isoformat()})",
                    ns_to_datetime(as_of_value),
                )
        add(
            "resolution",
            items.resolved,
            items.start,
            np.where(items.resolved, items.end, as_of_value).astype(np.int64),
            items.conversation,
            table.assignee[items.conversation],
            table.channel[items.row],
        )

    opened = np.concatenate(starts)
    actual = measure(opened, np.concatenate(ends), calendar, function)
    target_ns = np.concatenate(targets_ns)
    is_closed = np.concatenate(closed)
    keys = GroupKeys(
        agent=np.concatenate(agents),
        agent_names=table.agent_names,
        channel=np.concatenate(channels),
        channel_names=table.channel_names,
        time=opened,
        default_tz=None if calendar is None else calendar.timezone,
    )
    return opened_in(
        SlaReport(
            policy=policy,
            as_of=as_of_datetime(as_of_value),
            kind=np.concatenate(kinds),
            status=classify(is_closed, actual, target_ns),
            actual_ns=actual,
            target_ns=target_ns,
            conversation=Labels(
                codes=np.concatenate(conversations).astype(np.int64, copy=False),
                names=table.conversation_ids,
            ),
            keys=keys,
        ),
        window_start,
    )
