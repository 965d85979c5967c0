"""Benchmark: load data from every source and report rows per second, beside pandas and polars.

Run it as ``python benchmarks/bench_load.py [--rows N] [--only twcs|generic] [--keep PATH]``.

The generic part writes a helpdesk export (string ticket ids, zoned ISO 8601 timestamps, author
words, agents, channels) and times ``load_messages`` on the CSV file and on the same data as a
pandas DataFrame, a pyarrow Table and a polars DataFrame, beside ``pandas.read_csv`` and
``polars.read_csv`` of the file. Targets: 1M rows in at most 1.5 s from the file and 0.5 s from a
DataFrame.

The twcs part writes
a synthetic file in the column layout of the "Customer Support on Twitter" export, with the same
quirks: quoted text with commas, quotes, CRLF and bare carriage returns; comma-separated
``response_tweet_id`` lists; rows grouped by thread, newest first; tweets several brands answer;
brand broadcasts with many replies; replies whose parent is not in the file. Then it times
``load_twcs`` on it. The target is at least 600,000 rows per second on a 2-core machine.

Peak memory is measured with ``tracemalloc`` in a separate run, because tracing slows Python down;
it counts the memory Python and numpy allocate (numpy reports its buffers to tracemalloc).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from socialcare_metrics import load_messages, load_twcs
from socialcare_metrics.io import LoadResult

_BRANDS = [f"Brand{i:03d}Support" for i in range(100)]
_TEXTS = [
    "@{to} my order never arrived and nobody answers",
    '@{to} why is my bill "estimated" again, this is the third month',
    "@{to} thanks, that worked!",
    "@{to} Hi there, sorry to hear that. Please DM us your order number, so we can look. ^AB",
    "@{to} line one\nline two, with a comma",
    "@{to} windows line\r\nbreak and a bare\rcarriage return",
    "@{to} ça ne marche pas 😡😡 &amp; personne ne répond",
]


def _when(value: datetime) -> str:
    return value.strftime("%a %b %d %H:%M:%S +0000 %Y")


def _quote(text: str) -> str:
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def generate_twcs(path: Path, n_rows: int, *, seed: int = 0, float_ids: bool = False) -> int:
    """Write ``n_rows`` tweets in twcs format to ``path``; return how many were written."""
    rng = random.Random(seed)
    start = datetime(2017, 10, 1, tzinfo=UTC)
    next_id = 1
    customer = 100_000
    written = 0
    ref = "{:d}.0" if float_ids else "{:d}"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(
            "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        )
        while written < n_rows:
            customer += 1
            t = start + timedelta(seconds=rng.randrange(60 * 86_400))
            kind = rng.random()
            # A thread: a list of (tweet id, author, inbound, time, parent id or None).
            tweets: list[tuple[int, str, bool, datetime, int | None]] = []
            if kind < 0.01:
                # A brand broadcast with many customer replies, some of them answered.
                brand = rng.choice(_BRANDS)
                root = next_id
                tweets.append((root, brand, False, t, None))
                next_id += 1
                for _ in range(rng.randint(20, 80)):
                    customer += 1
                    c = next_id
                    tc = t + timedelta(seconds=rng.randint(60, 86_400))
                    tweets.append((c, str(customer), True, tc, root))
                    next_id += 1
                    if rng.random() < 0.5:
                        tweets.append((next_id, brand, False, tc + timedelta(minutes=9), c))
                        next_id += 1
            else:
                brands = [rng.choice(_BRANDS)]
                if kind < 0.03:
                    brands.append(rng.choice(_BRANDS))  # a tweet several brands answer
                parent: int | None = rng.randrange(1, next_id) if kind > 0.995 else None
                root = next_id
                tweets.append((root, str(customer), True, t, parent))  # parent may be missing
                next_id += 1
                for brand in brands:
                    last, tl = root, t
                    for turn in range(rng.choice((1, 1, 1, 2, 2, 3))):
                        if turn and rng.random() < 0.3:
                            break  # the customer's last message is left unanswered
                        tl += timedelta(seconds=rng.randint(7, 7_200))
                        tweets.append((next_id, brand, False, tl, last))
                        last = next_id
                        next_id += 1
                        tl += timedelta(seconds=rng.randint(30, 3_600))
                        tweets.append((next_id, str(customer), True, tl, last))
                        last = next_id
                        next_id += 1
            children: dict[int, list[int]] = {}
            for tid, _, _, _, par in tweets:
                if par is not None:
                    children.setdefault(par, []).append(tid)
            # Like the real file: a thread's rows are written newest first.
            for tid, author, inbound, when, par in reversed(tweets):
                kids = children.get(tid, [])
                response = ",".join(map(str, kids))
                text = rng.choice(_TEXTS).format(to="BrandSupport" if inbound else author)
                out.write(
                    f"{tid},{author},{inbound},{_when(when)},{_quote(text)},"
                    f"{_quote(response)},{'' if par is None else ref.format(par)}\n"
                )
                written += 1
                if written >= n_rows:
                    break
    return written


def generate_export(path: Path, n_rows: int, *, seed: int = 0) -> int:
    """Write a generic helpdesk export of ``n_rows`` messages: string ticket ids (one ticket per
    five messages on average), zoned ISO 8601 timestamps, author words, 50 agents, 3 channels."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    tickets = max(n_rows // 5, 1)
    authors = ["customer"] * 10 + ["agent"] * 9 + ["bot"]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("ticket,created,direction,handled_by,channel\n")
        for _ in range(n_rows):
            author = rng.choice(authors)
            agent = f"agent{rng.randrange(50)}" if author == "agent" else ""
            when = start + timedelta(seconds=rng.randrange(365 * 86_400))
            out.write(
                f"T{rng.randrange(tickets):07d},{when:%Y-%m-%dT%H:%M:%SZ},{author},{agent},"
                f"{rng.choice(('twitter', 'facebook', 'email'))}\n"
            )
    return n_rows


