"""The Dask adapter on a large export: one process against two Dask workers, and a day added.

Run from the repository root (needs the ``dask`` extra and pyarrow)::

    python benchmarks/bench_dask.py               # 10,000,000 messages
    python benchmarks/bench_dask.py --n 1000000   # a quicker run

The generated messages are written as Parquet files, as an export on shared storage would be:
once cut at conversation boundaries (whole conversations per file) and once cut wherever the rows
fall (conversations straddle files). Then, printed side by side:

1. **One process.** ``pandas.read_parquet`` of the files, ``load_messages`` into one table, and
   the metric functions on it.
2. **Two Dask workers** (one process and one thread each, on the same machine) with
   ``socialcare_metrics.dask.compute_metrics``: each worker reads its files, loads each partition,
   updates the metrics' states; the states are merged. Once with the partitions declared whole
   (checked, no shuffle), once with the straddling files (shuffled by conversation id first).
3. **Incremental.** The generated data spans 90 days. The merged states of every conversation
   opened before the last day (from the adapter), pickled and read back, plus the last day's
   conversations loaded in this process, against recomputing everything with the adapter.

Every merged result is checked against the functions' (counts, means, rates equal; percentiles
within 1%). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import inspect
import itertools
import pickle
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from dask.distributed import Client, LocalCluster

from generate import CHANNEL_NAMES, N_AGENTS, generate_columns
from socialcare_metrics import SlaPolicy, load_messages
from socialcare_metrics.dask import compute_metrics
from socialcare_metrics.metrics import REGISTRY

AS_OF = datetime(2024, 4, 15, tzinfo=UTC)  # after the generated data (90 days from 2024-01-01)
POLICY = SlaPolicy(first_reply=timedelta(hours=1), next_reply=timedelta(hours=4))
METRICS: dict[str, dict[str, Any]] = {
    "first_reply_time": {},
    "reply_wait_time": {},
    "messages_received": {},
    "reply_rate": {},
    "resolution_rate": {},
    "sla_compliance": {"policy": POLICY},
}
COLUMNS = {
    name: name
    for name in (
        "conversation_id",
        "sent_at",
        "author",
        "agent_id",
        "channel",
        "private",
        "assignee",
        "resolved_at",
    )
}


def fmt(seconds: float) -> str:
    return f"{seconds:.2f}s" if seconds >= 1 else f"{seconds * 1e3:.0f}ms"


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def frame_of(columns: dict[str, np.ndarray[Any, Any]]) -> pd.DataFrame:
    """The generated columns as an export would have them: names, not codes; UTC instants."""
    agents = np.array([None, *(f"agent{i:03d}" for i in range(N_AGENTS))], dtype=object)
    return pd.DataFrame(
        {
            "conversation_id": columns["conversation_id"],
            "sent_at": pd.to_datetime(columns["sent_at"], utc=True),
            "author": np.array(["customer", "agent", "bot"], dtype=object)[columns["author"]],
            "agent_id": agents[columns["agent_id"] + 1],
            "channel": np.array(CHANNEL_NAMES, dtype=object)[columns["channel"]],
            "private": columns["private"],
            "assignee": agents[columns["assignee"] + 1],
            "resolved_at": pd.to_datetime(columns["resolved_at"], utc=True),
        }
    )


def write_files(frame: pd.DataFrame, folder: Path, cuts: list[int]) -> list[str]:
    folder.mkdir(parents=True)
    paths = []
    for i, (lo, hi) in enumerate(itertools.pairwise(cuts)):
        path = folder / f"part-{i:03d}.parquet"
        frame.iloc[lo:hi].to_parquet(path, index=False)
        paths.append(str(path))
    return paths


def conversation_cuts(ids: np.ndarray[Any, Any], parts: int) -> list[int]:
    """Row positions that cut the (sorted) rows into ``parts`` runs of whole conversations."""
    n = ids.shape[0]
    return [0, *(int(np.searchsorted(ids, ids[n * k // parts])) for k in range(1, parts)), n]


def one_process(paths: list[str]) -> tuple[dict[str, Any], float, float]:
    read_s, frame = timed(lambda: pd.concat([pd.read_parquet(p) for p in paths]))
    started = time.perf_counter()
    table = load_messages(frame, columns=COLUMNS).table
    results = {}
    for name, options in METRICS.items():
        function = REGISTRY[name].function
        takes_as_of = "as_of" in inspect.signature(function).parameters
        results[name] = function(table, **options, **({"as_of": AS_OF} if takes_as_of else {}))
    return results, read_s, time.perf_counter() - started


def with_dask(paths: list[str], *, whole: bool) -> Any:
    import dask.dataframe as dd

    return compute_metrics(
        dd.read_parquet(paths),
        columns=COLUMNS,
        metrics=METRICS,
        as_of=AS_OF,
        whole_conversations=whole,
    )


def check(whole: dict[str, Any], merged: Any) -> tuple[str, float]:
    """'ok' when every exact figure agrees, and the largest percentile error."""
    wrong, worst = [], 0.0
    for name, result in whole.items():
        exact = {k: v for k, v in result.to_dict().items() if k not in ("median", "p90")}
        got = merged[name].to_dict()
        wrong += [f"{name}.{k}" for k, v in exact.items() if k in got and got[k] != v]
        if hasattr(merged[name], "approximate"):
            for q in (50, 90):
                truth, estimate = result.percentile(q), merged[name].percentile(q)
                if truth:
                    worst = max(worst, abs(estimate - truth) / truth)
    return ("ok" if not wrong else "DIFFERS: " + ", ".join(wrong)), worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="messages (default 10M)")
    parser.add_argument("--files", type=int, default=16, help="Parquet files (default 16)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    started = time.perf_counter()
    columns = generate_columns(args.n, seed=args.seed)
    frame = frame_of(columns)
    ids = columns["conversation_id"]
    sent = columns["sent_at"].astype("datetime64[ns]").view(np.int64)
    first = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    opened = np.repeat(sent[first], np.diff(np.r_[first, ids.shape[0]]))
    day = opened >= int(opened.max()) - 86_400 * 10**9
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        whole_files = write_files(frame, folder / "whole", conversation_cuts(ids, args.files))
        rows = [args.n * k // args.files for k in range(args.files + 1)]
        straddling_files = write_files(frame, folder / "straddling", rows)
        history = frame[~day]
        history_files = write_files(
            history, folder / "history", conversation_cuts(ids[~day], args.files)
        )
        day_frame = frame[day]
        print(
            f"{args.n:,} messages, {len(first):,} conversations, {args.files} Parquet files; "
            f"last day {len(day_frame):,} messages (prepared in "
            f"{time.perf_counter() - started:.1f} s)\n"
        )

        whole, read_s, compute_s = one_process(whole_files)
        print(
            f"one process: read Parquet {fmt(read_s)}, load + {len(METRICS)} metrics "
            f"{fmt(compute_s)}, total {fmt(read_s + compute_s)}"
        )

        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            Client(cluster),
        ):
            # Workers import the library and pandas on their first task: not timed.
            with_dask(whole_files[:1], whole=True)
            for label, files, declared in (
                ("2 workers, whole files (checked)", whole_files, True),
                ("2 workers, straddling (shuffled)", straddling_files, False),
            ):
                seconds, merged = timed(lambda f=files, w=declared: with_dask(f, whole=w))
                verdict, error = check(whole, merged)
                size = sum(len(pickle.dumps(s)) for s in merged.states.values())
                print(
                    f"{label}: {fmt(seconds)} ({merged.partitions} partitions, states "
                    f"{size / 1024:.1f} KB, {verdict}, percentile error {error:.2%})"
                )

            history_s, kept = timed(lambda: with_dask(history_files, whole=True))
            saved = pickle.dumps(kept.states)

            def add_day() -> dict[str, Any]:
                states = pickle.loads(saved)
                table = load_messages(day_frame, columns=COLUMNS).table
                return {name: state.update(table).result() for name, state in states.items()}

            add_s, added = timed(add_day)
            recompute_s, _recomputed = timed(lambda: with_dask(whole_files, whole=True))
            verdict, _ = check(whole, added)
        print(
            f"\nincremental: history (89 days) on 2 workers {fmt(history_s)}; "
            f"the day added to its states {fmt(add_s)} ({verdict}); "
            f"recomputing all 90 days on 2 workers {fmt(recompute_s)}"
        )


if __name__ == "__main__":
    main()
