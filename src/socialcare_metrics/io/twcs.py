"""Loading the "Customer Support on Twitter" (twcs) export into conversations.

The export has one row per tweet: ``tweet_id, author_id, inbound, created_at, text,
response_tweet_id, in_response_to_tweet_id``. Inbound tweets are the customers'; the others are the
brands', with the brand's handle as ``author_id``. Threads are linked by
``in_response_to_tweet_id`` only (``response_tweet_id`` is its mirror image, and lists ids that
are often outside the file, so it is not needed).

How tweets become conversations (the loading-data page of the docs tells the same):

1. Follow ``in_response_to_tweet_id`` up to the top of each reply tree. A tweet whose parent is
   not in the file is the top of its own tree: it is kept, never dropped.
2. A thread starts at the topmost customer tweet of a path: the root tweet when a customer wrote
   it, and, under a brand tweet at the top (a broadcast, or a reply whose parent is not in the
   file), each customer tweet that answers it starts a thread of its own. The brand tweets above
   every customer tweet form a conversation of their own, id the top tweet's id: they are
   counted as replies sent and close no wait.
3. A thread that one brand answers (or none) is one conversation, id ``"<thread tweet id>"``.
4. A thread that several brands answer becomes one conversation per brand, id
   ``"<thread tweet id>:<brand>"``. Each brand's conversation holds its own tweets and the
   customer tweets under them (a customer tweet belongs to the brand whose tweet it replies to,
   directly or through other customer tweets); the customer tweets above every brand tweet are
   copied into each brand's conversation. Message ids are the tweet ids, so they stay unique
   within each conversation.
5. Within a conversation messages are in time order; at equal times a reply comes after the
   tweet it answers.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from .._core.columns import AUTHOR_AGENT, AUTHOR_CUSTOMER
from .._core.encode import pyarrow_or_none
from .._core.typing import BoolArray, Int64Array
from .._core.validation import check_bool
from ..errors import InvalidDataError, InvalidParameterError
from ..io._csv import CsvChunk, CsvScanner
from ..io._parse import (
    TIME_RANGE,
    eight_digit_values,
    eight_digit_words,
    in_time_range,
    parse_twitter_time_text,
    parse_twitter_times,
    parse_uint,
    parse_uint_text,
)
from ..io._source import FileSource, check_source, open_source
from ..io.result import Errors, LoadResult, ProblemLog, check_chunk_size, check_errors
from ..tables.messages import MessageTable

__all__ = ["TWCS_COLUMNS", "load_twcs"]

#: The columns of the twcs export, in its order.
TWCS_COLUMNS: Final = (
    "tweet_id",
    "author_id",
    "inbound",
    "created_at",
    "text",
    "response_tweet_id",
    "in_response_to_tweet_id",
)


_REQUIRED: Final = ("tweet_id", "author_id", "inbound", "created_at", "in_response_to_tweet_id")


_ID_WIDTH: Final = 24


_LF: Final = 10


_TRUE: Final = frozenset({"true", "1", "t", "yes"})


_FALSE: Final = frozenset({"false", "0", "f", "no"})


DEFAULT_CHUNK_SIZE: Final = 1 << 21


class _Columns:
    """The usable rows of the file, column by column, accumulated chunk by chunk."""

    def __init__(self) -> None:
        self.ids: list[Int64Array] = []
        self.id_text: list[npt.NDArray[np.bytes_]] = []
        self.parents: list[Int64Array] = []
        self.inbound: list[BoolArray] = []
        self.sent: list[Int64Array] = []
        self.rows: list[Int64Array] = []
        self.lines: list[Int64Array] = []
        self.brand: list[Int64Array] = []  # codes into handles of each brand tweet's author
        self.handles: dict[str, int] = {}
        self.text: list[npt.NDArray[np.object_]] = []


def load_twcs(
    source: FileSource,
    /,
    *,
    errors: Errors = "raise",
    channel: str = "twitter",
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: bool = False,
) -> LoadResult:
    """Read a "Customer Support on Twitter" (twcs) CSV export into conversations.

    Inbound tweets become customer messages; the other tweets become agent messages whose
    ``agent_id`` is the brand's handle. Tweets are joined into conversations by following
    ``in_response_to_tweet_id`` (see the module documentation and the "Loading data" page for
    the exact rules: threads several brands answer give one conversation per brand, replies
    whose parent is not in the file start a conversation of their own, and a brand broadcast's
    customer replies each start their own).

    The file may be the Kaggle original or a re-saved copy: an extra leading index column,
    ids written as floats (``3.0``), ``True``/``False`` or ``1``/``0`` in ``inbound``, CRLF line
    endings, line breaks and bare carriage returns inside the text, and rows in any order are
    all read as they are meant. Timestamps are read with the format
    ``%a %b %d %H:%M:%S %z %Y`` (``Tue Oct 31 22:10:47 +0000 2017``).

    Args:
        source: The CSV file: a path, plain or compressed (``.gz``, ``.bz2``, ``.xz``, and
            ``.zst`` with Python 3.14 or the ``zstd`` extra; recognised by the data's first
            bytes, whatever the name), or a file object open in binary or text mode (text is
            read as UTF-8). A file object is read from where it stands and is not closed.
        errors: ``"raise"`` (the default) stops at the first row that cannot be used and raises
            an [`InvalidDataError`][socialcare_metrics.InvalidDataError] naming the file, the
            line, the column and what is wrong; ``"collect"`` leaves such rows out and lists them
            in `LoadResult.problems`.
        channel: The channel of every message.
        chunk_size: How many bytes to read at a time (default 2 MiB). Memory use grows with
            it; the result does not depend on it.
        progress: Show a progress bar on stderr while the file is read (needs the
            ``progress`` extra, tqdm). It counts the bytes of the file as stored (compressed
            bytes for a compressed file) and is closed when reading ends, also on an error.

    Returns:
        A [`LoadResult`][socialcare_metrics.LoadResult]: ``.table`` for the metrics,
            ``.conversations()`` for records, ``.problems`` for the rows left out.

    Raises:
        InvalidDataError: the file has no header naming the twcs columns, or (with
            ``errors="raise"``) a row cannot be used.
        InvalidParameterError: an option has a bad value, or ``source`` is neither the path of
            an existing file nor a file object open for reading.

    Examples:
        >>> import tempfile, pathlib
        >>> from socialcare_metrics import first_reply_time
        >>> csv_text = '''tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
        ... 2,AcmeHelp,False,Tue Oct 31 22:10:47 +0000 2017,"@115712 Sorry! Please DM us.",,1
        ... 1,115712,True,Tue Oct 31 22:05:47 +0000 2017,@AcmeHelp my order is late,2,
        ... '''
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "twcs.csv"
        >>> _ = path.write_text(csv_text)
        >>> result = load_twcs(path)
        >>> [c.id for c in result.conversations()]
        ['1']
        >>> str(first_reply_time(result.table))
        '5 min'
    """  # noqa: E501
    function = "load_twcs"
    errors = check_errors(function, errors)
    chunk_size = check_chunk_size(function, chunk_size)
    if not isinstance(channel, str) or not channel:
        raise InvalidParameterError(function, "channel", "a non-empty str", channel)
    progress = check_bool(progress, function, "progress")
    label = check_source(function, "source", source, "a CSV file")
    log = ProblemLog(label, errors)
    cols = _Columns()
    with open_source(source, label=label, progress=progress) as opened:
        scanner = CsvScanner(opened, chunk_size=chunk_size, source=label)
        header = scanner.header
        index = {name: i for i, name in reversed(list(enumerate(header)))}
        missing = [name for name in _REQUIRED if name not in index]
        if missing:
            raise InvalidDataError(
                label,
                missing[0],
                scanner.header_line,
                "a header naming the twcs columns " + ", ".join(TWCS_COLUMNS),
                header,
            )
        repeated = [name for name in TWCS_COLUMNS if header.count(name) > 1]
        if repeated:
            # Either of the two could be meant: reading the first would be a guess.
            raise InvalidDataError(
                label,
                repeated[0],
                scanner.header_line,
                f"one column named {repeated[0]!r}",
                f"{header.count(repeated[0])} columns named {repeated[0]!r}",
            )
        for chunk in scanner.read_ahead():
            for bad in chunk.bad:
                log.add(bad.row, bad.line, None, bad.expected, bad.text, found=bad.found)
            _read_chunk(chunk, index, log, cols)
            log.check()
        rows_read = scanner.rows_read
    table = _build_table(cols, log, channel)
    log.check()
    return LoadResult(table=table, problems=log.result(), rows_read=rows_read, source=label)


def _read_chunk(chunk: CsvChunk, index: dict[str, int], log: ProblemLog, cols: _Columns) -> None:
    n = len(chunk)
    if n == 0:
        return
    ok = np.ones(n, dtype=bool)

    def report(column: str, bad: Int64Array, expected: str, values: list[str]) -> None:
        for i, value in zip(bad.tolist(), values, strict=True):
            log.add(int(chunk.rows[i]), int(chunk.lines[i]), column, expected, value)
        ok[bad] = False

    id_text: npt.NDArray[np.bytes_] = np.zeros(0, dtype="S1")

    def ids(column: str, allow_empty: bool) -> Int64Array:
        nonlocal id_text
        # Ids of up to 8 digits (the export's, as written) are read from one 64-bit word each.
        words, lengths = chunk.words(index[column])
        usable = eight_digit_words(words, lengths)
        if allow_empty:
            usable |= lengths == 0
        if usable.all():
            values = eight_digit_values(words, lengths)
            if allow_empty:
                values[lengths == 0] = -1
            else:  # the ids as text, for message ids: the word's bytes are the digits
                id_text = words.view("S8")
            return values
        matrix, lengths = chunk.matrix(index[column], -_ID_WIDTH)
        values, parsed = parse_uint(matrix, lengths)
        canonical = parsed.copy()
        if not allow_empty:
            # The ids as text, for message ids: bytes to str in C, not one str() per int.
            id_text = (
                np.ascontiguousarray(matrix).view(f"S{matrix.shape[1]}").ravel()
                if matrix.shape[1]
                else np.zeros(matrix.shape[0], dtype="S1")  # every id empty
            )
            canonical &= lengths == np.char.str_len(id_text)
        if allow_empty:
            parsed |= lengths == 0
            values[lengths == 0] = -1
        slow = np.flatnonzero(~parsed)
        if slow.size:
            texts = chunk.strings(index[column], slow)
            failed: list[int] = []
            failed_text: list[str] = []
            for i, text in zip(slow.tolist(), texts, strict=True):
                number = parse_uint_text(text)
                if number is None and allow_empty and not text.strip():
                    number = -1
                if number is None or number > np.iinfo(np.int64).max:
                    failed.append(i)
                    failed_text.append(text)
                else:
                    values[i] = number
            expected = "a tweet id (a non-negative integer below 2**63)"
            if allow_empty:
                expected += " or nothing"
            report(column, np.asarray(failed, dtype=np.int64), expected, failed_text)
        if not allow_empty and not canonical.all():
            # Ids read one by one (or with bytes the matrix cannot show) are written as their
            # number, once it is known.
            id_text = id_text.astype(f"S{max(id_text.dtype.itemsize, 20)}")
            for i in np.flatnonzero(~canonical).tolist():
                id_text[i] = str(int(values[i])).encode()
        return values

    tweet_id = ids("tweet_id", allow_empty=False)
    parent = ids("in_response_to_tweet_id", allow_empty=True)

    words, lengths = chunk.words(index["inbound"])
    true = (lengths == 4) & (words == _TRUE_WORD)
    false = (lengths == 5) & (words == _FALSE_WORD)
    slow = np.flatnonzero(~(true | false))
    if slow.size:
        bad: list[int] = []
        bad_text: list[str] = []
        for i, text in zip(slow.tolist(), chunk.strings(index["inbound"], slow), strict=True):
            word = text.strip().lower()
            if word in _TRUE:
                true[i] = True
            elif word not in _FALSE:
                bad.append(i)
                bad_text.append(text)
        report("inbound", np.asarray(bad, dtype=np.int64), "True or False", bad_text)

    matrix, lengths = chunk.matrix(index["created_at"], 30)
    sent, parsed = parse_twitter_times(matrix, lengths)
    slow = np.flatnonzero(~parsed)
    if slow.size:
        bad, bad_text = [], []
        outside, outside_text = [], []
        for i, text in zip(slow.tolist(), chunk.strings(index["created_at"], slow), strict=True):
            value = parse_twitter_time_text(text)
            if value is None:
                bad.append(i)
                bad_text.append(text)
            elif not in_time_range(value):
                outside.append(i)
                outside_text.append(text)
            else:
                sent[i] = value
        report(
            "created_at",
            np.asarray(bad, dtype=np.int64),
            "a time like 'Tue Oct 31 22:10:47 +0000 2017' (%a %b %d %H:%M:%S %z %Y)",
            bad_text,
        )
        report("created_at", np.asarray(outside, dtype=np.int64), TIME_RANGE, outside_text)

    author_start, author_end, _ = chunk.bounds(index["author_id"])
    empty_author = np.flatnonzero(author_end == author_start)
    report("author_id", empty_author, "an author handle", [""] * empty_author.size)

    keep = np.flatnonzero(ok)
    inbound = true[keep]
    brand_rows = keep[~inbound]
    cols.ids.append(tweet_id[keep])
    cols.id_text.append(id_text[keep])
    cols.parents.append(parent[keep])
    cols.inbound.append(inbound)
    cols.sent.append(sent[keep])
    cols.rows.append(chunk.rows[keep])
    cols.lines.append(chunk.lines[keep])
    cols.brand.append(_handle_codes(chunk, index["author_id"], brand_rows, cols.handles))
    if "text" not in index:
        texts: npt.NDArray[np.object_] = np.full(keep.size, "", dtype=object)
    else:
        texts = chunk.objects(index["text"], None if keep.size == n else keep)
    cols.text.append(texts)


def _handle_codes(
    chunk: CsvChunk, column: int, rows: Int64Array, handles: dict[str, int]
) -> Int64Array:
    """Codes of the handles in ``rows`` of ``column``, adding new handles to ``handles``.

    A few dozen brands write hundreds of thousands of tweets: the handles are compared as
    fixed-width byte rows packed into integers, and only one string per distinct handle is made.
    """
    matrix, lengths = chunk.matrix(column, -64, rows)
    width = matrix.shape[1]
    long = lengths > width
    if rows.size == 0:
        return np.zeros(0, dtype=np.int64)
    padded = np.zeros((rows.shape[0], -(-max(width, 1) // 8) * 8), dtype=np.uint8)
    padded[:, :width] = matrix
    # The length too: zero padding must not make "a" and "a\x00" one handle.
    words = np.column_stack([padded.view(np.uint64), lengths.astype(np.uint64)])
    order = np.lexsort(words.T[::-1])
    sorted_words = words[order]
    new_group = np.ones(rows.shape[0], dtype=bool)
    new_group[1:] = np.any(sorted_words[1:] != sorted_words[:-1], axis=1)
    group = np.cumsum(new_group) - 1
    firsts = order[new_group]
    names = chunk.strings(column, rows[firsts])
    codes_of_group = np.array(
        [handles.setdefault(name.strip(), len(handles)) for name in names], dtype=np.int64
    )
    codes = np.empty(rows.shape[0], dtype=np.int64)
    codes[order] = codes_of_group[group]
    for i in np.flatnonzero(long).tolist():  # handles too long to compare as bytes
        name = chunk.strings(column, rows[i : i + 1])[0].strip()
        codes[i] = handles.setdefault(name, len(handles))
    return codes


def _concat(parts: Sequence[npt.NDArray[Any]], dtype: Any) -> npt.NDArray[Any]:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def _build_table(cols: _Columns, log: ProblemLog, channel: str) -> MessageTable:
    ids = np.asarray(_concat(cols.ids, np.int64), dtype=np.int64)
    id_text = _concat(cols.id_text, "S1")
    parents = np.asarray(_concat(cols.parents, np.int64), dtype=np.int64)
    inbound: BoolArray = _concat(cols.inbound, np.bool_).astype(np.bool_)
    sent = np.asarray(_concat(cols.sent, np.int64), dtype=np.int64)
    rows = np.asarray(_concat(cols.rows, np.int64), dtype=np.int64)
    lines = np.asarray(_concat(cols.lines, np.int64), dtype=np.int64)
    text = _concat(cols.text, object)
    # Brand handles as codes into sorted names.
    lookup = cols.handles
    raw_codes = np.asarray(_concat(cols.brand, np.int64), dtype=np.int64)
    names = sorted(lookup)
    remap = np.empty(len(names), dtype=np.int64)
    for new, name in enumerate(names):
        remap[lookup[name]] = new
    brand = np.full(ids.shape[0], -1, dtype=np.int64)
    brand[~inbound] = remap[raw_codes] if raw_codes.size else raw_codes

    # Duplicate tweet ids: the first row keeps the id, later ones are reported.
    keep = np.ones(ids.shape[0], dtype=bool)
    order = np.argsort(ids, kind="stable")
    same = np.flatnonzero(ids[order][1:] == ids[order][:-1])
    if same.size:
        first_of: dict[int, int] = {}
        for k in same.tolist():
            first = first_of.setdefault(int(ids[order[k]]), int(order[k]))
            dup = int(order[k + 1])
            log.add(
                int(rows[dup]),
                int(lines[dup]),
                "tweet_id",
                f"a tweet id not used before (line {int(lines[first])} has it)",
                str(int(ids[dup])),
            )
            keep[dup] = False
    parent_index = _link(ids, parents, keep, order if keep.all() else None)

    # Replies that loop back on themselves never reach the top of a tree: report them.
    tree_root, looped = _roots(parent_index)
    looped &= keep
    if looped.any():
        for i in np.flatnonzero(looped).tolist():
            log.add(
                int(rows[i]),
                int(lines[i]),
                "in_response_to_tweet_id",
                "a reply chain that ends at a tweet answering nothing (this one loops back)",
                str(int(parents[i])),
            )
        keep &= ~looped
        parent_index = _link(ids, parents, keep)

    if not keep.all():
        sel = np.flatnonzero(keep)
        ids, id_text, parents, inbound, sent, brand, text, rows = (
            ids[sel],
            id_text[sel],
            parents[sel],
            inbound[sel],
            sent[sel],
            brand[sel],
            text[sel],
            rows[sel],
        )
        order = np.argsort(ids, kind="stable")
        parent_index = _link(ids, parents, np.ones(sel.shape[0], dtype=bool), order)
        tree_root, _ = _roots(parent_index)
    n = ids.shape[0]
    everyone = np.arange(n, dtype=np.int64)
    source_rows = rows

    topmost_customer = _topmost(parent_index, np.where(inbound, everyone, -1))
    thread = np.where(topmost_customer >= 0, topmost_customer, tree_root)
    cut = parent_index.copy()
    cut[thread == everyone] = -1
    nearest_brand = _nearest(cut, brand)
    depth = _depth(parent_index)

    # The brands of each thread, as sorted (thread, brand) pairs.
    n_brands = max(len(names), 1)
    pair_keys = _sorted_unique(thread[~inbound] * n_brands + brand[~inbound])
    pair_thread = pair_keys // n_brands
    pair_brand = pair_keys % n_brands
    brands_in_thread = np.bincount(pair_thread, minlength=n)
    multi = brands_in_thread[thread] >= 2
    conv_brand = np.where(multi, nearest_brand, -1)
    shared = multi & (nearest_brand < 0)

    base = np.flatnonzero(~shared)
    copied = np.flatnonzero(shared)
    copies = brands_in_thread[thread[copied]]
    copy_rows = np.repeat(copied, copies)
    within = np.arange(copy_rows.shape[0], dtype=np.int64) - np.repeat(
        np.cumsum(copies) - copies, copies
    )
    first_pair = np.searchsorted(pair_thread, thread[copy_rows])
    out_rows = np.concatenate([base, copy_rows])
    out_brand = np.concatenate([conv_brand[base], pair_brand[first_pair + within]])

    # Conversations ordered by the thread's tweet id, then brand name.
    order_by_id = order
    rank = np.empty(n, dtype=np.int64)
    rank[order_by_id] = everyone
    conv_key = rank[thread[out_rows]] * (n_brands + 1) + (out_brand + 1)
    # One sort by (conversation, time, depth); conversation codes are then where the key changes.
    order = _sort_order(conv_key, sent[out_rows], depth[out_rows])
    out_rows = out_rows[order]
    conv_key = conv_key[order]
    starts = np.ones(conv_key.shape[0], dtype=bool)
    starts[1:] = conv_key[1:] != conv_key[:-1]
    conv_code = np.cumsum(starts, dtype=np.int64) - 1
    unique_keys = conv_key[starts]
    thread_rows = order_by_id[unique_keys // (n_brands + 1)]
    key_brand = unique_keys % (n_brands + 1) - 1
    # Labels: the thread's tweet id as written, and ":<brand>" where several brands answer.
    split = np.flatnonzero(key_brand >= 0)
    labels = _Labels(
        ids=id_text[thread_rows],
        split=split,
        suffixes=[f":{names[key_brand[i]]}" for i in split.tolist()],
    )
    assignee = _assignees(
        key_brand=key_brand,
        thread_rows=thread_rows,
        brands_in_thread=brands_in_thread,
        pair_thread=pair_thread,
        pair_brand=pair_brand,
        conv_code=conv_code,
        message_rows=out_rows,
        inbound=inbound,
        text=text,
        names=names,
    )
    return _assemble(
        conversation=conv_code,
        labels=labels,
        sent_at=sent[out_rows],
        author=np.where(inbound[out_rows], AUTHOR_CUSTOMER, AUTHOR_AGENT).astype(np.int8),
        agent=brand[out_rows].astype(np.int32),
        agent_names=tuple(names),
        assignee=assignee,
        channel=channel,
        message_id=id_text[out_rows],
        text=text[out_rows],
        row=source_rows[out_rows],
    )


#: ``True`` and ``False`` as `CsvChunk.words` reads them.
_TRUE_WORD: Final = np.uint64(int.from_bytes(b"True", "little"))


_FALSE_WORD: Final = np.uint64(int.from_bytes(b"False", "little"))


_HANDLE: Final = re.compile(r"@([A-Za-z0-9_]+)")


def _assignees(
    *,
    key_brand: Int64Array,
    thread_rows: Int64Array,
    brands_in_thread: Int64Array,
    pair_thread: Int64Array,
    pair_brand: Int64Array,
    conv_code: Int64Array,
    message_rows: Int64Array,
    inbound: BoolArray,
    text: npt.NDArray[np.object_],
    names: list[str],
) -> npt.NDArray[np.int32]:
    """Each conversation's brand, as a code into ``names`` (-1 for none).

    A conversation split by brand belongs to its brand, and a thread one brand answered to that
    brand. A thread no brand answered belongs to the brand its customer tweets address: the first
    ``@handle`` (compared without regard to case, as Twitter does) that is a brand's handle
    elsewhere in the file, in the earliest customer tweet that has one. With none, it has no brand.
    """
    assignee = key_brand.copy()
    n_threads_brands = brands_in_thread[thread_rows]
    single = np.flatnonzero((assignee < 0) & (n_threads_brands == 1))
    if single.size:
        assignee[single] = pair_brand[np.searchsorted(pair_thread, thread_rows[single])]
    unanswered = (assignee < 0) & (n_threads_brands == 0)
    if unanswered.any() and names:
        by_handle: dict[str, int] = {}
        for code, name in enumerate(names):
            by_handle.setdefault(name.casefold(), code)
        # The customer tweets of unanswered conversations, already in time order.
        wanted = np.flatnonzero(unanswered[conv_code] & inbound[message_rows])
        texts = text[message_rows[wanted]]
        mentioned = _first_brand_mentions(texts, by_handle)
        # Each conversation's earliest tweet that mentions a brand.
        found = np.flatnonzero(mentioned >= 0)
        conversations, first = np.unique(conv_code[wanted[found]], return_index=True)
        assignee[conversations] = mentioned[found[first]]
    return assignee.astype(np.int32)


def _first_brand_mentions(texts: npt.NDArray[np.object_], by_handle: dict[str, int]) -> Int64Array:
    """For each text, the code of the first ``@handle`` in it that is a brand's (compared by
    ``casefold``), or -1.

    With pyarrow, each text's first mention is found by Arrow's regular expressions at once;
    only the texts whose first mention is not a brand's are then read in Python, for the
    mentions after it.
    """
    out = np.full(texts.shape[0], -1, dtype=np.int64)
    pending: list[int] = list(range(texts.shape[0]))
    pa = pyarrow_or_none()
    if pa is not None and texts.size:
        pc = importlib.import_module("pyarrow.compute")
        first = pc.extract_regex(
            pa.array(texts, pa.string()), _HANDLE.pattern.replace("(", "(?P<h>", 1)
        )
        handles = first.field("h").to_pylist()
        pending = []
        for i, handle in enumerate(handles):
            if handle is None:
                continue  # no mention at all
            code = by_handle.get(handle.casefold())
            if code is None:
                pending.append(i)  # a later mention may be a brand's
            else:
                out[i] = code
    for i in pending:
        for handle in _HANDLE.findall(str(texts[i] or "")):
            code = by_handle.get(handle.casefold())
            if code is not None:
                out[i] = code
                break
    return out


def _sorted_unique(values: Int64Array) -> Int64Array:
    """``np.unique(values)`` by sorting (numpy's hash-based unique is slower on these keys)."""
    values = np.sort(values)
    first = np.ones(values.shape[0], dtype=bool)
    first[1:] = values[1:] != values[:-1]
    return values[first]


def _sort_order(conv_key: Int64Array, sent: Int64Array, depth: Int64Array) -> Int64Array:
    """``np.lexsort((depth, sent, conv_key))``: one stable argsort of a combined key.

    ``conv_key`` and ``depth`` are non-negative; times are taken relative to the earliest and
    divided by their greatest common divisor (a second, for tweets). When the combined key could
    overflow, the three keys are sorted the long way.
    """
    n = conv_key.shape[0]
    if n == 0:
        return np.lexsort((depth, sent, conv_key))
    earliest = int(sent.min())
    span = int(sent.max()) - earliest
    if span >= 1 << 62:
        return np.lexsort((depth, sent, conv_key))
    since = sent - earliest
    step = int(np.gcd.reduce(since)) or 1
    if step > 1:
        since //= step
    n_times = span // step + 1
    n_depths = int(depth.max()) + 1
    if (int(conv_key.max()) + 1) * n_times * n_depths >= 1 << 63:
        return np.lexsort((depth, sent, conv_key))
    key = (conv_key * n_times + since) * n_depths + depth
    return np.argsort(key, kind="stable")


def _ascii_objects(values: npt.NDArray[np.bytes_]) -> npt.NDArray[np.object_]:
    """``values.astype("U").astype(object)``, without the wide str array in between.

    The values (trailing NULs dropped) are joined with line feeds, decoded once and split.
    """
    n = values.shape[0]
    width = values.dtype.itemsize
    matrix = np.ascontiguousarray(values).view(np.uint8).reshape(n, width)
    lengths = np.char.str_len(values)
    if (
        n == 0
        or int(matrix.max()) >= 0x80
        or np.count_nonzero(matrix) != int(lengths.sum())  # a NUL inside a value
        or bool((matrix == _LF).any())
    ):
        return values.astype("U").astype(object)
    lines = np.strings.add(values, b"\n")
    lines_matrix = lines.view(np.uint8).reshape(n, lines.dtype.itemsize)
    joined = lines_matrix[lines_matrix != 0].tobytes().decode("ascii")
    out = np.empty(n, dtype=object)
    out[:] = joined.split("\n")[:-1]
    return out


@attrs.frozen
class _Labels:
    """Conversation labels: thread ids as written (ASCII digits), some with a suffix."""

    ids: npt.NDArray[np.bytes_]
    split: Int64Array  # the labels that have a suffix
    suffixes: list[str]

    def objects(self) -> npt.NDArray[np.object_]:
        labels = _ascii_objects(self.ids)
        for i, suffix in zip(self.split.tolist(), self.suffixes, strict=True):
            labels[i] += suffix
        return labels

    def arrow(self, pa: Any) -> Any:
        if not self.suffixes:
            return _ascii_arrow(pa, self.ids)
        # Room for the longest suffix, in UTF-8 bytes (a handle may be any text).
        encoded = [suffix.encode() for suffix in self.suffixes]
        width = self.ids.dtype.itemsize + max(len(e) for e in encoded)
        labels = self.ids.astype(f"S{width}")
        for i, suffix in zip(self.split.tolist(), encoded, strict=True):
            labels[i] = labels[i] + suffix
        return pa.array(labels, pa.binary()).cast(pa.string())


def _ascii_arrow(pa: Any, values: npt.NDArray[np.bytes_]) -> Any:
    """Byte strings of ASCII digits (trailing NULs dropped) as an Arrow string array, from
    their bytes at once; anything else through Arrow's checked conversion."""
    n = values.shape[0]
    width = values.dtype.itemsize
    matrix = np.ascontiguousarray(values).view(np.uint8).reshape(n, width)
    lengths = np.char.str_len(values)
    inside = np.arange(width)[None, :] < lengths[:, None]
    digits = matrix - np.uint8(48) <= 9  # uint8 wraps below "0"
    if n == 0 or not bool(np.all(digits | ~inside)):
        return pa.array(values, pa.binary()).cast(pa.string())
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(matrix[inside]))
    )


