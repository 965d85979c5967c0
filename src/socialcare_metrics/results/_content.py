"""What the content results share: a ranking's rows, the tag sets of items, counts per group.

`ItemTags` is the per-item field that says which tags each item (a message, a conversation)
carries, as a code into a short list of distinct tag sets. A result built from a table may
hold it unread (the table's column and the item rows): the tags are then read only when a
method asks for them, so sentiment shares never pay for a tags column they do not use.
Pickled, it keeps only the codes and the sets its items use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .._core.columns import _object_array
from .._core.typing import Int32Array, Int64Array
from .._engine.content import TagSets, TopicIndex, encode_tag_sets, no_tags, pair_counts

__all__ = ["ItemTags", "RankedCount", "rank", "top_per_group", "topic_counts_per_group"]


@attrs.frozen
class RankedCount:
    """One row of a ranking: an option (or a topic), how many items have it, and their share.

    Attributes:
        name: The quick-reply option or the topic.
        count: How many items have it.
        share: ``count`` over the items the ranking is of, in [0, 1] (see the result: the
            messages with a quick reply, or every message or conversation counted for topics).
    """

    name: str
    count: int
    share: float


def rank(names: Sequence[str], counts: Int64Array, total: int) -> list[RankedCount]:
    """The names with a count, most first; equal counts by name (names are given sorted)."""
    present = np.flatnonzero(counts)
    order = present[np.argsort(-counts[present], kind="stable")]
    return [
        RankedCount(name=names[i], count=int(counts[i]), share=int(counts[i]) / total)
        for i in order.tolist()
    ]


def top_per_group(
    group: Int64Array,
    category: Int64Array,
    counts: Int64Array,
    n_groups: int,
    names: Sequence[str],
) -> tuple[npt.NDArray[np.object_], Int64Array]:
    """Each group's most frequent category (its name; the first by name on a tie; ``None``
    for a group with none) and that category's count (0 for none).

    ``(group, category, counts)`` are the present pairs (from `pair_counts`); category codes
    follow the order of the sorted names.
    """
    top = np.full(n_groups, None, dtype=object)
    top_count = np.zeros(n_groups, dtype=np.int64)
    if group.shape[0] == 0:
        return top, top_count
    order = np.lexsort((category, -counts, group))
    first = order[np.concatenate(([True], group[order][1:] != group[order][:-1]))]
    top_count[group[first]] = counts[first]
    lookup = _object_array(list(names))
    top[group[first]] = lookup[category[first]]
    return top, top_count


def topic_counts_per_group(
    groups: Int64Array,
    n_groups: int,
    set_codes: npt.NDArray[np.integer[Any]],
    index: TopicIndex,
) -> tuple[Int64Array, Int64Array, Int64Array]:
    """How many items of each group have each topic: present (group, topic, count) triples.

    Items are counted per (group, tag set) first, then each set's count is given to its
    topics: the work grows with the items once, and then with the distinct sets, not with
    the tags of every item.
    """
    n_sets = index.offsets.shape[0] - 1
    g, s, c = pair_counts(groups, set_codes.astype(np.int64, copy=False), n_sets)
    sizes = index.sizes[s]
    pair_group = np.repeat(g, sizes)
    pair_count = np.repeat(c, sizes)
    if pair_group.shape[0] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    run_start = np.repeat(np.cumsum(sizes) - sizes, sizes)
    within = np.arange(pair_group.shape[0], dtype=np.int64) - run_start
    pair_topic = index.members[np.repeat(index.offsets[:-1][s], sizes) + within]
    return pair_counts(pair_group, pair_topic, len(index.names), weights=pair_count)


class ItemTags:
    """The tag set of each item of a result.

    Either encoded (a code per item into ``sets``) or not yet read (the rows of a table's
    ``tags`` column, read and encoded the first time a method asks).
    """

    __slots__ = ("_codes", "_column", "_rows", "_sets")

    def __init__(
        self,
        *,
        codes: Int32Array | None = None,
        sets: TagSets | None = None,
        column: npt.NDArray[np.object_] | None = None,
        rows: npt.NDArray[np.intp] | None = None,
    ) -> None:
        self._codes = codes
        self._sets = sets
        self._column = column
        self._rows = rows

    @classmethod
    def encoded(cls, codes: Int32Array, sets: TagSets) -> ItemTags:
        """Tags already encoded: ``codes[i]`` indexes item ``i``'s set in ``sets``."""
        return cls(codes=codes, sets=sets)

    @classmethod
    def unread(cls, column: npt.NDArray[np.object_] | None, rows: npt.NDArray[np.intp]) -> ItemTags:
        """The tags of ``column[rows]``, read when first needed (``None``: no tags at all)."""
        if column is None:
            return cls(codes=np.zeros(rows.shape[0], dtype=np.int32), sets=no_tags())
        return cls(column=column, rows=rows)

    def __len__(self) -> int:
        if self._codes is not None:
            return int(self._codes.shape[0])
        assert self._rows is not None
        return int(self._rows.shape[0])

    def subset(self, index: npt.NDArray[np.intp]) -> ItemTags:
        if self._codes is not None:
            return ItemTags(codes=self._codes[index], sets=self._sets)
        assert self._rows is not None
        return ItemTags(column=self._column, rows=self._rows[index])

    def codes_and_sets(self) -> tuple[Int32Array, TagSets]:
        """Each item's set code and the sets (of normalised paths)."""
        if self._codes is None:
            assert self._column is not None
            assert self._rows is not None
            self._codes, self._sets = encode_tag_sets(self._column[self._rows])
            self._column = self._rows = None
        assert self._sets is not None
        return self._codes, self._sets

    def topics(self, level: int | None) -> tuple[Int32Array, TopicIndex]:
        """The set codes and the topics at ``level`` of each set."""
        codes, sets = self.codes_and_sets()
        return codes, sets.topics(level)

    def __reduce__(
        self,
    ) -> tuple[Any, tuple[()], dict[str, Any]]:
        codes, sets = self.codes_and_sets()
        used, inverse = np.unique(codes, return_inverse=True)
        state = {
            "codes": inverse.astype(np.int32).reshape(-1),
            "sets": sets.subset(used) if used.shape[0] else no_tags(),
        }
        return (_new_item_tags, (), state)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._codes = state["codes"]
        self._sets = state["sets"]
        self._column = None
        self._rows = None


def _new_item_tags() -> ItemTags:
    return ItemTags(codes=np.zeros(0, dtype=np.int32), sets=no_tags())
