"""SLA results: items measured against a policy's targets, as achieved, breached or pending."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from .._core.time import NAT, ns_to_datetime
from .._core.typing import Int8Array, Int64Array
from .._core.validation import check_count
from .._engine.durations import ns_to_timedelta
from .._engine.sla import (
    _STATUS_NAMES,
    _TARGET_TITLES,
    ACHIEVED,
    BREACHED,
    PENDING,
    TARGETS,
    SlaPolicy,
    SlaStatus,
    SlaTargetName,
)
from ._base import ITEM, Labels, Result, Summary
from ._grouping import GroupKeys
from ._render import aligned_lines, format_duration
from ._stats import group_counts, shares

__all__ = ["SlaItem", "SlaReport", "SlaResult"]


@attrs.frozen
class SlaItem:
    """One item measured against its target: a wait, or a conversation for resolution.

    ``duration`` is how long it took, or for an open item how old it is at ``as_of``; ``margin``
    is the target minus that, negative when breached (for a pending item: the time left, in
    business time when the policy has a calendar). ``due_at`` is when the target fell or falls
    due: ``opened_at`` plus the target, of open time when the policy has a calendar (``None``
    past 2262).
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
    due_at: datetime | None = None


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def sla_columns(achieved: Int64Array, breached: Int64Array, pending: Int64Array) -> Summary:
    """An SLA split's columns, from its achieved, breached and pending items per group."""
    return {
        "achieved": achieved,
        "breached": breached,
        "pending": pending,
        "count": (achieved + breached + pending),
        "compliance": shares(achieved, achieved + breached),
    }


