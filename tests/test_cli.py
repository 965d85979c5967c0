"""The command line: `socialcare-metrics demo` prints what the library computes."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
from datetime import timedelta
from importlib import metadata

import pytest

from socialcare_metrics import (
    Author,
    Conversation,
    DurationResult,
    InvalidParameterError,
    cli,
    first_reply_time,
    format_duration,
    reply_wait_time,
)
from socialcare_metrics._sample import sample_conversations

SEED = 3
N = 400
ARGS = ["demo", "--seed", str(SEED), "--conversations", str(N)]
TITLES = {"first_reply_time": "First reply time", "reply_wait_time": "Reply wait time"}


@pytest.fixture(scope="module")
def conversations() -> list[Conversation]:
    return sample_conversations(seed=SEED, n_conversations=N)


@pytest.fixture(scope="module")
def expected(conversations: list[Conversation]) -> dict[str, DurationResult]:
    return {
        "first_reply_time": first_reply_time(conversations),
        "reply_wait_time": reply_wait_time(conversations),
    }


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def cells(line: str) -> list[str]:
    # Columns are at least two spaces apart; a duration ("4 h 2 min") holds single spaces only.
    return re.split(r"\s{2,}", line.strip())


def section(text: str, title: str) -> list[str]:
    """The lines of the report under ``title``, up to the next metric's title."""
    lines = text.splitlines()
    start = lines.index(title)
    assert lines[start + 1] == "=" * len(title)
    end = next(
        (i for i in range(start + 2, len(lines)) if lines[i + 1 : i + 2] == ["=" * len(lines[i])]),
        len(lines),
    )
    return lines[start + 2 : end]


def block(lines: list[str], heading_prefix: str) -> list[list[str]]:
    """The rows (as cells) of the indented table after the line starting with the prefix."""
    start = next(i for i, line in enumerate(lines) if line.startswith(heading_prefix))
    rows = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        rows.append(cells(line))
    return rows


