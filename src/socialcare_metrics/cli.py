"""The command line: ``socialcare-metrics report FILE`` and ``socialcare-metrics demo``.

``report`` reads a twcs export or any CSV of messages and prints the team report and the activity
report; ``demo`` does the same over the built-in sample dataset. Output is text, ``--json`` (the
reports' stable schema), ``--csv`` or ``--html FILE``. Printing lives here and only here: the
metric functions stay pure.

Exit status: 0 on success; 2 for a mistake in the command line or the input (one line on stderr,
never a traceback).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import json
import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Final, NoReturn, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ._sample import sample_conversations
from ._version import __version__
from .calendar import BusinessCalendar
from .errors import SocialCareError
from .io._source import open_source
from .io.result import LoadResult, RowProblem
from .io.tabular import load_messages
from .io.twcs import TWCS_COLUMNS, load_twcs
from .reports import Report, activity_report, team_report
from .reports._report import html_document
from .tables.messages import MessageTable

__all__ = ["main"]

PROG: Final = "socialcare-metrics"

_FIELDS: Final = (
    "conversation_id",
    "sent_at",
    "author",
    "message_id",
    "agent_id",
    "channel",
    "private",
    "text",
    "tags",
    "sentiment",
    "quick_reply",
    "actioned_at",
    "assignee",
    "resolved_at",
)

_EXAMPLES: Final = """\
examples:
  socialcare-metrics report twcs.csv
  socialcare-metrics report twcs.csv.gz --progress
  socialcare-metrics report twcs.csv --sla first=1h,next=4h --period week --html report.html
  socialcare-metrics report twcs.csv --start 2017-10-01T00:00+00:00 --end 2017-12-01T00:00+00:00
  socialcare-metrics report export.csv --column conversation_id=ticket --column sent_at=created \\
      --column author=direction --author in=customer --author out=agent --timezone Europe/Berlin
  socialcare-metrics report export.csv --tz America/New_York --hours "mon-fri 09:00-17:00" \\
      --holidays US:NY --json > report.json

A CSV whose header holds the twcs columns (tweet_id, author_id, inbound, ...) is read as a twcs
export; any other CSV needs conversation_id, sent_at and author columns, named so or mapped with
--column FIELD=COLUMN. FILE may be compressed: gzip, bzip2, xz, or Zstandard with Python 3.14 or
the zstd extra (recognised by its first bytes). A progress bar shows on stderr while FILE is read
when stderr is a terminal and tqdm is installed (the progress extra); --progress or --no-progress
says so outright.
"""


class _UsageError(Exception):
    """A mistake in the command line found after parsing (reported like argparse's own)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Exit status 0 on success and 2 for a mistake in the command line or in the input (one line
    on stderr, never a traceback).
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error already printed
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        text = args.run(args)
    except _UsageError as error:
        print(f"{PROG} {args.command}: error: {error}", file=sys.stderr)
        return 2
    except (SocialCareError, OSError, ImportError) as error:
        # (ImportError: an optional dependency the input needs, Zstandard or tqdm, is missing.)
        print(f"{PROG}: error: {_cli_words(_one_line(error))}", file=sys.stderr)
        return 2
    return _write(sys.stdout, text)


#: The library's parameter names in its messages, and the options that set them here.
_OPTION_WORDS: Final = {
    "load_messages(): 'timestamp_format'": "--timestamp-format",
    "timestamp_format='epoch_s' or 'epoch_ms'": "--timestamp-format epoch_s or epoch_ms",
    "timezone=": "--timezone",
    "timestamp_format=": "--timestamp-format",
    "authors=": "--author",
    "errors='collect'": "--errors collect",
}


