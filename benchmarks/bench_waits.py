"""Benchmark: the columnar path against an idiomatic pandas implementation of the same definitions.

Run it as ``python benchmarks/bench_waits.py [--n 1000000] [--seed 0] [--repeat 3]
[--skip-pandas]``.

It generates ``--n`` messages with ``generate.generate_columns`` (realistic conversations:
customer bursts, agent replies, bot messages, private notes, proactive posts, unanswered threads,
60 agents, 5 channels), saves them to a temporary directory, and runs two workers, each in its own
process so that their peak memory is their own:

- **library**: ``MessageTable.from_columns`` (table build), then ``first_reply_time`` and
  ``reply_wait_time`` (each computes the waits), and for each their summary: count, pending,
  mean, median, p90, min, max, the slowest k, and count, pending, mean, median and p90 per agent
  and per channel (``result.summary_row()`` and ``result.by(key).summary()``: every group's
  statistics in one vectorised pass);
- **pandas**: the same waits (from the oldest unanswered customer message to the next public agent
  reply) written the way a pandas user would: sort, ``groupby().shift()`` to see the previous and
  next message of the conversation, ``cumsum()`` to number the waits, ``groupby().agg()`` to
  summarise them, ``nlargest`` for the slowest.

Each worker loads the columns, then times ``--repeat`` full runs (best, median and worst are
printed), measures the memory the timed work allocates with ``tracemalloc`` in one more, untimed
run (tracing slows Python down), and reports its peak resident set size (``ru_maxrss``: the whole
process, inputs included). The parent checks that both give the same numbers (counts and pending
exactly, per group too; durations to a microsecond, the resolution of ``timedelta``) and prints the
times, their ratio and the memory figures. It exits with status 1 if the numbers differ.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import CHANNEL_NAMES, generate_columns

Columns = dict[str, npt.NDArray[Any]]
Summary = dict[str, Any]

_QUANTILE = 0.9


# --- shared ---------------------------------------------------------------------------------------


def _load(directory: Path) -> Columns:
    return {path.stem: np.load(path) for path in sorted(directory.glob("*.npy"))}


def _rss_mb() -> float:
    """This process's peak resident set size so far, in MiB."""
    # On Linux ru_maxrss survives fork and exec, so a worker would inherit the parent's peak;
    # VmHWM belongs to the process's own address space, which exec starts afresh.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def _none_if_nan(value: Any) -> float | None:
    return None if value is None or math.isnan(float(value)) else float(value)


# --- the library ----------------------------------------------------------------------------------


def _library_summary(result: Any, k: int) -> Summary:
    # The summary row and every group's row come from one vectorised pass each.
    row = result.summary_row()
    summary: Summary = {
        name: row[name] for name in ("count", "pending", "mean", "median", "p90", "min", "max")
    }
    summary["slowest"] = [
        [wait.conversation_id, wait.duration.total_seconds()] for wait in result.slowest(k)
    ]
    for key in ("agent", "channel"):
        columns = result.by(key).summary()
        summary[f"by_{key}"] = {
            str(name): {
                stat: columns[stat][i] for stat in ("count", "pending", "mean", "median", "p90")
            }
            for i, name in enumerate(columns[key])
        }
    return summary


def _library_run(columns: Columns, k: int) -> tuple[dict[str, float], Summary]:
    from socialcare_metrics import MessageTable, first_reply_time, reply_wait_time

    stages: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[name] = now - clock
        clock = now

    table = MessageTable.from_columns(**columns)
    lap("table build")
    first = first_reply_time(table)
    lap("first_reply_time (waits + result)")
    first_summary = _library_summary(first, k)
    lap("first_reply_time summaries")
    every = reply_wait_time(table)
    lap("reply_wait_time (waits + result)")
    every_summary = _library_summary(every, k)
    lap("reply_wait_time summaries")
    return stages, {"first_reply_time": first_summary, "reply_wait_time": every_summary}


