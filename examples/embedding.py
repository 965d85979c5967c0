"""Embedding the library in another tool: a helpdesk's tickets to a dashboard widget's JSON.

A tool with its own data model (here a helpdesk: tickets as dicts, each with its messages) hands
the library columns: `MessageTable.from_columns` builds the table without a Python object per
message, the metrics and the team report read it, and their results are plain values, ready for
JSON. When the tool's data holds a value the library cannot use, the library's error names the
column and the row; the tool maps them back to its own ticket and field and says so in its own
words.

Run it with ``python examples/embedding.py``: it prints the widget's JSON, then the error a broken
ticket gives.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from socialcare_metrics import (
    InvalidDataError,
    MessageTable,
    SlaPolicy,
    first_reply_time,
    format_duration,
    reply_rate,
    reply_wait_time,
    sla_compliance,
)
from socialcare_metrics.reports import team_report

# The helpdesk's own records, as its API returns them: its own words for who wrote ("contact",
# "staff", "automation"), internal notes, times as ISO 8601 text with the agent's UTC offset.
TICKETS: list[dict[str, Any]] = [
    {
        "id": 1001,
        "channel": "instagram",
        "owner": "ana",
        "messages": [
            {"id": "m1", "at": "2024-05-06T09:00:00+02:00", "from": "contact"},
            {"id": "m2", "at": "2024-05-06T09:05:00+02:00", "from": "staff", "user": "ana"},
            {"id": "m3", "at": "2024-05-06T09:06:00+02:00", "from": "contact"},
            {"id": "m4", "at": "2024-05-06T09:16:00+02:00", "from": "staff", "user": "ana"},
        ],
    },
    {
        "id": 1002,
        "channel": "facebook",
        "owner": "ben",
        "messages": [
            {"id": "m1", "at": "2024-05-06T10:00:00+02:00", "from": "contact"},
            {"id": "m2", "at": "2024-05-06T10:01:00+02:00", "from": "automation"},
            {
                "id": "m3",
                "at": "2024-05-06T10:02:00+02:00",
                "from": "staff",
                "user": "ben",
                "internal": True,
            },
            {"id": "m4", "at": "2024-05-06T10:30:00+02:00", "from": "staff", "user": "ben"},
        ],
    },
    {
        "id": 1003,
        "channel": "instagram",
        "owner": "ana",
        "messages": [
            {"id": "m1", "at": "2024-05-06T08:00:00+02:00", "from": "contact"},
            {"id": "m2", "at": "2024-05-06T09:20:00+02:00", "from": "staff", "user": "ana"},
            {"id": "m3", "at": "2024-05-06T09:30:00+02:00", "from": "contact"},
        ],
    },
    {
        "id": 1004,
        "channel": "twitter",
        "owner": "ben",
        "messages": [{"id": "m1", "at": "2024-05-06T11:30:00+02:00", "from": "contact"}],
    },
]

# The tool's words for who wrote a message, and which of its fields feeds each library column.
AUTHORS = {"contact": "customer", "staff": "agent", "automation": "bot"}
FIELDS = {
    "conversation_id": "id",
    "message_id": "messages[].id",
    "sent_at": "messages[].at",
    "author": "messages[].from",
    "agent_id": "messages[].user",
    "private": "messages[].internal",
    "channel": "channel",
    "assignee": "owner",
}
POLICY = SlaPolicy(first_reply=timedelta(hours=1))


class SyncError(Exception):
    """The helpdesk's own error: which ticket, which message, which field, what is wrong."""