def _cli_words(text: str) -> str:
    """A message of the library, in the command line's own words (its options)."""
    for word, option in _OPTION_WORDS.items():
        text = text.replace(word, option)
    return text


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _one_line(error: BaseException) -> str:
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.strerror or error}: {error.filename}"
    return " ".join(str(error).split())


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, as every mistake is: the usage is one --help away.
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Metrics for social-media customer care.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(
        title="commands", metavar="COMMAND", required=True, parser_class=_Parser
    )
    options = _options_parser()

    report = commands.add_parser(
        "report",
        parents=[options],
        help="the team and activity reports over a twcs export or any CSV of messages",
        description=(
            "Read FILE (a twcs export or a CSV of messages) and print the team report (per "
            "agent: workload, first reply and reply wait time, SLA compliance, the slowest "
            "replies) and the activity report (per period: messages received, replies, reply "
            "and action rate; the hour-of-week matrix)."
        ),
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument(
        "file",
        metavar="FILE",
        type=Path,
        help="the CSV file to read, plain or compressed (.gz, .bz2, .xz, .zst)",
    )
    report.add_argument(
        "--format",
        choices=("auto", "twcs", "csv"),
        default="auto",
        help="the file's format (default: auto, twcs when its header has the twcs columns)",
    )
    report.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="the CSV column that holds FIELD (repeat it; default: the column named like the "
        f"field). Fields: {', '.join(_FIELDS)}",
    )
    report.add_argument(
        "--author",
        action="append",
        default=[],
        metavar="WORD=ROLE",
        help="the export's word for who wrote a message, ROLE customer, agent or bot (repeat it)",
    )
    report.add_argument(
        "--timezone",
        metavar="TZ",
        help="read timestamps that carry no UTC offset in this IANA time zone",
    )
    report.add_argument(
        "--timestamp-format",
        metavar="FORMAT",
        help="how a generic CSV writes its timestamps when not in ISO 8601: a strptime format "
        "such as '%%d/%%m/%%Y %%H:%%M', or epoch_s, epoch_ms, epoch_us, epoch_ns",
    )
    report.add_argument(
        "--errors",
        choices=("raise", "collect"),
        default="raise",
        help="stop at the first unusable row (raise, the default), or leave such rows out, "
        "count them and list the first ten on stderr (collect)",
    )
    report.add_argument(
        "--problems",
        metavar="FILE",
        type=Path,
        help="with --errors collect, write every row left out to FILE as CSV (row, line, "
        "column, reason)",
    )
    report.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on stderr while FILE is read (default: when stderr is a "
        "terminal and tqdm is installed)",
    )
    report.set_defaults(run=_report, command="report")

    demo = commands.add_parser(
        "demo",
        parents=[options],
        help="the team and activity reports over the built-in sample dataset",
        description=(
            "Generate the built-in sample dataset (four weeks of conversations on several "
            "channels, answered by a weekday team and a weekend rota) and print the team report "
            "and the activity report over it."
        ),
    )
    demo.add_argument(
        "--seed",
        type=_non_negative_int,
        default=0,
        help="seed of the sample dataset; the same seed gives the same data (default: 0)",
    )
    demo.add_argument(
        "--conversations",
        type=_non_negative_int,
        default=3000,
        metavar="N",
        help="how many conversations to generate (default: 3000)",
    )
    demo.set_defaults(run=_demo, command="demo")
    return parser


def _options_parser() -> _Parser:
    """The options both commands share: what to compute and how to print it."""
    options = _Parser(add_help=False)
    timing = options.add_argument_group("business hours and SLA")
    timing.add_argument(
        "--tz",
        metavar="TZ",
        help="the time zone of the periods and of the business hours (default UTC)",
    )
    timing.add_argument(
        "--hours",
        metavar="HOURS",
        help='weekly opening hours, e.g. "mon-fri 09:00-17:00" or '
        '"mon-fri 08:00-20:00; sat 10:00-14:00"; durations then count business time only',
    )
    timing.add_argument(
        "--holidays",
        metavar="COUNTRY[:SUBDIVISION]",
        help="close on the public holidays of a country (ISO code, e.g. US, DE:BY, HR)",
    )
    timing.add_argument(
        "--sla",
        metavar="TARGETS",
        type=_sla_targets,
        help="SLA targets, e.g. first=1h,next=4h,resolution=2d (units s, min, h, d)",
    )
    timing.add_argument("--bot-replies", action="store_true", help="count bot messages as replies")
    timing.add_argument(
        "--as-of",
        metavar="TIME",
        type=_instant,
        help="age pending waits up to this ISO 8601 time with offset, or this date (its midnight "
        "in --tz; default: the last message)",
    )
    timing.add_argument(
        "--start",
        metavar="TIME",
        type=_instant,
        help="report on what opened at or after this ISO 8601 time with offset, or this date "
        "(its midnight in --tz)",
    )
    timing.add_argument(
        "--end",
        metavar="TIME",
        type=_instant,
        help="report on the data as it stood at this time (or date, its midnight in --tz): later "
        "messages are left out and pending waits are aged to it",
    )
    shape = options.add_argument_group("output")
    shape.add_argument(
        "--period",
        choices=("hour", "day", "week", "month"),
        default="day",
        help="the periods of the activity report (default: day)",
    )
    shape.add_argument(
        "--only",
        choices=("team", "activity"),
        help="print one report only (default: both; --csv prints the team report unless this "
        "says activity)",
    )
    formats = shape.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="print the reports as JSON")
    formats.add_argument("--csv", action="store_true", help="print the report's main table as CSV")
    formats.add_argument(
        "--html",
        metavar="FILE",
        type=Path,
        help="write the reports as one self-contained HTML file",
    )
    return options


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0 (got {text!r})") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0 (got {text!r})")
    return value


