"""What the content metrics (quick replies, topics, sentiment) share, below every one of them.

- Which rows they read: public customer messages.
- Tags as **tag sets**: every item (a message, a conversation) carries a code into a short list
  of distinct sets of normalised topic paths, so that counting topics is a count of codes, a
  handful of numpy operations whatever the number of messages. The Python tuples of the table's
  ``tags`` column are read once per table (the only pass with a Python step per message: one
  dictionary lookup each) and the codes are kept on the table for the next metric.
- Topics at a level: ``billing/refund/partial`` is the topic ``billing`` at level 1 and the
  subtopic ``billing/refund`` at level 2; a path with fewer parts than the level names nothing
  at that level.
- A table with some columns replaced (tags from rules, scores from a scorer), sharing the rest.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .._core.columns import AUTHOR_CUSTOMER, _object_array
from .._core.typing import Int32Array, Int64Array
from ..tables.messages import MessageTable

__all__ = [
    "TopicIndex",
    "conversation_tag_sets",
    "customer_rows",
    "encode_tag_sets",
    "message_tag_sets",
    "normalize_path",
    "pair_counts",
    "replace_columns",
    "topic_index",
]

#: A path's parts are separated by this.
SEPARATOR = "/"


def customer_rows(table: MessageTable) -> npt.NDArray[np.intp]:
    """The rows of public customer messages (private notes excluded), in table order."""
    return np.flatnonzero((table.author == AUTHOR_CUSTOMER) & ~table.private)


def normalize_path(path: str) -> str | None:
    """A topic path with each part stripped of surrounding space and empty parts dropped.

    ``" Billing / refund/"`` becomes ``"Billing/refund"``; a path with no part left is ``None``.
    Case is kept: tags are the caller's own vocabulary.
    """
    parts = [part.strip() for part in path.split(SEPARATOR)]
    kept = [part for part in parts if part]
    return SEPARATOR.join(kept) if kept else None


def _normalize_set(tags: Iterable[str]) -> tuple[str, ...]:
    paths = {normalize_path(tag) for tag in tags}
    paths.discard(None)
    return tuple(sorted(p for p in paths if p is not None))


def _factorize_hashable(values: list[Any]) -> tuple[Int64Array, list[Any]]:
    """Codes (in order of first appearance) and the distinct values, one hash per value.

    ``dict.setdefault`` fed by a counter stores each value's first position in one C-level
    pass; first positions rise with the codes, so a ``searchsorted`` turns them into codes.
    """
    lookup: dict[Any, int] = {}
    first = np.fromiter(
        map(lookup.setdefault, values, itertools.count()), dtype=np.int64, count=len(values)
    )
    firsts = np.fromiter(lookup.values(), dtype=np.int64, count=len(lookup))
    codes: Int64Array = np.searchsorted(firsts, first).astype(np.int64, copy=False)
    return codes, list(lookup)


def encode_tag_sets(
    values: Sequence[Iterable[str] | None] | npt.NDArray[Any],
) -> tuple[Int32Array, tuple[tuple[str, ...], ...]]:
    """Each item's tag set as a code into the distinct normalised sets (sorted; ``()`` if any).

    ``None`` is no tags. Two raw sets that normalise alike (``("a", "a/")`` and ``("a",)``)
    share a code.
    """
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    try:
        raw_codes, distinct = _factorize_hashable(items)
    except TypeError:  # lists inside: the table holds tuples, a caller may not
        raw_codes, distinct = _factorize_hashable(
            [v if v is None or isinstance(v, str) else tuple(v) for v in items]
        )
    normalized = [
        () if raw is None else _normalize_set((raw,) if isinstance(raw, str) else raw)
        for raw in distinct
    ]
    sets = sorted(set(normalized))
    position = {s: i for i, s in enumerate(sets)}
    remap = np.array([position[s] for s in normalized], dtype=np.int32)
    codes: Int32Array = remap[raw_codes] if raw_codes.shape[0] else np.zeros(0, dtype=np.int32)
    return codes, tuple(sets) if sets else ((),)


def message_tag_sets(table: MessageTable) -> tuple[Int32Array, tuple[tuple[str, ...], ...]]:
    """The tag set of every public customer message (the rows of `customer_rows`).

    Computed once per table and kept on it: the metrics that read tags share the one pass over
    the Python tuples of the column.
    """
    cached: tuple[Int32Array, tuple[tuple[str, ...], ...]] | None = table._derived.get(
        "customer_tag_sets"
    )
    if cached is not None:
        return cached
    rows = customer_rows(table)
    if table.tags is None:
        encoded: tuple[Int32Array, tuple[tuple[str, ...], ...]] = (
            np.zeros(rows.shape[0], dtype=np.int32),
            ((),),
        )
    else:
        encoded = encode_tag_sets(table.tags[rows])
    encoded[0].flags.writeable = False
    table._derived["customer_tag_sets"] = encoded
    return encoded


def conversation_tag_sets(
    table: MessageTable,
) -> tuple[Int64Array, Int64Array, Int32Array, tuple[tuple[str, ...], ...]]:
    """Per conversation that has a public customer message: its topics as one tag set.

    A conversation's set is the union of its own tags and the tags of its public customer
    messages. Returns the conversation codes (ascending), the row of each one's first public
    customer message, the set codes and the distinct sets.
    """
    rows = customer_rows(table)
    row_codes, row_sets = message_tag_sets(table)
    conv_of_row = table.conversation[rows]
    if rows.shape[0] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.int32), ((),)
    starts = np.flatnonzero(np.concatenate(([True], conv_of_row[1:] != conv_of_row[:-1])))
    conversations = conv_of_row[starts]
    first_rows = rows[starts]
    n_items = conversations.shape[0]
    item_of_row = np.cumsum(
        np.concatenate(([0], (conv_of_row[1:] != conv_of_row[:-1]).astype(np.int64)))
    )

    own_codes: Int32Array | None = None
    own_sets: tuple[tuple[str, ...], ...] = ((),)
    if table.conversation_tags is not None:
        own_codes, own_sets = encode_tag_sets(table.conversation_tags[conversations])
    if own_codes is None or own_sets == ((),):
        # The common case: only the messages are tagged. A conversation whose tagged messages
        # all carry one set has that set; only the others need a union.
        return _union_sets(item_of_row, row_codes, row_sets, n_items, conversations, first_rows)
    # Both: the union of the conversation's own set and its messages' sets.
    paths = sorted({p for s in (*row_sets, *own_sets) for p in s})
    return _union_of_both(
        item_of_row,
        row_codes,
        row_sets,
        own_codes,
        own_sets,
        paths,
        n_items,
        conversations,
        first_rows,
    )


def _set_members(
    sets: Sequence[tuple[str, ...]], position: dict[str, int]
) -> tuple[Int64Array, Int64Array]:
    """CSR of each set's path codes: ``members[offsets[s]:offsets[s + 1]]``."""
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    members = np.array([position[p] for s in sets for p in s], dtype=np.int64)
    return offsets, members


