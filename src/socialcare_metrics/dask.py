"""Metrics over a Dask DataFrame: each partition made a state, the states merged.

[`compute_metrics`][socialcare_metrics.dask.compute_metrics] takes a Dask DataFrame (or CSV
exports), the ``columns=`` mapping as [`load_messages`][socialcare_metrics.load_messages] takes
it, and the metrics wanted. Each partition, holding whole conversations, is read with
``load_messages`` into a ``MessageTable`` and added to one mergeable state per metric (see
``socialcare_metrics.states``); the states, a few kilobytes each (a voice state holds the
vocabulary), are merged in a tree on the cluster, and the merged summaries come back. Only
states travel, never messages (apart from the shuffle that puts each conversation in one
partition).

Needs the ``dask`` extra: ``pip install "socialcare-metrics[dask]"``.
"""

from __future__ import annotations

import glob
import inspect
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, Final, Literal

import attrs
import numpy as np

from ._core.extras import require
from ._core.time import ns_to_datetime
from ._core.validation import check_bool
from .errors import InvalidDataError, InvalidParameterError
from .io.result import Errors, RowProblem, check_errors
from .io.tabular import load_messages
from .metrics import REGISTRY
from .states import MetricState

__all__ = ["DaskResult", "PartitionProblem", "compute_metrics"]

_FUNCTION: Final = "compute_metrics"
#: The columns the adapter adds before a shuffle: where each row was in the input.
_PARTITION: Final = "__socialcare_metrics_partition"
_ROW: Final = "__socialcare_metrics_row"
#: How many conversations that span partitions an error names at most.
_SPANNING_SHOWN: Final = 3

MetricsWanted = str | Sequence[str] | Mapping[str, Mapping[str, Any]]


@attrs.frozen
class PartitionProblem:
    """An input row left out (``errors="collect"``), and where to find it.

    Attributes:
        partition: The partition of the input the row is in: of the Dask DataFrame given, or
            for CSV files, the file (one partition per file, in the order of ``files``).
        row: The 0-based position of the row in that partition (for a file, its data row:
            the header is not counted). ``df.partitions[partition].compute().iloc[row]`` is the
            row, whether or not the adapter shuffled the frame.
        column: The column at fault, or ``None`` when the row as a whole is.
        reason: What was expected and what was found.
        file: For CSV files, the file; else ``None``.
    """

    partition: int
    row: int
    column: str | None
    reason: str
    file: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}, " if self.file is not None else ""
        where += f"partition {self.partition}, row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.reason}"


@attrs.frozen
class DaskResult:
    """What [`compute_metrics`][socialcare_metrics.dask.compute_metrics] returns: the merged
    state of each metric, and every row left out.

    ``result["first_reply_time"]`` (or ``result.results``) gives a metric's summary, the
    merged state's ``result()``: the same numbers, properties and ``by()`` as the metric
    function's result on the whole data (percentiles within the states' 1%).

    Attributes:
        states: The merged state of each metric, by name, in the order asked for. Keep one to
            add later data to it (``state.update(table)``) or to merge it with another run's.
        problems: The rows left out with ``errors="collect"``, by input partition and row.
        rows_read: Rows read, over every partition.
        partitions: How many partitions were computed (after the shuffle, when there was one).
        shuffled: Whether the frame was shuffled by conversation id.
        as_of: The ``as_of`` the run was made with (given, or found with ``as_of="latest"``);
            ``None`` when not fixed, or when ``"latest"`` found no message (every result is
            then empty).
        files: For CSV files, the files read, one partition each; else empty.
    """

    states: Mapping[str, MetricState]
    problems: tuple[PartitionProblem, ...]
    rows_read: int
    partitions: int
    shuffled: bool
    as_of: datetime | None
    files: tuple[str, ...] = ()

    @property
    def rows_used(self) -> int:
        """Rows that made it into the states (``rows_read`` minus the rows left out)."""
        return self.rows_read - len({(p.partition, p.row) for p in self.problems})

    @property
    def results(self) -> dict[str, Any]:
        """Each metric's summary, by name."""
        return {name: state.result() for name, state in self.states.items()}

    def __getitem__(self, name: str) -> Any:
        """The summary of the metric ``name``."""
        if name not in self.states:
            raise KeyError(f"no metric {name!r} in this result (it has {', '.join(self.states)})")
        return self.states[name].result()

    def __iter__(self) -> Iterator[str]:
        return iter(self.states)

    def __len__(self) -> int:
        return len(self.states)

    def __repr__(self) -> str:
        return (
            f"<DaskResult: {', '.join(self.states)}; {self.rows_read:,} rows read, "
            f"{len(self.problems)} problems, {self.partitions} partitions>"
        )


