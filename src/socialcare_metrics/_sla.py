"""SLA compliance (SPEC section 3): targets for first reply, next reply and resolution.

Every item is a wait (first reply: each conversation's first wait; next reply: every later wait)
or a conversation (resolution: from the customer's first message to ``resolved_at``). Against its
target an item is

- **achieved**: it closed within the target (duration <= target);
- **breached**: it closed after the target, or it is still open and already older than it;
- **pending**: it is still open and not yet older than the target.

Compliance is achieved / (achieved + breached). Durations are compared with their targets in
integer nanoseconds (wall-clock, or the policy calendar's business time), so a reply at exactly
the target is achieved whatever the scale of the numbers: no float rounding at the boundary.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Final, Literal, Self, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from ._calendar import BusinessCalendar
from ._errors import InvalidParameterError
from ._grouping import Grouped, GroupKeys
from ._records import Conversation
from ._resolution import resolution_items
from ._results import format_duration
from ._speed import as_table
from ._table import MessageTable, ns_to_datetime
from ._waits import as_of_datetime, as_of_ns, compute_waits, default_as_of

__all__ = [
    "SlaItem",
    "SlaPolicy",
    "SlaReport",
    "SlaResult",
    "SlaStatus",
    "SlaTargetName",
    "classify",
    "duration_ns",
    "sla_compliance",
]

Data: TypeAlias = MessageTable | Conversation | Iterable[Conversation]
Int64Array: TypeAlias = npt.NDArray[np.int64]
Int8Array: TypeAlias = npt.NDArray[np.int8]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

SlaTargetName: TypeAlias = Literal["first_reply", "next_reply", "resolution"]
SlaStatus: TypeAlias = Literal["achieved", "breached", "pending"]

#: The targets of a policy, in the order results list them.
TARGETS: Final[tuple[SlaTargetName, ...]] = ("first_reply", "next_reply", "resolution")
_TARGET_TITLES: Final = {
    "first_reply": "first reply",
    "next_reply": "next reply",
    "resolution": "resolution",
}
ACHIEVED: Final = 0
BREACHED: Final = 1
PENDING: Final = 2
_STATUS_NAMES: Final[tuple[SlaStatus, ...]] = ("achieved", "breached", "pending")

_NS_PER_US: Final = 1_000
_INT64_MAX: Final = int(np.iinfo(np.int64).max)


# --- exact durations and the three-way status -----------------------------------------------------


def timedelta_ns(value: timedelta) -> int:
    """A timedelta as integer nanoseconds, exactly."""
    return ((value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds) * _NS_PER_US


def ns_to_timedelta(value: int) -> timedelta:
    """Integer nanoseconds as a timedelta, rounded half up to the microsecond (exact integers)."""
    micros, rest = divmod(int(value), _NS_PER_US)
    if 2 * rest >= _NS_PER_US:
        micros += 1
    return timedelta(microseconds=micros)


def duration_ns(
    start: Int64Array, end: Int64Array, calendar: BusinessCalendar | None
) -> Int64Array:
    """Exact nanoseconds from ``start`` to ``end``: wall-clock, or open time in ``calendar``."""
    if calendar is None:
        return np.subtract(end, start, dtype=np.int64)
    return np.asarray(calendar.business_nanoseconds(start, end), dtype=np.int64)


def classify(closed: BoolArray, actual_ns: Int64Array, target_ns: Int64Array | int) -> Int8Array:
    """Each item's status against its target: :data:`ACHIEVED`, :data:`BREACHED`, :data:`PENDING`.

    ``actual_ns`` is the duration of a closed item and the age at ``as_of`` of an open one. Over
    the target is breached whether closed or not; within it, closed is achieved and open pending.
    """
    over = actual_ns > target_ns
    status = np.where(closed, ACHIEVED, PENDING).astype(np.int8)
    status[over] = BREACHED
    return status


# --- the policy -----------------------------------------------------------------------------------


def _check_target(instance: SlaPolicy, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise InvalidParameterError(
            "SlaPolicy", attribute.name, "a positive timedelta or None", value
        )
    if timedelta_ns(value) > _INT64_MAX:
        raise InvalidParameterError(
            "SlaPolicy", attribute.name, "a timedelta shorter than 292 years", value
        )


def _check_policy_calendar(
    instance: SlaPolicy, attribute: attrs.Attribute[Any], value: object
) -> None:
    if value is not None and not isinstance(value, BusinessCalendar):
        raise InvalidParameterError("SlaPolicy", "calendar", "a BusinessCalendar or None", value)


@attrs.frozen(kw_only=True)
class SlaPolicy:
    """Service-level targets: how soon the first reply, each next reply and the resolution are due.

    Every target is optional, but a policy needs at least one. With a ``calendar``, targets count
    business time only: a 2-hour first-reply target met on Monday at 09:30 for a message sent on
    Friday at 16:30 in a 09:00-17:00 team.

    Args:
        first_reply: Due time of each conversation's first reply (its first wait).
        next_reply: Due time of every later reply (each later wait).
        resolution: Due time of the resolution, from the customer's first message.
        calendar: Count business time in this calendar instead of wall-clock time; periods of
            the results are then local to the calendar's time zone.

    Raises:
        InvalidParameterError: A target that is not a positive ``timedelta``, a calendar that is
            not a :class:`BusinessCalendar`, or no target at all.

    Example:
        >>> from datetime import timedelta
        >>> policy = SlaPolicy(first_reply=timedelta(hours=2), resolution=timedelta(days=1))
        >>> list(policy.targets)
        ['first_reply', 'resolution']
    """

    first_reply: timedelta | None = attrs.field(default=None, validator=_check_target)
    next_reply: timedelta | None = attrs.field(default=None, validator=_check_target)
    resolution: timedelta | None = attrs.field(default=None, validator=_check_target)
    calendar: BusinessCalendar | None = attrs.field(default=None, validator=_check_policy_calendar)

    def __attrs_post_init__(self) -> None:
        if self.first_reply is None and self.next_reply is None and self.resolution is None:
            raise InvalidParameterError(
                "SlaPolicy",
                "first_reply",
                "a timedelta for at least one of first_reply, next_reply and resolution",
                None,
            )

    @property
    def targets(self) -> dict[SlaTargetName, timedelta]:
        """The targets that are set, by name, in the order first reply, next reply, resolution."""
        values = (self.first_reply, self.next_reply, self.resolution)
        return {name: value for name, value in zip(TARGETS, values, strict=True) if value}


# --- results --------------------------------------------------------------------------------------


@attrs.frozen
class SlaItem:
    """One item measured against its target: a wait, or a conversation for resolution.

    ``duration`` is how long it took, or for an open item how old it is at ``as_of``; ``margin``
    is the target minus that, negative when breached (for a pending item: the time left).
    ``agent`` is who closed the wait with their reply; an open wait's, and a resolution's, is the
    conversation's assignee; ``None`` is unassigned (or a reply without an agent id).
    """

    target: SlaTargetName
    conversation_id: str
    status: SlaStatus
    opened_at: datetime
    duration: timedelta
    margin: timedelta
    agent: str | None
    channel: str | None


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


@attrs.frozen(eq=False, repr=False)
class _SlaItems(Grouped):
    """Items measured against SLA targets, with the counts and breakdowns they share."""

    policy: SlaPolicy
    as_of: datetime | None  # None: no data and no as_of given
    _table: MessageTable
    _kind: Int8Array  # index into TARGETS
    _status: Int8Array  # ACHIEVED, BREACHED or PENDING
    _actual_ns: Int64Array  # duration (closed) or age at as_of (open)
    _target_ns: Int64Array
    _conversation: Int64Array
    _keys: GroupKeys

    def _group_keys(self) -> GroupKeys:
        return self._keys

    def _subset(self, index: npt.NDArray[np.intp]) -> Self:
        return attrs.evolve(
            self,
            kind=self._kind[index],
            status=self._status[index],
            actual_ns=self._actual_ns[index],
            target_ns=self._target_ns[index],
            conversation=self._conversation[index],
            keys=self._keys.subset(index),
        )

    # --- counts ---------------------------------------------------------------------------------

    def _n(self, status: int) -> int:
        return int(np.count_nonzero(self._status == status))

    @property
    def achieved(self) -> int:
        """Items that closed within their target."""
        return self._n(ACHIEVED)

    @property
    def breached(self) -> int:
        """Items that closed after their target, or are open and already older than it."""
        return self._n(BREACHED)

    @property
    def pending(self) -> int:
        """Open items not yet older than their target: counted, not scored."""
        return self._n(PENDING)

    @property
    def count(self) -> int:
        """All items: achieved + breached + pending."""
        return int(self._status.shape[0])

    @property
    def compliance(self) -> float | None:
        """achieved / (achieved + breached), in [0, 1]; ``None`` when nothing is scored yet."""
        achieved, breached = self.achieved, self.breached
        scored = achieved + breached
        return achieved / scored if scored else None

    @property
    def percent(self) -> float | None:
        """Compliance in percent (0 to 100), or ``None``."""
        value = self.compliance
        return None if value is None else 100.0 * value

    # --- per item -------------------------------------------------------------------------------

    @property
    def margins(self) -> npt.NDArray[np.float64]:
        """Target minus actual of each item, in seconds (negative when breached), a read-only array.

        For an open item, actual is its age at :attr:`as_of`, so a pending item's margin is the
        time it has left. Items are in the result's order (by target, then conversation, then
        time).
        """
        out = (self._target_ns - self._actual_ns).astype(np.float64)
        out /= 1e9
        out.flags.writeable = False
        return out

    def _item(self, i: int) -> SlaItem:
        agent = int(self._keys.agent[i])
        channel = int(self._keys.channel[i])
        return SlaItem(
            target=TARGETS[int(self._kind[i])],
            conversation_id=self._table.conversation_label(int(self._conversation[i])),
            status=_STATUS_NAMES[int(self._status[i])],
            opened_at=ns_to_datetime(int(self._keys.time[i])),
            duration=ns_to_timedelta(int(self._actual_ns[i])),
            margin=ns_to_timedelta(int(self._target_ns[i]) - int(self._actual_ns[i])),
            agent=None if agent < 0 else self._keys.agent_names[agent],
            channel=None if channel < 0 else self._keys.channel_names[channel],
        )

    def items(self) -> list[SlaItem]:
        """Every item as an :class:`SlaItem`, in the result's order."""
        return [self._item(i) for i in range(self.count)]

    def worst(self, k: int = 5) -> list[SlaItem]:
        """The ``k`` items with the smallest margin, worst first (most breached, or closest to).

        Ties keep the result's order.
        """
        if isinstance(k, bool) or not isinstance(k, int) or k < 0:
            raise InvalidParameterError(f"{type(self).__name__}.worst", "k", "an int >= 0", k)
        margin = self._target_ns - self._actual_ns
        order = np.argsort(margin, kind="stable")[:k]
        return [self._item(int(i)) for i in order]

    def _counts_dict(self) -> dict[str, Any]:
        return {
            "achieved": self.achieved,
            "breached": self.breached,
            "pending": self.pending,
            "count": self.count,
            "compliance": self.compliance,
        }


