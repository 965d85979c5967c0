"""The command line: `report FILE` and `demo` print the library's reports, and say what is wrong."""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from socialcare_metrics import (
    BusinessCalendar,
    InvalidParameterError,
    MessageTable,
    SlaPolicy,
    cli,
    load_messages,
    load_twcs,
)
from socialcare_metrics._sample import sample_conversations
from socialcare_metrics.reports import activity_report, team_report

SEED = 3
N = 400
ARGS = ["demo", "--seed", str(SEED), "--conversations", str(N)]


@pytest.fixture(scope="module")
def table() -> MessageTable:
    return MessageTable.from_conversations(sample_conversations(seed=SEED, n_conversations=N))


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# --- demo -----------------------------------------------------------------------------------------


def test_demo_prints_the_team_and_activity_reports(
    capsys: pytest.CaptureFixture[str], table: MessageTable
) -> None:
    code, out, err = run(capsys, ARGS)
    assert (code, err) == (0, "")
    header, _, body = out.partition("\n\n")
    assert f"seed {SEED}, {N:,} conversations, {len(table):,} messages" in header
    assert body == str(team_report(table)) + "\n" + str(activity_report(table))
    assert out.isascii()  # prints on any console


def test_demo_options_reach_the_reports(
    capsys: pytest.CaptureFixture[str], table: MessageTable
) -> None:
    argv = [*ARGS, "--sla", "first=1h,next=30min", "--period", "week", "--tz", "Europe/Berlin"]
    argv += ["--hours", "mon-fri 09:00-17:00", "--holidays", "DE:BY", "--bot-replies"]
    code, out, _ = run(capsys, [*argv, "--json"])
    assert code == 0
    data = json.loads(out)
    calendar = BusinessCalendar(
        "Europe/Berlin", "mon-fri 09:00-17:00", country="DE", subdivision="BY"
    )
    policy = SlaPolicy(
        first_reply=timedelta(hours=1), next_reply=timedelta(minutes=30), calendar=calendar
    )
    team = team_report(table, calendar=calendar, sla=policy, bot_replies=True)
    activity = activity_report(
        table, period="week", tz="Europe/Berlin", calendar=calendar, bot_replies=True
    )
    assert data["team_report"] == json.loads(json.dumps(team.to_dict()))
    assert data["activity_report"] == json.loads(json.dumps(activity.to_dict()))
    assert data["dataset"] == {
        "name": "sample",
        "seed": SEED,
        "conversations": N,
        "messages": len(table),
    }
    assert "business time" in data["team_report"]["definitions"]["durations"]


def test_demo_over_nothing_reports_undefined_with_a_zero_count(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, ["demo", "--conversations", "0", "--json"])
    assert code == 0
    data = json.loads(out)
    (total,) = data["team_report"]["sections"]["first_reply"]
    assert (total["agent"], total["count"], total["mean"]) == ("(all)", 0, None)
    assert data["team_report"]["sections"]["slowest"] == []


def test_python_dash_m_demo_json_in_a_subprocess(table: MessageTable) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "socialcare_metrics", *ARGS, "--json", "--only", "team"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"dataset", "team_report"}
    assert data["team_report"] == json.loads(json.dumps(team_report(table).to_dict()))


# --- report FILE ----------------------------------------------------------------------------------

TWCS = """tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
1,700,True,Tue Oct 31 10:00:00 +0000 2017,@AcmeHelp my order,2,
2,AcmeHelp,False,Tue Oct 31 10:04:00 +0000 2017,@700 Sorry! Please DM us.,,1
3,701,True,Tue Oct 31 11:00:00 +0000 2017,@AcmeHelp hello?,,
"""