def _library_waits_only(columns: Columns) -> float:
    """The time of one compute_waits call alone, for the breakdown."""
    from socialcare_metrics import MessageTable
    from socialcare_metrics._engine.waits import compute_waits

    table = MessageTable.from_columns(**columns)
    start = time.perf_counter()
    compute_waits(table)
    return time.perf_counter() - start


# --- pandas ---------------------------------------------------------------------------------------


def _pandas_waits(columns: Columns) -> tuple[Any, dict[str, float]]:
    """Every wait, one row each, computed with pandas idioms."""
    import pandas as pd

    stages: dict[str, float] = {}
    clock = time.perf_counter()
    df = pd.DataFrame(columns)
    df = df.sort_values(["conversation_id", "sent_at"], kind="stable", ignore_index=True)
    stages["frame + sort"] = time.perf_counter() - clock
    clock = time.perf_counter()

    # Public customer messages and public agent replies are the only rows a wait looks at.
    public = ~df["private"]
    df["is_customer"] = df["author"].eq(0) & public
    kept = df.loc[
        df["is_customer"] | (df["author"].eq(1) & public),
        ["conversation_id", "sent_at", "agent_id", "channel", "is_customer"],
    ]
    by_conversation = kept.groupby("conversation_id", sort=False)
    previous_is_customer = by_conversation["is_customer"].shift(1, fill_value=False)
    # A customer message whose next row (in its conversation) is a reply ends a closed wait.
    next_is_customer = by_conversation["is_customer"].shift(-1, fill_value=True)
    kept = kept.assign(
        wait=(kept["is_customer"] & ~previous_is_customer).cumsum(),
        next_sent_at=by_conversation["sent_at"].shift(-1),
        next_agent=by_conversation["agent_id"].shift(-1, fill_value=-1),
        closes=~next_is_customer,
    )
    waits = (
        kept.loc[kept["is_customer"]]
        .groupby("wait", sort=False)
        .agg(
            conversation_id=("conversation_id", "first"),
            start=("sent_at", "first"),
            channel=("channel", "first"),
            end=("next_sent_at", "last"),
            closer_agent=("next_agent", "last"),
            closed=("closes", "last"),
        )
        .reset_index(drop=True)
    )
    as_of = df["sent_at"].max()
    waits["end"] = waits["end"].where(waits["closed"], as_of)
    waits["seconds"] = (waits["end"] - waits["start"]).dt.total_seconds()
    waits["first"] = ~waits["conversation_id"].duplicated()
    # A closed wait belongs to the agent who closed it; a pending one to the assignee.
    assignee = df.loc[df["assignee"] >= 0].groupby("conversation_id")["assignee"].last()
    waits_assignee = waits["conversation_id"].map(assignee).fillna(-1).astype("int64")
    waits["agent"] = waits["closer_agent"].where(waits["closed"], waits_assignee)
    stages["waits"] = time.perf_counter() - clock
    return waits, stages


def _pandas_summary(waits: Any, k: int) -> Summary:
    closed = waits.loc[waits["closed"]]
    seconds = closed["seconds"]

    def stat(value: Any) -> float | None:
        return _none_if_nan(value) if len(seconds) else None

    summary: Summary = {
        "count": len(closed),
        "pending": int((~waits["closed"]).sum()),
        "mean": stat(seconds.mean()),
        "median": stat(seconds.median()),
        "p90": stat(seconds.quantile(_QUANTILE)),
        "min": stat(seconds.min()),
        "max": stat(seconds.max()),
        "slowest": [
            [str(row.conversation_id), float(row.seconds)]
            for row in closed.nlargest(k, "seconds", keep="first").itertuples()
        ],
    }
    for key, column in (("agent", "agent"), ("channel", "channel")):
        stats = closed.groupby(column)["seconds"].agg(["count", "mean", "median"])
        stats["p90"] = closed.groupby(column)["seconds"].quantile(_QUANTILE)
        pending = waits.loc[~waits["closed"]].groupby(column).size()
        groups: dict[str, Summary] = {}
        for code in sorted(set(stats.index) | set(pending.index)):
            name = "None" if code < 0 else str(code)
            row = stats.loc[code] if code in stats.index else None
            groups[name] = {
                "count": 0 if row is None else int(row["count"]),
                "pending": int(pending.get(code, 0)),
                "mean": None if row is None else _none_if_nan(row["mean"]),
                "median": None if row is None else _none_if_nan(row["median"]),
                "p90": None if row is None else _none_if_nan(row["p90"]),
            }
        summary[f"by_{key}"] = groups
    return summary


