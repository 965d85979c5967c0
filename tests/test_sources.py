"""What the file loaders read: compressed files, file objects, and the progress bar.

The central property: the same data read from a plain path, a gzip, bzip2, xz or Zstandard file
(named so, or named .csv), a binary or a text file object gives the same table, the same problems
and the same error, whatever the chunk size. The data are the damaged files of
``test_fuzz_loaders``.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import importlib
import io
import json
import lzma
import os
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from socialcare_metrics import (
    InvalidDataError,
    InvalidParameterError,
    LoadResult,
    MessageTable,
    load_ibm_cdp,
    load_messages,
    load_twcs,
)
from socialcare_metrics.io._source import compression_of
from test_fuzz_loaders import (
    _JSON,
    MESSAGE_COLUMNS,
    MESSAGE_HEADER,
    TWCS_HEADER,
    ibm_conversations,
    message_files,
    twcs_files,
)


def _zstd_compress() -> Callable[[bytes], bytes] | None:
    """A Zstandard compressor: the standard library's (Python 3.14), else zstandard's."""
    try:
        return importlib.import_module("compression.zstd").compress  # type: ignore[no-any-return]
    except ImportError:
        pass
    try:
        zstandard = importlib.import_module("zstandard")
    except ImportError:
        return None
    return zstandard.ZstdCompressor().compress  # type: ignore[no-any-return]


ZSTD = _zstd_compress()

needs_zstd = pytest.mark.skipif(
    ZSTD is None,
    reason="no Zstandard codec: Python 3.14's compression.zstd or the zstandard package "
    "(pip install 'socialcare-metrics[zstd]')",
)

COMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "bzip2": bz2.compress,
    "xz": lzma.compress,
}
if ZSTD is not None:
    COMPRESS["Zstandard"] = ZSTD

SUFFIX = {"gzip": ".gz", "bzip2": ".bz2", "xz": ".xz", "Zstandard": ".zst"}


# --- one content, many sources --------------------------------------------------------------------

Opener = Callable[[contextlib.ExitStack], Any]


def sources(folder: Path, data: bytes, family: str, name: str) -> dict[str, Opener]:
    """Ways to hand a loader ``data``, by a description; each opener makes a fresh source."""
    if family in SUFFIX:
        packed = COMPRESS[family](data)
        named = folder / f"{name}{SUFFIX[family]}"
        named.write_bytes(packed)
        unnamed = folder / f"packed-{name}"  # the magic bytes alone say what it is
        unnamed.write_bytes(packed)
        return {
            f"{family} path": lambda stack: named,
            f"{family} named {name}": lambda stack: str(unnamed),
            f"{family} in a BytesIO": lambda stack: io.BytesIO(packed),
        }
    plain = folder / name
    plain.write_bytes(data)
    if family == "plain":
        return {"plain path": lambda stack: plain}
    assert family == "file objects"
    text = data.decode("utf-8", "surrogateescape")
    gz = folder / f"{name}.gz"
    gz.write_bytes(gzip.compress(data))
    return {
        "BytesIO": lambda stack: io.BytesIO(data),
        "StringIO": lambda stack: io.StringIO(text, newline=""),
        "open rb": lambda stack: stack.enter_context(plain.open("rb")),
        "open text": lambda stack: stack.enter_context(
            plain.open(encoding="utf-8", errors="surrogateescape", newline="")
        ),
        "gzip.GzipFile": lambda stack: stack.enter_context(gzip.open(gz, "rb")),
    }


def table_state(table: MessageTable) -> list[tuple[str, Any]]:
    """Every column of a table, comparable with ==, NaN as None."""
    state: list[tuple[str, Any]] = []
    for name in MessageTable.__slots__:
        if name.startswith("_"):
            continue
        value = getattr(table, name)
        if isinstance(value, np.ndarray):
            items = value.tolist()
            if value.dtype.kind == "f":
                items = [None if v != v else v for v in items]
            value = (value.dtype.str, items)
        state.append((name, value))
    return state


def outcome(load: Callable[..., LoadResult], source: Any, **options: Any) -> tuple[Any, ...]:
    """What a load gives, with the source's name left out: its table, problems and rows read,
    or its error's type and contents."""
    try:
        result = load(source, **options)
    except InvalidDataError as error:
        return ("error", error.column, error.row, error.expected, repr(error.got))
    return ("result", table_state(result.table), result.problems, result.rows_read)


