"""The command line: ``socialcare-metrics demo`` (also ``python -m socialcare_metrics demo``).

``demo`` computes first reply time and reply wait time over the built-in sample dataset and prints
a plain-text report (or, with ``--json``, the results' ``to_dict()`` as JSON). Printing lives here
and only here: the metric functions stay pure.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from ._core.time import ns_to_datetime
from ._sample import sample_conversations
from ._version import __version__
from .errors import SocialCareError
from .metrics.speed import first_reply_time, reply_wait_time
from .results._render import aligned_lines
from .results.durations import DurationResult, format_duration
from .tables.messages import MessageTable

__all__ = ["main"]

PROG = "socialcare-metrics"


SLOWEST = 5


_METRICS: tuple[tuple[str, Callable[[MessageTable], DurationResult]], ...] = (
    ("first_reply_time", first_reply_time),
    ("reply_wait_time", reply_wait_time),
)


_GROUP_HEADINGS = {
    "agent": "By agent (whose reply closed the wait; a pending wait counts for the assignee)",
    "channel": "By channel (where the customer wrote)",
}


_NONE_LABEL = "(none)"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Exit status 0 on success, 2 for a bad command line (argparse's convention, with a message
    on stderr), 1 when the library rejects an input.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error already printed
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        text = args.run(args)
    except SocialCareError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 1
    return _write(sys.stdout, text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Metrics for social-media customer care.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    demo = commands.add_parser(
        "demo",
        help="first reply time and reply wait time over the built-in sample dataset",
        description=(
            "Generate the built-in sample dataset (four weeks of conversations on several "
            "channels, answered by a weekday team and a weekend rota) and report first reply "
            "time and reply wait time: overall, the slowest waits, per agent and per channel."
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
    demo.add_argument(
        "--json",
        action="store_true",
        help="print machine-readable JSON (durations in seconds) instead of the text report",
    )
    demo.set_defaults(run=_demo)
    return parser


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0 (got {text!r})") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0 (got {text!r})")
    return value


def _write(stream: TextIO, text: str) -> int:
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        # The reader went away (`... demo | head`): not an error worth a traceback.
        return 1
    return 0


def _demo(args: argparse.Namespace) -> str:
    conversations = sample_conversations(seed=args.seed, n_conversations=args.conversations)
    table = MessageTable.from_conversations(conversations)
    results = {name: metric(table) for name, metric in _METRICS}
    if args.json:
        return _demo_json(args, table, results)
    return _demo_text(args, table, results)


def _demo_json(
    args: argparse.Namespace, table: MessageTable, results: dict[str, DurationResult]
) -> str:
    out: dict[str, Any] = {
        "dataset": {
            "name": "sample",
            "seed": args.seed,
            "conversations": table.n_conversations,
            "messages": len(table),
        }
    }
    for name, result in results.items():
        out[name] = {
            **result.to_dict(),
            "slowest": [
                {
                    "conversation_id": slow.conversation_id,
                    "seconds": slow.duration.total_seconds(),
                    "opened_at": slow.opened_at.isoformat(),
                }
                for slow in result.slowest(SLOWEST)
            ],
            "by_agent": [
                {"agent": key, **part.to_dict()} for key, part in result.by("agent").items()
            ],
            "by_channel": [
                {"channel": key, **part.to_dict()} for key, part in result.by("channel").items()
            ],
        }
    return json.dumps(out, indent=2) + "\n"


def _demo_text(
    args: argparse.Namespace, table: MessageTable, results: dict[str, DurationResult]
) -> str:
    lines = [
        f"socialcare_metrics {__version__}: demo over the built-in sample dataset",
        f"seed {args.seed}, {table.n_conversations} conversations, {len(table)} messages",
    ]
    if len(table):
        first = _when(ns_to_datetime(int(table.sent_at.min())))
        last = _when(ns_to_datetime(int(table.sent_at.max())))
        lines.append(f"messages from {first} to {last}")
    lines += [
        "Durations are wall-clock time, truncated to whole units (7 min 30 s shows as 7 min).",
        "Pending waits are those still open at the last message.",
    ]
    for result in results.values():
        lines += ["", *_result_section(result)]
    return "\n".join(lines) + "\n"


def _when(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _result_section(result: DurationResult) -> list[str]:
    title = result.name[:1].upper() + result.name[1:]
    lines = [title, "=" * len(title)]
    summary = [
        ("count", str(result.count)),
        ("pending", str(result.pending)),
        ("mean", format_duration(result.mean)),
        ("median", format_duration(result.median)),
        ("p90", format_duration(result.p90)),
        ("min", format_duration(result.min)),
        ("max", format_duration(result.max)),
    ]
    lines += _aligned(None, summary, right=(False, True))
    slowest = result.slowest(SLOWEST)
    lines += ["", f"Slowest {SLOWEST}"]
    if slowest:
        lines += _aligned(
            ("conversation", "wait", "customer wrote"),
            [(s.conversation_id, format_duration(s.duration), _when(s.opened_at)) for s in slowest],
            right=(False, True, False),
        )
    else:
        lines.append("  (no closed wait)")
    for key in ("agent", "channel"):
        lines += ["", _GROUP_HEADINGS[key]]
        rows = [
            (
                _NONE_LABEL if name is None else name,
                str(part.count),
                str(part.pending),
                format_duration(part.mean),
                format_duration(part.median),
                format_duration(part.p90),
                format_duration(part.min),
                format_duration(part.max),
            )
            for name, part in result.by(key).items()
        ]
        if rows:
            lines += _aligned(
                (key, "count", "pending", "mean", "median", "p90", "min", "max"),
                rows,
                right=(False, *(True,) * 7),
            )
        else:
            lines.append("  (no waits)")
    return lines


def _aligned(
    header: tuple[str, ...] | None,
    rows: Sequence[tuple[str, ...]],
    *,
    right: tuple[bool, ...],
) -> list[str]:
    """Rows as aligned text columns, two spaces apart and indented by two."""
    table = [*([header] if header else []), *rows]
    return [("  " + line).rstrip() for line in aligned_lines(table, right)]