def to_table(tickets: list[dict[str, Any]]) -> MessageTable:
    """The tickets as the library's table: one value per message in each column."""
    columns: dict[str, list[Any]] = {name: [] for name in FIELDS}
    origin: list[tuple[dict[str, Any], int]] = []  # each row's ticket and message, for errors
    for ticket in tickets:
        for number, message in enumerate(ticket["messages"], start=1):
            origin.append((ticket, number))
            columns["conversation_id"].append(ticket["id"])
            columns["message_id"].append(message["id"])
            columns["sent_at"].append(datetime.fromisoformat(message["at"]))
            columns["author"].append(AUTHORS.get(message["from"], message["from"]))
            columns["agent_id"].append(message.get("user"))
            columns["private"].append(message.get("internal", False))
            columns["channel"].append(ticket["channel"])
            columns["assignee"].append(ticket["owner"])
    try:
        return MessageTable.from_columns(**columns)
    except InvalidDataError as error:
        # The library names the column and the row (0-based, in the order the columns were
        # given): back to the ticket, the message and the field, with the value as the tool has it.
        if error.row is None or error.column not in FIELDS:
            raise SyncError(f"cannot compute care metrics: {error}") from error
        ticket, number = origin[error.row]
        field = FIELDS[error.column]
        if field.startswith("messages[]."):
            field = field.removeprefix("messages[].")
            value = ticket["messages"][number - 1].get(field)
            where = f"ticket {ticket['id']}, message {number}, field {field!r}"
        else:
            value = ticket.get(field)
            where = f"ticket {ticket['id']}, field {field!r}"
        raise SyncError(
            f"cannot compute care metrics: {where} is {value!r}; expected {error.expected}"
        ) from error


def dashboard_payload(tickets: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """The JSON a dashboard widget shows: headline tiles and one row per agent."""
    table = to_table(tickets)
    first = first_reply_time(table, as_of=now)
    waits = reply_wait_time(table, as_of=now)
    replied = reply_rate(table)
    sla = sla_compliance(table, POLICY, as_of=now)
    report = team_report(table, sla=POLICY, as_of=now)
    agents = report.table()  # the main table as columns, without the total row
    return {
        "widget": "customer-care-speed",
        "as_of": now.isoformat(),
        "report_schema": report.to_dict()["version"],
        "tiles": [
            {
                "label": "First reply time (mean)",
                "seconds": first.to_dict()["mean"],
                "text": str(first),
                "count": first.count,
                "pending": first.pending,
            },
            {
                "label": "Reply wait time (mean)",
                "seconds": waits.to_dict()["mean"],
                "text": str(waits),
                "count": waits.count,
                "pending": waits.pending,
            },
            {"label": "Reply rate", "value": replied.value, "text": str(replied)},
            {
                "label": f"First reply within {format_duration(POLICY.first_reply)}",
                "value": sla.compliance,
                "text": "n/a" if sla.compliance is None else f"{sla.compliance:.0%}",
            },
        ],
        "agents": [
            {
                "agent": agents["agent"][i],
                "replies": agents["replies"][i],
                "first_reply_median_seconds": agents["first_reply_median"][i],
                "sla_compliance": agents["sla_compliance"][i],
            }
            for i in range(len(agents["agent"]))
            if agents["agent"][i] is not None  # named agents only: None is what no agent owns
        ],
    }


if __name__ == "__main__":
    now = datetime.fromisoformat("2024-05-06T12:00:00+02:00")
    print(json.dumps(dashboard_payload(TICKETS, now), indent=2))

    # Two broken tickets: a time written without its UTC offset (ambiguous, so the library
    # refuses it), and a message id used twice. The tool says which ticket and field to fix.
    naive_time = {
        "id": 1005,
        "channel": "twitter",
        "owner": "ana",
        "messages": [
            {"id": "m1", "at": "2024-05-06T11:40:00+02:00", "from": "contact"},
            {"id": "m2", "at": "2024-05-06T11:45:00", "from": "staff", "user": "ana"},
        ],
    }
    same_id = {
        "id": 1006,
        "channel": "facebook",
        "owner": "ben",
        "messages": [
            {"id": "m1", "at": "2024-05-06T11:00:00+02:00", "from": "contact"},
            {"id": "m2", "at": "2024-05-06T11:10:00+02:00", "from": "contact"},
            {"id": "m2", "at": "2024-05-06T11:20:00+02:00", "from": "staff", "user": "ben"},
        ],
    }
    for broken in (naive_time, same_id):
        try:
            dashboard_payload([*TICKETS, broken], now)
        except SyncError as error:
            print(f"SyncError: {error}")