GENERIC_COLUMNS = {
    "conversation_id": "ticket",
    "sent_at": "created",
    "author": "direction",
    "agent_id": "handled_by",
    "channel": "channel",
}


def best_of(repeat: int, call: Callable[[], object]) -> tuple[float, float, object]:
    """The best wall and CPU seconds of ``repeat`` calls, and the last call's result."""
    best = best_cpu = float("inf")
    result: object = None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = call()
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best, best_cpu, result


def line(label: str, n: int, wall: float, cpu: float, target: str = "") -> None:
    print(f"  {label:<38} {wall:6.2f} s wall {cpu:6.2f} s CPU {n / wall:>12,.0f} rows/s  {target}")


def bench_generic(folder: Path, n_rows: int, repeat: int) -> None:
    path = folder / "export_generated.csv"
    n = generate_export(path, n_rows)
    print(f"\ngeneric export: {n:,} rows ({os.path.getsize(path) / 1e6:.0f} MB)")
    wall, cpu, result = best_of(
        repeat, lambda: load_messages(path, columns=GENERIC_COLUMNS, errors="collect")
    )
    assert isinstance(result, LoadResult)
    assert not result.problems
    line("load_messages(CSV file)", n, wall, cpu, "(target <= 1.5 s per 1M rows)")
    try:
        import pandas as pd
        import pyarrow as pa
    except ImportError:
        print("  (pandas or pyarrow not installed: in-memory sources skipped)")
        return
    wall, cpu, frame = best_of(1, lambda: pd.read_csv(path, dtype={"handled_by": str}))
    line("pandas.read_csv (types left as text)", n, wall, cpu)
    assert isinstance(frame, pd.DataFrame)
    frame["created"] = pd.to_datetime(frame["created"], utc=True)
    sources: dict[str, object] = {
        "pandas DataFrame": frame,
        "pyarrow Table": pa.Table.from_pandas(frame, preserve_index=False),
    }
    try:
        import polars as pl
    except ImportError:
        print("  (polars not installed: skipped)")
    else:
        wall, cpu, _ = best_of(1, lambda: pl.read_csv(path))
        line("polars.read_csv", n, wall, cpu)
        sources["polars DataFrame"] = pl.from_pandas(frame)
    for label, source in sources.items():
        wall, cpu, loaded = best_of(
            repeat, lambda source=source: load_messages(source, columns=GENERIC_COLUMNS)
        )
        assert isinstance(loaded, LoadResult)
        assert loaded.table.n_conversations == result.table.n_conversations
        line(f"load_messages({label})", n, wall, cpu, "(target <= 0.5 s per 1M rows)")


def bench_twcs(folder: Path, args: argparse.Namespace) -> None:
    path = args.keep or folder / "twcs_generated.csv"
    t0 = time.perf_counter()
    n = generate_twcs(path, args.rows, float_ids=args.float_ids)
    size = os.path.getsize(path)
    print(f"\ntwcs: generated {n:,} rows ({size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")
    wall, cpu, result = best_of(args.repeat, lambda: load_twcs(path))
    assert isinstance(result, LoadResult)
    table = result.table
    print(
        f"  load_twcs: {n:,} rows -> {len(table):,} messages in {table.n_conversations:,} "
        f"conversations, {len(result.problems)} problems"
    )
    line("load_twcs", n, wall, cpu, "(target >= 600,000 rows/s)")

    # Baselines that only split the file into fields (no types).
    t0, c0 = time.perf_counter(), time.process_time()
    with path.open(newline="", encoding="utf-8") as handle:
        rows = sum(1 for _ in csv.reader(handle)) - 1
    line("csv.reader (fields only)", rows, time.perf_counter() - t0, time.process_time() - c0)
    try:
        import pandas as pd
    except ImportError:
        print("  pandas.read_csv: skipped (pandas is not installed)")
    else:
        wall, cpu, _ = best_of(1, lambda: pd.read_csv(path, lineterminator="\n", dtype=str))
        line("pandas.read_csv (as text)", n, wall, cpu)
    try:
        import polars as pl
    except ImportError:
        print("  polars.read_csv: skipped (polars is not installed)")
    else:
        wall, cpu, _ = best_of(1, lambda: pl.read_csv(path, infer_schema=False))
        line("polars.read_csv (as text)", n, wall, cpu)

    tracemalloc.start()
    load_twcs(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"  peak traced memory while loading: {peak / 1e6:,.0f} MB "
        f"({peak / size:.1f} x the file size)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--float-ids", action="store_true", help="write parent ids as 3.0")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the twcs file here and keep it")
    parser.add_argument("--only", choices=("twcs", "generic"), help="run one part only")
    args = parser.parse_args()
    print(f"load average before the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "twcs":
            bench_generic(Path(tmp), args.rows, args.repeat)
        if args.only != "generic":
            bench_twcs(Path(tmp), args)
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