def _pandas_run(columns: Columns, k: int) -> tuple[dict[str, float], Summary]:
    waits, stages = _pandas_waits(columns)
    clock = time.perf_counter()
    first_summary = _pandas_summary(waits.loc[waits["first"]], k)
    stages["first_reply_time summaries"] = time.perf_counter() - clock
    clock = time.perf_counter()
    every_summary = _pandas_summary(waits, k)
    stages["reply_wait_time summaries"] = time.perf_counter() - clock
    return stages, {"first_reply_time": first_summary, "reply_wait_time": every_summary}


# --- workers and the parent -----------------------------------------------------------------------


def _worker(kind: str, directory: Path, repeat: int, k: int) -> None:
    columns = _load(directory)
    run: Callable[[Columns, int], tuple[dict[str, float], Summary]]
    if kind == "library":
        import socialcare_metrics  # noqa: F401  (imports are not part of the timing)

        run = _library_run
    else:
        import pandas  # noqa: F401

        run = _pandas_run
    rss_inputs = _rss_mb()
    totals: list[float] = []
    best_stages: dict[str, float] = {}
    summary: Summary = {}
    for _ in range(repeat):
        start = time.perf_counter()
        stages, summary = run(columns, k)
        totals.append(time.perf_counter() - start)
        if totals[-1] == min(totals):
            best_stages = stages
    extra: dict[str, float] = {}
    if kind == "library":
        extra["compute_waits alone (one call)"] = min(
            _library_waits_only(columns) for _ in range(repeat)
        )
    rss_peak = _rss_mb()
    tracemalloc.start()
    run(columns, k)
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    json.dump(
        {
            "totals": totals,
            "stages": best_stages,
            "extra": extra,
            "rss_inputs_mb": rss_inputs,
            "rss_peak_mb": rss_peak,
            "traced_peak_mb": traced_peak,
            "summary": summary,
        },
        sys.stdout,
    )