class SlaCounts(Result):
    """What SLA compliance derives from its achieved, breached and pending items: the function's
    [`SlaReport`][socialcare_metrics.SlaReport] and [`SlaResult`][socialcare_metrics.SlaResult]
    and a merged state's summary share it."""

    __slots__ = ()

    _column_formats: ClassVar[Mapping[str, str]] = {"compliance": "percent"}

    policy: SlaPolicy
    as_of: datetime | None

    @property
    def achieved(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def breached(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - every result says what it holds
        raise NotImplementedError

    @property
    def value(self) -> float | None:
        """The headline value: the compliance, or ``None`` when nothing is scored yet."""
        return self.compliance

    @property
    def compliance(self) -> float | None:
        """achieved / (achieved + breached), in [0, 1]; ``None`` when nothing is scored yet."""
        achieved, breached = self.achieved, self.breached
        scored = achieved + breached
        return achieved / scored if scored else None

    def _target_dict(self, name: SlaTargetName) -> dict[str, Any]:
        """One target's counts as plain values (the target in seconds)."""
        return {
            "target": name,
            "target_seconds": self.policy.targets[name].total_seconds(),
            **self.summary_row(),
            "business_time": self.policy.calendar is not None,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
        }

    def _report_dict(self, targets: Mapping[SlaTargetName, SlaCounts]) -> dict[str, Any]:
        """Overall counts, then each target's, as plain values."""
        return {
            "name": "SLA compliance",
            **self.summary_row(),
            "targets": {name: result.to_dict() for name, result in targets.items()},
            "business_time": self.policy.calendar is not None,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
        }

    def __str__(self) -> str:
        return _percent(self.compliance)


@attrs.frozen(eq=False, repr=False)
class _SlaItems(SlaCounts):
    """Items measured against SLA targets, with the counts and breakdowns they share."""

    policy: SlaPolicy
    as_of: datetime | None  # None: no data and no as_of given
    _kind: Int8Array = attrs.field(metadata=ITEM)  # index into TARGETS
    _status: Int8Array = attrs.field(metadata=ITEM)  # ACHIEVED, BREACHED or PENDING
    _actual_ns: Int64Array = attrs.field(metadata=ITEM)  # duration, or age at as_of (open)
    _target_ns: Int64Array = attrs.field(metadata=ITEM)
    _due_ns: Int64Array = attrs.field(metadata=ITEM)  # opened + target (open time), NAT: never
    _conversation: Labels = attrs.field(metadata=ITEM)
    _keys: GroupKeys = attrs.field(metadata=ITEM)

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        achieved = group_counts(codes, n_groups, self._status == ACHIEVED)
        breached = group_counts(codes, n_groups, self._status == BREACHED)
        pending = group_counts(codes, n_groups, self._status == PENDING)
        return sla_columns(achieved, breached, pending)

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
    def percent(self) -> float | None:
        """Compliance in percent (0 to 100), or ``None``."""
        value = self.compliance
        return None if value is None else 100.0 * value

    # --- per item -------------------------------------------------------------------------------

    @property
    def margins(self) -> npt.NDArray[np.float64]:
        """Target minus actual of each item, in seconds (negative when breached), a read-only array.

        For an open item, actual is its age at `as_of`, so a pending item's margin is the
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
            conversation_id=self._conversation.label(i),
            status=_STATUS_NAMES[int(self._status[i])],
            opened_at=ns_to_datetime(int(self._keys.time[i])),
            duration=ns_to_timedelta(int(self._actual_ns[i])),
            margin=ns_to_timedelta(int(self._target_ns[i]) - int(self._actual_ns[i])),
            agent=None if agent < 0 else self._keys.agent_names[agent],
            channel=None if channel < 0 else self._keys.channel_names[channel],
            due_at=None if self._due_ns[i] == NAT else ns_to_datetime(int(self._due_ns[i])),
        )

    def items(self) -> list[SlaItem]:
        """Every item as an [`SlaItem`][socialcare_metrics.SlaItem], in the result's order."""
        return [self._item(i) for i in range(self.count)]

    def worst(self, k: int = 5) -> list[SlaItem]:
        """The ``k`` items with the smallest margin, worst first (most breached, or closest to).

        Ties keep the result's order.
        """
        k = check_count(k, f"{type(self).__name__}.worst", "k")
        margin = self._target_ns - self._actual_ns
        order = np.argsort(margin, kind="stable")[:k]
        return [self._item(int(i)) for i in order]

    def due_next(self, k: int = 5) -> list[SlaItem]:
        """The ``k`` pending items that fall due first: what breaches next unless answered.

        Ordered by `SlaItem.due_at`, earliest first (ties keep the result's order); each item's
        ``margin`` is its time left at `as_of`.
        """
        k = check_count(k, f"{type(self).__name__}.due_next", "k")
        pending = np.flatnonzero(self._status == PENDING)
        due = self._due_ns[pending]
        order = np.argsort(np.where(due == NAT, np.iinfo(np.int64).max, due), kind="stable")
        return [self._item(int(i)) for i in pending[order[:k]]]


@attrs.frozen(eq=False, repr=False)
class SlaResult(_SlaItems):
    """Compliance with one target of a policy (first reply, next reply or resolution).

    ``str(result)`` is the compliance as a percentage with one decimal (``"100.0%"``), ``"n/a"``
    when nothing is scored yet. ``by(key)`` splits it by agent, channel or local period, the same
    way [`SlaReport.by`][socialcare_metrics.SlaReport.by] does.
    """

    name: SlaTargetName = attrs.field(kw_only=True)

    @property
    def target(self) -> timedelta:
        """The target the items are measured against."""
        return self.policy.targets[self.name]

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python values (the target in seconds)."""
        return self._target_dict(self.name)

    def __repr__(self) -> str:
        return (
            f"<SlaResult {_TARGET_TITLES[self.name]} within {format_duration(self.target)}: "
            f"{self} ({self.achieved:,} achieved, {self.breached:,} breached, "
            f"{self.pending:,} pending)>"
        )


@attrs.frozen(eq=False, repr=False)
class SlaReport(_SlaItems):
    """SLA compliance over every target of a policy, and per target.

    Its own counts and [`compliance`][socialcare_metrics.SlaReport.compliance] are overall: over the
    items of every target together. [`first_reply`][socialcare_metrics.SlaReport.first_reply],
    [`next_reply`][socialcare_metrics.SlaReport.next_reply] and
    [`resolution`][socialcare_metrics.SlaReport.resolution] are the per-target
    [`SlaResult`][socialcare_metrics.SlaResult] (``None`` for a target the policy does not set).

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
            kind=part._kind,
            status=part._status,
            actual_ns=part._actual_ns,
            target_ns=part._target_ns,
            due_ns=part._due_ns,
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
        return self._report_dict(self.targets)

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
        lines = aligned_lines(rows, (False, False, True, True, True, True))
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
