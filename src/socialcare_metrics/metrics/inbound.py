"""Inbound volume: customer messages per local period, and per hour of the week.

Inbound volume counts what "messages received" counts (public customer messages), laid out in
time: one count per hour, day, ISO week or month of a time zone, with every empty period present
as zero, so a chart of it has no missing bars. The hour-of-week matrix folds the same messages
onto a 7 x 24 grid (Monday first, local wall-clock hours) for staffing.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import numpy.typing as npt

from .._core.columns import AUTHOR_CUSTOMER, read_only
from .._core.periods import (
    _NS_PER_HOUR,
    PeriodUnit,
    TimeZone,
    bucket_instants,
    check_period_unit,
    local_days_and_ns,
    resolve_timezone,
)
from .._core.validation import check_time
from .._engine.inputs import Data, as_table
from .._engine.window import check_window
from ..errors import InvalidParameterError
from ..results._grouping import GroupKeys
from ..results.series import HourOfWeekResult, VolumeSeries
from ..tables.messages import MessageTable

__all__ = ["hour_of_week", "inbound_volume"]


def _customer_rows(table: MessageTable) -> npt.NDArray[np.intp]:
    return np.flatnonzero((table.author == AUTHOR_CUSTOMER) & ~table.private)


def _zone_name(tz: object) -> str:
    return str(getattr(tz, "key", None) or tz)


def inbound_volume(
    data: Data,
    /,
    *,
    period: PeriodUnit = "day",
    tz: TimeZone | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> VolumeSeries:
    """Inbound volume: customer messages received per hour, day, week or month.

    Counts public customer messages (what
    [`messages_received`][socialcare_metrics.messages_received] counts) in local calendar periods of
    ``tz``: a day runs from local midnight to local midnight (23 or 25 hours across a DST change), a
    week from Monday, a month from the 1st. Every period from the first to the last is present,
    empty ones as zero; the counts sum to the total.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        period: ``"hour"``, ``"day"``, ``"week"`` or ``"month"``.
        tz: The time zone (an IANA name such as ``"Europe/Berlin"``, a ``ZoneInfo`` or a fixed
            ``timezone``); default UTC.
        start: Count messages sent at or after this time, and begin the range with its period
            even when it is empty. Default: the first message.
        end: Count messages sent before this time, and end the range with the period holding
            the last instant before it. Default: the last message.

    Returns:
        A [`VolumeSeries`][socialcare_metrics.VolumeSeries].

    Examples:
        >>> from datetime import datetime, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> def day(d): return datetime(2024, 5, d, 9, tzinfo=timezone.utc)
        >>> convs = [Conversation("c1", [Message("m1", day(6), "customer")]),
        ...          Conversation("c2", [Message("m1", day(8), "customer"),
        ...                              Message("m2", day(8), "customer")])]
        >>> inbound_volume(convs, period="day").counts.tolist()
        [1, 0, 2]
    """
    function = "inbound_volume"
    unit = check_period_unit(period, function)
    zone = resolve_timezone(tz, function)
    lo = check_time(start, function, "start")
    hi = check_time(end, function, "end")
    if lo is not None and hi is not None and hi <= lo:
        raise InvalidParameterError(function, "end", f"a time after 'start' ({start})", end)
    table = as_table(data, function)
    rows = _customer_rows(table)
    sent = table.sent_at[rows]
    if lo is not None or hi is not None:
        keep = np.ones(sent.shape[0], dtype=bool)
        if lo is not None:
            keep &= sent >= lo
        if hi is not None:
            keep &= sent < hi
        rows, sent = rows[keep], sent[keep]
    span: tuple[int, int] | None = None
    if lo is not None or hi is not None:
        if sent.size == 0 and (lo is None or hi is None):
            span = None  # an open-ended range over no message: no periods
        else:
            first = lo if lo is not None else int(sent.min())
            last = hi - 1 if hi is not None else int(sent.max())
            span = (first, last)
    index = bucket_instants(
        sent,
        unit,
        zone,
        span=span,
        function=function,
        hint="Give start= and end= to count a shorter range, or a coarser period; a message "
        "dated far from the others may be a mistake in the data.",
    )
    conversation = table.conversation[rows]
    return VolumeSeries(
        unit=unit,
        tz=_zone_name(zone),
        periods=tuple(index.labels()),
        starts=read_only(index.starts),
        ends=read_only(index.ends),
        period=index.codes.astype(np.int64, copy=False),
        keys=GroupKeys(
            agent=table.assignee[conversation],
            agent_names=table.agent_names,
            channel=table.channel[rows],
            channel_names=table.channel_names,
            time=sent,
            default_tz=zone,
        ),
    )


def hour_of_week(
    data: Data,
    /,
    *,
    tz: TimeZone | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> HourOfWeekResult:
    """Customer messages by local weekday and hour of day, for staffing.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        tz: The time zone of the wall clock; default UTC.
        start: Count messages sent at or after this time.
        end: Count messages sent before this time.

    Returns:
        A [`HourOfWeekResult`][socialcare_metrics.HourOfWeekResult] whose ``matrix`` is 7 x 24,
            Monday first.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> monday_9 = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)
        >>> result = hour_of_week([Conversation("c1", [Message("m1", monday_9, "customer")])],
        ...                       tz="Europe/Berlin")
        >>> result.busiest(1)
        [('Monday', 11, 1)]
    """
    function = "hour_of_week"
    zone = resolve_timezone(tz, function)
    lo, hi = check_window(start, end, function)
    table = as_table(data, function)
    sent = table.sent_at[_customer_rows(table)]
    if lo is not None:
        sent = sent[sent >= lo]
    if hi is not None:
        sent = sent[sent < hi]
    days, within = local_days_and_ns(sent, zone)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
    hour = within // _NS_PER_HOUR
    matrix = np.bincount(weekday * 24 + hour, minlength=7 * 24).astype(np.int64).reshape(7, 24)
    return HourOfWeekResult(tz=_zone_name(zone), matrix=read_only(matrix))
