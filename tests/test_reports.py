"""Reports: every cell agrees with the metric it comes from and with a direct count of the data."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from socialcare_metrics import (
    InvalidParameterError,
    MessageTable,
    SlaPolicy,
    Task,
    first_reply_time,
    hour_of_week,
    inbound_volume,
    messages_received,
    reply_rate,
    reply_wait_time,
    sample_conversations,
    sla_compliance,
    task_performance,
    total_replies,
    unique_messages_replied,
)
from socialcare_metrics.reports import (
    SCHEMA_VERSION,
    Report,
    activity_report,
    task_report,
    team_report,
)

POLICY = SlaPolicy(first_reply=timedelta(hours=1), next_reply=timedelta(hours=4))


@pytest.fixture(scope="module")
def conversations() -> list[Any]:
    return sample_conversations(seed=5, n_conversations=600)


@pytest.fixture(scope="module")
def table(conversations: list[Any]) -> MessageTable:
    return MessageTable.from_conversations(conversations)


@pytest.fixture(scope="module")
def team(table: MessageTable) -> Report:
    return team_report(table, sla=POLICY)


def by_key(report: Report, section: str) -> dict[Any, dict[str, Any]]:
    part = report.section(section)
    key = next(iter(part.columns))
    return {row[key]: row for row in part.rows()}


def test_team_workload_matches_a_direct_count_of_the_records(
    team: Report, conversations: list[Any]
) -> None:
    assigned = Counter(c.assignee for c in conversations)
    handled = Counter(
        agent
        for c in conversations
        for agent in {m.agent_id for m in c.messages if m.author == "agent" and not m.private}
    )
    replies = Counter(
        m.agent_id
        for c in conversations
        for m in c.messages
        if m.author == "agent" and not m.private
    )
    rows = by_key(team, "agents")
    for agent, row in rows.items():
        if agent == "(all)":
            continue
        assert row["assigned"] == assigned[agent], agent
        assert row["handled"] == (handled[agent] if agent is not None else 0), agent
        assert row["replies"] == (replies[agent] if agent is not None else 0), agent
    assert rows["(all)"]["assigned"] == len(conversations)
    assert rows["(all)"]["handled"] == sum(
        1 for c in conversations if any(m.author == "agent" and not m.private for m in c.messages)
    )
    assert rows["(all)"]["replies"] == sum(replies.values())


def test_team_cells_are_the_metrics_grouped_by_agent(team: Report, table: MessageTable) -> None:
    for section, result in (
        ("first_reply", first_reply_time(table)),
        ("reply_wait", reply_wait_time(table)),
    ):
        rows = by_key(team, section)
        groups = result.by("agent")
        assert set(rows) == {*groups, "(all)"}
        for agent, part in groups.items():
            expected = part.summary_row()
            for column in ("count", "pending", "mean", "median", "p90", "max"):
                assert rows[agent][column] == expected[column], (section, agent, column)
        assert rows["(all)"]["count"] == result.count
        assert rows["(all)"]["mean"] == result.summary_row()["mean"]
        # Counts of the groups add up to the total row.
        assert sum(r["count"] for a, r in rows.items() if a != "(all)") == result.count
        assert sum(r["pending"] for a, r in rows.items() if a != "(all)") == result.pending
    replied = unique_messages_replied(table).by("agent")
    agents = by_key(team, "agents")
    for agent, part in replied.items():
        assert agents[agent]["messages_replied"] == part.count
    sla = by_key(team, "sla")
    report = sla_compliance(table, POLICY)
    for agent, part in report.by("agent").items():
        assert (sla[agent]["achieved"], sla[agent]["breached"]) == (part.achieved, part.breached)
        assert sla[agent]["compliance"] == part.compliance
    assert sla["(all)"]["compliance"] == report.compliance


def test_the_slowest_replies_are_the_slowest_waits(team: Report, table: MessageTable) -> None:
    expected = sorted(
        (w.duration.total_seconds() for w in reply_wait_time(table).slowest(5)), reverse=True
    )
    rows = team.section("slowest").rows()
    assert [r["wait"] for r in rows] == expected
    assert all(r["agent"] is not None for r in rows)


def test_activity_periods_match_the_metrics(table: MessageTable) -> None:
    report = activity_report(table, period="day", tz="America/New_York")
    rows = report.section("periods").rows()
    series = inbound_volume(table, period="day", tz="America/New_York")
    # Every period from the first message to the last, empty ones included.
    assert [r["day"] for r in rows][: len(series)] == [p.isoformat() for p in series.periods]
    assert sum(r["received"] for r in rows) == messages_received(table).count
    assert sum(r["replies"] for r in rows) == total_replies(table).count
    rates = reply_rate(table).by("day", tz="America/New_York")
    by_day = {r["day"]: r for r in rows}
    for day, part in rates.items():
        assert by_day[day.isoformat()]["reply_rate"] == part.value
    week = report.section("hour_of_week")
    matrix = hour_of_week(table, tz="America/New_York").matrix
    for hour in range(24):
        assert list(week.columns[f"{hour:02d}"]) == matrix[:, hour].tolist()


def test_task_report_matches_task_performance() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    tasks = [
        Task(
            id=f"t{i}",
            assignee="ab"[i % 2],
            assigned_at=start + timedelta(hours=i),
            completed_at=start + timedelta(hours=i + 1 + i % 3) if i % 4 else None,
        )
        for i in range(12)
    ]
    report = task_report(iter(tasks))
    rows = by_key(report, "assignees")
    for name, part in task_performance(tasks).by("assignee").items():
        assert rows[name]["completed"] == part.summary_row()["completed"]
        assert rows[name]["completion_rate"] == part.summary_row()["completion_rate"]
    assert rows["(all)"]["assigned"] == 12
    assert report.window["first assigned"] == start


def test_times_are_shown_in_the_report_s_time_zone(table: MessageTable) -> None:
    zone = ZoneInfo("America/New_York")
    local = team_report(table, tz="America/New_York", sla=SlaPolicy(first_reply=timedelta(hours=1)))
    plain = team_report(table, sla=SlaPolicy(first_reply=timedelta(hours=1)))
    assert local.window["time zone"] == "America/New_York"
    for key in ("first message", "last message", "as of"):
        assert local.window[key] == plain.window[key]  # the same instant...
        assert local.window[key].utcoffset() == zone.utcoffset(local.window[key])  # ...shown there
    due = local.table("due_next")["due_at"]
    assert due == [
        None if v is None else v.astimezone(zone) for v in plain.table("due_next")["due_at"]
    ]
    assert all(v is None or v.tzinfo == zone for v in due)
    assert f"first message: {local.window['first message'].isoformat(sep=' ')}" in str(local)


def test_the_views_agree_and_json_follows_the_schema(team: Report, tmp_path: Path) -> None:
    data = json.loads(json.dumps(team.to_dict()))
    assert data["schema"] == "socialcare_metrics.team_report"
    assert data["version"] == SCHEMA_VERSION
    assert set(data["sections"]) == {
        "agents",
        "first_reply",
        "reply_wait",
        "sla",
        "due_next",
        "slowest",
    }
    assert set(data["window"]) == {
        "start",
        "end",
        "first message",
        "last message",
        "as of",
        "time zone",
    }
    assert (data["window"]["start"], data["window"]["end"]) == (None, None)
    assert data["window"]["time zone"] == "UTC"
    assert "durations" in data["definitions"]
    assert "1 h" in data["definitions"]["sla"]
    pd = pytest.importorskip("pandas")
    frame = team.to_pandas()
    agents = [r["agent"] for r in data["sections"]["agents"]][:-1]  # without (all)
    assert list(frame["agent"]) == agents
    medians = [r["median"] for r in data["sections"]["first_reply"]][:-1]
    assert [None if v is pd.NA else v for v in frame["first_reply_median"]] == medians
    assert frame["replies"].sum() == data["sections"]["agents"][-1]["replies"]
    assert len(team.to_pandas(totals=True)) == len(agents) + 1
    text = str(team)
    for agent in agents:
        assert (agent or "(none)") in text
    path = tmp_path / "team.html"
    document = team.to_html(path)
    assert path.read_text(encoding="utf-8") == document
    check_self_contained_html(document)
    for agent in agents:
        assert f">{agent or '(none)'}<" in document


def check_self_contained_html(document: str) -> None:
    """Well-formed (every tag closed in order), nothing loaded from elsewhere."""
    stack: list[str] = []
    void = {"meta", "br", "img", "link", "input", "hr"}

    class Checker(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            for name, value in attrs:
                assert name not in ("src", "href"), (tag, name, value)
            if tag not in void:
                stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            assert stack, tag
            assert stack[-1] == tag, (stack[-3:], tag)
            stack.pop()

    Checker().feed(document)
    assert stack == []
    assert "<script" not in document
    assert document.count("http") == document.count("http://www.w3.org/2000/svg")


def test_empty_data_gives_a_report_of_empty_sections() -> None:
    report = team_report([])
    rows = by_key(report, "agents")
    assert list(rows) == ["(all)"]
    assert rows["(all)"]["assigned"] == 0
    assert report.section("slowest").rows() == []
    assert "nothing to show" in str(report)
    assert activity_report([]).section("periods").rows() == []
    check_self_contained_html(report.to_html())


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda t: team_report(t, sla=timedelta(hours=1)), "sla"),
        (lambda t: team_report(t, slowest=-1), "slowest"),
        (lambda t: team_report(t, as_of="yesterday"), "as_of"),
        (lambda t: activity_report(t, period="fortnight"), "period"),
        (lambda t: activity_report(t, tz="Mars/Olympus"), "tz"),
        (lambda t: team_report(t).section("missing"), "name"),
    ],
)
def test_bad_arguments_are_named(table: MessageTable, call: Any, parameter: str) -> None:
    with pytest.raises(InvalidParameterError, match=f"'{parameter}'"):
        call(table)


def test_the_team_report_lists_what_breaches_next(table: MessageTable) -> None:
    end = datetime(2024, 3, 24, 12, tzinfo=UTC)  # a Sunday: the weekend rota is slower
    policy = SlaPolicy(first_reply=timedelta(hours=8), next_reply=timedelta(hours=24))
    report = team_report(table, sla=policy, end=end, slowest=3)
    rows = report.section("due_next").rows()
    assert len(rows) == 3
    expected = sla_compliance(table, policy, end=end).due_next(3)
    assert [r["conversation"] for r in rows] == [i.conversation_id for i in expected]
    assert [r["due_at"] for r in rows] == [i.due_at.isoformat() for i in expected if i.due_at]
    assert [r["time_left"] for r in rows] == [i.margin.total_seconds() for i in expected]
    assert all(r["time_left"] > 0 for r in rows)
    assert rows == sorted(rows, key=lambda r: r["due_at"])


def test_the_sla_section_shows_each_target_and_says_when_resolutions_are_missing(
    table: MessageTable, conversations: list[Any]
) -> None:
    policy = SlaPolicy(
        first_reply=timedelta(hours=1), next_reply=timedelta(hours=4), resolution=timedelta(days=2)
    )
    report = team_report(table, sla=policy)
    rows = by_key(report, "sla")
    whole = sla_compliance(table, policy)
    for target in ("first_reply", "next_reply", "resolution"):
        part = whole.targets[target]
        for agent, group in part.by("agent").items():
            assert rows[agent][f"{target}_compliance"] == group.compliance, (target, agent)
        assert rows["(all)"][f"{target}_compliance"] == part.compliance
    assert "no conversation in the data has a resolution time" not in report.section("sla").note
    unresolved = [attrs.evolve(c, resolved_at=None) for c in conversations]
    note = team_report(unresolved, sla=policy).section("sla").note
    assert "no conversation in the data has a resolution time" in note


def test_a_long_mostly_empty_span_of_periods_gets_a_hint(table: MessageTable) -> None:
    assert activity_report(table).section("periods").note == ""
    stray = MessageTable.from_columns(
        conversation_id=["old", "old", "new"],
        sent_at=[
            datetime(2020, 1, 1, tzinfo=UTC),
            datetime(2020, 1, 1, 0, 5, tzinfo=UTC),
            datetime(2024, 5, 6, tzinfo=UTC),
        ],
        author=["customer", "agent", "customer"],
    )
    periods = activity_report(stray).section("periods")
    assert periods.n_rows == 1588  # every day from 2020-01-01 to 2024-05-06
    assert periods.note.startswith("1,588 days, 1,586 of them without a customer message")
    assert activity_report(stray, period="month").section("periods").note == ""
    # The last message, at the very start of its day, is in the report (its day too).
    assert sum(periods.columns["received"]) == messages_received(stray).count == 2