def summary(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        if not line.startswith("  "):
            break
        label, value = cells(line)
        out[label] = value
    return out


def stats_row(result: DurationResult) -> list[str]:
    return [
        str(result.count),
        str(result.pending),
        *(
            format_duration(value)
            for value in (result.mean, result.median, result.p90, result.min, result.max)
        ),
    ]


# --- the text report ------------------------------------------------------------------------------


def test_demo_prints_what_the_library_computes(
    capsys: pytest.CaptureFixture[str], expected: dict[str, DurationResult]
) -> None:
    code, out, err = run(capsys, ARGS)
    assert code == 0
    assert err == ""
    assert f"seed {SEED}, {N} conversations" in out
    for name, title in TITLES.items():
        result = expected[name]
        lines = section(out, title)
        assert summary(lines) == {
            "count": str(result.count),
            "pending": str(result.pending),
            "mean": format_duration(result.mean),
            "median": format_duration(result.median),
            "p90": format_duration(result.p90),
            "min": format_duration(result.min),
            "max": format_duration(result.max),
        }
        slowest = block(lines, "Slowest 5")
        assert slowest[0] == ["conversation", "wait", "customer wrote"]
        assert [row[:2] for row in slowest[1:]] == [
            [s.conversation_id, format_duration(s.duration)] for s in result.slowest(5)
        ]
        assert [row[2] for row in slowest[1:]] == [
            s.opened_at.strftime("%Y-%m-%d %H:%M UTC") for s in result.slowest(5)
        ]
        for key in ("agent", "channel"):
            rows = block(lines, f"By {key}")
            assert rows[0] == [key, "count", "pending", "mean", "median", "p90", "min", "max"]
            groups = result.by(key)
            assert [row[0] for row in rows[1:]] == ["(none)" if k is None else k for k in groups]
            assert [row[1:] for row in rows[1:]] == [stats_row(part) for part in groups.values()]


def test_demo_numbers_match_a_plain_walk_of_the_conversations(
    capsys: pytest.CaptureFixture[str], conversations: list[Conversation]
) -> None:
    # An independent reading of the waits, in plain Python over the records: a wait opens at the
    # oldest unanswered customer message and closes at the next public agent reply.
    first: list[float] = []
    every: list[float] = []
    first_pending = every_pending = 0
    for conv in conversations:
        opened = None
        n_waits = 0
        for m in conv.messages:
            if m.private:
                continue
            if m.author is Author.CUSTOMER and opened is None:
                opened = m.sent_at
            elif m.author is Author.AGENT and opened is not None:
                seconds = (m.sent_at - opened).total_seconds()
                every.append(seconds)
                if n_waits == 0:
                    first.append(seconds)
                n_waits += 1
                opened = None
        if opened is not None:
            every_pending += 1
            first_pending += n_waits == 0
    code, out, _ = run(capsys, ARGS)
    assert code == 0
    for title, values, pending in (
        ("First reply time", first, first_pending),
        ("Reply wait time", every, every_pending),
    ):
        shown = summary(section(out, title))
        assert shown["count"] == str(len(values))
        assert shown["pending"] == str(pending)
        assert shown["mean"] == format_duration(timedelta(seconds=statistics.fmean(values)))
        assert shown["median"] == format_duration(statistics.median(values))
        p90 = statistics.quantiles(values, n=10, method="inclusive")[8]
        assert shown["p90"] == format_duration(p90)
        assert shown["min"] == format_duration(min(values))
        assert shown["max"] == format_duration(max(values))


def test_demo_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    _, once, _ = run(capsys, ARGS)
    _, twice, _ = run(capsys, ARGS)
    _, other, _ = run(capsys, ["demo", "--seed", str(SEED + 1), "--conversations", str(N)])
    assert once == twice
    assert once != other


def test_demo_over_nothing_reports_undefined_with_a_zero_count(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, ["demo", "--conversations", "0"])
    assert code == 0
    for title in TITLES.values():
        shown = summary(section(out, title))
        assert shown["count"] == "0"
        assert shown["mean"] == "n/a"
        assert shown["p90"] == "n/a"
    code, out, _ = run(capsys, ["demo", "--conversations", "0", "--json"])
    data = json.loads(out)
    assert data["first_reply_time"]["count"] == 0
    assert data["first_reply_time"]["mean"] is None
    assert data["reply_wait_time"]["slowest"] == []


def test_the_default_demo_is_the_default_sample(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, ["demo"])
    assert code == 0
    result = reply_wait_time(sample_conversations())
    assert "seed 0, 3000 conversations" in out
    assert summary(section(out, "Reply wait time"))["mean"] == str(result)
    assert out.isascii()  # prints on any console


# --- --json ---------------------------------------------------------------------------------------


def expected_json(result: DurationResult) -> dict[str, object]:
    return {
        **result.to_dict(),
        "slowest": [
            {
                "conversation_id": s.conversation_id,
                "seconds": s.duration.total_seconds(),
                "opened_at": s.opened_at.isoformat(),
            }
            for s in result.slowest(5)
        ],
        "by_agent": [{"agent": k, **v.to_dict()} for k, v in result.by("agent").items()],
        "by_channel": [{"channel": k, **v.to_dict()} for k, v in result.by("channel").items()],
    }


def test_json_is_the_results_to_dict(
    capsys: pytest.CaptureFixture[str],
    conversations: list[Conversation],
    expected: dict[str, DurationResult],
) -> None:
    code, out, _ = run(capsys, [*ARGS, "--json"])
    assert code == 0
    data = json.loads(out)
    assert data["dataset"] == {
        "name": "sample",
        "seed": SEED,
        "conversations": N,
        "messages": sum(len(c.messages) for c in conversations),
    }
    for name, result in expected.items():
        assert data[name] == expected_json(result)


def test_python_dash_m_demo_json_in_a_subprocess(expected: dict[str, DurationResult]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "socialcare_metrics", *ARGS, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    for name, result in expected.items():
        assert data[name]["count"] == result.count
        assert data[name]["pending"] == result.pending
        assert data[name]["mean"] == result.to_dict()["mean"]


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


# --- bad command lines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["demo", "--conversations", "-5"], "argument --conversations: must be an integer >= 0"),
        (["demo", "--conversations", "many"], "argument --conversations: must be an integer >= 0"),
        (["demo", "--seed", "1.5"], "argument --seed: must be an integer >= 0 (got '1.5')"),
        (["demo", "--colour"], "unrecognized arguments: --colour"),
        (["report"], "invalid choice: 'report'"),
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
    assert "usage: socialcare-metrics" in err


def test_a_bad_argument_fails_in_a_subprocess_too() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "socialcare_metrics", "demo", "--conversations", "-1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "must be an integer >= 0 (got '-1')" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_library_error_exits_1_without_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: object) -> list[Conversation]:
        raise InvalidParameterError("sample_conversations", "seed", "an int >= 0", -1)

    monkeypatch.setattr(cli, "sample_conversations", broken)
    code, out, err = run(capsys, ["demo"])
    assert code == 1
    assert out == ""
    assert err.startswith("socialcare-metrics: error: sample_conversations(): 'seed' must be")


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, ["demo", "--help"])
    assert code == 0
    assert "--seed" in out
    assert "--conversations" in out
    assert "--json" in out
    code, out, _ = run(capsys, ["--version"])
    assert code == 0
    assert out.strip() == f"socialcare-metrics {metadata.version('socialcare-metrics')}"