@attrs.frozen(eq=False, repr=False)
class SlaResult(_SlaItems):
    """Compliance with one target of a policy (first reply, next reply or resolution).

    ``str(result)`` is the compliance as a percentage with one decimal (``"100.0%"``), ``"n/a"``
    when nothing is scored yet. ``by(key)`` splits it by agent, channel or local period, the same
    way :meth:`SlaReport.by` does.
    """

    name: SlaTargetName = attrs.field(kw_only=True)

    @property
    def target(self) -> timedelta:
        """The target the items are measured against."""
        return self.policy.targets[self.name]

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python values (the target in seconds)."""
        return {
            "target": self.name,
            "target_seconds": self.target.total_seconds(),
            **self._counts_dict(),
            "business_time": self.policy.calendar is not None,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
        }

    def __str__(self) -> str:
        return _percent(self.compliance)

    def __repr__(self) -> str:
        return (
            f"<SlaResult {_TARGET_TITLES[self.name]} within {format_duration(self.target)}: "
            f"{self} ({self.achieved:,} achieved, {self.breached:,} breached, "
            f"{self.pending:,} pending)>"
        )


@attrs.frozen(eq=False, repr=False)
class SlaReport(_SlaItems):
    """SLA compliance over every target of a policy, and per target.

    Its own counts and :attr:`compliance` are overall: over the items of every target together.
    :attr:`first_reply`, :attr:`next_reply` and :attr:`resolution` are the per-target
    :class:`SlaResult` (``None`` for a target the policy does not set).

    ``by(key)`` gives one report per group: ``"agent"`` (a closed wait belongs to the agent whose
    reply closed it; an open wait, and a conversation's resolution, to the conversation's
    assignee; the key ``None`` is the unassigned group), ``"channel"`` (of the customer message
    that opened the wait or the conversation), or a period (``"hour"``, ``"day"``, ``"week"``,
    ``"month"``): the local period in which the wait opened, in the policy calendar's time zone
    unless ``tz=`` says otherwise (UTC without a calendar).
    """

    def _for(self, name: SlaTargetName) -> SlaResult | None:
        """The result for one target, or ``None`` if the policy does not set it."""
        if name not in self.policy.targets:
            return None
        index = np.flatnonzero(self._kind == TARGETS.index(name))
        part = self._subset(index)
        return SlaResult(
            policy=part.policy,
            as_of=part.as_of,
            table=part._table,
            kind=part._kind,
            status=part._status,
            actual_ns=part._actual_ns,
            target_ns=part._target_ns,
            conversation=part._conversation,
            keys=part._keys,
            name=name,
        )

    @property
    def first_reply(self) -> SlaResult | None:
        """Compliance with the first-reply target."""
        return self._for("first_reply")

    @property
    def next_reply(self) -> SlaResult | None:
        """Compliance with the next-reply target."""
        return self._for("next_reply")

    @property
    def resolution(self) -> SlaResult | None:
        """Compliance with the resolution target."""
        return self._for("resolution")

    @property
    def targets(self) -> dict[SlaTargetName, SlaResult]:
        """The per-target results of every target the policy sets."""
        out: dict[SlaTargetName, SlaResult] = {}
        for name in self.policy.targets:
            result = self._for(name)
            assert result is not None  # the policy sets it
            out[name] = result
        return out

    def to_dict(self) -> dict[str, Any]:
        """The report as plain Python values: overall counts, then each target's."""
        return {
            "name": "SLA compliance",
            **self._counts_dict(),
            "targets": {name: result.to_dict() for name, result in self.targets.items()},
            "business_time": self.policy.calendar is not None,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
        }

    def __str__(self) -> str:
        rows = [("target", "due", "achieved", "breached", "pending", "compliance")]
        for name, result in self.targets.items():
            rows.append(
                (
                    _TARGET_TITLES[name],
                    format_duration(result.target),
                    f"{result.achieved:,}",
                    f"{result.breached:,}",
                    f"{result.pending:,}",
                    str(result),
                )
            )
        rows.append(
            (
                "overall",
                "",
                f"{self.achieved:,}",
                f"{self.breached:,}",
                f"{self.pending:,}",
                _percent(self.compliance),
            )
        )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [
            "  ".join(
                cell.ljust(width) if i < 2 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
            for row in rows
        ]
        time = "business time" if self.policy.calendar is not None else "wall-clock time"
        as_of = "-" if self.as_of is None else self.as_of.isoformat()
        return f"SLA compliance as of {as_of} ({time})\n" + "\n".join(lines)

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{_TARGET_TITLES[name]} {result}" for name, result in self.targets.items()
        )
        return (
            f"<SlaReport overall {_percent(self.compliance)} ({self.achieved:,} achieved, "
            f"{self.breached:,} breached, {self.pending:,} pending); {parts}>"
        )

    def _repr_html_(self) -> str:
        head = "".join(
            f"<th>{label}</th>"
            for label in ("target", "due", "achieved", "breached", "pending", "compliance")
        )
        body = "".join(
            f"<tr><th>{_TARGET_TITLES[name]}</th><td>{format_duration(result.target)}</td>"
            f"<td>{result.achieved:,}</td><td>{result.breached:,}</td>"
            f"<td>{result.pending:,}</td><td>{result}</td></tr>"
            for name, result in self.targets.items()
        )
        body += (
            f"<tr><th>overall</th><td></td><td>{self.achieved:,}</td><td>{self.breached:,}</td>"
            f"<td>{self.pending:,}</td><td>{_percent(self.compliance)}</td></tr>"
        )
        return f"<table><caption>SLA compliance</caption><tr>{head}</tr>{body}</table>"