def _assemble(
    *,
    conversation: Int64Array,
    labels: _Labels,
    sent_at: Int64Array,
    author: npt.NDArray[np.int8],
    agent: npt.NDArray[np.int32],
    agent_names: tuple[str, ...],
    assignee: npt.NDArray[np.int32],
    channel: str,
    message_id: npt.NDArray[np.bytes_],
    text: npt.NDArray[np.object_],
    row: Int64Array,
) -> MessageTable:
    """The table, from columns already sorted by conversation then time and already coded,
    through [`MessageTable.from_columns`][socialcare_metrics.MessageTable.from_columns].

    Coded columns go in as Arrow dictionary arrays when pyarrow is installed (codes into names,
    which the table takes without a look at each row); otherwise as the values themselves.
    """
    n = sent_at.shape[0]
    pa = pyarrow_or_none()
    assignee_rows = assignee[conversation] if n else np.zeros(0, dtype=np.int32)
    if pa is not None:

        def coded(codes: npt.NDArray[np.integer[Any]], names: Sequence[str]) -> Any:
            indices = pa.array(codes.astype(np.int32), mask=codes < 0)
            return pa.DictionaryArray.from_arrays(indices, pa.array(list(names), pa.string()))

        indices = pa.array(conversation.astype(np.int32))
        conversation_ids: Any = pa.DictionaryArray.from_arrays(indices, labels.arrow(pa))
        agents: Any = coded(agent, agent_names)
        assignees: Any = coded(assignee_rows, agent_names)
        channels: Any = coded(np.zeros(n, dtype=np.int32), [channel])
        ids: Any = _ascii_arrow(pa, message_id)
    else:
        names = np.array([*agent_names, None], dtype=object)  # -1 -> None
        conversation_ids = labels.objects()[conversation]
        agents, assignees = names[agent], names[assignee_rows]
        channels = [channel] * n
        ids = _ascii_objects(message_id)
    table = MessageTable.from_columns(
        conversation_id=conversation_ids,
        sent_at=sent_at,
        author=author,
        agent_id=agents,
        channel=channels,
        message_id=ids,
        text=text,
        assignee=assignees,
    )
    # The table again, with ``row`` naming the file's data rows (the rows went in sorted).
    columns = {
        name: getattr(table, name) for name in MessageTable.__slots__ if not name.startswith("_")
    }
    columns["row"] = row[table.row]
    return MessageTable(**columns)