_UNIT_SECONDS: Final = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
_TARGET_NAMES: Final = {"first": "first_reply", "next": "next_reply", "resolution": "resolution"}


def _sla_targets(text: str) -> dict[str, timedelta]:
    targets: dict[str, timedelta] = {}
    for part in text.split(","):
        name, _, amount = part.strip().partition("=")
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*", amount.lower())
        if name.strip() not in _TARGET_NAMES or match is None or match[2] not in _UNIT_SECONDS:
            raise argparse.ArgumentTypeError(
                f"expected targets like first=1h,next=4h,resolution=2d (names first, next, "
                f"resolution; units s, min, h, d), got {part.strip()!r}"
            )
        seconds = float(match[1]) * _UNIT_SECONDS[match[2]]
        if seconds <= 0:
            raise argparse.ArgumentTypeError(f"a target must be longer than 0 (got {part!r})")
        targets[_TARGET_NAMES[name.strip()]] = timedelta(seconds=seconds)
    return targets


def _instant(text: str) -> datetime:
    """An ISO 8601 time with a UTC offset (``Z`` too), or a date: its midnight, naive here and
    placed in ``--tz`` (UTC without it) once every option is read."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            "expected an ISO 8601 time with a UTC offset, e.g. 2024-05-06T17:00:00+02:00 or "
            f"2024-05-06T15:00Z, or a date (its midnight in --tz), got {text!r}"
        ) from None
    if value.tzinfo is None:
        if len(text.strip()) == 10:  # a date alone: midnight in --tz (see _place_dates)
            return value
        raise argparse.ArgumentTypeError(
            f"the time needs a UTC offset (e.g. {text.strip()}+00:00), got {text!r}"
        )
    return value


def _place_dates(args: argparse.Namespace) -> None:
    """``--start``, ``--end`` and ``--as-of`` given as a date alone: midnight in ``--tz``."""
    try:
        zone: tzinfo = ZoneInfo(args.tz) if args.tz else UTC
    except (ZoneInfoNotFoundError, ValueError):
        raise _UsageError(
            f"--tz: {args.tz!r} is no IANA time zone (e.g. Europe/Berlin, America/New_York)"
        ) from None
    for option in ("start", "end", "as_of"):
        value = getattr(args, option)
        if value is not None and value.tzinfo is None:
            setattr(args, option, value.replace(tzinfo=zone))


def _pairs(values: list[str], option: str, what: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        key, sep, target = value.partition("=")
        if not sep or not key or not target:
            raise _UsageError(f"{option} expects {what}, got {value!r}")
        pairs[key] = target
    return pairs


# --- the commands ---------------------------------------------------------------------------------


def _report(args: argparse.Namespace) -> str:
    loaded = _load(args)
    left_out = len({problem.row for problem in loaded.problems})
    about = {
        "file": str(args.file),
        "format": args.resolved_format,
        "rows_read": loaded.rows_read,
        "rows_used": loaded.rows_used,
        "rows_left_out": left_out,
        "problems": len(loaded.problems),
    }
    if args.problems is not None:
        _write_problems(args.problems, loaded.problems)
    _tell_problems(loaded.problems, left_out, args.problems)
    if loaded.rows_read and not len(loaded.table):
        raise _UsageError(
            f"no row of {args.file} could be used ({_plural(left_out, 'row')} left out; "
            "the first is listed above)"
        )
    copies = len(loaded.table) - loaded.rows_used
    lines = [
        f"{args.file}: {_plural(loaded.rows_read, 'row')} read as {args.resolved_format}, "
        f"{left_out:,} left out, {_plural(loaded.table.n_conversations, 'conversation')}, "
        f"{_plural(len(loaded.table), 'message')}"
        # A tweet several brands answered is a message of each brand's conversation.
        + (
            f" ({copies:,} more than the rows used: tweets several brands answered, "
            "one message in each brand's conversation)"
            if copies > 0
            else ""
        )
    ]
    return _output(args, loaded.table, about, lines)


def _write_problems(path: Path, problems: Sequence[RowProblem]) -> None:
    """Every row left out, as CSV: its data row (0-based), line, column and what was wrong."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "line", "column", "reason"])
        for problem in problems:
            writer.writerow([problem.row, problem.line, problem.column, problem.reason])


