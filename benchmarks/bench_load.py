"""Benchmark: load a generated twcs-format CSV and report rows per second and peak memory.

Run it as ``python benchmarks/bench_load.py [--rows N] [--float-ids] [--keep PATH]``. It writes
a synthetic file in the column layout of the "Customer Support on Twitter" export, with the same
quirks: quoted text with commas, quotes, CRLF and bare carriage returns; comma-separated
``response_tweet_id`` lists; rows grouped by thread, newest first; tweets several brands answer;
brand broadcasts with many replies; replies whose parent is not in the file. Then it times
``load_twcs`` on it. The target is at least 300,000 rows per second on a 2-core machine.

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
from datetime import UTC, datetime, timedelta
from pathlib import Path

from socialcare_metrics import load_twcs

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--float-ids", action="store_true", help="write parent ids as 3.0")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the file here and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "twcs_generated.csv"
        t0 = time.perf_counter()
        n = generate_twcs(path, args.rows, float_ids=args.float_ids)
        size = os.path.getsize(path)
        print(f"generated {n:,} rows ({size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")

        best = best_cpu = float("inf")
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            result = load_twcs(path)
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        table = result.table
        print(
            f"load_twcs: {n:,} rows -> {len(table):,} messages in {table.n_conversations:,} "
            f"conversations, {len(result.problems)} problems"
        )
        print(
            f"  best of {args.repeat}: {best:.2f} s wall = {n / best:,.0f} rows/s; "
            f"{best_cpu:.2f} s CPU = {n / best_cpu:,.0f} rows/s (target 300,000 rows/s)"
        )
        print(f"  load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

        # Baselines that only split the file into fields (no types, no threads).
        t0 = time.perf_counter()
        with path.open(newline="", encoding="utf-8") as handle:
            rows = sum(1 for _ in csv.reader(handle)) - 1
        baseline = time.perf_counter() - t0
        print(f"  csv.reader alone: {baseline:.2f} s ({rows:,} rows); ratio {baseline / best:.2f}")
        try:
            import pandas as pd
        except ImportError:
            print("  pandas.read_csv: skipped (pandas is not installed)")
        else:
            t0 = time.perf_counter()
            frame = pd.read_csv(path, lineterminator="\n", dtype=str)
            baseline = time.perf_counter() - t0
            print(
                f"  pandas.read_csv alone: {baseline:.2f} s ({len(frame):,} rows); "
                f"ratio {baseline / best:.2f}"
            )
            del frame

        tracemalloc.start()
        result = load_twcs(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"peak traced memory while loading: {peak / 1e6:,.0f} MB "
            f"({peak / size:.1f} x the file size)"
        )


if __name__ == "__main__":
    main()
