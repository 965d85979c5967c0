"""Every script in examples/ runs, exits 0 and prints what it says it prints."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from socialcare_metrics import (
    Author,
    MessageTable,
    first_reply_time,
    format_duration,
    reply_wait_time,
)
from socialcare_metrics._sample import sample_conversations

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(name: str, *args: str, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,  # examples must not depend on the directory they are started from
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def check_quickstart(out: str) -> None:
    lines = out.splitlines()
    # The articles: 5 minutes for the first message, 10 for the second, "7 minutes" on average;
    # the exact mean is 7 min 30 s and the display truncates to whole minutes.
    assert "  first reply time: 5 min" in lines
    assert "  reply wait time:  7 min  (exact mean 0:07:30, over 2 waits)" in lines
    sample = sample_conversations(seed=0)
    assert f"The sample dataset: {len(sample)} conversations" in lines
    for result in (first_reply_time(sample), reply_wait_time(sample)):
        assert (
            f"  {result.name}: mean {format_duration(result.mean)}, "
            f"median {format_duration(result.median)}, p90 {format_duration(result.p90)} "
            f"over {result.count} waits, {result.pending} pending"
        ) in lines
    slowest = first_reply_time(sample).slowest(3)
    assert slowest[0].conversation_id in out
    assert f"({format_duration(slowest[0].duration)})" in out


def check_team_report(out: str) -> None:
    table = MessageTable.from_conversations(sample_conversations(seed=0))
    first = first_reply_time(table)
    waits = reply_wait_time(table)
    lines = out.splitlines()
    assert lines[0] == "Team report, sample dataset (seed 0)"
    header = cells(lines[1])
    assert header == [
        "agent",
        "first replies",
        "median first reply",
        "replies",
        "median wait",
        "pending",
    ]
    rows = {row[0]: row[1:] for row in map(cells, lines[2:-1])}
    by_first, by_waits = first.by("agent"), waits.by("agent")
    assert set(rows) == {agent or "(unassigned)" for agent in by_waits}
    for agent, result in by_waits.items():
        firsts = by_first.get(agent)
        assert rows[agent or "(unassigned)"] == [
            str(firsts.count if firsts else 0),
            format_duration(firsts.median if firsts else None),
            str(result.count),
            format_duration(result.median),
            str(result.pending),
        ]
    # Every wait belongs to exactly one row.
    assert sum(int(row[2]) for row in rows.values()) == waits.count
    assert sum(int(row[4]) for row in rows.values()) == waits.pending
    assert sum(int(row[0]) for row in rows.values()) == first.count


def check_bot_replies(out: str) -> None:
    conversations = sample_conversations(seed=0)
    person = first_reply_time(conversations).by("channel")
    bot = first_reply_time(conversations, bot_replies=True).by("channel")
    lines = out.splitlines()
    assert lines[1].split() == ["channel", "a", "person", "bot", "counts"]
    rows = {row[0]: row[1:] for row in map(cells, lines[2:])}
    assert set(rows) == set(person)
    for channel, result in person.items():
        assert rows[str(channel)] == [
            format_duration(result.median),
            format_duration(bot[channel].median),
        ]
    # Where no bot ever writes the two agree; where one greets first, the median drops.
    with_bots = {
        c.channel for c in conversations if any(m.author is Author.BOT for m in c.messages)
    }
    for channel in person:
        if channel in with_bots:
            counted, waiting = bot[channel].median, person[channel].median
            assert counted is not None
            assert waiting is not None
            assert counted < waiting
        else:
            assert bot[channel].median == person[channel].median
    assert "twitter" in person
    assert "twitter" not in with_bots
    assert with_bots


CHECKS: dict[str, Callable[[str], None]] = {
    "quickstart.py": check_quickstart,
    "team_report.py": check_team_report,
    "bot_replies.py": check_bot_replies,
}


def test_every_example_is_checked() -> None:
    found = {path.name for path in EXAMPLES.glob("*.py")}
    assert found
    assert found == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_example_runs_and_prints_what_it_should(name: str, tmp_path: Path) -> None:
    CHECKS[name](run_example(name, cwd=tmp_path))


def test_team_report_takes_a_seed(tmp_path: Path) -> None:
    out = run_example("team_report.py", "5", cwd=tmp_path)
    assert out.splitlines()[0] == "Team report, sample dataset (seed 5)"
    waits = reply_wait_time(sample_conversations(seed=5))
    replies = [int(cells(line)[3]) for line in out.splitlines()[2:-1]]
    assert sum(replies) == waits.count