#: How many left-out rows the command line lists on stderr.
SHOWN_PROBLEMS = 10


def _tell_problems(problems: Sequence[RowProblem], left_out: int, path: Path | None) -> None:
    """The first problems of the rows left out (``--errors collect``), on stderr: the reports
    stay on stdout. A row may have several problems; each is listed."""
    if not problems:
        return
    print(
        f"{PROG}: {_plural(left_out, 'row')} left out ({_plural(len(problems), 'problem')}):",
        file=sys.stderr,
    )
    for problem in problems[:SHOWN_PROBLEMS]:
        print(f"  {_cli_words(str(problem))}", file=sys.stderr)
    if len(problems) > SHOWN_PROBLEMS:
        where = f"all are in {path}" if path is not None else "--problems FILE writes them all"
        print(f"  ... and {len(problems) - SHOWN_PROBLEMS:,} more ({where})", file=sys.stderr)


def _demo(args: argparse.Namespace) -> str:
    conversations = sample_conversations(seed=args.seed, n_conversations=args.conversations)
    table = MessageTable.from_conversations(conversations)
    about = {
        "name": "sample",
        "seed": args.seed,
        "conversations": table.n_conversations,
        "messages": len(table),
    }
    lines = [
        f"socialcare_metrics {__version__}: the built-in sample dataset, seed {args.seed}, "
        f"{table.n_conversations:,} conversations, {len(table):,} messages"
    ]
    return _output(args, table, about, lines)


def _load(args: argparse.Namespace) -> LoadResult:
    path: Path = args.file
    if not path.is_file():
        raise _UsageError(f"FILE {str(path)!r} is not a file")
    header = _header(path)
    kind = args.format
    if kind == "auto":
        kind = "twcs" if {"tweet_id", "author_id", "inbound"} <= set(header) else "csv"
    args.resolved_format = kind
    if kind == "twcs":
        for option in ("column", "author"):
            if getattr(args, option):
                raise _UsageError(f"--{option} is for a generic CSV, not a twcs export")
        if args.timezone is not None:
            raise _UsageError("--timezone is for a generic CSV: twcs times carry their offset")
        if args.timestamp_format is not None:
            raise _UsageError("--timestamp-format is for a generic CSV: twcs has its own")
        missing = [c for c in TWCS_COLUMNS if c not in header and c != "text"]
        if args.format == "twcs" and missing:
            raise _UsageError(f"FILE has no twcs column {missing[0]!r} (header: {header})")
        return load_twcs(path, errors=args.errors, progress=_progress(args))
    columns: dict[str, str] = {field: field for field in _FIELDS if field in header}
    columns.update(_pairs(args.column, "--column", "FIELD=COLUMN"))
    unknown = sorted(set(columns) - set(_FIELDS))
    if unknown:
        raise _UsageError(f"--column: no field {unknown[0]!r}; fields are {', '.join(_FIELDS)}")
    for field in ("conversation_id", "sent_at", "author"):
        if field not in columns:
            shown = ", ".join(header[:12]) + (", ..." if len(header) > 12 else "")
            raise _UsageError(
                f"FILE has no column {field!r} (header: {shown or 'none'}); "
                f"name the column that holds it with --column {field}=COLUMN"
            )
        if columns[field] not in header:
            raise _UsageError(
                f"--column {field}={columns[field]}: FILE has no column {columns[field]!r}"
            )
    authors = _pairs(args.author, "--author", "WORD=ROLE") or None
    return load_messages(
        path,
        columns=columns,
        timezone=args.timezone,
        authors=authors,
        timestamp_format=args.timestamp_format,
        errors=args.errors,
        progress=_progress(args),
    )