def compute_metrics(
    source: Any,
    /,
    *,
    columns: Mapping[str, str],
    metrics: MetricsWanted,
    by: tuple[str, ...] | str = (),
    tz: str | None = None,
    as_of: datetime | Literal["latest"] | None = None,
    whole_conversations: bool = False,
    timezone: str | tzinfo | None = None,
    authors: Mapping[str, str] | None = None,
    tags_separator: str = ";",
    timestamp_format: str | None = None,
    errors: Errors = "raise",
    shuffle_method: str | None = None,
    split_every: int = 8,
) -> DaskResult:
    """Compute message metrics over a Dask DataFrame (or CSV files), partition by partition.

    Each partition is read with [`load_messages`][socialcare_metrics.load_messages] (with
    ``columns=`` and the loader's other options), each metric's state is updated with it, and
    the states are merged in a tree, ``split_every`` at a time, on the current Dask scheduler
    (the ``dask.distributed.Client`` you made, else Dask's default). Only the states travel.

    A state adds whole conversations, so each conversation must lie in one partition. Unless
    ``whole_conversations=True`` says the partitions are already so, the frame is first shuffled
    by the conversation id column (a full exchange of the mapped columns between workers: see
    the "Scaling out" page for its cost). With ``whole_conversations=True`` no data moves; the
    partitions are checked instead (each sends the 64-bit hashes of its conversation ids), and a
    conversation found in two partitions is an error.

    Args:
        source: A ``dask.dataframe.DataFrame``; or CSV exports: a path, a glob pattern
            (``"exports/*.csv"``) or a list of paths, read with ``dask.dataframe.read_csv``,
            one partition per file, every column as text (then parsed by ``load_messages``
            exactly as it parses a CSV file: empty fields are missing values).
        columns: Which column holds each field, ``{field: column name}``, as ``load_messages``
            takes it.
        metrics: The metrics, by name from the registry: one name, a list of names, or a
            mapping of name to the metric's options (``{"sla_compliance": {"policy": policy}}``)
            as its state's ``empty()`` takes them. A metric's own ``by``, ``tz`` and ``as_of``
            there win over those given here. Message metrics with a state only (not
            ``csat``, ``nps``: those are over survey responses).
        by: The groups every metric's state keeps (``"agent"``, ``"channel"``, a period).
        tz: The time zone of the periods kept (default the calendar's, else UTC).
        as_of: The instant open items are judged at, for every metric that takes ``as_of``
            (and has neither ``as_of`` nor ``end`` of its own). ``"latest"``: the latest
            message of the data, found first by reading every partition once more (what the
            functions take by default). SLA compliance and expectation attainment need one.
        whole_conversations: The partitions already hold whole conversations: do not shuffle,
            check instead.
        timezone: As ``load_messages`` takes it: the time zone of timestamps without offset.
        authors: As ``load_messages`` takes it: the data's words for who wrote a message.
        tags_separator: As ``load_messages`` takes it.
        timestamp_format: As ``load_messages`` takes it.
        errors: ``"raise"`` (default): the first unusable row a worker meets stops the run
            with an [`InvalidDataError`][socialcare_metrics.InvalidDataError] that names the
            input partition and the row in it. ``"collect"``: such rows are left out and listed
            in `DaskResult.problems`.
        shuffle_method: Dask's shuffle method (``"p2p"``, ``"tasks"``, ``"disk"``); default
            Dask's choice.
        split_every: How many states each merge task merges (at least 2).

    Returns:
        A [`DaskResult`][socialcare_metrics.dask.DaskResult]: the merged states, their
            summaries, the rows read and every row left out.

    Raises:
        InvalidParameterError: a bad option (checked before anything is computed): an unknown
            metric or one without a state, an option the metric does not take, a metric that
            needs ``as_of`` without one, a source that is neither a Dask DataFrame nor CSV
            files.
        InvalidDataError: a mapped column missing from the frame; with
            ``whole_conversations=True``, a conversation found in more than one partition;
            with ``errors="raise"``, an unusable row.
        ImportError: Dask is not installed.

    Examples:
        >>> import dask.dataframe as dd
        >>> from socialcare_metrics import MessageTable, first_reply_time, sample_conversations
        >>> from socialcare_metrics.dask import compute_metrics
        >>> table = MessageTable.from_conversations(sample_conversations()[:200])
        >>> frame = dd.from_pandas(table.to_pandas(), npartitions=3)
        >>> fields = ["conversation_id", "sent_at", "author", "agent_id", "channel", "private"]
        >>> result = compute_metrics(
        ...     frame, columns={f: f for f in fields}, metrics=["first_reply_time", "reply_rate"]
        ... )
        >>> result["first_reply_time"].mean == first_reply_time(table).mean
        True
    """
    dask = require("dask.dataframe", "socialcare_metrics.dask", extra="dask")
    dd = dask.dataframe
    import pandas as pd

    errors = check_errors(_FUNCTION, errors)
    whole = check_bool(whole_conversations, _FUNCTION, "whole_conversations")
    if isinstance(split_every, bool) or not isinstance(split_every, int) or split_every < 2:
        raise InvalidParameterError(_FUNCTION, "split_every", "an int >= 2", split_every)
    if shuffle_method is not None and not isinstance(shuffle_method, str):
        raise InvalidParameterError(_FUNCTION, "shuffle_method", "a str or None", shuffle_method)
    if not (as_of is None or as_of == "latest" or isinstance(as_of, datetime)):
        raise InvalidParameterError(_FUNCTION, "as_of", "a datetime, 'latest' or None", as_of)
    if isinstance(as_of, datetime) and as_of.tzinfo is None:
        raise InvalidParameterError(_FUNCTION, "as_of", "a timezone-aware datetime", as_of)
    loader = {
        "columns": dict(columns) if isinstance(columns, Mapping) else columns,
        "timezone": timezone,
        "authors": authors,
        "tags_separator": tags_separator,
        "timestamp_format": timestamp_format,
        "errors": errors,
    }
    # Every loader option checked at once, on no rows (the columns' names come with the frame).
    mapping: dict[str, str] = loader["columns"]  # type: ignore[assignment]
    load_messages(pd.DataFrame({c: [] for c in _mapped(mapping)}, dtype=object), **loader)  # type: ignore[arg-type]
    wanted = _wanted(metrics)
    # Every state made before any data is read: a bad option fails here, at once.
    fixed = as_of if isinstance(as_of, datetime) else None
    _states(wanted, by, tz, fixed, needs_latest=as_of == "latest")

    frame, files = _frame(dd, source)
    label = "CSV files" if files else "Dask DataFrame"
    missing = [(f, c) for f, c in mapping.items() if c not in frame.columns]
    if missing:
        field, column = missing[0]
        raise InvalidDataError(
            label,
            column,
            None,
            f"the column mapped to {field!r} among the frame's columns: "
            + ", ".join(map(str, frame.columns)),
            column,
        )
    frame = frame[_mapped(mapping)]
    meta = frame._meta.assign(
        **{_PARTITION: np.array([], dtype=np.int64), _ROW: np.array([], dtype=np.int64)}
    )
    frame = frame.map_partitions(_with_origin, meta=meta)
    context = _Context(loader=loader, label=label, files=files)

    if as_of == "latest":
        fixed = _latest(dask, frame, context)
    # No message at all: nothing is open to judge, and the results are empty at any instant.
    states = _states(wanted, by, tz, fixed, needs_latest=as_of == "latest" and fixed is None)

    conversation = mapping["conversation_id"]
    if not whole:
        options = {} if shuffle_method is None else {"shuffle_method": shuffle_method}
        frame = frame.shuffle(on=conversation, **options)
    context = attrs.evolve(context, check_whole=whole, conversation=conversation)

    delayed = dask.delayed
    shared = delayed(context, pure=True)
    empty = delayed(states, pure=True)
    level: list[Any] = [
        delayed(_partition_states, pure=True)(part, number, empty, shared)
        for number, part in enumerate(frame.to_delayed())
    ]
    n_partitions = len(level)
    if not level:
        level = [delayed(_Partial, pure=True)(states=states)]
    while len(level) > 1:
        level = [
            delayed(_merge_partials, pure=True)(level[i : i + split_every])
            for i in range(0, len(level), split_every)
        ]
    (merged,) = dask.compute(level[0])
    assert isinstance(merged, _Partial)
    if merged.spanning:
        raise _spanning_error(dask, frame, context, merged.spanning)
    return DaskResult(
        states=merged.states,
        problems=tuple(sorted(merged.problems, key=lambda p: (p.partition, p.row, p.column or ""))),
        rows_read=merged.rows_read,
        partitions=n_partitions,
        shuffled=not whole,
        as_of=fixed,
        files=files,
    )