def _link(
    ids: Int64Array,
    parents: Int64Array,
    keep: BoolArray,
    order: Int64Array | None = None,
) -> Int64Array:
    """The row index of each tweet's parent among the kept rows, or -1.

    ``order`` is the stable argsort of ``ids``, when the caller has it and every row is kept.
    """
    if order is None:
        kept = np.flatnonzero(keep)
        order = kept[np.argsort(ids[kept], kind="stable")]
    sorted_ids = ids[order]
    at = np.searchsorted(sorted_ids, parents)
    at_clipped = np.minimum(at, max(sorted_ids.shape[0] - 1, 0))
    found = (parents >= 0) & (at < sorted_ids.shape[0])
    if sorted_ids.shape[0]:
        found &= sorted_ids[at_clipped] == parents
    else:
        found[:] = False
    return np.where(found, order[at_clipped] if order.size else -1, -1).astype(np.int64)


def _roots(parent: Int64Array) -> tuple[Int64Array, BoolArray]:
    """The top of each tweet's tree, and which tweets are in or below a loop of replies.

    Pointer jumping: each round replaces every pointer by its pointer's pointer, so a chain of
    depth d is climbed in log2(d) rounds. A tree's top points to itself and answers nothing; a
    pointer that settles, or is still moving after as many rounds as any chain could need, on a
    tweet that answers something is in a loop.
    """
    n = parent.shape[0]
    root = np.where(parent >= 0, parent, np.arange(n, dtype=np.int64))
    for _ in range(max(n, 1).bit_length() + 1):
        up = root[root]
        if np.array_equal(up, root):
            break
        root = up
    looped = parent[root] >= 0 if n else np.zeros(0, dtype=bool)
    return root, looped


def _topmost(parent: Int64Array, value: Int64Array) -> Int64Array:
    """For each tweet, the highest ``value >= 0`` on its path to the top (itself included)."""
    value = value.copy()
    up = parent.copy()
    while True:
        moving = np.flatnonzero(up >= 0)
        if not moving.size:
            return value
        above = up[moving]
        higher = value[above]
        value[moving] = np.where(higher >= 0, higher, value[moving])
        up[moving] = up[above]


def _nearest(parent: Int64Array, value: Int64Array) -> Int64Array:
    """For each tweet, the nearest ``value >= 0`` on its path to the top (itself included)."""
    value = value.copy()
    up = parent.copy()
    while True:
        moving = np.flatnonzero((up >= 0) & (value < 0))
        if not moving.size:
            return value
        above = up[moving]
        value[moving] = value[above]
        up[moving] = up[above]


def _depth(parent: Int64Array) -> Int64Array:
    """How many replies each tweet is below the top of its tree."""
    depth = (parent >= 0).astype(np.int64)
    up = parent.copy()
    while True:
        moving = np.flatnonzero(up >= 0)
        if not moving.size:
            return depth
        above = up[moving]
        depth[moving] += depth[above]
        up[moving] = up[above]
