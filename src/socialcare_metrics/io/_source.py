"""Opening what a file loader reads: a path (plain or compressed) or a file object, as bytes.

Every file loader reads through `open_source`, which gives one stream of bytes whatever it was
given:

- a path, read as it is or, when the file is compressed, decompressed on the fly. Compression is
  recognised by the first bytes of the file (its magic number), so a gzip file named ``.csv`` is
  read as gzip; a name that ends in ``.gz``, ``.bz2``, ``.xz`` or ``.zst`` says the data must be
  compressed that way, and data that is not is refused rather than read as text;
- a binary file object (``open(path, "rb")``, ``io.BytesIO``, a ``gzip.GzipFile``...), read from
  where it stands, decompressed when its first bytes say it is compressed;
- a text file object (``io.StringIO``, ``open(path)``), written back as UTF-8 for the reader. A
  lone surrogate that ``errors="surrogateescape"`` made stands for the byte it came from, so such
  a file reads exactly as the same file opened in binary mode.

Byte positions (the offset a loader gives for bytes that are not UTF-8) count in this stream: the
decompressed data, from where a file object stood, in UTF-8 for a text file object.

The stream closes what it opened, never a file object the caller passed. With ``progress=True``
a tqdm bar on stderr follows the bytes read from the file itself: compressed bytes for a
compressed file, so the bar ends at the file's size.
"""

from __future__ import annotations

import bz2
import gzip
import importlib
import io
import lzma
import os
import stat
import sys
import zlib
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeAlias

from .._core.extras import require
from ..errors import InvalidDataError, InvalidParameterError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "BinaryFile",
    "FileSource",
    "OpenedSource",
    "TextFile",
    "check_source",
    "is_file_object",
    "open_source",
]


class BinaryFile(Protocol):
    """A file object read in bytes: ``open(path, "rb")``, ``io.BytesIO``, ``gzip.GzipFile``."""

    def read(self, size: int = -1, /) -> bytes: ...


class TextFile(Protocol):
    """A file object read in text: ``open(path)``, ``io.StringIO``."""

    def read(self, size: int = -1, /) -> str: ...


FileSource: TypeAlias = "str | os.PathLike[str] | BinaryFile | TextFile"
"""What the file loaders read: a path (plain, or compressed with gzip, bzip2, xz or Zstandard),
or a binary or text file object."""

#: The compressions read, by the name a file ends with.
SUFFIXES: Final = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "Zstandard"}


_HEAD: Final = 10


_BZIP2_BLOCK: Final = (b"\x31\x41\x59\x26\x53\x59", b"\x17\x72\x45\x38\x50\x90")


# Reading a compressed stream in pieces of this size keeps what one piece inflates to small.
_PIECE: Final = 1 << 16


def compression_of(head: bytes) -> str | None:
    """The compression the first bytes of a file say it has, or None.

    bzip2's magic ``BZh`` is text a CSV could start with, so the level digit and the magic of the
    first block (or of the end of an empty stream) must follow it.
    """
    if head.startswith(b"\x1f\x8b\x08"):
        return "gzip"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(b"\x28\xb5\x2f\xfd"):
        return "Zstandard"
    if (
        len(head) >= _HEAD
        and head.startswith(b"BZh")
        and head[3] in b"123456789"
        and head[4:10] in _BZIP2_BLOCK
    ):
        return "bzip2"
    return None


def is_file_object(value: object) -> bool:
    """Whether ``value`` is read like a file (it has a ``read`` method)."""
    return not isinstance(value, str | bytes | os.PathLike) and callable(
        getattr(value, "read", None)
    )


def source_label(source: object) -> str:
    """How errors and problems name a source: the path, a file object's ``name`` when it has
    one, else ``<file object TYPE>``."""
    if isinstance(source, str | os.PathLike):
        return str(os.fspath(source))
    name = getattr(source, "name", None)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if isinstance(name, os.PathLike):
        name = os.fspath(name)
    if isinstance(name, str) and name:
        return name
    return f"<file object {type(source).__name__}>"