# --- options ----------------------------------------------------------------------------------


def _mapped(mapping: Mapping[str, str]) -> list[str]:
    """The mapped columns, each once, in the mapping's order."""
    return list(dict.fromkeys(mapping.values()))


def _message_metrics() -> list[str]:
    return [n for n in REGISTRY if REGISTRY[n].input == "messages" and REGISTRY[n].state]


def _wanted(metrics: object) -> dict[str, dict[str, Any]]:
    expected = (
        "a metric name, a list of names, or a mapping of name to options, among "
        + ", ".join(_message_metrics())
    )
    if isinstance(metrics, str):
        wanted: dict[str, Any] = {metrics: {}}
    elif isinstance(metrics, Mapping):
        wanted = dict(metrics)
    elif isinstance(metrics, Sequence) and all(isinstance(m, str) for m in metrics):
        wanted = {name: {} for name in metrics}
        if len(wanted) != len(metrics):
            raise InvalidParameterError(_FUNCTION, "metrics", "distinct names", metrics)
    else:
        raise InvalidParameterError(_FUNCTION, "metrics", expected, metrics)
    if not wanted:
        raise InvalidParameterError(_FUNCTION, "metrics", "at least one metric", metrics)
    for name, options in wanted.items():
        if name not in REGISTRY:
            raise InvalidParameterError(_FUNCTION, "metrics", expected, name)
        if REGISTRY[name].input != "messages" or REGISTRY[name].state is None:
            raise InvalidParameterError(
                _FUNCTION,
                "metrics",
                "message metrics with a mergeable state ("
                + ", ".join(_message_metrics())
                + f"); {name} is not one",
                name,
            )
        if not isinstance(options, Mapping) or not all(isinstance(k, str) for k in options):
            raise InvalidParameterError(
                _FUNCTION, f"metrics[{name!r}]", "a mapping of option name to value", options
            )
    return {name: dict(options) for name, options in wanted.items()}