# --- the metric -----------------------------------------------------------------------------------


def sla_compliance(
    data: Data,
    /,
    policy: SlaPolicy,
    *,
    bot_replies: bool = False,
    as_of: datetime | None = None,
) -> SlaReport:
    """Compliance with a service-level policy, per target and overall (SPEC section 3).

    Items: for the first-reply target, each conversation's first wait; for the next-reply
    target, every later wait; for the resolution target, each conversation with a customer
    message, from that message to ``resolved_at``. Each item is **achieved** (closed within the
    target: duration <= target), **breached** (closed after it, or still open and already older
    than it at ``as_of``) or **pending** (open, not yet older). Compliance is
    achieved / (achieved + breached); pending items are counted, not scored, and compliance over
    no scored item is ``None``.

    Durations are business time in the policy's calendar if it has one, else wall-clock time,
    and are compared with the targets in exact integer nanoseconds.

    Args:
        data: Conversations, or a :class:`MessageTable`.
        policy: The targets (and optional calendar).
        bot_replies: Count bot messages as replies that close a wait.
        as_of: The time open items are aged to; default the latest timestamp in the data.

    Returns:
        An :class:`SlaReport`: overall counts and compliance, each target's :class:`SlaResult`,
        margins per item, and ``by("agent" | "channel" | period)``.

    Raises:
        InvalidParameterError: ``policy`` is not an :class:`SlaPolicy`, ``bot_replies`` not a
            bool, or ``as_of`` not an aware datetime or before an open item's start.

    Example:
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
    if not isinstance(bot_replies, bool):
        raise InvalidParameterError(function, "bot_replies", "a bool", bot_replies)
    table = as_table(data, function)
    as_of_value = as_of_ns(as_of, function)
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

    start = np.concatenate(starts)
    actual = duration_ns(start, np.concatenate(ends), calendar)
    target_ns = np.concatenate(targets_ns)
    is_closed = np.concatenate(closed)
    keys = GroupKeys(
        agent=np.concatenate(agents),
        agent_names=table.agent_names,
        channel=np.concatenate(channels),
        channel_names=table.channel_names,
        time=start,
        default_tz=None if calendar is None else calendar.timezone,
    )
    return SlaReport(
        policy=policy,
        as_of=as_of_datetime(as_of_value),
        table=table,
        kind=np.concatenate(kinds),
        status=classify(is_closed, actual, target_ns),
        actual_ns=actual,
        target_ns=target_ns,
        conversation=np.concatenate(conversations).astype(np.int64, copy=False),
        keys=keys,
    )