def check_source(function: str, parameter: str, source: object, what: str) -> str:
    """Refuse what is neither the path of an existing file nor a file object open for reading;
    return the source's label."""
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        if not os.path.isfile(path):
            raise InvalidParameterError(function, parameter, "the path of an existing file", path)
    elif not is_file_object(source):
        raise InvalidParameterError(
            function, parameter, f"a path to {what} or a file object open for reading", source
        )
    elif getattr(source, "closed", False) is True:
        raise InvalidParameterError(function, parameter, "a file object that is open", source)
    else:
        readable = getattr(source, "readable", None)
        if callable(readable) and not readable():
            raise InvalidParameterError(
                function, parameter, "a file object open for reading", source
            )
    return source_label(source)


def _utf8(text: str) -> bytes:
    """``text`` in UTF-8; a lone surrogate ``surrogateescape`` made becomes its byte again, any
    other lone surrogate its three-byte form (which the loaders then report as not UTF-8)."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as error:
        return (
            _utf8(text[: error.start])
            + text[error.start : error.end].encode("utf-8", "surrogatepass")
            + _utf8(text[error.end :])
        )


class _Raw:
    """The bytes of the file itself: counted into the progress bar, with the first bytes (read
    to recognise a compression) given back first."""

    def __init__(self, file: Any, *, text: bool, bar: Any) -> None:
        self._file = file
        self._text = text
        self._bar = bar
        self._head = b""
        self.error: BaseException | None = None  # an error of the file itself, not of its data

    def peek_head(self) -> bytes:
        """The file's first bytes, read once and given back by the following reads."""
        head = b""
        while len(head) < _HEAD:
            got = self._read(_HEAD - len(head))
            if not got:
                break
            head += got
        self._head = head
        return head

    def read(self, size: int | None = -1) -> bytes:
        head = self._head
        if not head:
            return self._read(size)
        self._head = b""
        if size is None or size < 0:
            return head + self._read(-1)
        if size <= len(head):
            self._head = head[size:]
            return head[:size]
        return head + self._read(size - len(head))

    def _read(self, size: int | None) -> bytes:
        try:
            data = self._file.read(-1 if size is None else size)
        except OSError as error:
            self.error = error
            raise
        if self._text:
            data = _utf8(data)
        elif not isinstance(data, bytes):
            data = bytes(data)
        if data and self._bar is not None:
            self._bar.update(len(data))
        return data


class _ZstdFrames:
    """Zstandard data decompressed with the ``zstandard`` package, frame after frame.

    Its own stream reader returns what it has when the data stops inside a frame; here a file
    cut short is an error, as it is for gzip, bzip2 and xz.
    """

    def __init__(self, zstandard: Any, raw: _Raw) -> None:
        self._zstandard = zstandard
        self._raw = raw
        self._frame = zstandard.ZstdDecompressor().decompressobj()
        self._in_frame = False
        self._done = False
        self._out = bytearray()

    def read(self, size: int | None = -1) -> bytes:
        while not self._done and (size is None or size < 0 or len(self._out) < size):
            piece = self._raw.read(_PIECE)
            if not piece:
                self._done = True
                if self._in_frame:
                    raise EOFError(
                        "Compressed file ended before the end-of-stream marker was reached"
                    )
                break
            self._feed(piece)
        if size is None or size < 0 or size >= len(self._out):
            out = bytes(self._out)
            self._out.clear()
            return out
        out = bytes(self._out[:size])
        del self._out[:size]
        return out

    def _feed(self, data: bytes) -> None:
        while data:
            self._in_frame = True
            self._out += self._frame.decompress(data)
            if not self._frame.eof:
                return
            # The frame ended: what follows it is the next frame.
            data = self._frame.unused_data
            self._frame = self._zstandard.ZstdDecompressor().decompressobj()
            self._in_frame = False

    def close(self) -> None:
        self._out.clear()


def _decompressor(kind: str, raw: Any) -> tuple[Any, tuple[type[BaseException], ...]]:
    """A reader of ``raw`` (a `_Raw`) decompressed, and the errors that mean its data is
    damaged."""
    damaged: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error, lzma.LZMAError)
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb"), damaged
    if kind == "bzip2":
        return bz2.BZ2File(raw), damaged
    if kind == "xz":
        return lzma.LZMAFile(raw), damaged
    try:
        zstd = importlib.import_module("compression.zstd")  # the standard library, Python 3.14+
    except ImportError:
        zstandard = require(
            "zstandard", "Reading Zstandard-compressed data before Python 3.14", extra="zstd"
        )
        return _ZstdFrames(zstandard, raw), (*damaged, zstandard.ZstdError)
    return zstd.ZstdFile(raw, mode="rb"), (*damaged, zstd.ZstdError)