def _states(
    wanted: dict[str, dict[str, Any]],
    by: tuple[str, ...] | str,
    tz: str | None,
    as_of: datetime | None,
    *,
    needs_latest: bool,
) -> dict[str, MetricState]:
    """Each metric's empty state. With ``needs_latest`` (``as_of="latest"``, not yet found), a
    stand-in instant checks the options that depend on as_of."""
    out: dict[str, MetricState] = {}
    stand_in = ns_to_datetime(0) if needs_latest else as_of
    for name, given in wanted.items():
        cls = REGISTRY[name].state
        assert cls is not None
        options: dict[str, Any] = {"by": by, "tz": tz, **given}
        takes = inspect.signature(REGISTRY[name].function).parameters
        if (
            stand_in is not None
            and "as_of" in takes
            and given.get("as_of") is None
            and given.get("end") is None
        ):
            options["as_of"] = stand_in
        try:
            out[name] = cls.empty(**options)
        except InvalidParameterError as error:
            parameter = error.parameter
            where = f"metrics[{name!r}][{parameter!r}]" if parameter in given else parameter
            expected = error.expected
            if parameter == "as_of":
                expected += "; or as_of='latest', found by a first pass over the data"
            elif parameter in ("by", "tz"):
                expected += f" (for {name}; give it its own: metrics={{{name!r}: {{'by': ...}}}})"
            elif parameter not in given:
                expected += f" (give it as metrics={{{name!r}: {{{parameter!r}: ...}}}})"
            raise InvalidParameterError(_FUNCTION, where, expected, error.got) from error
    return out


