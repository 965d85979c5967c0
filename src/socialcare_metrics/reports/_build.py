"""The team, activity and task reports: the metrics a social inbox shows, in one object each."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from .._core.columns import AUTHOR_AGENT
from .._core.periods import PeriodUnit, TimeZone, check_period_unit, resolve_timezone
from .._core.time import NAT, ns_to_datetime
from .._core.validation import check_count, check_records
from .._engine.inputs import Data, message_inputs
from .._engine.sla import SlaPolicy
from ..calendar import BusinessCalendar
from ..errors import InvalidParameterError
from ..metrics.inbound import hour_of_week, inbound_volume
from ..metrics.sla import sla_compliance
from ..metrics.speed import first_reply_time, reply_wait_time
from ..metrics.tasks import task_performance
from ..metrics.volume import (
    action_rate,
    messages_received,
    reply_rate,
    time_to_action,
    total_replies,
    unique_messages_replied,
)
from ..records import Task
from ..results._base import Groups
from ..results.durations import DurationResult, format_duration
from ..results.series import WEEKDAYS
from ..results.sla import SlaReport
from ..tables.messages import MessageTable
from ._report import Chart, Report, Section

__all__ = ["activity_report", "task_report", "team_report"]

_ALL: Final = "(all)"


def _durations_text(calendar: BusinessCalendar | None) -> str:
    if calendar is None:
        return "wall-clock time"
    return (
        f"business time ({calendar}); a day in a duration is 24 business hours, not a business day"
    )


def _common_definitions(calendar: BusinessCalendar | None, bot_replies: bool) -> dict[str, str]:
    return {
        "durations": _durations_text(calendar),
        "replies": (
            "public messages by agents and bots"
            if bot_replies
            else "public messages by agents (bot messages are not replies)"
        ),
        "waits": (
            "a wait opens at a customer message when none is open and closes at the next reply; "
            "it belongs to the agent whose reply closed it, a pending wait to the conversation's "
            "assignee"
        ),
    }


def _as_of(table: MessageTable, as_of_ns: int | None) -> datetime | None:
    if as_of_ns is not None:
        return ns_to_datetime(as_of_ns)
    return ns_to_datetime(int(table.sent_at.max())) if len(table) else None


def _span(table: MessageTable) -> tuple[datetime | None, datetime | None]:
    if not len(table):
        return None, None
    return ns_to_datetime(int(table.sent_at.min())), ns_to_datetime(int(table.sent_at.max()))


class _Rows:
    """Rows keyed by group label, filled metric by metric; missing cells are a default."""

    def __init__(self, labels: Iterable[Any]) -> None:
        self.labels = list(labels)
        self.position = {label: i for i, label in enumerate(self.labels)}
        self.columns: dict[str, list[Any]] = {}

    def add(
        self,
        groups: Groups[Any] | Mapping[str, Sequence[Any]],
        key: str,
        columns: Mapping[str, str],
        default: Any = None,
    ) -> None:
        summary = groups.summary() if isinstance(groups, Groups) else groups
        for out in columns.values():
            self.columns[out] = [default] * len(self.labels)
        for i, label in enumerate(summary[key]):
            at = self.position.get(_label_key(label))
            if at is None:
                continue
            for name, out in columns.items():
                self.columns[out][at] = summary[name][i]


def _label_key(label: Any) -> Any:
    return label.timestamp() if isinstance(label, datetime) else label


def _agent_order(*groups: Groups[Any]) -> list[str | None]:
    names: set[str | None] = set()
    for group in groups:
        names.update(group)
    named = sorted((n for n in names if n is not None), key=lambda n: (n.casefold(), n))
    return [*named, *([None] if None in names else [])]


def _opened(table: MessageTable, start_ns: int | None) -> npt.NDArray[np.bool_]:
    """The conversations whose first message is at or after ``start_ns``."""
    first = table.sent_at[table.offsets[:-1]]
    return first >= start_ns if start_ns is not None else np.ones(first.shape[0], dtype=bool)


def _replies(table: MessageTable, start_ns: int | None) -> npt.NDArray[np.bool_]:
    """The public replies by named agents, sent at or after ``start_ns``."""
    replies: npt.NDArray[np.bool_] = (
        (table.author == AUTHOR_AGENT) & ~table.private & (table.agent >= 0)
    )
    if start_ns is not None:
        replies &= table.sent_at >= start_ns
    return replies


def _conversation_counts(
    table: MessageTable, agents: list[str | None], start_ns: int | None
) -> tuple[list[int], ...]:
    """Conversations opened in the window per assignee, and those each agent replied in."""
    n_names = len(table.agent_names)
    opened = _opened(table, start_ns)
    assignee = table.assignee[opened]
    assigned = np.bincount(assignee[assignee >= 0], minlength=n_names)
    replies = _replies(table, start_ns)
    pairs = np.unique(
        table.conversation[replies].astype(np.int64) * max(n_names, 1) + table.agent[replies]
    )
    handled = np.bincount(pairs % max(n_names, 1), minlength=n_names)
    code = {name: i for i, name in enumerate(table.agent_names)}
    out_assigned = [int(assigned[code[a]]) if a in code else 0 for a in agents]
    out_handled = [int(handled[code[a]]) if a in code else 0 for a in agents]
    if None in agents:
        at = agents.index(None)
        out_assigned[at] = int(np.count_nonzero(assignee < 0))
        out_handled[at] = 0
    return out_assigned, out_handled


_DURATION_COLUMNS: Final = {
    "count": "count",
    "pending": "pending",
    "mean": "mean",
    "median": "median",
    "p90": "p90",
    "max": "max",
}


def _duration_section(
    name: str,
    title: str,
    key: str,
    rows: _Rows,
    groups: Groups[DurationResult],
    whole: DurationResult,
    note: str,
) -> Section:
    rows.add(groups, key, _DURATION_COLUMNS)
    total = whole.summary_row()
    columns: dict[str, list[Any]] = {key: [*rows.labels, _ALL]}
    for column in _DURATION_COLUMNS.values():
        default = 0 if column in ("count", "pending") else None
        values = [default if v is None else v for v in rows.columns[column]]
        columns[column] = [*values, total[column]]
    formats = {key: "key", **dict.fromkeys(("mean", "median", "p90", "max"), "duration")}
    return Section(name, title, columns, formats, note, Chart("bars", "median", key), total=True)


def team_report(
    data: Data,
    /,
    *,
    calendar: BusinessCalendar | None = None,
    sla: SlaPolicy | None = None,
    bot_replies: bool = False,
    as_of: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    slowest: int = 5,
    tz: TimeZone | None = None,
) -> Report:
    """The team report: per agent, what they handled and how fast and well they replied.

    Sections (each a table with a row per agent, the last row ``(all)`` for the whole team where
    it applies):

    - ``agents``: conversations assigned (the agent is the conversation's assignee), handled
      (the agent sent at least one public reply in it), replies sent, unique customer messages
      replied (the messages inside the waits the agent's replies closed), and the action rate
      (customer messages replied to or actioned / customer messages, over the conversations'
      messages the agent owes: replied by the agent, or pending for the assignee);
    - ``first_reply``: first reply time (count, pending, mean, median, p90, max);
    - ``reply_wait``: every wait (reply wait time), the same statistics;
    - ``sla`` (when ``sla`` is given): achieved, breached and pending items and compliance per
      agent;
    - ``due_next`` (when ``sla`` is given): the pending items that fall due first, with their
      due time and the time left: what breaches next unless someone answers;
    - ``slowest``: the slowest replies of the period, with the agent and conversation.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        calendar: Measure durations in business time (default: wall-clock time).
        sla: A service-level policy; adds the ``sla`` section.
        bot_replies: Count bot messages as replies.
        as_of: The time pending waits are aged to (default: the window's end, else the latest
            message).
        start: Report on the items opened at or after this time only (a wait when the customer
            wrote, a reply when it was sent, a conversation at its first message).
        end: Report on the data as it stood at this time: later messages, resolutions and
            actions are left out and pending waits are aged to it.
        slowest: How many of the slowest replies to list (an int >= 0).
        tz: The time zone its times are shown in (default: the calendar's, else UTC).

    Returns:
        A [`Report`][socialcare_metrics.reports.Report]; ``str()`` prints it, `to_html()` writes
        it as one file, `to_dict()` gives the JSON schema and `to_pandas()` a DataFrame.
    """
    function = "team_report"
    if sla is not None and not isinstance(sla, SlaPolicy):
        raise InvalidParameterError(function, "sla", "an SlaPolicy or None", sla)
    check_count(slowest, function, "slowest")
    zone = resolve_timezone(
        tz if tz is not None else (calendar.timezone if calendar is not None else None), function
    )
    table, as_of_ns, start_ns = message_inputs(
        data,
        function,
        bot_replies=bot_replies,
        calendar=calendar,
        as_of=as_of,
        start=start,
        end=end,
    )
    when = _as_of(table, as_of_ns)
    window: dict[str, Any] = {"start": start}
    timing: dict[str, Any] = {
        "calendar": calendar,
        "bot_replies": bot_replies,
        "as_of": when,
        **window,
    }
    first = first_reply_time(table, **timing)
    waits = reply_wait_time(table, **timing)
    replies = total_replies(table, bot_replies=bot_replies, **window)
    replied = unique_messages_replied(table, bot_replies=bot_replies, **window)
    actions = action_rate(table, bot_replies=bot_replies, **window)
    report = (
        sla_compliance(table, sla, bot_replies=bot_replies, as_of=when, **window) if sla else None
    )

    by_first, by_waits = first.by("agent"), waits.by("agent")
    by_replies, by_replied, by_actions = (
        replies.by("agent"),
        replied.by("agent"),
        actions.by("agent"),
    )
    by_sla = report.by("agent") if report is not None else None
    agents = _agent_order(
        by_first, by_waits, by_replies, by_replied, by_actions, *([by_sla] if by_sla else [])
    )
    assigned, handled = _conversation_counts(table, agents, start_ns)
    rows = _Rows(agents)
    rows.add(by_replies, "agent", {"count": "replies"}, 0)
    rows.add(by_replied, "agent", {"count": "messages_replied"}, 0)
    rows.add(by_actions, "agent", {"value": "action_rate"})
    sections = [
        Section(
            "agents",
            "Workload by agent",
            {
                "agent": [*agents, _ALL],
                "assigned": [*assigned, int(_opened(table, start_ns).sum())],
                "handled": [*handled, _handled_total(table, start_ns)],
                "replies": [*rows.columns["replies"], replies.count],
                "messages_replied": [*rows.columns["messages_replied"], replied.count],
                "action_rate": [*rows.columns["action_rate"], actions.value],
            },
            {"agent": "key", "action_rate": "percent"},
            "handled: conversations the agent replied in; messages_replied: customer messages "
            "whose wait the agent's reply closed",
            Chart("bars", "replies", "agent"),
            total=True,
        ),
        _duration_section(
            "first_reply",
            "First reply time by agent",
            "agent",
            _Rows(agents),
            by_first,
            first,
            "the first wait of each conversation",
        ),
        _duration_section(
            "reply_wait",
            "Reply wait time by agent",
            "agent",
            _Rows(agents),
            by_waits,
            waits,
            "every wait, the first one included",
        ),
    ]
    definitions = _common_definitions(calendar, bot_replies)
    if sla is not None and report is not None and by_sla is not None:
        sla_rows = _Rows(agents)
        sla_columns = {name: name for name in ("achieved", "breached", "pending", "compliance")}
        sla_rows.add(by_sla, "agent", sla_columns)
        total = report.summary_row()
        columns: dict[str, list[Any]] = {"agent": [*agents, _ALL]}
        for name in sla_columns:
            default = None if name == "compliance" else 0
            values = [default if v is None else v for v in sla_rows.columns[name]]
            columns[name] = [*values, total[name]]
        formats = {"agent": "key", "compliance": "percent"}
        # Each target's own compliance beside the overall one: a target can hide behind another.
        for target, part in report.targets.items():
            column = f"{target}_compliance"
            target_rows = _Rows(agents)
            target_rows.add(part.by("agent"), "agent", {"compliance": column})
            columns[column] = [*target_rows.columns[column], part.compliance]
            formats[column] = "percent"
        note = "compliance = achieved / (achieved + breached); pending items are not scored"
        if "resolution" in report.targets and not bool((table.resolved_at != NAT).any()):
            note += (
                "; no conversation in the data has a resolution time, so the resolution target "
                "can only be breached or pending"
            )
        sections.append(
            Section(
                "sla",
                "SLA compliance by agent",
                columns,
                formats,
                note,
                Chart("bars", "compliance", "agent"),
                total=True,
            )
        )
        definitions["sla"] = _sla_text(sla)
        sections.append(_due_section(report, slowest))
    sections.append(_slowest_section(by_waits, slowest))
    first_message, last_message = _span(table)
    return Report(
        "team_report",
        "Team report",
        {
            "start": _local(start, zone),
            "end": _local(end, zone),
            "first message": _local(first_message, zone),
            "last message": _local(last_message, zone),
            "as of": _local(when, zone),
            "time zone": str(getattr(zone, "key", zone)),
        },
        definitions,
        tuple(_local_section(section, zone) for section in sections),
    )


def _local(value: datetime | None, zone: tzinfo) -> datetime | None:
    """A time shown in the report's time zone (the same instant)."""
    return None if value is None else value.astimezone(zone)


def _local_section(section: Section, zone: tzinfo) -> Section:
    """A section with its times (due times, when a reply was sent) in the report's zone."""
    columns = {
        name: [v.astimezone(zone) if isinstance(v, datetime) else v for v in values]
        for name, values in section.columns.items()
    }
    return attrs.evolve(section, columns=columns)


def _sla_text(policy: SlaPolicy) -> str:
    targets = [
        f"{name.replace('_', ' ')} within {format_duration(target)}"
        for name, target in (
            ("first_reply", policy.first_reply),
            ("next_reply", policy.next_reply),
            ("resolution", policy.resolution),
        )
        if target is not None
    ]
    clock = _durations_text(policy.calendar)
    return f"{', '.join(targets)} ({clock}); a wait exactly at its target is achieved"


def _handled_total(table: MessageTable, start_ns: int | None) -> int:
    return int(np.unique(table.conversation[_replies(table, start_ns)]).shape[0])


def _due_section(report: SlaReport, k: int) -> Section:
    items = report.due_next(k)
    return Section(
        "due_next",
        f"Due next: the {k} pending SLA items that breach first unless answered",
        {
            "agent": [item.agent for item in items],
            "conversation": [item.conversation_id for item in items],
            "target": [item.target.replace("_", " ") for item in items],
            "customer_wrote": [item.opened_at for item in items],
            "due_at": [item.due_at for item in items],
            "time_left": [item.margin.total_seconds() for item in items],
        },
        {"agent": "key", "time_left": "duration"},
        f"as of {report.as_of.isoformat() if report.as_of else 'the last message'}; time left "
        "counts open time when the policy has a calendar",
    )


def _slowest_section(groups: Groups[DurationResult], k: int) -> Section:
    found: list[tuple[float, str | None, str, datetime]] = []
    for agent, part in groups.items():
        for wait in part.slowest(k):
            found.append(
                (wait.duration.total_seconds(), agent, wait.conversation_id, wait.opened_at)
            )
    found.sort(key=lambda row: (-row[0], row[3], row[2]))
    found = found[:k]
    return Section(
        "slowest",
        f"Slowest {k} replies",
        {
            "agent": [row[1] for row in found],
            "conversation": [row[2] for row in found],
            "wait": [row[0] for row in found],
            "customer_wrote": [row[3] for row in found],
        },
        {"agent": "key", "wait": "duration"},
    )


def activity_report(
    data: Data,
    /,
    *,
    period: PeriodUnit = "day",
    tz: TimeZone | None = None,
    calendar: BusinessCalendar | None = None,
    bot_replies: bool = False,
    as_of: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Report:
    """The activity report: per period, what came in and what the team did with it.

    Sections:

    - ``periods``: one row per local period (``period`` in ``tz``), every period from the first
      message to the last, empty ones present: customer messages received, replies sent (in the
      period the reply was sent), reply rate and action rate (of the customer messages written
      in the period), and the median time to action and first reply time of the items opened in
      the period;
    - ``hour_of_week``: customer messages by local weekday and hour (7 rows of 24 columns).

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        period: ``"hour"``, ``"day"``, ``"week"`` or ``"month"``.
        tz: The time zone of the periods (default: the calendar's, else UTC).
        calendar: Measure durations in business time (default: wall-clock time).
        bot_replies: Count bot messages as replies.
        as_of: The time pending items are aged to (default: the window's end, else the latest
            message).
        start: Begin the periods with the one holding this time, and count only what opened at
            or after it.
        end: End the periods with the one holding the last instant before this time; later
            messages, resolutions and actions are left out and pending items are aged to it.

    Returns:
        A [`Report`][socialcare_metrics.reports.Report].
    """
    function = "activity_report"
    unit = check_period_unit(period, function)
    table, as_of_ns, _ = message_inputs(
        data,
        function,
        bot_replies=bot_replies,
        calendar=calendar,
        as_of=as_of,
        start=start,
        end=end,
    )
    zone = resolve_timezone(
        tz if tz is not None else (calendar.timezone if calendar is not None else None), function
    )
    when = _as_of(table, as_of_ns)
    first_message, last_message = _span(table)
    window: dict[str, Any] = {"start": start}
    timing: dict[str, Any] = {
        "calendar": calendar,
        "bot_replies": bot_replies,
        "as_of": when,
        **window,
    }
    # Every period of the window, or from the first message to the last.
    span_start = start if start is not None else first_message
    # Just after the last message (a datetime holds microseconds: one more of them, since one
    # more nanosecond would be lost and leave out a last message at a period's very start).
    span_end = (
        end
        if end is not None
        else (
            ns_to_datetime(int(table.sent_at.max())) + timedelta(microseconds=1)
            if len(table)
            else None
        )
    )
    if span_start is not None and span_end is not None and span_end <= span_start:
        span_end = None  # a window that starts after the last message: no periods to list
    series = inbound_volume(table, period=unit, tz=zone, start=span_start, end=span_end)
    labels = [p.timestamp() for p in series.periods]
    rows = _Rows(labels)
    rows.add(messages_received(table, **window).by(unit, tz=zone), unit, {"count": "received"}, 0)
    rows.add(
        total_replies(table, bot_replies=bot_replies, **window).by(unit, tz=zone),
        unit,
        {"count": "replies"},
        0,
    )
    rows.add(
        reply_rate(table, bot_replies=bot_replies, **window).by(unit, tz=zone),
        unit,
        {"value": "reply_rate"},
    )
    rows.add(
        action_rate(table, bot_replies=bot_replies, **window).by(unit, tz=zone),
        unit,
        {"value": "action_rate"},
    )
    rows.add(
        time_to_action(table, **timing).by(unit, tz=zone), unit, {"median": "time_to_action_median"}
    )
    rows.add(
        first_reply_time(table, **timing).by(unit, tz=zone), unit, {"median": "first_reply_median"}
    )
    periods: dict[str, list[Any]] = {unit: list(series.periods), **rows.columns}
    matrix = hour_of_week(table, tz=zone, start=start, end=end).matrix
    week: dict[str, list[Any]] = {"weekday": list(WEEKDAYS)}
    for hour in range(24):
        week[f"{hour:02d}"] = [int(v) for v in matrix[:, hour]]
    definitions = _common_definitions(calendar, bot_replies)
    definitions["periods"] = (
        f"local {unit}s in {series.tz}; a customer message, wait or action belongs to the period "
        "in which the customer wrote, a reply to the period in which it was sent"
    )
    sections = (
        Section(
            "periods",
            f"Activity by {unit}",
            periods,
            {
                unit: unit,
                "reply_rate": "percent",
                "action_rate": "percent",
                "time_to_action_median": "duration",
                "first_reply_median": "duration",
            },
            note=_sparse_note(periods, unit),
            chart=Chart("bars", "received", unit),
        ),
        Section(
            "hour_of_week",
            f"Customer messages by hour of the week ({series.tz})",
            week,
            {"weekday": "key"},
            chart=Chart("heatmap"),
        ),
    )
    return Report(
        "activity_report",
        f"Activity report by {unit}",
        {
            "start": _local(start, zone),
            "end": _local(end, zone),
            "first message": _local(first_message, zone),
            "last message": _local(last_message, zone),
            "as of": _local(when, zone),
            "time zone": series.tz,
        },
        definitions,
        sections,
    )


def _sparse_note(periods: Mapping[str, Sequence[Any]], unit: str) -> str:
    """A hint when most of many periods are empty: usually a few stray old messages stretch
    the span (a window or a longer period would narrow it)."""
    received = periods.get("received", [])
    empty = sum(1 for count in received if not count)
    if len(received) <= 100 or empty * 2 <= len(received):
        return ""
    return (
        f"{len(received):,} {unit}s, {empty:,} of them without a customer message: a window "
        "(start= and end=, or --start and --end) or a longer period narrows the list"
    )


def task_report(tasks: Iterable[Task], /) -> Report:
    """The task performance report: per assignee, tasks assigned, completed and how fast.

    One section, ``assignees``: tasks assigned, completed and still open, the completion rate
    (completed / assigned) and the mean, median and longest time to complete, with a last row
    ``(all)`` for everyone.

    Args:
        tasks: [`Task`][socialcare_metrics.Task] records.
    Returns:
        A [`Report`][socialcare_metrics.reports.Report].
    """
    records = check_records(tasks, Task, "task_report", "tasks", "an iterable of Task")
    result = task_performance(records)
    assigned = [t.assigned_at for t in records]
    groups = result.by("assignee")
    summary = groups.summary()
    total = result.summary_row()
    columns = {
        name: [*values, _ALL if name == "assignee" else total[name]]
        for name, values in summary.items()
    }
    formats = dict(groups._formats())
    return Report(
        "task_report",
        "Task performance report",
        {
            "first assigned": min(assigned) if assigned else None,
            "last assigned": max(assigned) if assigned else None,
        },
        {
            "completion rate": "completed tasks / assigned tasks",
            "time to complete": "completed_at - assigned_at, over completed tasks",
        },
        (
            Section(
                "assignees",
                "Tasks by assignee",
                columns,
                formats,
                chart=Chart("bars", "completion_rate", "assignee"),
                total=True,
            ),
        ),
    )
