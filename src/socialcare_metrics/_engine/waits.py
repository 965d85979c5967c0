"""The waits engine: the one mechanism under every speed metric.

Walk each conversation in time order. A wait opens at a customer message when no wait is open and
closes at the next brand reply. Customer messages that arrive while a wait is open do not move its
start. Brand replies while no wait is open close nothing. A wait still open at the end of the data
is pending, and its age is measured up to ``as_of``.

The walk is done for all conversations at once with array operations: keep only the rows that
matter (public customer messages and brand replies), then a wait starts at every customer row
whose previous kept row in the same conversation is not a customer row, and it closes at the row
right after its run of customer rows when that row is in the same conversation.
"""

from __future__ import annotations

from datetime import datetime

import attrs
import numpy as np

from .._core.columns import AUTHOR_AGENT, AUTHOR_BOT, AUTHOR_CUSTOMER
from .._core.time import NAT, ns_to_datetime
from .._core.typing import BoolArray, Int32Array, Int64Array
from .._core.validation import check_time
from .._engine.durations import end_or_as_of, measure
from ..calendar import BusinessCalendar
from ..tables.messages import MessageTable


@attrs.frozen(eq=False)
class Waits:
    """Every wait of a table, one entry per wait, in table order (conversation, then time)."""

    table: MessageTable
    conversation: Int64Array  # conversation code
    start: Int64Array  # epoch ns of the opening customer message
    end: Int64Array  # epoch ns of the closing reply; as_of for a pending wait
    closed: BoolArray
    first: BoolArray  # the first wait of its conversation
    agent: Int32Array  # agent of the closing reply; -1 for pending or no agent
    channel: Int32Array  # channel of the opening message
    n_messages: Int64Array  # customer messages inside the wait
    open_row: Int64Array  # table row of the opening message
    close_row: Int64Array  # table row of the closing reply; -1 for pending
    ns: Int64Array  # exact duration (closed) or age at as_of (pending); wall or business
    replied: BoolArray  # per table row: a customer message inside a closed wait
    customer: BoolArray  # per table row: a public customer message
    as_of: int  # epoch ns

    def __attrs_post_init__(self) -> None:
        # Waits are shared between metrics (see compute_waits): nobody may change them.
        for field in attrs.fields(Waits):
            value = getattr(self, field.name)
            if isinstance(value, np.ndarray):
                value.flags.writeable = False

    def __len__(self) -> int:
        return int(self.start.shape[0])


def default_as_of(table: MessageTable) -> int:
    """The latest timestamp in the data (`NAT` for an empty table: there is no time)."""
    return int(table.sent_at.max()) if len(table) else NAT


def as_of_datetime(value: int) -> datetime | None:
    """An as_of in epoch ns as a datetime, or None for `NAT` (no data, no as_of)."""
    return None if value == NAT else ns_to_datetime(value)


def compute_waits(
    table: MessageTable,
    *,
    bot_replies: bool = False,
    as_of: int | None = None,
    calendar: BusinessCalendar | None = None,
    function: str = "compute_waits",
) -> Waits:
    """Compute every wait of ``table`` in one vectorised pass.

    The table is immutable, so the waits of the latest options asked are kept on it: metrics
    called one after another on one table (first reply time, reply wait time, reply rate, ...)
    share one walk.
    """
    if as_of is None:
        as_of = default_as_of(table)
    key = (bot_replies, as_of, calendar)
    cached = table._derived.get("waits")
    if cached is not None and cached[0] == key:
        return Waits(table=table, **cached[1])
    waits = _compute_waits(
        table, bot_replies=bot_replies, as_of=as_of, calendar=calendar, function=function
    )
    # Keep the arrays, not the Waits: a Waits refers to its table, and a table that referred
    # back to it would be a reference cycle, freed only by the cycle collector (at 10M messages
    # that is a gigabyte held for an unknown time).
    fields = attrs.asdict(waits, recurse=False, filter=lambda a, _: a.name != "table")
    table._derived["waits"] = (key, fields)
    return waits


def _compute_waits(
    table: MessageTable,
    *,
    bot_replies: bool,
    as_of: int,
    calendar: BusinessCalendar | None,
    function: str,
) -> Waits:
    author = table.author
    public = ~table.private
    customer = (author == AUTHOR_CUSTOMER) & public
    brand = author == AUTHOR_AGENT
    if bot_replies:
        brand = brand | (author == AUTHOR_BOT)
    reply = brand & public

    kept = np.flatnonzero(customer | reply)
    is_c = customer[kept]
    conv = table.conversation[kept]
    n = kept.shape[0]

    same_prev = np.zeros(n, dtype=bool)
    np.equal(conv[1:], conv[:-1], out=same_prev[1:])
    same_next = np.zeros(n, dtype=bool)
    same_next[:-1] = same_prev[1:]
    prev_c = np.zeros(n, dtype=bool)
    prev_c[1:] = is_c[:-1]
    next_c = np.zeros(n, dtype=bool)
    next_c[:-1] = is_c[1:]

    start_mask = is_c & ~(prev_c & same_prev)
    starts = np.flatnonzero(start_mask)
    ends = np.flatnonzero(is_c & ~(next_c & same_next))
    # The row after a run's last customer message closes it when it is in the same conversation
    # (it is then a reply, since it is a kept row that is not a customer message).
    closed = same_next[ends]
    pending = ~closed
    n_messages = ends - starts + 1

    w_conv = conv[starts]
    first = np.ones(starts.shape[0], dtype=bool)
    np.not_equal(w_conv[1:], w_conv[:-1], out=first[1:])

    open_row = kept[starts].astype(np.int64, copy=False)
    # kept[ends + 1] is the closing reply; a pending wait may end the data (ends + 1 == n): it
    # looks up its own row instead, and then every pending wait is marked with -1.
    after = ends + 1
    if after.shape[0] and after[-1] == n:
        after[-1] = n - 1
    close_row = kept[after].astype(np.int64, copy=False)
    close_row[pending] = -1
    start = table.sent_at[open_row]

    # A pending wait's row -1 reads a placeholder time, which end_or_as_of replaces by as_of.
    end = end_or_as_of(start, table.sent_at[close_row], closed, as_of, function, "wait")
    ns = measure(start, end, calendar, function)

    # Customer rows inside closed waits: every public customer row is in exactly one wait (its
    # run), so they are the customer rows less those of the pending waits, which are few. A
    # pending wait's messages are the kept rows starts .. ends: each run's start plus 0, 1, ...
    replied = customer.copy()
    if pending.any():
        run_starts = starts[pending]
        run_sizes = n_messages[pending]
        in_runs = np.repeat(run_starts - (np.cumsum(run_sizes) - run_sizes), run_sizes)
        in_runs += np.arange(in_runs.shape[0], dtype=in_runs.dtype)
        replied[kept[in_runs]] = False

    agent = table.agent[close_row]
    agent[pending] = -1
    return Waits(
        table=table,
        conversation=w_conv.astype(np.int64, copy=False),
        start=start,
        end=end,
        closed=closed,
        first=first,
        agent=agent,
        channel=table.channel[open_row],
        n_messages=n_messages.astype(np.int64, copy=False),
        open_row=open_row,
        close_row=close_row,
        ns=ns,
        replied=replied,
        customer=customer,
        as_of=as_of,
    )


def as_of_ns(value: object, function: str) -> int | None:
    """Validate a caller's ``as_of`` and return it in epoch ns."""
    return check_time(value, function, "as_of")
