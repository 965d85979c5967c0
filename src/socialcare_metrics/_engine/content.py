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
from .._core.typing import BoolArray, Int32Array, Int64Array
from ..tables.messages import MessageTable

__all__ = [
    "TagSets",
    "TopicIndex",
    "conversation_tag_sets",
    "customer_columns",
    "customer_rows",
    "encode_tag_sets",
    "message_tag_sets",
    "no_tags",
    "normalize_path",
    "pair_counts",
    "replace_columns",
    "topic_at_level",
]

#: A path's parts are separated by this.
SEPARATOR = "/"


def customer_rows(table: MessageTable) -> npt.NDArray[np.intp]:
    """The rows of public customer messages (private notes excluded), in table order.

    Kept on the table (read-only): every content metric starts from them.
    """
    cached: npt.NDArray[np.intp] | None = table._derived.get("customer_rows")
    if cached is None:
        cached = np.flatnonzero((table.author == AUTHOR_CUSTOMER) & ~table.private)
        cached.flags.writeable = False
        table._derived["customer_rows"] = cached
    return cached


def customer_columns(table: MessageTable) -> tuple[Int32Array, Int32Array, Int64Array]:
    """For each public customer message: its conversation's assignee, its channel, its time.

    What the content results group by (`GroupKeys`), kept on the table (read-only) and shared
    by the results that hold them; when every row is a public customer message the table's
    own columns are used, not copies.
    """
    cached: tuple[Int32Array, Int32Array, Int64Array] | None = table._derived.get(
        "customer_columns"
    )
    if cached is not None:
        return cached
    rows = customer_rows(table)
    if rows.shape[0] == len(table):
        agent = table.assignee[table.conversation]
        found = (agent, table.channel, table.sent_at)
    else:
        agent = table.assignee[table.conversation[rows]]
        found = (agent, table.channel[rows], table.sent_at[rows])
    for array in found:
        array.flags.writeable = False
    table._derived["customer_columns"] = found
    return found


def normalize_path(path: str) -> str | None:
    """A topic path with each part stripped of surrounding space and empty parts dropped.

    ``" Billing / refund/"`` becomes ``"Billing/refund"``; a path with no part left is ``None``.
    Case is kept: tags are the caller's own vocabulary.
    """
    parts = [part.strip() for part in path.split(SEPARATOR)]
    kept = [part for part in parts if part]
    return SEPARATOR.join(kept) if kept else None


def _parts(path: str) -> tuple[str, ...]:
    return tuple(path.split(SEPARATOR))


def topic_at_level(path: str, level: int | None) -> str | None:
    """The first ``level`` parts of a normalised path, or ``None`` if it has fewer parts."""
    if level is None:
        return path
    parts = path.split(SEPARATOR)
    if len(parts) < level:
        return None
    return SEPARATOR.join(parts[:level])