def _frame(dd: Any, source: object) -> tuple[Any, tuple[str, ...]]:
    """The Dask DataFrame to compute over, and the CSV files it reads (if any)."""
    if isinstance(source, dd.DataFrame):
        return source, ()
    paths: list[str] = []
    if isinstance(source, str | os.PathLike):
        text = os.fspath(source)
        paths = sorted(glob.glob(text)) if glob.has_magic(text) else [text]
    elif isinstance(source, Sequence) and all(isinstance(p, str | os.PathLike) for p in source):
        paths = [os.fspath(p) for p in source]
    else:
        raise InvalidParameterError(
            _FUNCTION,
            "source",
            "a Dask DataFrame, or CSV files: a path, a glob pattern or a list of paths",
            source,
        )
    missing = [p for p in paths if not Path(p).is_file()]
    if not paths or missing:
        raise InvalidParameterError(
            _FUNCTION, "source", "existing CSV files", missing[0] if missing else source
        )
    # One partition per file, every column as text: load_messages then reads each value as it
    # reads a CSV file's (only an empty field is a missing value).
    frame = dd.read_csv(paths, blocksize=None, dtype=str, keep_default_na=False, na_values=[""])
    return frame, tuple(paths)


# --- what runs on the workers ---------------------------------------------------------------


@attrs.frozen
class _Context:
    loader: dict[str, Any]
    label: str
    files: tuple[str, ...]
    check_whole: bool = False
    conversation: str = ""


@attrs.frozen
class _Partial:
    """Partitions' states merged, with their rows read, rows left out and (when checking that
    partitions are whole) their conversation ids' hashes, sorted, with the partition of each."""

    states: dict[str, MetricState]
    rows_read: int = 0
    problems: tuple[PartitionProblem, ...] = ()
    hashes: Any = None
    owners: Any = None
    #: Conversations found in two partitions: (hash, one partition, another).
    spanning: tuple[tuple[int, int, int], ...] = ()


def _with_origin(frame: Any, partition_info: Mapping[str, Any] | None = None) -> Any:
    """The partition with, on each row, its input partition and its position there."""
    number = -1 if partition_info is None else int(partition_info["number"])
    return frame.assign(
        **{
            _PARTITION: np.full(len(frame), number, dtype=np.int64),
            _ROW: np.arange(len(frame), dtype=np.int64),
        }
    )


#: A list or tuple of tags written out as text: "('billing',)", "['a', 'b']", "()", "[]".
_SEQUENCE_TEXT: Final = re.compile(r"""\s*(\(\s*\)|\[\s*\]|[(\[]\s*['"].*['"]\s*,?\s*[)\]])\s*""")


#: How many rows of a partition's tags `_check_tags_text` looks at.
_TAGS_LOOKED_AT: Final = 100


def _check_tags_text(frame: Any, context: _Context) -> None:
    """Refuse tags that are lists or tuples written out as text: Dask turns the object columns
    of a pandas frame into strings (its ``dataframe.convert-string`` setting, on by default),
    and a list of tags becomes "('billing',)", which would load as one tag of that text."""
    column = context.loader["columns"].get("tags")
    if column is None or column not in frame.columns or not len(frame):
        return
    # The first rows tell: Dask writes every list of the column so.
    head = frame[column].iloc[:_TAGS_LOOKED_AT].tolist()
    looks = [isinstance(v, str) and _SEQUENCE_TEXT.fullmatch(v) is not None for v in head]
    if not any(looks):
        return
    position = looks.index(True)
    where, row = _where(frame, position, context)
    raise InvalidDataError(
        where,
        column,
        row,
        "tags as a list of str, or as text joined with the tags separator, not a Python list "
        "or tuple written out as text (Dask writes the lists of a pandas frame so when its "
        "'dataframe.convert-string' setting is on: make the frame under "
        "dask.config.set({'dataframe.convert-string': False}), or join each row's tags into "
        "one str)",
        head[position],
    )


def _load(frame: Any, context: _Context) -> Any:
    """``load_messages`` on a partition; an unusable row raised (``errors="raise"``) with the
    input partition and row it came from."""
    _check_tags_text(frame, context)
    try:
        return load_messages(frame, **context.loader)
    except InvalidDataError as error:
        if error.row is None or not len(frame):
            raise
        where, row = _where(frame, error.row, context)
        raise InvalidDataError(where, error.column, row, error.expected, error.got) from error


def _where(frame: Any, position: int, context: _Context) -> tuple[str, int]:
    """Where a partition's row came from, as an error names it (its input partition or file)
    and its row there."""
    partition, row = _origin(frame, position)
    if context.files:
        return f"{context.files[partition]} (partition {partition})", row
    return f"{context.label} partition {partition}", row