def _expand(
    item: Int64Array,
    set_codes: npt.NDArray[np.integer[Any]],
    offsets: Int64Array,
    members: Int64Array,
) -> tuple[Int64Array, Int64Array]:
    """(item, member) pairs: each item repeated once per member of its set."""
    sizes = (offsets[1:] - offsets[:-1])[set_codes]
    total = int(sizes.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    pair_item = np.repeat(item, sizes)
    run_start = np.repeat(np.cumsum(sizes) - sizes, sizes)
    within = np.arange(total, dtype=np.int64) - run_start
    pair_member = members[np.repeat(offsets[:-1][set_codes], sizes) + within]
    return pair_item, pair_member


def _union_sets(
    item_of_row: Int64Array,
    row_codes: Int32Array,
    row_sets: tuple[tuple[str, ...], ...],
    n_items: int,
    conversations: Int64Array,
    first_rows: npt.NDArray[np.intp],
) -> tuple[Int64Array, Int64Array, Int32Array, tuple[tuple[str, ...], ...]]:
    empty_code = row_sets.index(()) if () in row_sets else -1
    tagged = row_codes != empty_code
    codes = np.full(n_items, -1, dtype=np.int64)
    if not tagged.any():
        return conversations, first_rows.astype(np.int64), np.zeros(n_items, dtype=np.int32), ((),)
    # Items whose tagged rows all carry one set take it (most conversations).
    t_item = item_of_row[tagged]
    t_code = row_codes[tagged].astype(np.int64)
    # Rows are in conversation order: each item's tagged rows are one run.
    run_starts = np.flatnonzero(np.concatenate(([True], t_item[1:] != t_item[:-1])))
    lowest = np.full(n_items, -1, dtype=np.int64)
    highest = np.full(n_items, -1, dtype=np.int64)
    lowest[t_item[run_starts]] = np.minimum.reduceat(t_code, run_starts)
    highest[t_item[run_starts]] = np.maximum.reduceat(t_code, run_starts)
    single = (highest >= 0) & (lowest == highest)
    codes[single] = lowest[single]
    mixed = np.flatnonzero((highest >= 0) & (lowest != highest))
    sets: list[tuple[str, ...]] = list(row_sets)
    if mixed.size:
        paths = sorted({p for s in row_sets for p in s})
        position = {p: i for i, p in enumerate(paths)}
        offsets, members = _set_members(row_sets, position)
        is_mixed = np.zeros(n_items, dtype=bool)
        is_mixed[mixed] = True
        keep = is_mixed[t_item]
        pair_item, pair_path = _expand(t_item[keep], t_code[keep], offsets, members)
        new_codes, new_sets = _sets_of_pairs(pair_item, pair_path, paths, n_items)
        # Sets already known keep their codes; new ones are appended.
        known = {s: i for i, s in enumerate(sets)}
        remap = np.empty(len(new_sets), dtype=np.int64)
        for i, s in enumerate(new_sets):
            if s not in known:
                known[s] = len(sets)
                sets.append(s)
            remap[i] = known[s]
        codes[mixed] = remap[new_codes[mixed]]
    if (codes < 0).any():
        if () not in sets:
            sets.append(())
        codes[codes < 0] = sets.index(())
    return _sorted_sets(conversations, first_rows, codes, sets)


def _union_of_both(
    item_of_row: Int64Array,
    row_codes: Int32Array,
    row_sets: tuple[tuple[str, ...], ...],
    own_codes: Int32Array,
    own_sets: tuple[tuple[str, ...], ...],
    paths: list[str],
    n_items: int,
    conversations: Int64Array,
    first_rows: npt.NDArray[np.intp],
) -> tuple[Int64Array, Int64Array, Int32Array, tuple[tuple[str, ...], ...]]:
    position = {p: i for i, p in enumerate(paths)}
    row_offsets, row_members = _set_members(row_sets, position)
    own_offsets, own_members = _set_members(own_sets, position)
    a_item, a_path = _expand(item_of_row, row_codes, row_offsets, row_members)
    b_item, b_path = _expand(
        np.arange(n_items, dtype=np.int64), own_codes, own_offsets, own_members
    )
    codes, sets = _sets_of_pairs(
        np.concatenate([a_item, b_item]), np.concatenate([a_path, b_path]), paths, n_items
    )
    return _sorted_sets(conversations, first_rows, codes, list(sets))


def _sets_of_pairs(
    pair_item: Int64Array, pair_path: Int64Array, paths: Sequence[str], n_items: int
) -> tuple[Int64Array, tuple[tuple[str, ...], ...]]:
    """Each item's set of paths, from (item, path code) pairs (duplicates allowed), as codes.

    Sets of one size are factorised together as rows of a 2-d array, so there is no Python
    step per item, only one per distinct size.
    """
    n_paths = max(len(paths), 1)
    key = np.unique(pair_item * n_paths + pair_path)
    item = key // n_paths
    path = key % n_paths
    sizes = np.bincount(item, minlength=n_items)
    starts = np.zeros(n_items, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    codes = np.zeros(n_items, dtype=np.int64)  # size 0: the empty set, code 0
    sets: list[tuple[str, ...]] = [()]
    for size in np.unique(sizes[sizes > 0]).tolist():
        items = np.flatnonzero(sizes == size)
        matrix = path[starts[items][:, None] + np.arange(size)]
        distinct, inverse = np.unique(matrix, axis=0, return_inverse=True)
        codes[items] = len(sets) + inverse.reshape(-1)
        sets.extend(tuple(paths[c] for c in row) for row in distinct.tolist())
    return codes, tuple(sets)


def _sorted_sets(
    conversations: Int64Array,
    first_rows: npt.NDArray[np.intp],
    codes: Int64Array,
    sets: list[tuple[str, ...]],
) -> tuple[Int64Array, Int64Array, Int32Array, tuple[tuple[str, ...], ...]]:
    """The same codes into the sets sorted, without the sets no item uses."""
    used = np.flatnonzero(np.bincount(codes, minlength=len(sets)))
    ordered = sorted(used.tolist(), key=lambda i: sets[i])
    remap = np.full(len(sets), -1, dtype=np.int32)
    remap[ordered] = np.arange(len(ordered), dtype=np.int32)
    return (
        conversations,
        first_rows.astype(np.int64),
        remap[codes],
        tuple(sets[i] for i in ordered),
    )


@attrs.frozen(eq=False)
class TopicIndex:
    """The topics at one level of a list of tag sets.

    ``names`` are the topics, sorted; set ``s`` holds the topics
    ``members[offsets[s]:offsets[s + 1]]`` (codes into ``names``, each once).
    """

    level: int | None
    names: tuple[str, ...]
    offsets: Int64Array
    members: Int64Array

    @property
    def sizes(self) -> Int64Array:
        """How many topics each set holds."""
        sizes: Int64Array = self.offsets[1:] - self.offsets[:-1]
        return sizes

    def pairs(self, set_codes: npt.NDArray[np.integer[Any]]) -> tuple[Int64Array, Int64Array]:
        """(item, topic) pairs of items given by their set codes, item-major."""
        items = np.arange(set_codes.shape[0], dtype=np.int64)
        return _expand(items, set_codes, self.offsets, self.members)


def topic_at_level(path: str, level: int | None) -> str | None:
    """The first ``level`` parts of a normalised path, or ``None`` if it has fewer parts."""
    if level is None:
        return path
    parts = path.split(SEPARATOR)
    if len(parts) < level:
        return None
    return SEPARATOR.join(parts[:level])


def topic_index(sets: Sequence[tuple[str, ...]], level: int | None) -> TopicIndex:
    """Each set's topics at ``level`` (``None``: the paths as they are)."""
    per_set = [sorted({t for p in s if (t := topic_at_level(p, level)) is not None}) for s in sets]
    names = tuple(sorted({t for topics in per_set for t in topics}))
    position = {name: i for i, name in enumerate(names)}
    sizes = np.array([len(t) for t in per_set], dtype=np.int64)
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    members = np.array([position[t] for topics in per_set for t in topics], dtype=np.int64)
    return TopicIndex(level=level, names=names, offsets=offsets, members=members)


def pair_counts(
    first: Int64Array, second: Int64Array, n_second: int, weights: Int64Array | None = None
) -> tuple[Int64Array, Int64Array, Int64Array]:
    """How many times (or how much weight) each present (first, second) pair has.

    Returned sorted by first, then second. A dense count when the grid is small, a sort of the
    combined key otherwise (100,000 groups by 10,000 sets would be a billion cells).
    """
    n_second = max(n_second, 1)
    if first.shape[0] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    key = first * n_second + second
    cells = (int(first.max()) + 1) * n_second
    if cells <= 4 * key.shape[0] + (1 << 20):
        dense = np.bincount(key, weights=weights, minlength=cells)
        present = np.flatnonzero(dense)
        counts = dense[present].astype(np.int64)
    elif weights is None:
        present, counts = np.unique(key, return_counts=True)
    else:
        present, inverse = np.unique(key, return_inverse=True)
        counts = np.bincount(inverse.reshape(-1), weights=weights).astype(np.int64)
        nonzero = counts != 0
        present, counts = present[nonzero], counts[nonzero]
    return present // n_second, present % n_second, counts.astype(np.int64, copy=False)


def replace_columns(table: MessageTable, **columns: Any) -> MessageTable:
    """A new table: ``table`` with the given columns replaced, every other column shared.

    The columns are read-only, so sharing them is safe; the new table starts with no derived
    data (its waits and tag sets are its own).
    """
    current = {
        name: getattr(table, name) for name in MessageTable.__slots__ if not name.startswith("_")
    }
    unknown = set(columns) - set(current)
    if unknown:  # pragma: no cover - a programming error inside the library
        raise TypeError(f"unknown columns {sorted(unknown)}")
    current.update(columns)
    return MessageTable(**current)


def object_column(values: Sequence[Any]) -> npt.NDArray[np.object_]:
    """A 1-d object array of ``values`` (tuples stay items, not a second dimension)."""
    return _object_array(list(values))