@attrs.frozen(eq=False)
class TagSets:
    """Distinct tag sets over one vocabulary of normalised paths, as flat arrays.

    ``paths`` is the vocabulary, ordered by the paths' parts (``("a", "b")`` before
    ``("a-c",)``), so that cutting paths to a level keeps their order: within a set, paths
    that lead to the same topic are neighbours. Set ``s`` holds the paths
    ``members[offsets[s]:offsets[s + 1]]``, ascending.
    """

    paths: tuple[str, ...]
    offsets: Int64Array
    members: Int64Array

    @classmethod
    def from_tuples(cls, sets: Sequence[Iterable[str]]) -> TagSets:
        """Sets of raw paths, normalised (stripped parts, no empty ones, each path once)."""
        normalised = []
        for tags in sets:
            paths = {normalize_path(tag) for tag in tags}
            normalised.append({p for p in paths if p is not None})
        vocabulary = sorted({p for paths in normalised for p in paths}, key=_parts)
        position = {path: i for i, path in enumerate(vocabulary)}
        sizes = np.array([len(paths) for paths in normalised], dtype=np.int64)
        offsets = np.zeros(len(normalised) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        members = np.array(
            [code for paths in normalised for code in sorted(position[p] for p in paths)],
            dtype=np.int64,
        )
        return cls(paths=tuple(vocabulary), offsets=offsets, members=members)

    @classmethod
    def from_masks(cls, paths: tuple[str, ...], masks: npt.NDArray[np.uint64]) -> TagSets:
        """Sets given as bit masks over ``paths`` (bit ``i`` of word ``w``: path ``64 w + i``)."""
        bits = np.unpackbits(
            np.ascontiguousarray(masks.astype("<u8")).view(np.uint8), axis=1, bitorder="little"
        )
        set_of, member = np.nonzero(bits)
        offsets = np.zeros(masks.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(set_of, minlength=masks.shape[0]), out=offsets[1:])
        return cls(paths=paths, offsets=offsets, members=member.astype(np.int64))

    def __len__(self) -> int:
        return int(self.offsets.shape[0] - 1)

    @property
    def sizes(self) -> Int64Array:
        """How many paths each set holds."""
        sizes: Int64Array = self.offsets[1:] - self.offsets[:-1]
        return sizes

    def _set_of_member(self) -> Int64Array:
        return np.repeat(np.arange(len(self), dtype=np.int64), self.sizes)

    def tuples(self) -> list[tuple[str, ...]]:
        """Each set as a tuple of its paths."""
        members = self.members.tolist()
        bounds = self.offsets.tolist()
        return [tuple(self.paths[m] for m in members[a:b]) for a, b in itertools.pairwise(bounds)]

    def subset(self, index: npt.NDArray[np.integer[Any]]) -> TagSets:
        """The sets at ``index``, in that order, over the same vocabulary."""
        index = np.asarray(index, dtype=np.int64)
        _, members = _expand(index, index, self.offsets, self.members)
        offsets = np.zeros(index.shape[0] + 1, dtype=np.int64)
        np.cumsum(self.sizes[index], out=offsets[1:])
        return TagSets(paths=self.paths, offsets=offsets, members=members)

    def concat(self, other: TagSets) -> TagSets:
        """These sets, then ``other``'s, over the union of the two vocabularies."""
        vocabulary = sorted(set(self.paths) | set(other.paths), key=_parts)
        position = {path: i for i, path in enumerate(vocabulary)}
        mine = np.array([position[p] for p in self.paths], dtype=np.int64)
        theirs = np.array([position[p] for p in other.paths], dtype=np.int64)
        # Each vocabulary keeps its order inside the union: members stay ascending.
        members = np.concatenate([mine[self.members], theirs[other.members]])
        offsets = np.concatenate([self.offsets, self.offsets[-1] + other.offsets[1:]])
        return TagSets(paths=tuple(vocabulary), offsets=offsets, members=members)

    def append(self, other: TagSets) -> TagSets:
        """These sets, then ``other``'s, which uses the same vocabulary."""
        return TagSets(
            paths=self.paths,
            offsets=np.concatenate([self.offsets, self.offsets[-1] + other.offsets[1:]]),
            members=np.concatenate([self.members, other.members]),
        )

    def masks(self) -> npt.NDArray[np.uint64]:
        """Each set as bit masks over the vocabulary: ``(sets, words)`` of 64 bits."""
        words = max(1, -(-len(self.paths) // 64))
        masks = np.zeros((len(self), words), dtype=np.uint64)
        bit = np.left_shift(np.uint64(1), (self.members % 64).astype(np.uint64))
        np.bitwise_or.at(masks, (self._set_of_member(), self.members // 64), bit)
        return masks

    def topics(self, level: int | None) -> TopicIndex:
        """Each set's topics at ``level`` (``None``: the paths themselves), each once."""
        cut = [topic_at_level(path, level) for path in self.paths]
        # Cut paths keep the vocabulary's order: equal topics come in runs.
        in_order: list[str] = []
        path_topic = np.full(len(self.paths) + 1, -1, dtype=np.int64)  # the last: padding
        for i, topic in enumerate(cut):
            if topic is None:
                continue
            if not in_order or in_order[-1] != topic:
                in_order.append(topic)
            path_topic[i] = len(in_order) - 1
        names = sorted(in_order)
        by_name = {name: i for i, name in enumerate(names)}
        remap = np.array([by_name[t] for t in in_order], dtype=np.int64).reshape(-1)
        member_topic = path_topic[self.members]
        set_of = self._set_of_member()
        has = member_topic >= 0
        member_topic, set_of = member_topic[has], set_of[has]
        repeat = np.zeros(member_topic.shape[0], dtype=bool)
        repeat[1:] = (member_topic[1:] == member_topic[:-1]) & (set_of[1:] == set_of[:-1])
        member_topic, set_of = member_topic[~repeat], set_of[~repeat]
        offsets = np.zeros(len(self) + 1, dtype=np.int64)
        np.cumsum(np.bincount(set_of, minlength=len(self)), out=offsets[1:])
        members: Int64Array = remap[member_topic] if member_topic.shape[0] else member_topic
        return TopicIndex(level=level, names=tuple(names), offsets=offsets, members=members)


def no_tags() -> TagSets:
    """No tags at all: one set, the empty one."""
    return TagSets(
        paths=(), offsets=np.zeros(2, dtype=np.int64), members=np.zeros(0, dtype=np.int64)
    )


def _factorize_hashable(values: list[Any]) -> tuple[Int64Array, list[Any]]:
    """Codes (in order of first appearance) and the distinct values, one hash per value.

    ``dict.setdefault`` fed by a counter stores each value's first position in one C-level
    pass (no Python bytecode per value); a lookup array turns first positions into codes.
    """
    lookup: dict[Any, int] = {}
    first = np.fromiter(
        map(lookup.setdefault, values, itertools.count()), dtype=np.int64, count=len(values)
    )
    firsts = np.fromiter(lookup.values(), dtype=np.int64, count=len(lookup))
    code_of_first = np.empty(len(values), dtype=np.int64)
    code_of_first[firsts] = np.arange(firsts.shape[0], dtype=np.int64)
    codes: Int64Array = code_of_first[first]
    return codes, list(lookup)


def encode_tag_sets(
    values: Sequence[Iterable[str] | None] | npt.NDArray[Any],
) -> tuple[Int32Array, TagSets]:
    """Each item's tag set as a code into the distinct normalised sets.

    ``None`` is no tags. Two raw sets that normalise alike (``("a", "a/")`` and ``("a",)``)
    share a code. The one pass with a Python step per item: a dictionary lookup.
    """
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    if not items:
        return np.zeros(0, dtype=np.int32), no_tags()
    try:
        raw_codes, distinct = _factorize_hashable(items)
    except TypeError:  # lists inside: the table holds tuples, a caller may not
        raw_codes, distinct = _factorize_hashable(
            [v if v is None or isinstance(v, str) else tuple(v) for v in items]
        )
    raw_sets = [() if v is None else (v,) if isinstance(v, str) else v for v in distinct]
    normalised = TagSets.from_tuples(raw_sets)
    keys = normalised.tuples()
    first: dict[tuple[str, ...], int] = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    distinct = sorted(first, key=lambda key: [_parts(path) for path in key])
    position = {key: i for i, key in enumerate(distinct)}
    remap = np.array([position[key] for key in keys], dtype=np.int32)
    sets = normalised.subset(np.array([first[key] for key in distinct], dtype=np.int64))
    codes: Int32Array = remap[raw_codes]
    return codes, sets


def message_tag_sets(table: MessageTable) -> tuple[Int32Array, TagSets]:
    """The tag set of every public customer message (the rows of `customer_rows`).

    Computed once per table and kept on it: the metrics that read tags share the one pass over
    the Python tuples of the column.
    """
    cached: tuple[Int32Array, TagSets] | None = table._derived.get("customer_tag_sets")
    if cached is not None:
        return cached
    rows = customer_rows(table)
    if table.tags is None:
        encoded: tuple[Int32Array, TagSets] = (np.zeros(rows.shape[0], dtype=np.int32), no_tags())
    else:
        encoded = encode_tag_sets(table.tags[rows])
    encoded[0].flags.writeable = False
    table._derived["customer_tag_sets"] = encoded
    return encoded


#: Above this many 64-bit words of paths, unions are found by sorting (item, path) pairs
#: instead of OR-ing bit masks.
_MAX_MASK_WORDS = 8


def conversation_tag_sets(
    table: MessageTable,
) -> tuple[Int64Array, Int64Array, Int32Array, TagSets]:
    """Per conversation that has a public customer message: its topics as one tag set.

    A conversation's set is the union of its own tags and the tags of its public customer
    messages. Returns the conversation codes (ascending), the row of each one's first public
    customer message, the set codes and the sets.

    Most conversations need no union: their tagged messages (and their own tags, if any)
    carry one set. The others are unions of bit masks (one bit per path), OR-reduced over
    each conversation's rows, then factorised. Kept on the table, like the message sets.
    """
    cached: tuple[Int64Array, Int64Array, Int32Array, TagSets] | None = table._derived.get(
        "conversation_tag_sets"
    )
    if cached is not None:
        return cached
    found = _conversation_tag_sets(table)
    for array in found[:3]:
        array.flags.writeable = False
    table._derived["conversation_tag_sets"] = found
    return found


def _conversation_tag_sets(
    table: MessageTable,
) -> tuple[Int64Array, Int64Array, Int32Array, TagSets]:
    rows = customer_rows(table)
    row_codes, sets = message_tag_sets(table)
    if rows.shape[0] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.int32), sets
    conv_of_row = table.conversation[rows]
    new_item = np.concatenate(([True], conv_of_row[1:] != conv_of_row[:-1]))
    starts = np.flatnonzero(new_item)
    conversations = conv_of_row[starts]
    first_rows = rows[starts].astype(np.int64)
    n_items = conversations.shape[0]
    item_of_row = np.cumsum(new_item, dtype=np.int64)  # (a bool cumsum without a dtype is slow)
    item_of_row -= 1

    own_codes: Int64Array | None = None
    if table.conversation_tags is not None:
        codes, own_sets = encode_tag_sets(table.conversation_tags[conversations])
        if own_sets.members.shape[0]:
            own_codes = codes.astype(np.int64) + len(sets)
            sets = sets.concat(own_sets)
    empty_set = sets.sizes == 0

    tagged = np.flatnonzero((~empty_set)[row_codes])
    t_item = item_of_row[tagged]
    t_code = row_codes[tagged].astype(np.int64)
    lowest = np.full(n_items, -1, dtype=np.int64)
    highest = np.full(n_items, -1, dtype=np.int64)
    if t_item.shape[0]:
        # Rows are in conversation order: each item's tagged rows are one run.
        run = np.flatnonzero(np.concatenate(([True], t_item[1:] != t_item[:-1])))
        lowest[t_item[run]] = np.minimum.reduceat(t_code, run)
        highest[t_item[run]] = np.maximum.reduceat(t_code, run)
    if own_codes is not None:
        own = ~empty_set[own_codes]
        lowest = np.where(
            own, np.where(lowest >= 0, np.minimum(lowest, own_codes), own_codes), lowest
        )
        highest = np.where(own, np.maximum(highest, own_codes), highest)

    if not empty_set.any():
        sets = sets.append(no_tags())
        empty_set = np.append(empty_set, True)
    item_codes = np.where(lowest == highest, lowest, -1)
    item_codes[highest < 0] = int(np.flatnonzero(empty_set)[0])
    mixed = np.flatnonzero(item_codes < 0)
    if mixed.shape[0]:
        is_mixed = np.zeros(n_items, dtype=bool)
        is_mixed[mixed] = True
        keep = is_mixed[t_item]
        m_item, m_code = t_item[keep], t_code[keep]
        if own_codes is not None:
            # The conversation's own set is one more member of each union.
            extra = mixed[~empty_set[own_codes[mixed]]]
            order = np.argsort(np.concatenate([m_item, extra]), kind="stable")
            m_item = np.concatenate([m_item, extra])[order]
            m_code = np.concatenate([m_code, own_codes[extra]])[order]
        union_codes, unions = _unions(m_item, m_code, sets, mixed.shape[0], is_mixed)
        item_codes[mixed] = len(sets) + union_codes
        sets = sets.append(unions)
    return conversations, first_rows, item_codes.astype(np.int32), sets


def _unions(
    item: Int64Array, code: Int64Array, sets: TagSets, n_mixed: int, is_mixed: BoolArray
) -> tuple[Int64Array, TagSets]:
    """The union of the sets of each mixed item: codes into the distinct unions, and those.

    ``item`` (sorted) and ``code`` list the sets of the mixed items, each item at least twice.
    """
    position = np.cumsum(is_mixed) - 1  # an item's place among the mixed ones
    run = np.flatnonzero(np.concatenate(([True], item[1:] != item[:-1])))
    words = max(1, -(-len(sets.paths) // 64))
    if words <= _MAX_MASK_WORDS:
        set_masks = sets.masks()
        masks = np.zeros((n_mixed, words), dtype=np.uint64)
        for word in range(words):
            masks[position[item[run]], word] = np.bitwise_or.reduceat(set_masks[code, word], run)
        if words == 1:
            distinct, inverse = np.unique(masks[:, 0], return_inverse=True)
            return inverse.reshape(-1).astype(np.int64), TagSets.from_masks(
                sets.paths, distinct.reshape(-1, 1)
            )
        distinct, inverse = np.unique(masks, axis=0, return_inverse=True)
        return inverse.reshape(-1).astype(np.int64), TagSets.from_masks(sets.paths, distinct)
    # Many paths: each mixed item's paths, found by sorting (item, path) pairs; each item
    # keeps a set of its own.
    pair_item, pair_path = _expand(position[item], code, sets.offsets, sets.members)
    n_paths = len(sets.paths)
    key = np.unique(pair_item * n_paths + pair_path)
    offsets = np.zeros(n_mixed + 1, dtype=np.int64)
    np.cumsum(np.bincount(key // n_paths, minlength=n_mixed), out=offsets[1:])
    return np.arange(n_mixed, dtype=np.int64), TagSets(
        paths=sets.paths, offsets=offsets, members=key % n_paths
    )


def _expand(
    item: npt.NDArray[np.integer[Any]],
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
    pair_item = np.repeat(np.asarray(item, dtype=np.int64), sizes)
    run_start = np.repeat(np.cumsum(sizes) - sizes, sizes)
    within = np.arange(total, dtype=np.int64) - run_start
    pair_member = members[np.repeat(offsets[:-1][set_codes], sizes) + within]
    return pair_item, pair_member


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