def _origin(frame: Any, position: int) -> tuple[int, int]:
    return (
        int(frame[_PARTITION].to_numpy()[position]),
        int(frame[_ROW].to_numpy()[position]),
    )


def _partition_states(
    frame: Any, number: int, empty: dict[str, MetricState], context: _Context
) -> _Partial:
    loaded = _load(frame, context)
    problems = []
    for problem in loaded.problems:
        assert isinstance(problem, RowProblem)
        partition, row = _origin(frame, problem.row)
        problems.append(
            PartitionProblem(
                partition=partition,
                row=row,
                column=problem.column,
                reason=problem.reason,
                file=context.files[partition] if context.files else None,
            )
        )
    states = {name: state.update(loaded.table) for name, state in empty.items()}
    hashes = owners = None
    if context.check_whole:
        hashes = _id_hashes(frame[context.conversation])
        owners = np.full(hashes.shape[0], number, dtype=np.int64)
    return _Partial(
        states=states,
        rows_read=loaded.rows_read,
        problems=tuple(problems),
        hashes=hashes,
        owners=owners,
    )


def _id_hashes(ids: Any) -> Any:
    """The distinct conversation ids of a partition as 64-bit hashes, sorted (the same id
    hashes the same in every process)."""
    import pandas as pd

    values = pd.util.hash_pandas_object(ids.dropna(), index=False).to_numpy()
    return np.unique(values)


def _merge_partials(parts: list[_Partial]) -> _Partial:
    states = dict(parts[0].states)
    for part in parts[1:]:
        for name, state in part.states.items():
            states[name] = states[name].merge(state)
    spanning = [s for part in parts for s in part.spanning]
    hashes = owners = None
    if parts[0].hashes is not None:
        hashes = np.concatenate([p.hashes for p in parts])
        owners = np.concatenate([p.owners for p in parts])
        order = np.argsort(hashes, kind="stable")
        hashes, owners = hashes[order], owners[order]
        # Each partition's hashes are distinct: a hash twice is a conversation in two places.
        twice = np.flatnonzero(hashes[1:] == hashes[:-1])
        for i in twice[: _SPANNING_SHOWN - len(spanning)].tolist():
            spanning.append((int(hashes[i]), int(owners[i]), int(owners[i + 1])))
        keep = np.r_[True, hashes[1:] != hashes[:-1]]
        hashes, owners = hashes[keep], owners[keep]
    return _Partial(
        states=states,
        rows_read=sum(p.rows_read for p in parts),
        problems=tuple(problem for p in parts for problem in p.problems),
        hashes=hashes,
        owners=owners,
        spanning=tuple(spanning[:_SPANNING_SHOWN]),
    )


# --- as_of="latest" and the partitions check ------------------------------------------------


def _partition_latest(frame: Any, context: _Context) -> int | None:
    table = _load(frame, context).table
    return int(table.sent_at.max()) if len(table) else None


def _latest(dask: Any, frame: Any, context: _Context) -> datetime | None:
    """The latest message of the data, or None when there is none."""
    shared = dask.delayed(context, pure=True)
    parts = [dask.delayed(_partition_latest)(part, shared) for part in frame.to_delayed()]
    found = [v for v in dask.compute(*parts) if v is not None]
    if not found:
        return None
    return ns_to_datetime(max(found))


def _ids_with_hash(frame: Any, column: str, wanted: list[int]) -> list[Any]:
    import pandas as pd

    ids = frame[column].dropna()
    hashes = pd.util.hash_pandas_object(ids, index=False).to_numpy()
    found = ids.to_numpy()[np.isin(hashes, np.array(wanted, dtype=np.uint64))]
    return list(dict.fromkeys(found.tolist()))


def _spanning_error(
    dask: Any, frame: Any, context: _Context, spanning: tuple[tuple[int, int, int], ...]
) -> InvalidDataError:
    # Only on this error path: the ids themselves, from the partitions that hold them.
    first, a, _ = spanning[0]
    (ids,) = dask.compute(
        dask.delayed(_ids_with_hash)(frame.partitions[a], context.conversation, [first])
    )
    shown = ", ".join(f"partitions {p} and {q}" for _, p, q in spanning)
    return InvalidDataError(
        context.label,
        context.conversation,
        None,
        "each conversation in one partition (whole_conversations=True); "
        f"conversations span {shown}. Leave whole_conversations=False to shuffle by "
        "conversation id",
        ids[0] if ids else None,
    )