def _size(source: object) -> int | None:
    """How many bytes a file object has left to read, when that is known without reading."""
    try:
        if isinstance(source, io.BytesIO):
            with source.getbuffer() as view:
                return max(view.nbytes - source.tell(), 0)
        if isinstance(source, io.BufferedReader | io.FileIO):
            status = os.fstat(source.fileno())
            if stat.S_ISREG(status.st_mode):
                return max(status.st_size - source.tell(), 0)
    except (OSError, ValueError):
        pass
    return None


def progress_bar(label: str, total: int | None) -> Any:
    """A tqdm bar on stderr counting bytes, or an error naming the ``progress`` extra."""
    tqdm = require("tqdm", "progress=True", extra="progress")
    description = os.path.basename(label) if not label.startswith("<") else label
    return tqdm.tqdm(
        total=total,
        desc=description,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        file=sys.stderr,
    )


class OpenedSource(io.RawIOBase):
    """A source's data as bytes, decompressed; `close` closes what `open_source` opened and the
    progress bar."""

    def __init__(
        self,
        label: str,
        raw: _Raw,
        stream: Any,
        *,
        kind: str | None,
        damaged: tuple[type[BaseException], ...],
        owned: Any,
        bar: Any,
    ) -> None:
        super().__init__()
        self.label = label
        self.compression = kind
        self._raw = raw
        self._stream = stream
        self._damaged = damaged
        self._owned = owned
        self._bar = bar

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        try:
            data = self._stream.read(-1 if size is None else size)
        except self._damaged as error:
            if error is self._raw.error or self.compression is None:
                raise
            raise InvalidDataError(
                self.label,
                None,
                None,
                f"complete, undamaged {self.compression}-compressed data",
                str(error),
            ) from error
        return data if isinstance(data, bytes) else bytes(data)

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if self.closed:
            return
        try:
            if self._stream is not self._raw:
                self._stream.close()
        finally:
            try:
                if self._owned is not None:
                    self._owned.close()
            finally:
                if self._bar is not None:
                    self._bar.close()
                super().close()


def open_source(source: FileSource, *, label: str, progress: bool = False) -> OpenedSource:
    """Open a path or wrap a file object (checked first with `check_source`) as bytes.

    Raises:
        InvalidDataError: a name that promises a compression the data does not have.
        ImportError: Zstandard data without a codec, or ``progress=True`` without tqdm.
    """
    bar = None
    owned: Any = None
    file: Any
    try:
        if isinstance(source, str | os.PathLike):
            path = os.fspath(source)
            if progress:
                bar = progress_bar(label, os.path.getsize(path))
            owned = file = open(path, "rb")  # noqa: SIM115 - closed by OpenedSource.close
            text = False
        else:
            file = source
            text = isinstance(source, io.TextIOBase) or (
                not isinstance(source, io.RawIOBase | io.BufferedIOBase)
                and isinstance(source.read(0), str)
            )
            if progress:
                bar = progress_bar(label, None if text else _size(source))
        raw = _Raw(file, text=text, bar=bar)
        kind: str | None = None
        if not text:
            head = raw.peek_head()
            kind = compression_of(head)
            suffix = os.path.splitext(label)[1].lower() if owned is not None else ""
            promised = SUFFIXES.get(suffix)
            if kind is None and promised is not None and head:
                # The first bytes of the file are what is shown.
                raise InvalidDataError(
                    label,
                    None,
                    None,
                    f"{promised}-compressed data, as the name ending in {suffix} says",
                    head,
                )
        stream: Any = raw
        damaged: tuple[type[BaseException], ...] = ()
        if kind is not None:
            stream, damaged = _decompressor(kind, raw)
        return OpenedSource(label, raw, stream, kind=kind, damaged=damaged, owned=owned, bar=bar)
    except BaseException:
        if owned is not None:
            owned.close()
        if bar is not None:
            bar.close()
        raise