def same_everywhere(
    folder: Path,
    data: bytes,
    family: str,
    name: str,
    load: Callable[..., LoadResult],
    **options: Any,
) -> None:
    """Each source of ``family`` gives what the plain path gives, collecting and raising; a file
    object the test passed is left open."""
    plain = folder / f"reference-{name}"
    plain.write_bytes(data)
    for errors in ("collect", "raise"):
        want = outcome(load, plain, errors=errors, **options)
        for described, opener in sources(folder, data, family, name).items():
            with contextlib.ExitStack() as stack:
                source = opener(stack)
                got = outcome(load, source, errors=errors, **options)
                assert got == want, described
                if hasattr(source, "closed"):
                    assert not source.closed, described
            assert got == want, described


FAMILIES = [
    "plain",
    "gzip",
    "bzip2",
    "xz",
    pytest.param("Zstandard", marks=needs_zstd),
    "file objects",
]

_CHUNK = st.sampled_from([1, 7, 64])


@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=40)  # each example reads a dozen sources, both ways
@given(
    data=st.one_of(twcs_files(), st.binary(max_size=80).map(lambda b: TWCS_HEADER.encode() + b)),
    chunk_size=_CHUNK,
)
def test_load_twcs_reads_the_same_from_every_source(
    tmp_path_factory: pytest.TempPathFactory, family: str, data: bytes, chunk_size: int
) -> None:
    # (Against the plain path at the default chunk size: small chunks must not matter either.)
    folder = tmp_path_factory.mktemp("twcs")
    plain = folder / "reference.csv"
    plain.write_bytes(data)
    want = [outcome(load_twcs, plain, errors=errors) for errors in ("collect", "raise")]
    same_everywhere(folder, data, family, "twcs.csv", load_twcs, chunk_size=chunk_size)
    small = [
        outcome(load_twcs, plain, errors=errors, chunk_size=chunk_size)
        for errors in ("collect", "raise")
    ]
    assert small == want


@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=40)  # each example reads a dozen sources, both ways
@given(
    data=st.one_of(
        message_files(), st.binary(max_size=80).map(lambda b: MESSAGE_HEADER.encode() + b)
    ),
    chunk_size=_CHUNK,
)
def test_load_messages_reads_the_same_from_every_source(
    tmp_path_factory: pytest.TempPathFactory, family: str, data: bytes, chunk_size: int
) -> None:
    folder = tmp_path_factory.mktemp("messages")
    options: dict[str, Any] = {"columns": MESSAGE_COLUMNS, "timezone": "Europe/Berlin"}
    plain = folder / "reference.csv"
    plain.write_bytes(data)
    want = [
        outcome(load_messages, plain, errors=errors, **options) for errors in ("collect", "raise")
    ]
    same_everywhere(
        folder, data, family, "export.csv", load_messages, chunk_size=chunk_size, **options
    )
    small = [
        outcome(load_messages, plain, errors=errors, chunk_size=chunk_size, **options)
        for errors in ("collect", "raise")
    ]
    assert small == want


@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=40)  # each example reads a dozen sources, both ways
@given(
    data=st.one_of(
        st.one_of(ibm_conversations(), _JSON).map(lambda value: json.dumps(value).encode()),
        st.binary(max_size=80),
    )
)
def test_load_ibm_cdp_reads_the_same_from_every_source(
    tmp_path_factory: pytest.TempPathFactory, family: str, data: bytes
) -> None:
    # Compressed data inside compressed data is read once, as the outer compression says.
    assume(compression_of(data) is None)
    folder = tmp_path_factory.mktemp("ibm")
    same_everywhere(folder, data, family, "set.json", load_ibm_cdp)


# --- compression: recognised, refused when damaged ------------------------------------------------