def test_report_reads_a_twcs_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "twcs.csv"
    path.write_text(TWCS, encoding="utf-8")
    code, out, _ = run(capsys, ["report", str(path), "--json", "--sla", "first=1h"])
    assert code == 0
    data = json.loads(out)
    assert data["input"] == {
        "file": str(path),
        "format": "twcs",
        "rows_read": 3,
        "rows_used": 3,
        "rows_left_out": 0,
        "problems": 0,
    }
    table = load_twcs(path).table
    expected = team_report(table, sla=SlaPolicy(first_reply=timedelta(hours=1)))
    assert data["team_report"] == json.loads(json.dumps(expected.to_dict()))
    acme = data["team_report"]["sections"]["agents"][0]
    # Both threads are addressed to AcmeHelp: one answered in 4 minutes, one still waiting.
    assert (acme["agent"], acme["assigned"], acme["handled"]) == ("AcmeHelp", 2, 1)


GENERIC = """ticket,created,direction,who,body
t1,2024-05-06 10:00:00,in,,Where is my parcel?
t1,2024-05-06 10:30:00,out,ana,On its way.
t2,2024-05-06 11:00:00,in,,Refund please
"""


def test_report_reads_any_csv_with_its_columns_mapped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(GENERIC, encoding="utf-8")
    argv = [
        "report",
        str(path),
        "--column",
        "conversation_id=ticket",
        "--column",
        "sent_at=created",
    ]
    argv += ["--column", "author=direction", "--column", "agent_id=who", "--column", "text=body"]
    argv += ["--author", "in=customer", "--author", "out=agent", "--timezone", "Europe/Berlin"]
    code, out, _ = run(capsys, [*argv, "--csv"])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    loaded = load_messages(
        path,
        columns={
            "conversation_id": "ticket",
            "sent_at": "created",
            "author": "direction",
            "agent_id": "who",
            "text": "body",
        },
        authors={"in": "customer", "out": "agent"},
        timezone="Europe/Berlin",
    )
    expected = team_report(loaded.table).table()
    assert list(rows[0]) == list(expected)
    assert [r["agent"] for r in rows] == [a or "" for a in expected["agent"]]
    assert [r["first_reply_median"] for r in rows] == [
        "" if v is None else str(v) for v in expected["first_reply_median"]
    ]
    assert rows[0]["first_reply_median"] == "1800.0"  # 30 minutes


def test_report_reads_timestamps_in_a_format_of_the_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "dated.csv"
    path.write_text(
        "conversation_id,sent_at,author,agent_id\n"
        "c1,06/05/2024 10:00,customer,\n"
        "c1,06/05/2024 10:05,agent,ana\n",
        encoding="utf-8",
    )
    argv = ["report", str(path), "--timezone", "UTC", "--only", "team", "--json"]
    code, _, err = run(capsys, argv)
    assert code == 2
    assert "ISO 8601" in err
    code, out, _ = run(capsys, [*argv, "--timestamp-format", "%d/%m/%Y %H:%M"])
    assert code == 0
    assert '"ana"' in out
    code, _, err = run(capsys, [*argv, "--timestamp-format", "nonsense"])
    assert code == 2
    assert "--timestamp-format must be" in err