def _progress(args: argparse.Namespace) -> bool:
    """``--progress``/``--no-progress`` as given; else a bar when someone watches stderr and
    tqdm is there to draw it (never in a pipe, a log file or a test)."""
    if args.progress is not None:
        return bool(args.progress)
    stderr = sys.stderr
    if stderr is None or not stderr.isatty():
        return False
    return importlib.util.find_spec("tqdm") is not None


def _header(path: Path) -> list[str]:
    # Decompressed as the loaders decompress it: a compressed file's header is inside.
    opened = open_source(path, label=str(path))
    with io.TextIOWrapper(
        io.BufferedReader(opened), encoding="utf-8-sig", errors="replace", newline=""
    ) as handle:
        first = next(csv.reader(handle), [])
    return [name.strip() for name in first]


def _calendar(args: argparse.Namespace) -> BusinessCalendar | None:
    if args.hours is None and args.holidays is None:
        return None
    country, _, subdivision = (args.holidays or "").partition(":")
    return BusinessCalendar(
        args.tz or "UTC",
        args.hours if args.hours is not None else "mon-sun 00:00-24:00",
        country=country or None,
        subdivision=subdivision or None,
    )


def _output(
    args: argparse.Namespace, table: MessageTable, about: dict[str, Any], lines: list[str]
) -> str:
    from ._engine.sla import SlaPolicy

    _place_dates(args)
    calendar = _calendar(args)
    policy = SlaPolicy(**args.sla, calendar=calendar) if args.sla else None
    if args.start is not None and args.end is not None and args.end <= args.start:
        raise _UsageError(f"--end ({args.end.isoformat()}) must be after --start")
    common: dict[str, Any] = {
        "calendar": calendar,
        "bot_replies": args.bot_replies,
        "as_of": args.as_of,
        "start": args.start,
        "end": args.end,
    }
    reports: dict[str, Callable[[], Report]] = {
        "team": lambda: team_report(table, sla=policy, tz=args.tz, **common),
        "activity": lambda: activity_report(table, period=args.period, tz=args.tz, **common),
    }
    wanted = [args.only] if args.only else (["team"] if args.csv else ["team", "activity"])
    built = {name: reports[name]() for name in wanted}
    if args.json:
        out = {"dataset" if args.command == "demo" else "input": about}
        out.update({f"{name}_report": report.to_dict() for name, report in built.items()})
        return json.dumps(out, indent=2) + "\n"
    if args.csv:
        return _csv(next(iter(built.values())))
    if args.html is not None:
        bodies = [report._body_html() for report in built.values()]
        document = html_document("Social care report", bodies, source=lines[0])
        args.html.write_text(document, encoding="utf-8")
        return f"{lines[0]}\nwrote {args.html}\n"
    return "\n".join([*lines, "", *(str(report) for report in built.values())])


def _csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = report.table()
    writer.writerow(list(columns))
    rows = len(next(iter(columns.values()), []))
    for i in range(rows):
        writer.writerow(["" if v[i] is None else _csv_cell(v[i]) for v in columns.values()])
    return buffer.getvalue()


def _csv_cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _write(stream: TextIO, text: str) -> int:
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        # The reader went away (`... report | head`): not an error worth a traceback.
        return 1
    return 0