TWCS = (
    TWCS_HEADER
    + "2,AcmeHelp,False,Tue Oct 31 22:10:47 +0000 2017,@115712 Sorry!,,1\n"
    + "1,115712,True,Tue Oct 31 22:05:47 +0000 2017,@AcmeHelp late,2,\n"
).encode()


@pytest.mark.parametrize("kind", sorted(COMPRESS))
def test_the_first_bytes_say_which_compression(kind: str) -> None:
    assert compression_of(COMPRESS[kind](TWCS)) == kind
    assert compression_of(COMPRESS[kind](b"")) == kind
    assert compression_of(TWCS) is None
    # bzip2's "BZh" is text a header could start with.
    assert compression_of(b"BZh9,name\n") is None


@pytest.mark.parametrize("kind", sorted(COMPRESS))
def test_a_compressed_file_cut_short_is_refused(tmp_path: Path, kind: str) -> None:
    packed = COMPRESS[kind](TWCS * 40)
    path = tmp_path / f"twcs.csv{SUFFIX[kind]}"
    path.write_bytes(packed[: len(packed) * 2 // 3])
    for errors in ("raise", "collect"):
        with pytest.raises(InvalidDataError) as caught:
            load_twcs(path, errors=errors)  # type: ignore[arg-type]
        assert f"expected complete, undamaged {kind}-compressed data" in str(caught.value)
        assert str(caught.value).startswith(str(path))


def test_data_after_the_end_of_gzip_data_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twcs.csv.gz"
    path.write_bytes(gzip.compress(TWCS) + b"not gzip")
    with pytest.raises(InvalidDataError, match="undamaged gzip-compressed data"):
        load_twcs(path)


@pytest.mark.parametrize("kind", sorted(COMPRESS))
def test_several_streams_one_after_another_are_read_whole(tmp_path: Path, kind: str) -> None:
    lines = TWCS.splitlines(keepends=True)
    path = tmp_path / f"twcs.csv{SUFFIX[kind]}"
    path.write_bytes(b"".join(COMPRESS[kind](line) for line in lines))
    assert load_twcs(path).rows_read == 2


@pytest.mark.parametrize("suffix", sorted(SUFFIX.values()))
def test_a_name_that_promises_a_compression_the_data_lacks_is_refused(
    tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"twcs.csv{suffix}"
    path.write_bytes(TWCS)
    with pytest.raises(InvalidDataError) as caught:
        load_twcs(path)
    kind = {value: key for key, value in SUFFIX.items()}[suffix]
    assert str(caught.value) == (
        f"{path}: expected {kind}-compressed data, as the name ending in {suffix} says "
        "(got b'tweet_id,a' that is a bytes)"
    )


def test_bytes_that_are_not_utf8_are_placed_in_the_decompressed_data(tmp_path: Path) -> None:
    data = TWCS.replace(b"late", b"l\xe4te")
    path = tmp_path / "twcs.csv.gz"
    path.write_bytes(gzip.compress(data))
    (problem,) = load_twcs(path, errors="collect").problems
    offset = data.index(b"\xe4")
    assert f"byte offset {offset} of the file" in problem.reason


@needs_zstd
def test_zstandard_without_a_codec_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ZSTD is not None
    path = tmp_path / "twcs.csv.zst"
    path.write_bytes(ZSTD(TWCS))
    monkeypatch.setitem(sys.modules, "compression.zstd", None)
    monkeypatch.setitem(sys.modules, "zstandard", None)
    with pytest.raises(ImportError, match=r"pip install 'socialcare-metrics\[zstd\]'"):
        load_twcs(path)


def test_python_3_14s_own_zstandard_is_used_when_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zstandard = pytest.importorskip("zstandard")
    opened: list[Any] = []

    class ZstdFile(io.BufferedIOBase):
        """Stands for compression.zstd.ZstdFile (Python 3.14), built on zstandard."""

        def __init__(self, file: Any, mode: str = "r") -> None:
            assert mode == "rb"
            self._reader = zstandard.ZstdDecompressor().stream_reader(
                file, read_across_frames=True, closefd=False
            )
            opened.append(self)

        def read(self, size: int | None = -1) -> bytes:
            return self._reader.read(-1 if size is None else size)  # type: ignore[no-any-return]

    module = types.ModuleType("compression.zstd")
    module.ZstdFile = ZstdFile  # type: ignore[attr-defined]
    module.ZstdError = zstandard.ZstdError  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "compression", types.ModuleType("compression"))
    monkeypatch.setitem(sys.modules, "compression.zstd", module)
    path = tmp_path / "twcs.csv.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(TWCS))
    assert load_twcs(path).rows_read == 2
    assert len(opened) == 1


# --- file objects ---------------------------------------------------------------------------------


def test_a_file_object_is_named_by_its_name_else_by_its_type(tmp_path: Path) -> None:
    path = tmp_path / "twcs.csv"
    path.write_bytes(TWCS)
    with path.open("rb") as handle:
        assert load_twcs(handle).source == str(path)
        assert not handle.closed
    assert load_twcs(io.BytesIO(TWCS)).source == "<file object BytesIO>"
    assert load_twcs(io.StringIO(TWCS.decode())).source == "<file object StringIO>"
    bad = io.BytesIO(TWCS.replace(b"Tue Oct 31 22:05:47", b"yesterday"))
    with pytest.raises(InvalidDataError) as caught:
        load_twcs(bad)
    assert str(caught.value).startswith("<file object BytesIO>, column 'created_at', row 3:")


def test_a_file_object_is_read_from_where_it_stands(tmp_path: Path) -> None:
    stream = io.BytesIO(b"# exported by the helpdesk\n" + TWCS)
    stream.readline()
    assert load_twcs(stream).rows_read == 2
    assert stream.read() == b""


def test_a_text_file_object_is_read_as_utf8(tmp_path: Path) -> None:
    text = TWCS.decode().replace("late", "läte 😡")
    (message,) = [
        t for t in load_twcs(io.StringIO(text)).table.text.tolist() if t.startswith("@Acme")
    ]
    assert message == "@AcmeHelp läte 😡"
    # A lone surrogate is no text: its row is reported, as bytes that are not UTF-8 are.
    broken = load_twcs(io.StringIO(text.replace("läte", "l\ud800te")), errors="collect")
    assert [p.line for p in broken.problems] == [3]
    assert "not UTF-8" in broken.problems[0].reason


def test_sources_that_cannot_be_read_are_refused(tmp_path: Path) -> None:
    closed = io.BytesIO(TWCS)
    closed.close()
    with (tmp_path / "out.csv").open("wb") as write_only:
        cases: list[tuple[Any, str]] = [
            (tmp_path / "missing.csv", "the path of an existing file"),
            (tmp_path, "the path of an existing file"),
            (closed, "a file object that is open"),
            (write_only, "a file object open for reading"),
            (b"tweet_id", "a path to a CSV file or a file object open for reading"),
        ]
        for source, expected in cases:
            for load in (load_twcs, load_ibm_cdp):
                with pytest.raises(InvalidParameterError) as caught:
                    load(source)
                assert caught.value.parameter == "source"
                assert caught.value.expected.replace("JSON", "CSV") == expected
            with pytest.raises(InvalidParameterError, match="'source' must be"):
                load_messages(source, columns=MESSAGE_COLUMNS)


# --- progress -------------------------------------------------------------------------------------


@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """The progress bars the loaders make, each remembering whether it was closed."""
    tqdm = pytest.importorskip("tqdm")
    made: list[Any] = []

    class Recording(tqdm.tqdm):  # type: ignore[misc, name-defined]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.was_closed = False
            made.append(self)

        def close(self) -> None:
            self.was_closed = True
            super().close()

    monkeypatch.setattr(tqdm, "tqdm", Recording)
    return made


IBM = json.dumps(
    [
        {
            "dialogHeader": {"company": "Acme", "sessionID": f"s{i}"},
            "dialogContent": [
                {
                    "client": "ann",
                    "datetime": "2020-04-01T17:31:32.000Z",
                    "message": "help " * 50,
                    "tweet_ID": "1245403438755852288",
                }
            ],
        }
        for i in range(400)
    ]
).encode()

TWCS_MANY = (
    TWCS_HEADER
    + "".join(
        f"{i},{700 + i},True,Tue Oct 31 22:05:47 +0000 2017,@AcmeHelp late {i},,\n"
        for i in range(1, 300)
    )
).encode()

MESSAGES_MANY = b"conv,when,who\n" + b"".join(
    b"c%d,2024-05-06T10:00:00Z,customer\n" % i for i in range(900)
)

LOADERS: list[tuple[Callable[..., LoadResult], bytes, dict[str, Any]]] = [
    (load_twcs, TWCS_MANY, {}),
    (
        load_messages,
        MESSAGES_MANY,
        {"columns": {"conversation_id": "conv", "sent_at": "when", "author": "who"}},
    ),
    (load_ibm_cdp, IBM, {}),
]


def _loader_id(value: object) -> str | None:
    return getattr(value, "__name__", None)


@pytest.mark.parametrize(("load", "data", "options"), LOADERS, ids=_loader_id)
@pytest.mark.parametrize("kind", ["plain", "gzip", "xz"])
def test_the_progress_bar_reaches_the_size_of_the_file_and_changes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    bars: list[Any],
    load: Callable[..., LoadResult],
    data: bytes,
    options: dict[str, Any],
    kind: str,
) -> None:
    stored = data if kind == "plain" else COMPRESS[kind](data)
    path = tmp_path / ("data" + ("" if kind == "plain" else SUFFIX[kind]))
    path.write_bytes(stored)
    if load is not load_ibm_cdp:
        options = {**options, "chunk_size": 64}
    quiet = load(path, **options)
    assert bars == []
    shown = load(path, progress=True, **options)
    (bar,) = bars
    assert bar.n == bar.total == len(stored) == os.path.getsize(path)
    assert bar.was_closed
    assert table_state(shown.table) == table_state(quiet.table)
    assert shown.problems == quiet.problems
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "100%" in captured.err
    assert path.name in captured.err


def test_the_progress_bar_of_a_file_object(bars: list[Any]) -> None:
    load_twcs(io.BytesIO(TWCS), progress=True)
    load_twcs(io.StringIO(TWCS.decode()), progress=True)
    with_total, without = bars
    assert with_total.n == with_total.total == len(TWCS)
    assert without.total is None
    assert without.n == len(TWCS)


@pytest.mark.parametrize(("load", "data", "options"), LOADERS, ids=_loader_id)
def test_the_progress_bar_is_closed_when_a_row_stops_the_load(
    tmp_path: Path,
    bars: list[Any],
    load: Callable[..., LoadResult],
    data: bytes,
    options: dict[str, Any],
) -> None:
    if load is load_ibm_cdp:
        broken = data.replace(b'"s1"', b'"s0"')  # a sessionID used twice
    elif load is load_twcs:
        broken = data.replace(b"\n5,705,True,Tue Oct 31 22:05:47", b"\n5,705,True,yesterday")
    else:
        broken = data.replace(b"c5,2024-05-06T10:00:00Z", b"c5,never")
    path = tmp_path / "data.gz"
    path.write_bytes(gzip.compress(broken))
    if load is not load_ibm_cdp:
        options = {**options, "chunk_size": 64}
    try:
        load(path, progress=True, **options)
    except InvalidDataError:
        # Closed already, while the error (and its traceback) is still being handled.
        (bar,) = bars
        assert bar.was_closed
    else:
        pytest.fail("the load did not stop")


def test_a_progress_bar_without_tqdm_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "twcs.csv"
    path.write_bytes(TWCS)
    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.raises(ImportError, match=r"pip install 'socialcare-metrics\[progress\]'"):
        load_twcs(path, progress=True)
    assert load_twcs(path).rows_read == 2
    with pytest.raises(InvalidParameterError, match="'progress' must be a bool"):
        load_twcs(path, progress=1)  # type: ignore[arg-type]