def test_an_epoch_unit_finer_than_the_numbers_is_refused_in_option_words(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "epoch.csv"
    path.write_text(
        "conversation_id,sent_at,author\nc1,1714989600,customer\nc1,1714989660,agent\n",
        encoding="utf-8",
    )
    argv = ["report", str(path), "--only", "team", "--timestamp-format"]
    code, _, err = run(capsys, [*argv, "epoch_ms"])
    assert code == 2
    assert "--timestamp-format must be the unit the numbers are written in" in err
    assert "read as 'epoch_s', from 2024-05-06" in err
    code, out, _ = run(capsys, [*argv, "epoch_s"])
    assert code == 0
    assert "2024-05-06" in out


def test_a_csv_with_the_field_names_as_columns_needs_no_mapping(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "plain.csv"
    path.write_text(
        "conversation_id,sent_at,author,agent_id\n"
        "c1,2024-05-06T10:00:00+00:00,customer,\n"
        "c1,2024-05-06T10:05:00+00:00,agent,ana\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, ["report", str(path), "--only", "team", "--json"])
    assert code == 0
    first = json.loads(out)["team_report"]["sections"]["first_reply"][0]
    assert (first["agent"], first["count"], first["mean"]) == ("ana", 1, 300.0)


def test_html_writes_both_reports_in_one_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "report.html"
    code, out, _ = run(capsys, [*ARGS, "--html", str(target)])
    assert code == 0
    assert f"wrote {target}" in out
    document = target.read_text(encoding="utf-8")
    assert document.startswith("<!DOCTYPE html>")
    assert "<h1>Team report</h1>" in document
    assert "<h1>Activity report by day</h1>" in document
    assert "<script" not in document
    assert document.count("<svg") >= 4


# --- mistakes: one line, status 2, no traceback ---------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["demo", "--conversations", "-5"], "argument --conversations: must be an integer >= 0"),
        (["demo", "--seed", "1.5"], "argument --seed: must be an integer >= 0 (got '1.5')"),
        (["demo", "--colour"], "unrecognized arguments: --colour"),
        (["demo", "--sla", "first=soon"], "expected targets like first=1h"),
        (["demo", "--sla", "fist=1h"], "got 'fist=1h'"),
        (["demo", "--as-of", "2024-05-06T10:00:00"], "the time needs a UTC offset"),
        (["demo", "--json", "--csv"], "not allowed with argument"),
        (["demo", "--period", "fortnight"], "invalid choice: 'fortnight'"),
        (["report"], "the following arguments are required: FILE"),
        (["teleport"], "invalid choice: 'teleport'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_a_bad_command_line_exits_2_with_a_message(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1  # one line, that says where the usage is
    assert err.startswith("socialcare-metrics")
    assert "--help'" in err


@pytest.mark.parametrize(
    ("write", "argv", "message"),
    [
        (None, [], "is not a file"),
        (TWCS, ["--column", "sent_at=x"], "--column is for a generic CSV"),
        (GENERIC, ["--column", "ticket"], "--column expects FIELD=COLUMN, got 'ticket'"),
        (GENERIC, [], "FILE has no column 'conversation_id' (header: ticket, created,"),
        (GENERIC, ["--column", "conversation=ticket"], "--column: no field 'conversation'"),
        (GENERIC, ["--column", "conversation_id=tickets"], "FILE has no column 'tickets'"),
        (GENERIC.replace("10:30:00", "half past ten"), ["--column", "conversation_id=ticket"], ""),
        (TWCS, ["--hours", "mon-fri"], "hours"),
        (TWCS, ["--tz", "Mars/Olympus", "--hours", "mon-fri 09:00-17:00"], "Mars/Olympus"),
    ],
)
def test_mistakes_in_the_input_exit_2_in_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    write: str | None,
    argv: list[str],
    message: str,
) -> None:
    path = tmp_path / "input.csv"
    if write is not None:
        path.write_text(write, encoding="utf-8")
    code, out, err = run(capsys, ["report", str(path), *argv])
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1  # one line
    assert "Traceback" not in err


def test_a_bad_file_fails_in_a_subprocess_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(TWCS.replace("Tue Oct 31 11:00:00", "yesterday"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "socialcare_metrics", "report", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "column 'created_at', row 4" in done.stderr  # the file's line 4
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    collected = subprocess.run(
        [sys.executable, "-m", "socialcare_metrics", "report", str(path), "--errors", "collect"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stderr
    assert "3 rows read as twcs, 1 left out" in collected.stdout


def test_a_library_error_exits_2_without_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: object) -> list[Any]:
        raise InvalidParameterError("sample_conversations", "seed", "an int >= 0", -1)

    monkeypatch.setattr(cli, "sample_conversations", broken)
    code, out, err = run(capsys, ["demo"])
    assert code == 2
    assert out == ""
    assert err.startswith("socialcare-metrics: error: sample_conversations(): 'seed' must be")


def test_help_shows_a_worked_example_and_version_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, ["report", "--help"])
    assert code == 0
    for option in ("--sla", "--hours", "--holidays", "--column", "--timezone", "--html"):
        assert option in out
    assert "socialcare-metrics report twcs.csv --sla first=1h,next=4h" in out
    code, out, _ = run(capsys, ["--version"])
    assert code == 0
    assert out.strip() == f"socialcare-metrics {metadata.version('socialcare-metrics')}"


def test_the_console_scripts_point_at_main() -> None:
    scripts = {
        ep.name: ep.value
        for ep in metadata.entry_points(group="console_scripts")
        if ep.name in {"socialcare-metrics", "socialcare_metrics"}
    }
    assert scripts == {
        "socialcare-metrics": "socialcare_metrics.cli:main",
        "socialcare_metrics": "socialcare_metrics.cli:main",
    }


def test_as_of_ages_pending_waits(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "twcs.csv"
    path.write_text(TWCS, encoding="utf-8")
    late = datetime(2017, 10, 31, 13, 0, tzinfo=UTC)
    code, out, _ = run(
        capsys, ["report", str(path), "--json", "--sla", "first=1h", "--as-of", late.isoformat()]
    )
    assert code == 0
    sla = json.loads(out)["team_report"]["sections"]["sla"]
    # Tweet 3 has waited two hours at 13:00: breached.
    assert [(r["agent"], r["achieved"], r["breached"]) for r in sla] == [
        ("AcmeHelp", 1, 1),
        ("(all)", 1, 1),
    ]


def test_the_documented_output_is_what_the_command_prints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "command-line.md").read_text()
    command = "$ socialcare-metrics "
    start = page.index(command)
    argv = page[start + len(command) : page.index("\n", start)].split()
    shown = page[page.index("```text\n", start) + len("```text\n") :]
    shown = shown[: shown.index("```")]
    code, out, _ = run(capsys, argv)
    assert code == 0
    version = metadata.version("socialcare-metrics")
    assert out.replace(version, "VERSION") == re.sub(
        r"socialcare_metrics \S+:", "socialcare_metrics VERSION:", shown, count=1
    )


def test_start_and_end_window_the_reports(
    capsys: pytest.CaptureFixture[str], table: MessageTable
) -> None:
    start, end = datetime(2024, 3, 11, tzinfo=UTC), datetime(2024, 3, 18, tzinfo=UTC)
    argv = [*ARGS, "--json", "--start", start.isoformat(), "--end", end.isoformat()]
    code, out, _ = run(capsys, argv)
    assert code == 0
    data = json.loads(out)
    team = team_report(table, start=start, end=end)
    activity = activity_report(table, start=start, end=end)
    assert data["team_report"] == json.loads(json.dumps(team.to_dict()))
    assert data["activity_report"] == json.loads(json.dumps(activity.to_dict()))
    assert len(data["activity_report"]["sections"]["periods"]) == 7
    code, _, err = run(capsys, [*ARGS, "--start", end.isoformat(), "--end", start.isoformat()])
    assert code == 2
    assert "--end" in err


def test_a_date_alone_is_midnight_utc_and_a_window_after_the_data_is_empty(
    capsys: pytest.CaptureFixture[str], table: MessageTable
) -> None:
    code, out, _ = run(capsys, [*ARGS, "--json", "--start", "2024-03-11", "--end", "2024-03-18"])
    assert code == 0
    window = json.loads(out)["team_report"]["window"]
    assert (window["start"], window["end"]) == (
        "2024-03-11T00:00:00+00:00",
        "2024-03-18T00:00:00+00:00",
    )
    code, out, _ = run(capsys, [*ARGS, "--json", "--start", "2030-01-01"])
    assert code == 0
    data = json.loads(out)
    assert data["activity_report"]["sections"]["periods"] == []
    assert data["team_report"]["sections"]["agents"][-1]["assigned"] == 0


# --- compressed files and the progress bar --------------------------------------------------------


def test_report_reads_a_compressed_file_as_it_reads_the_plain_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plain = tmp_path / "twcs.csv"
    plain.write_text(TWCS, encoding="utf-8")
    packed = tmp_path / "twcs.csv.gz"
    packed.write_bytes(gzip.compress(TWCS.encode()))
    disguised = tmp_path / "export.csv"  # gzip named .csv: the header is found inside
    disguised.write_bytes(gzip.compress(GENERIC.encode()))
    code, want, _ = run(capsys, ["report", str(plain), "--json"])
    assert code == 0
    code, got, err = run(capsys, ["report", str(packed), "--json"])
    assert (code, err) == (0, "")
    assert json.loads(got)["team_report"] == json.loads(want)["team_report"]
    assert json.loads(got)["input"]["format"] == "twcs"
    mapping = ["--column", "conversation_id=ticket", "--column", "sent_at=created"]
    mapping += ["--column", "author=direction", "--author", "in=customer", "--author", "out=agent"]
    code, out, err = run(capsys, ["report", str(disguised), *mapping, "--timezone", "UTC"])
    # The header inside is found, and the file read as the generic CSV it is.
    assert (code, err) == (0, "")
    assert "3 rows read as csv, 0 left out" in out
    code, _, err = run(capsys, ["report", str(disguised)])
    assert code == 2
    assert "(header: ticket, created, direction, who, body)" in err


def _watched_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make stderr look like a terminal, as it does when someone runs the command."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)


def test_progress_is_shown_on_a_terminal_and_never_changes_stdout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("tqdm")
    path = tmp_path / "twcs.csv.xz"
    path.write_bytes(lzma.compress(TWCS.encode()))
    code, quiet, err = run(capsys, ["report", str(path)])
    assert (code, err) == (0, "")  # stderr is not a terminal here: no bar
    code, forced, err = run(capsys, ["report", str(path), "--progress"])
    assert code == 0
    assert forced == quiet
    assert "twcs.csv.xz" in err
    assert "100%" in err
    _watched_stderr(monkeypatch)
    code, shown, err = run(capsys, ["report", str(path)])
    assert (code, shown) == (0, quiet)
    assert "100%" in err
    code, hidden, err = run(capsys, ["report", str(path), "--no-progress"])
    assert (code, hidden, err) == (0, quiet, "")


def test_without_tqdm_a_terminal_gets_no_bar_and_progress_says_what_to_install(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "twcs.csv"
    path.write_text(TWCS, encoding="utf-8")
    monkeypatch.setitem(sys.modules, "tqdm", None)
    _watched_stderr(monkeypatch)
    code, out, err = run(capsys, ["report", str(path)])
    assert (code, err) == (0, "")
    code, out, err = run(capsys, ["report", str(path), "--progress"])
    assert (code, out) == (2, "")
    assert err == (
        "socialcare-metrics: error: progress=True needs the optional dependency 'tqdm': "
        "pip install 'socialcare-metrics[progress]'\n"
    )


def test_a_damaged_compressed_file_exits_2_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "twcs.csv.bz2"
    path.write_bytes(bz2.compress(TWCS.encode())[:-8])
    code, out, err = run(capsys, ["report", str(path)])
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "expected complete, undamaged bzip2-compressed data" in err


def test_a_date_alone_is_its_midnight_in_the_report_time_zone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [*ARGS, "--json", "--tz", "America/New_York", "--start", "2024-03-11"]
    code, out, _ = run(capsys, argv)
    assert code == 0
    window = json.loads(out)["team_report"]["window"]
    assert window["start"] == "2024-03-11T00:00:00-04:00"  # daylight time began on 10 March
    assert window["time zone"] == "America/New_York"
    code, _, err = run(capsys, [*ARGS, "--tz", "Mars/Olympus"])
    assert code == 2
    assert "--tz" in err


def test_period_labels_are_written_by_their_unit(capsys: pytest.CaptureFixture[str]) -> None:
    for period, pattern in (
        ("day", r"^  2024-03-04 "),
        ("month", r"^  2024-03 "),
        ("week", r"^  week of 2024-03-04 "),
        ("hour", r"^  2024-03-04 09:00 "),
    ):
        code, out, _ = run(capsys, [*ARGS, "--only", "activity", "--period", period])
        assert code == 0
        assert re.search(pattern, out, flags=re.MULTILINE), (period, out[:600])


def test_rows_left_out_are_listed_on_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "damaged.csv"
    rows = ["c1,2024-05-06T10:00Z,customer", "c1,2024-05-06T10:05Z,agent"]
    rows += [f"c{i},not a time,customer" for i in range(2, 15)]
    path.write_text("conversation_id,sent_at,author\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = run(capsys, ["report", str(path), "--errors", "collect", "--only", "team"])
    assert code == 0
    assert "15 rows read as csv, 13 left out, 1 conversation, 2 messages" in out
    assert "not a time" not in out  # the reports stay clean on stdout
    listed = [line for line in err.splitlines() if line.startswith("  line ")]
    assert len(listed) == cli.SHOWN_PROBLEMS
    assert listed[0].startswith("  line 4, column 'sent_at'")
    assert "... and 3 more (--problems FILE writes them all)" in err
    every = tmp_path / "problems.csv"
    argv = ["report", str(path), "--errors", "collect", "--problems", str(every)]
    code, _, err = run(capsys, argv)
    assert code == 0
    written = list(csv.DictReader(io.StringIO(every.read_text(encoding="utf-8"))))
    assert [int(r["line"]) for r in written] == list(range(4, 17))
    assert f"all are in {every}" in err
    html = tmp_path / "report.html"
    code, _, _ = run(capsys, ["report", str(path), "--errors", "collect", "--html", str(html)])
    assert code == 0
    assert f"{path}: 15 rows read as csv, 13 left out" in html.read_text(encoding="utf-8")


def test_a_row_with_two_problems_is_one_row_left_out_and_hints_name_options(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "naive.csv"
    path.write_text(
        "conversation_id,sent_at,author\n"
        "c1,2024-05-06T10:00Z,customer\n"
        "c1,2024-05-06T10:05Z,agent\n"
        ",2024-05-06 10:00,robot\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, ["report", str(path), "--errors", "collect", "--only", "team"])
    assert code == 0
    assert "3 rows read as csv, 1 left out," in out
    assert "1 row left out (3 problems)" in err
    assert "pass --timezone to read naive times" in err
    assert "map the export's own words with --author" in err
    assert "timezone=" not in err
    assert "authors=" not in err


def test_a_file_with_no_usable_row_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "useless.csv"
    path.write_text(
        "conversation_id,sent_at,author\nc1,nope,customer\nc2,2024-05-06T10:00Z,robot\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, ["report", str(path), "--errors", "collect"])
    assert code == 2
    assert out == ""
    assert "no row of" in err
    assert "2 rows left out" in err


def test_the_header_says_why_there_are_more_messages_than_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A tweet two brands answer is a message of each brand's conversation.
    path = tmp_path / "twcs.csv"
    path.write_text(
        TWCS.replace(
            ",,1\n", ",,1\n4,ZetaCare,False,Tue Oct 31 10:06:00 +0000 2017,@700 hi,,1\n"
        ).replace("order,2,", 'order,"2,4",'),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, ["report", str(path), "--only", "team"])
    assert code == 0
    assert "4 rows read as twcs, 0 left out, 3 conversations, 5 messages (1 more than" in out
    path.write_text(TWCS, encoding="utf-8")
    code, out, _ = run(capsys, ["report", str(path), "--only", "team"])
    assert "3 rows read as twcs, 0 left out, 2 conversations, 3 messages\n" in out
