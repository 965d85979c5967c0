"""The Dask adapter: partitions made states on a local cluster, merged, against the functions.

Every message metric that has a state is computed with ``compute_metrics`` over a Dask
DataFrame whose partitions cut conversations in two (so the adapter must shuffle), on two worker
processes (so states travel pickled), and compared with the metric function on the whole table:
identical counts, sums, means, rates, minimum, maximum and slowest items, overall and by agent,
channel, day, week and month; percentiles within the states' 1%. Then: partitions declared
whole (checked, refused when they are not), rows left out and where to find them, CSV files,
and options refused before anything runs.

One cluster serves the whole module (started once, about two seconds).
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

dd = pytest.importorskip("dask.dataframe", reason="the Dask adapter needs the optional dask extra")
distributed = pytest.importorskip(
    "dask.distributed", reason="the Dask adapter needs the optional dask extra"
)
pd = pytest.importorskip("pandas")

from socialcare_metrics import (  # noqa: E402
    InvalidDataError,
    InvalidParameterError,
    MessageTable,
    Segment,
    SlaPolicy,
    load_messages,
    sample_conversations,
    topics,
)
from socialcare_metrics._core.time import ns_to_datetime  # noqa: E402
from socialcare_metrics.dask import DaskResult, compute_metrics  # noqa: E402
from socialcare_metrics.metrics import REGISTRY  # noqa: E402
from socialcare_metrics.states import STATES  # noqa: E402
from test_states import assert_same_result  # noqa: E402

pytestmark = pytest.mark.dask

HOUR = timedelta(hours=1)
POLICY = SlaPolicy(first_reply=HOUR, next_reply=4 * HOUR, resolution=24 * HOUR)
#: Every column of ``to_pandas()`` that load_messages reads back.
FIELDS = (
    "conversation_id",
    "sent_at",
    "author",
    "agent_id",
    "channel",
    "private",
    "message_id",
    "text",
    "tags",
    "sentiment",
    "quick_reply",
    "actioned_at",
    "assignee",
    "resolved_at",
)
COLUMNS = {field: field for field in FIELDS}
CORE = {f: f for f in ("conversation_id", "sent_at", "author", "agent_id", "channel")}
#: Every message metric with a state, with the options it needs and the groups it can keep.
MESSAGE_METRICS = [name for name, cls in STATES.items() if REGISTRY[name].input == "messages"]
OPTIONS: dict[str, dict[str, Any]] = {
    "sla_compliance": {"policy": POLICY},
    "hour_of_week": {"by": ()},
    "inbound_volume": {"by": ("agent", "channel")},
    "voice_of_customer": {"segment": Segment.negative() & ~Segment.channel("twitter")},
}
KEPT = ("agent", "channel", "day")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    # Worker processes, as on a cluster: states and partitions cross process boundaries pickled.
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture(scope="module")
def table() -> MessageTable:
    return MessageTable.from_conversations(sample_conversations())


@pytest.fixture(scope="module")
def frame(table: MessageTable) -> pd.DataFrame:
    frame = table.to_pandas()
    # Tags as an export holds them, paths in text separated by ";": Dask would store a column
    # of tuples as their repr strings.
    frame["tags"] = frame["tags"].map(";".join)
    return frame


def straddling(frame: pd.DataFrame, npartitions: int) -> Any:
    """The frame in ``npartitions`` runs of rows, cut wherever the rows fall: conversations
    straddle partitions."""
    ddf = dd.from_pandas(frame, npartitions=npartitions, sort=False)
    ids = [set(ddf.partitions[i].compute()["conversation_id"]) for i in range(npartitions)]
    assert any(a & b for a, b in itertools.pairwise(ids)), "no conversation straddles"
    return ddf


def whole_runs(frame: pd.DataFrame, npartitions: int) -> Any:
    """The frame in ``npartitions`` runs of whole conversations (the frame is in conversation
    order)."""
    ids = frame["conversation_id"].to_numpy()
    cuts = [0]
    for k in range(1, npartitions):
        row = len(frame) * k // npartitions
        cuts.append(int(np.flatnonzero(ids == ids[row])[0]))
    cuts.append(len(frame))
    pieces = [frame.iloc[lo:hi] for lo, hi in itertools.pairwise(cuts)]
    return dd.concat([dd.from_pandas(piece, npartitions=1) for piece in pieces])


@pytest.fixture(scope="module")
def everything(client: Any, frame: pd.DataFrame) -> DaskResult:
    return compute_metrics(
        straddling(frame, 5),
        columns=COLUMNS,
        metrics={name: OPTIONS.get(name, {}) for name in MESSAGE_METRICS},
        by=KEPT,
        as_of="latest",
    )


@pytest.mark.parametrize("name", MESSAGE_METRICS)
def test_every_metric_merged_is_the_function_on_the_whole(
    everything: DaskResult, table: MessageTable, name: str
) -> None:
    options = {k: v for k, v in OPTIONS.get(name, {}).items() if k != "by"}
    if "as_of" in REGISTRY[name].function.__code__.co_varnames:
        options["as_of"] = everything.as_of
    whole = REGISTRY[name].function(table, **options)
    merged = everything[name]
    assert_same_result(STATES[name], whole, merged, None)
    if hasattr(merged, "approximate"):
        assert merged.approximate
        assert merged.count == whole.count
        assert merged.mean == whole.mean


def test_the_run_reads_every_row_once_and_shuffles(
    everything: DaskResult, table: MessageTable
) -> None:
    assert everything.rows_read == everything.rows_used == len(table)
    assert everything.problems == ()
    assert everything.shuffled
    assert everything.partitions == 5
    # as_of="latest" is what every function takes by default: the latest message.
    assert everything.as_of == ns_to_datetime(int(table.sent_at.max()))
    assert list(everything) == MESSAGE_METRICS
    assert set(everything.results) == set(MESSAGE_METRICS)
    with pytest.raises(KeyError, match="no metric 'csat'"):
        everything["csat"]


def test_partitions_declared_whole_are_used_as_they_are(
    client: Any, frame: pd.DataFrame, table: MessageTable
) -> None:
    result = compute_metrics(
        whole_runs(frame, 3),
        columns=CORE,
        metrics=["first_reply_time", "reply_rate"],
        by=KEPT,
        whole_conversations=True,
    )
    assert not result.shuffled
    assert result.partitions == 3
    core = MessageTable.from_columns(**{f: frame[f].to_numpy() for f in CORE})
    for name in ("first_reply_time", "reply_rate"):
        whole = REGISTRY[name].function(core)
        assert_same_result(STATES[name], whole, result[name], None)


def test_partitions_declared_whole_that_are_not_are_refused(
    client: Any, frame: pd.DataFrame
) -> None:
    ddf = straddling(frame, 4)
    with pytest.raises(InvalidDataError, match="conversations span partitions") as raised:
        compute_metrics(ddf, columns=CORE, metrics="reply_rate", whole_conversations=True)
    message = str(raised.value)
    assert "Leave whole_conversations=False" in message
    # The conversation named is one that is in two partitions.
    named = raised.value.got
    holding = [i for i in range(4) if named in set(ddf.partitions[i].compute()["conversation_id"])]
    assert len(holding) == 2


def with_bad_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    bad = frame[list(CORE)].copy()
    bad["author"] = bad["author"].astype(object)
    rows = [3, 4_000, 9_999]
    for row in rows:
        bad.iloc[row, bad.columns.get_loc("author")] = "martian"
    return bad, rows


def test_rows_left_out_are_listed_with_where_to_find_them(client: Any, frame: pd.DataFrame) -> None:
    bad, rows = with_bad_rows(frame)
    ddf = straddling(bad, 4)
    result = compute_metrics(ddf, columns=CORE, metrics=["messages_received"], errors="collect")
    assert result.rows_read == len(bad)
    assert result.rows_used == len(bad) - len(rows)
    assert len(result.problems) == len(rows)
    for problem in result.problems:
        assert problem.column == "author"
        found = ddf.partitions[problem.partition].compute().iloc[problem.row]
        assert found["author"] == "martian"
        assert str(problem).startswith(f"partition {problem.partition}, row {problem.row}, ")
    expected = load_messages(bad, columns=CORE, errors="collect").table
    assert (
        result["messages_received"].count == REGISTRY["messages_received"].function(expected).count
    )


def test_the_first_bad_row_raises_with_its_partition_and_row(
    client: Any, frame: pd.DataFrame
) -> None:
    bad, _ = with_bad_rows(frame)
    ddf = straddling(bad, 4)
    with pytest.raises(InvalidDataError, match=r"Dask DataFrame partition \d, column 'author'"):
        compute_metrics(ddf, columns=CORE, metrics="messages_received")


def test_csv_files_one_partition_each(
    client: Any, frame: pd.DataFrame, table: MessageTable, tmp_path: Path
) -> None:
    core = frame[list(CORE)].copy()
    core["sent_at"] = core["sent_at"].map(lambda t: t.isoformat())
    core.iloc[7, core.columns.get_loc("sent_at")] = "yesterday"
    cuts = [0, 5_001, 9_002, len(core)]
    for i, (lo, hi) in enumerate(itertools.pairwise(cuts)):
        core.iloc[lo:hi].to_csv(tmp_path / f"export-{i}.csv", index=False)
    result = compute_metrics(
        str(tmp_path / "export-*.csv"),
        columns=CORE,
        metrics={"first_reply_time": {}, "sla_compliance": {"policy": POLICY}},
        by=KEPT,
        as_of="latest",
        errors="collect",
    )
    assert result.files == tuple(str(tmp_path / f"export-{i}.csv") for i in range(3))
    (problem,) = result.problems
    assert (problem.file, problem.partition, problem.row, problem.column) == (
        result.files[0],
        0,
        7,
        "sent_at",
    )
    expected = load_messages(core, columns=CORE, errors="collect").table
    for name, options in (("first_reply_time", {}), ("sla_compliance", {"policy": POLICY})):
        whole = REGISTRY[name].function(expected, **options, as_of=result.as_of)
        assert_same_result(STATES[name], whole, result[name], None)


def test_options_are_refused_before_anything_runs(frame: pd.DataFrame) -> None:
    ddf = dd.from_pandas(frame, npartitions=2)
    refused = [
        ({"metrics": "expectation_attainment"}, "'as_of' must be .* or as_of='latest'"),
        ({"metrics": {"sla_compliance": {"policy": POLICY}}}, "as_of='latest'"),
        (
            {"metrics": "sla_compliance", "as_of": "latest"},
            r"'policy' must be .*give it as metrics=\{'sla_compliance': \{'policy': \.\.\.\}\}",
        ),
        ({"metrics": "call_deflection"}, "message metrics with a mergeable state"),
        ({"metrics": "csat"}, "csat is not one"),
        ({"metrics": "speed"}, "a metric name, a list of names"),
        ({"metrics": []}, "at least one metric"),
        ({"metrics": {"reply_rate": {"bot": 1}}}, "'bot'"),
        ({"metrics": "hour_of_week", "by": "agent"}, "give it its own"),
        ({"metrics": "reply_rate", "split_every": 1}, "'split_every'"),
        ({"metrics": "reply_rate", "as_of": "now"}, "'as_of'"),
        ({"metrics": "reply_rate", "errors": "ignore"}, "'errors'"),
    ]
    for options, message in refused:
        with pytest.raises(InvalidParameterError, match=message):
            compute_metrics(ddf, columns=CORE, **options)
    with pytest.raises(InvalidParameterError, match="'source' must be a Dask DataFrame"):
        compute_metrics(frame, columns=CORE, metrics="reply_rate")
    with pytest.raises(InvalidParameterError, match="existing CSV files"):
        compute_metrics("no/such/*.csv", columns=CORE, metrics="reply_rate")
    with pytest.raises(
        InvalidDataError, match="column 'who': expected the column mapped to 'author'"
    ):
        compute_metrics(ddf, columns={**CORE, "author": "who"}, metrics="reply_rate")


def test_a_missing_dask_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(ImportError, match=r"socialcare-metrics\[dask\]"):
        compute_metrics(None, columns=CORE, metrics="reply_rate")


def test_tags_that_dask_wrote_out_as_text_are_refused(
    frame: pd.DataFrame, table: MessageTable
) -> None:
    # A column of tuples, as `to_pandas()` gives it: Dask's convert-string setting writes each
    # tuple out as its text, "('billing',)", which would load as one odd tag.
    tuples = frame.copy()
    tuples["tags"] = [tuple(t.split(";")) if t else () for t in frame["tags"]]
    options = {"columns": COLUMNS, "metrics": "topics", "whole_conversations": True}
    import dask

    with dask.config.set({"dataframe.convert-string": True, "scheduler": "sync"}):
        converted = whole_runs(tuples, 2)
        with pytest.raises(InvalidDataError, match="convert-string") as error:
            compute_metrics(converted, **options)
    assert "column 'tags', row 0" in str(error.value)
    with dask.config.set({"dataframe.convert-string": False, "scheduler": "sync"}):
        kept = whole_runs(tuples, 2)
        result = compute_metrics(kept, **options)
    assert result["topics"].counts() == topics(table).counts()


def test_latest_over_no_messages_gives_empty_results(frame: pd.DataFrame) -> None:
    # As the functions do on no data: empty results, whatever instant they would be judged at.
    import dask

    with dask.config.set({"scheduler": "sync"}):
        nothing = dd.from_pandas(frame.iloc[:0], npartitions=1)
        result = compute_metrics(
            nothing,
            columns=CORE,
            metrics={"reply_rate": {}, "sla_compliance": {"policy": POLICY}},
            as_of="latest",
            whole_conversations=True,
        )
    assert result.as_of is None
    assert result.rows_read == 0
    assert result["reply_rate"].count == 0
    assert result["sla_compliance"].to_dict()["count"] == 0
