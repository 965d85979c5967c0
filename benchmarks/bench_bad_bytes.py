"""Benchmark: CSV files the loaders must report on, not read: bytes that are not UTF-8, and a quote
that is never closed.

Run it as ``python benchmarks/bench_bad_bytes.py [--sizes 2 50] [--loader twcs|messages|both]
[--kinds latin-1 binary "unclosed quote"]``.
For each size (in MiB) it writes twcs-format files (with an extra ISO 8601 ``sent_at`` column) and
times ``load_twcs`` and ``load_messages`` with ``errors="collect"`` and 1 MiB reads:

* **latin-1**: every tweet's text holds Latin-1 bytes (``caf\\xe9``), so every row is reported;
* **binary**: rows whose text is a run of bytes that are never UTF-8 (``\\xff``);
* **unclosed quote**: a quote that opens a field on the second row and is never closed, so the
  rest of the file is one record (reported once).

Each should take time in proportion to the file's size. Before the fix, finding the bad bytes
decoded the rest of the block again after each one (2 MiB of them took about a minute, 50 MB
ran for hours), and a record longer than a read was re-scanned from its start after every read.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from socialcare_metrics import LoadResult, load_messages, load_twcs

_HEADER = (
    b"tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id,"
    b"sent_at\n"
)
_WHEN = b"Tue Oct 31 22:10:47 +0000 2017"
_ISO = b"2017-10-31T22:10:47Z"
_KINDS = ("latin-1", "binary", "unclosed quote")


def _write(path: Path, size: int, kind: str) -> int:
    """Write about ``size`` bytes of twcs rows of the given kind; return the number of rows."""
    rows = 0
    with path.open("wb") as out:
        out.write(_HEADER)
        written = len(_HEADER)
        while written < size:
            rows += 1
            if kind == "latin-1":
                text = b"caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve " * 3
            elif kind == "binary":
                text = b"\xff" * 1000
            else:
                text = b"an ordinary tweet" if rows != 2 else b'"never closed'
            line = b"%d,%d,True,%s,%s,,,%s\n" % (rows, 100_000 + rows, _WHEN, text, _ISO)
            out.write(line)
            written += len(line)
    return rows


def _time(load: Callable[[Path], LoadResult], path: Path) -> tuple[float, LoadResult]:
    start = time.perf_counter()
    result = load(path)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[2.0, 50.0], help="MiB")
    parser.add_argument("--loader", choices=["twcs", "messages", "both"], default="both")
    parser.add_argument(
        "--kinds", nargs="+", choices=_KINDS, default=list(_KINDS), help="which files to write"
    )
    args = parser.parse_args()
    columns = {"conversation_id": "tweet_id", "sent_at": "sent_at", "author": "inbound"}
    loaders: dict[str, Callable[[Path], LoadResult]] = {}
    if args.loader in ("twcs", "both"):
        loaders["load_twcs"] = lambda p: load_twcs(p, errors="collect", chunk_size=1 << 20)
    if args.loader in ("messages", "both"):
        loaders["load_messages"] = lambda p: load_messages(
            p,
            columns=columns,
            authors={"true": "customer", "false": "agent"},
            errors="collect",
            chunk_size=1 << 20,
        )
    with tempfile.TemporaryDirectory() as tmp:
        for size_mib in args.sizes:
            for kind in args.kinds:
                path = Path(tmp) / f"{kind.replace(' ', '_')}.csv"
                rows = _write(path, int(size_mib * (1 << 20)), kind)
                size = os.path.getsize(path)
                for name, load in loaders.items():
                    seconds, result = _time(load, path)
                    print(
                        f"{size / (1 << 20):7.1f} MiB {kind:>14}: {name:>13} {seconds:6.2f} s "
                        f"({rows:,} rows written, {result.rows_read:,} read, "
                        f"{len(result.problems):,} problems)"
                    )
                path.unlink()


if __name__ == "__main__":
    main()
