"""Benchmark: statistics of every group at once, for a split into about 100,000 groups.

Run it as ``python benchmarks/bench_groups.py [--n 1000000] [--groups 100000] [--repeat 5]``.

It generates ``--n`` messages with ``generate.generate_columns``, gives them ``--groups``
agents (each reply's agent and each conversation's assignee drawn at random), computes reply wait
time once, and then times the split: ``result.by("agent")`` and the count, pending, mean, median,
p90, min and max of every group (``Groups.summary()``, and ``Groups.to_pandas()``), best of
``--repeat``. The same statistics from a pandas ``groupby`` over the same waits are timed beside it
and must agree: counts exactly, durations to the microsecond. It exits with status 1 if they
differ.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_columns


def best_of(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    best = float("inf")
    out: Any = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = work()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="messages (default 1,000,000)")
    parser.add_argument("--groups", type=int, default=100_000, help="agents (default 100,000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import pandas as pd

    from socialcare_metrics import MessageTable, reply_wait_time

    columns = generate_columns(args.n, seed=args.seed)
    rng = np.random.default_rng(args.seed + 1)
    for name in ("agent_id", "assignee"):
        codes = columns[name]
        columns[name] = np.where(codes >= 0, rng.integers(0, args.groups, codes.shape[0]), -1)
    table = MessageTable.from_columns(**columns)
    result = reply_wait_time(table)

    split, groups = best_of(args.repeat, lambda: result.by("agent"))
    summary_time, summary = best_of(args.repeat, lambda: result.by("agent").summary())
    pandas_time, frame = best_of(args.repeat, lambda: result.by("agent").to_pandas())

    # The same statistics the pandas way, from the same waits.
    # Each closed wait's agent label, read from the result's own group codes (private, for the
    # benchmark only), so pandas groups exactly the same waits.
    seconds = result.nanoseconds / 1e9
    labels, codes = result._keys_of().codes("agent", None, "bench_groups")
    closed = result._closed
    waits = pd.DataFrame(
        {"agent": np.array(labels, dtype=object)[codes[closed]], "seconds": seconds}
    )

    def with_pandas() -> Any:
        grouped = waits.groupby("agent", sort=False)["seconds"]
        stats = grouped.agg(["count", "mean", "median", "min", "max"])
        stats["p90"] = grouped.quantile(0.9)
        return stats

    baseline, stats = best_of(args.repeat, with_pandas)

    differences = 0
    for i, label in enumerate(summary["agent"]):
        if label is None or summary["count"][i] == 0:
            continue
        row = stats.loc[label]
        if int(row["count"]) != summary["count"][i]:
            differences += 1
            continue
        for name in ("mean", "median", "p90", "min", "max"):
            if abs(float(row[name]) - summary[name][i]) > 1.5e-6:
                differences += 1
                break

    print(f"{args.n:,} messages, {result.count:,} closed waits, {len(groups):,} agent groups")
    print(f"  by('agent') (the split itself)               {split * 1000:8.1f} ms")
    print(f"  by('agent').summary(): 7 statistics per group {summary_time * 1000:8.1f} ms")
    print(f"  by('agent').to_pandas(): the same as a frame  {pandas_time * 1000:8.1f} ms")
    print(f"  pandas groupby: count, mean, median, min, max, p90 {baseline * 1000:8.1f} ms")
    print(f"  rows: {len(frame):,}; groups that disagree with pandas: {differences}")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