def _spawn(kind: str, directory: Path, repeat: int, k: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", kind, "--data", str(directory)]
    command += ["--repeat", str(repeat), "--k", str(k)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {kind} worker failed (exit status {done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    # timedelta keeps microseconds: the library's durations are rounded to 1e-6 s.
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def _differences(lib: Summary, pd_: Summary, where: str) -> list[str]:
    found: list[str] = []
    for key in ("count", "pending"):
        if lib[key] != pd_[key]:
            found.append(f"{where} {key}: library {lib[key]}, pandas {pd_[key]}")
    for key in ("mean", "median", "p90", "min", "max"):
        if key in lib and not _close(lib[key], pd_[key]):
            found.append(f"{where} {key}: library {lib[key]}, pandas {pd_[key]}")
    if "slowest" in lib:
        lib_ids = [c for c, _ in lib["slowest"]]
        pd_ids = [c for c, _ in pd_["slowest"]]
        lib_s = [s for _, s in lib["slowest"]]
        pd_s = [s for _, s in pd_["slowest"]]
        if lib_ids != pd_ids or not all(map(_close, lib_s, pd_s)):
            found.append(f"{where} slowest: library {lib['slowest']}, pandas {pd_['slowest']}")
    for group_key in ("by_agent", "by_channel"):
        if group_key not in lib:
            continue
        if set(lib[group_key]) != set(pd_[group_key]):
            found.append(f"{where} {group_key}: groups differ")
            continue
        for name in lib[group_key]:
            found += _differences(
                lib[group_key][name], pd_[group_key][name], f"{where} {group_key}[{name}]"
            )
    return found


def _print_stages(label: str, stages: dict[str, float]) -> None:
    for name, seconds in stages.items():
        print(f"    {label:8s} {name:38s} {seconds:8.3f} s")


def _report(n: int, library: dict[str, Any], pandas_: dict[str, Any] | None) -> int:
    def spread(totals: list[float]) -> str:
        ordered = sorted(totals)
        return (
            f"best {ordered[0]:.3f} s, median {ordered[len(ordered) // 2]:.3f} s, "
            f"worst {ordered[-1]:.3f} s over {len(ordered)} runs"
        )

    first = library["summary"]["first_reply_time"]
    every = library["summary"]["reply_wait_time"]
    print(f"{n:,} messages; channels {', '.join(CHANNEL_NAMES)} are codes 0..4")
    print(
        f"  first reply time: {first['count']:,} closed, {first['pending']:,} pending; "
        f"reply wait time: {every['count']:,} closed, {every['pending']:,} pending"
    )
    print(f"  library: {spread(library['totals'])}")
    _print_stages("library", library["stages"])
    _print_stages("library", library["extra"])
    status = 0
    if pandas_ is not None:
        print(f"  pandas:  {spread(pandas_['totals'])}")
        _print_stages("pandas", pandas_["stages"])
        ratio = min(pandas_["totals"]) / min(library["totals"])
        print(f"  speed-up (best pandas / best library): {ratio:.1f}x")
        # The library skips its sort when the rows are in order already; pandas users who know
        # theirs are could skip sort_values too, so show the ratio without it as well.
        unsorted = min(pandas_["totals"]) - pandas_["stages"]["frame + sort"]
        print(
            f"  speed-up without pandas' DataFrame + sort_values "
            f"({pandas_['stages']['frame + sort']:.3f} s): {unsorted / min(library['totals']):.1f}x"
        )
        problems: list[str] = []
        for metric in ("first_reply_time", "reply_wait_time"):
            problems += _differences(library["summary"][metric], pandas_["summary"][metric], metric)
        if problems:
            status = 1
            print("  RESULTS DIFFER:")
            for problem in problems[:20]:
                print(f"    {problem}")
        else:
            n_groups = len(every["by_agent"]) + len(every["by_channel"])
            print(
                "  results identical: counts and pending exactly, durations to 1 microsecond, "
                f"in both metrics and their {n_groups} agent and channel groups"
            )
    for label, worker in (("library", library), ("pandas", pandas_)):
        if worker is None:
            continue
        print(
            f"  {label} memory: peak RSS {worker['rss_peak_mb']:,.0f} MB for the whole process "
            f"({worker['rss_inputs_mb']:,.0f} MB with the inputs loaded, before the timed runs); "
            f"the timed work allocates at most {worker['traced_peak_mb']:,.0f} MB (tracemalloc)"
        )
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="messages (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per worker (default 3)")
    parser.add_argument("--k", type=int, default=10, help="how many slowest waits (default 10)")
    parser.add_argument("--skip-pandas", action="store_true", help="time the library only")
    parser.add_argument("--worker", choices=["library", "pandas"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.n < 0 or args.repeat < 1 or args.k < 0:
        parser.error("--n and --k must be >= 0 and --repeat >= 1")
    if args.worker is not None:
        _worker(args.worker, args.data, args.repeat, args.k)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench_waits_") as tmp:
        directory = Path(tmp)
        columns = generate_columns(args.n, seed=args.seed)
        for name, values in columns.items():
            np.save(directory / f"{name}.npy", values)
        del columns
        library = _spawn("library", directory, args.repeat, args.k)
        pandas_ = None if args.skip_pandas else _spawn("pandas", directory, args.repeat, args.k)
    return _report(args.n, library, pandas_)


if __name__ == "__main__":
    raise SystemExit(main())
