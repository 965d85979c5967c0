"""Every script in examples/ runs, exits 0 and prints what it says it prints.

Each example runs in a subprocess, from an empty directory, with the socialcare_metrics these
tests import (the source tree or the installed package); its checks compare the printed numbers
with the library's own.
"""

from __future__ import annotations

import ast
import json
import os
import re
import runpy
import site
import subprocess
import sys
import tomllib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import socialcare_metrics
from socialcare_metrics import (
    Author,
    Conversation,
    Message,
    MessageTable,
    SlaPolicy,
    action_rate,
    first_reply_time,
    format_duration,
    load_twcs,
    reply_rate,
    reply_wait_time,
    sla_compliance,
    total_replies,
)
from socialcare_metrics._sample import sample_conversations
from socialcare_metrics.reports import SCHEMA_VERSION

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# The real twcs file, outside the repository (its licence is non-commercial), as in test_twcs.py.
TWCS_HEAD = Path(__file__).resolve().parent.parent.parent / "shared/realdata/twcs/twcs_head5000.csv"
PACKAGE_ROOT = Path(socialcare_metrics.__file__).resolve().parent.parent


def example_env(tmp_path: Path) -> dict[str, str]:
    """The environment an example runs in: the same library as the tests, temp files in tmp_path.

    A source tree on the tests' path (``PYTHONPATH=src``, which is relative and would not resolve
    from another directory) goes first on the example's path; an installed package is found as it
    is. Examples write their files into ``tempfile`` directories, here under ``tmp_path``.
    """
    env = dict(os.environ)
    if PACKAGE_ROOT not in {Path(p).resolve() for p in site.getsitepackages()}:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(PACKAGE_ROOT), *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])]
        )
    env["TMPDIR"] = str(tmp_path)
    return env


def run_example(name: str, *args: str, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,  # examples must not depend on the directory they are started from
        env=example_env(cwd),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    return done.stdout


def test_examples_import_the_library_under_test(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import socialcare_metrics; print(socialcare_metrics.__file__)"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=example_env(tmp_path),
        check=True,
    )
    assert Path(done.stdout.strip()).resolve() == Path(socialcare_metrics.__file__).resolve()


def cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def section_rows(out: str, title: str) -> list[dict[str, str]]:
    """The rows of a text table of a printed report, found by its title: ``{column: cell}``."""
    lines = out.splitlines()
    at = lines.index(title)
    assert lines[at + 1] == "-" * len(title)
    body = lines[at + 2 :]
    if not body[0].startswith("  "):
        body = body[1:]  # the section's note
    table = []
    for line in body:
        if not line.startswith("  "):
            break
        table.append(cells(line))
    header, rows = table[0], table[1:]
    return [dict(zip(header, row, strict=True)) for row in rows]


def section(out: str, title: str) -> dict[str, dict[str, str]]:
    """A printed report's table with one row per key: ``{first cell: {column: cell}}``."""
    rows = section_rows(out, title)
    key = next(iter(rows[0]))
    by_key = {row[key]: row for row in rows}
    assert len(by_key) == len(rows)
    return by_key


def written_files(out: str, label: str, tmp_path: Path) -> list[Path]:
    """The files an example says it wrote (``label: path``), checked to be under ``tmp_path``."""
    paths = [Path(p) for p in re.findall(rf"^{re.escape(label)}: (.+)$", out, re.MULTILINE)]
    assert paths, f"no {label!r} line"
    for path in paths:
        assert path.is_file()
        assert path.resolve().is_relative_to(tmp_path.resolve())
    return paths


def written_file(out: str, label: str, tmp_path: Path) -> Path:
    [path] = written_files(out, label, tmp_path)
    return path


def png_size(path: Path) -> tuple[int, int]:
    """The width and height of a PNG image, from its header."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def check_quickstart(out: str, tmp_path: Path) -> None:
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


def check_team_report(out: str, tmp_path: Path, seed: int = 0) -> None:
    conversations = sample_conversations(seed=seed)
    table = MessageTable.from_conversations(conversations)
    lines = out.splitlines()
    assert lines[0] == f"Sample dataset (seed {seed}): {table!r}"
    assert "Team report" in lines
    assert (
        "sla: first reply within 1 h (wall-clock time); a wait exactly at its target is achieved"
        in lines
    )

    # Each agent's row agrees with the metric computed on its own, the total row with the whole.
    first, waits = first_reply_time(table), reply_wait_time(table)
    replies = total_replies(table)
    policy = SlaPolicy(first_reply=timedelta(hours=1))
    sla = sla_compliance(table, policy)
    agents = sorted({c.assignee for c in conversations if c.assignee})
    labels = {**{a: a for a in agents}, None: "(none)"}
    workload = section(out, "Workload by agent")
    assert list(workload) == [*labels.values(), "(all)"]
    for agent, label in labels.items():
        assigned = sum(c.assignee == agent for c in conversations)
        handled = (
            sum(
                any(
                    m.author is Author.AGENT and not m.private and m.agent_id == agent
                    for m in c.messages
                )
                for c in conversations
            )
            if agent
            else 0
        )
        row = workload[label]
        assert (row["assigned"], row["handled"]) == (f"{assigned:,}", f"{handled:,}")
        count = replies.by("agent")[agent].count if agent else 0
        assert row["replies"] == f"{count:,}"
    assert workload["(all)"]["replies"] == f"{replies.count:,}"
    assert workload["(all)"]["assigned"] == f"{len(conversations):,}"
    for title, result in (
        ("First reply time by agent", first),
        ("Reply wait time by agent", waits),
    ):
        rows = section(out, title)
        groups = result.by("agent")
        for agent, label in labels.items():
            part = groups[agent]
            assert rows[label]["count"] == f"{part.count:,}"
            assert rows[label]["pending"] == f"{part.pending:,}"
            assert rows[label]["median"] == format_duration(part.median)
        assert rows["(all)"]["count"] == f"{result.count:,}"
        assert rows["(all)"]["median"] == format_duration(result.median)
        assert sum(int(rows[label]["count"].replace(",", "")) for label in labels.values()) == (
            result.count
        )
    compliance = section(out, "SLA compliance by agent")
    for agent, label in labels.items():
        part = sla.by("agent")[agent]
        assert compliance[label]["achieved"] == f"{part.achieved:,}"
        assert compliance[label]["breached"] == f"{part.breached:,}"
        assert part.compliance is not None
        assert compliance[label]["compliance"] == f"{part.compliance:.1%}"
    assert sla.compliance is not None
    assert compliance["(all)"]["compliance"] == f"{sla.compliance:.1%}"
    slowest = section_rows(out, "Slowest 5 replies")
    assert [(row["conversation"], row["wait"]) for row in slowest] == [
        (w.conversation_id, format_duration(w.duration)) for w in waits.slowest(5)
    ]

    # The HTML file: self-contained, with the same numbers and its charts.
    html = written_file(out, "HTML report", tmp_path).read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 4  # workload, first reply, reply wait and SLA bars
    assert not re.search(r"(src|href)=['\"]?https?:", html)
    for agent in agents:
        assert f"<td class='text'>{agent}</td>" in html
        assert f">{format_duration(first.by('agent')[agent].median)}</td>" in html

    # The DataFrame: one row per agent, the sections' columns side by side, seconds and fractions.
    at = next(i for i, line in enumerate(lines) if line.startswith("DataFrame: "))
    columns = lines[at].split("; columns ")[1].split(", ")
    assert lines[at].startswith(f"DataFrame: {len(labels)} rows; ")
    assert columns[:6] == [
        "agent",
        "assigned",
        "handled",
        "replies",
        "messages_replied",
        "action_rate",
    ]
    for part in ("first_reply", "reply_wait"):
        assert [c for c in columns if c.startswith(part + "_")] == [
            f"{part}_{stat}" for stat in ("count", "pending", "mean", "median", "p90", "max")
        ]
    assert columns[-5:] == [
        "sla_achieved",
        "sla_breached",
        "sla_pending",
        "sla_compliance",
        "sla_first_reply_compliance",  # the policy's one target
    ]
    assert lines[at + 1].split() == ["agent", "replies", "first_reply_median", "sla_compliance"]
    frame_rows = [line.split() for line in lines[at + 2 :]]
    assert [row[0] for row in frame_rows] == [*agents, "None"]
    for row in frame_rows[:-1]:
        agent = row[0]
        median = first.by("agent")[agent].median
        share = sla.by("agent")[agent].compliance
        assert median is not None
        assert share is not None
        assert int(row[1]) == replies.by("agent")[agent].count
        assert float(row[2]) == median.total_seconds()
        assert float(row[3]) == pytest.approx(share, abs=1e-6)
    assert frame_rows[-1] == ["None", "0", "<NA>", "0.0"]  # unassigned: no reply, all breached


def check_bot_replies(out: str, tmp_path: Path) -> None:
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


TENTH = 0.0501  # a value rounded to one decimal, with room for the float error of 0.05


def check_walkthrough(
    out: str, tmp_path: Path, table: MessageTable | None = None, source: str = ""
) -> None:
    """The walkthrough over the sample export (by default) or over a twcs file."""
    lines = out.splitlines()
    if table is None:
        # The export written and read back holds the sample exactly: every number below is
        # compared with the sample's own records, not with what the example loaded.
        sample = sample_conversations(seed=0)
        table = MessageTable.from_conversations(sample)
        export = written_files(out, "Chart", tmp_path)[0].parent / "sample-export.csv"
        with export.open(encoding="utf-8") as handle:
            header = handle.readline().strip().split(",")
            assert sum(1 for _ in handle) >= len(table)  # texts may hold line breaks
        assert header[:4] == ["ticket", "message", "created_at", "sender"]
        source, who = "sample-export.csv", "agent"
        assert lines[0] == f"Read {len(table):,} rows of {source}: {len(table):,} used"
    else:
        who = "brand"  # the rows read are checked by the caller
    assert lines[1] == f"  {table!r}"

    first, waits = first_reply_time(table), reply_wait_time(table)
    replies, actions = total_replies(table).by("agent"), action_rate(table).by("agent")
    unassigned = int((table.assignee < 0).sum())
    n_groups = len(table.agent_names) + (1 if unassigned else 0)
    at = lines.index(f"The busiest {who}s ({min(10, n_groups)} of {n_groups}):")
    assert lines[at + 1].split() == [
        who,
        "conversations",
        "replies",
        "first_reply_median_min",
        "reply_wait_median_min",
        "action_rate_pct",
    ]
    assigned = {
        name: int((table.assignee == code).sum()) for code, name in enumerate(table.agent_names)
    }
    assigned["(none)"] = unassigned
    rows = [line.split() for line in lines[at + 2 : at + 2 + min(10, n_groups)]]
    for name, conversations, sent, first_median, wait_median, action in rows:
        agent = None if name == "(none)" else name
        assert int(conversations) == assigned[name]
        assert int(sent) == (replies[agent].count if agent in replies else 0)
        for cell, result in ((first_median, first), (wait_median, waits)):
            median = result.by("agent")[agent].median
            if median is None:
                assert cell == "<NA>"
            else:
                assert float(cell) == pytest.approx(median.total_seconds() / 60, abs=TENTH)
        share = actions[agent].value
        assert share is not None
        assert float(action) == pytest.approx(100 * share, abs=TENTH)
    # The busiest: by conversations, most first, and none left out is busier.
    listed = [int(row[1]) for row in rows]
    assert listed == sorted(listed, reverse=True)
    left_out = set(assigned) - {row[0] for row in rows}
    assert all(assigned[name] <= listed[-1] for name in left_out)

    charts = written_files(out, "Chart", tmp_path)
    assert [path.name for path in charts] == [
        "first-reply-by-brand.png",
        "first-reply-distribution.png",
    ]
    for path in charts:
        assert png_size(path) == (800, 400)  # 8 x 4 inches at 100 dpi
        assert path.stat().st_size > 10_000
    assert lines[-1] == (
        f"  {first.count:,} first replies, median {first.median}, {first.pending:,} pending"
    )


def check_embedding(out: str, tmp_path: Path) -> None:
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("SyncError: "))
    payload = json.loads("\n".join(lines[:at]))
    assert payload["widget"] == "customer-care-speed"
    assert payload["as_of"] == "2024-05-06T12:00:00+02:00"
    assert payload["report_schema"] == SCHEMA_VERSION
    first, waits, rate, sla = payload["tiles"]
    # First replies: ticket 1001 after 5 min, 1002 after 30 (the bot's greeting and the internal
    # note are not replies), 1003 after 80; 1004 is waiting. Every wait: 5, 10, 30 and 80 min;
    # 1003's second message and 1004 are pending.
    assert first == {
        "label": "First reply time (mean)",
        "seconds": (5 + 30 + 80) * 60 / 3,
        "text": "38 min",
        "count": 3,
        "pending": 1,
    }
    assert waits == {
        "label": "Reply wait time (mean)",
        "seconds": (5 + 10 + 30 + 80) * 60 / 4,
        "text": "31 min",
        "count": 4,
        "pending": 2,
    }
    # 4 of the 6 customer messages got a reply; 2 of the 3 scored first replies came within the
    # hour (1003 did not; 1004 has waited 30 min as of noon, so it is pending, not scored).
    assert rate == {"label": "Reply rate", "value": 4 / 6, "text": "66.7%"}
    assert sla == {"label": "First reply within 1 h", "value": 2 / 3, "text": "67%"}
    assert payload["agents"] == [
        {
            "agent": "ana",
            "replies": 3,
            "first_reply_median_seconds": (5 + 80) * 60 / 2,
            "sla_compliance": 0.5,
        },
        {
            "agent": "ben",
            "replies": 1,
            "first_reply_median_seconds": 30 * 60.0,
            "sla_compliance": 1.0,
        },
    ]
    # The same figures from the helpdesk's tickets as records, not columns.
    example = runpy.run_path(str(EXAMPLES / "embedding.py"), run_name="embedding_example")
    authors = {"contact": "customer", "staff": "agent", "automation": "bot"}
    conversations = [
        Conversation(
            str(ticket["id"]),
            [
                Message(
                    m["id"],
                    datetime.fromisoformat(m["at"]),
                    authors[m["from"]],
                    agent_id=m.get("user"),
                    private=m.get("internal", False),
                )
                for m in ticket["messages"]
            ],
            channel=ticket["channel"],
            assignee=ticket["owner"],
        )
        for ticket in example["TICKETS"]
    ]
    now = datetime.fromisoformat(payload["as_of"])
    assert first["seconds"] == first_reply_time(conversations, as_of=now).to_dict()["mean"]
    assert waits["seconds"] == reply_wait_time(conversations, as_of=now).to_dict()["mean"]
    assert rate["value"] == reply_rate(conversations).value
    assert sla["value"] == sla_compliance(conversations, example["POLICY"], as_of=now).compliance

    # Bad data: the library's column and row, back in the helpdesk's terms.
    assert lines[at:] == [
        "SyncError: cannot compute care metrics: ticket 1005, message 2, field 'at' is "
        "'2024-05-06T11:45:00'; expected a timezone-aware datetime (this one is naive)",
        "SyncError: cannot compute care metrics: ticket 1006, message 3, field 'id' is 'm2'; "
        "expected an id used once per conversation",
    ]


def check_pin_definitions(out: str, tmp_path: Path) -> None:
    # Run as a script, the module runs pytest on itself: every one of its tests passes.
    module = ast.parse((EXAMPLES / "pin_definitions.py").read_text(encoding="utf-8"))
    tests = [
        node.name
        for node in module.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]
    assert len(tests) >= 5
    assert re.fullmatch(rf"{len(tests)} passed in [\d.]+s( \(.*\))?", out.splitlines()[-1])
    assert not re.search(r"failed|error|skipped|warning", out, re.IGNORECASE)


CHECKS: dict[str, Callable[[str, Path], None]] = {
    "embedding.py": check_embedding,
    "quickstart.py": check_quickstart,
    "team_report.py": check_team_report,
    "bot_replies.py": check_bot_replies,
    "walkthrough.py": check_walkthrough,
    "pin_definitions.py": check_pin_definitions,
}


def test_every_example_is_checked() -> None:
    found = {path.name for path in EXAMPLES.glob("*.py")}
    assert found
    assert found == set(CHECKS)


def test_examples_are_not_collected_with_the_tests() -> None:
    # pin_definitions.py is a test module meant for another project's CI: here it runs as a
    # script (above), not a second time inside this suite.
    with (EXAMPLES.parent / "pyproject.toml").open("rb") as handle:
        options = tomllib.load(handle)["tool"]["pytest"]["ini_options"]
    assert options["testpaths"] == ["tests"]
    assert "python_files" not in options  # the default, test_*.py and *_test.py


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_example_runs_and_prints_what_it_should(name: str, tmp_path: Path) -> None:
    CHECKS[name](run_example(name, cwd=tmp_path), tmp_path)


def test_team_report_takes_a_seed(tmp_path: Path) -> None:
    check_team_report(run_example("team_report.py", "5", cwd=tmp_path), tmp_path, seed=5)


@pytest.mark.skipif(not TWCS_HEAD.exists(), reason=f"the real twcs file is not at {TWCS_HEAD}")
def test_walkthrough_reads_a_twcs_file(tmp_path: Path) -> None:
    out = run_example("walkthrough.py", str(TWCS_HEAD), cwd=tmp_path)
    loaded = load_twcs(TWCS_HEAD)
    check_walkthrough(out, tmp_path, loaded.table, TWCS_HEAD.name)
    assert out.splitlines()[0] == (
        f"Read {loaded.rows_read:,} rows of {TWCS_HEAD.name}: {loaded.rows_used:,} used"
    )
