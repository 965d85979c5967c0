"""Voice of the customer: the terms that set one set of customer messages apart from another.

A `VoiceResult` holds one item per public customer message: which side of the comparison it is
on (the segment, what it is compared against, neither or both), its distinct terms, its ids and
its group keys. Every statistic (the counts, the log-odds ranking, the examples) is computed from
those items, so a split with ``by()`` ranks the terms again within each group: by brand, by
channel, by week. The counts behind a ranking are a mergeable `TermCounts`: counting two halves
of the data and adding them gives the counts of the whole, and so the same ranking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Final, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from .._core.time import ns_to_datetime
from .._core.typing import BoolArray, FloatArray, Int8Array, Int64Array
from .._engine.log_odds import log_odds
from .._engine.text import TermIndex, ranges
from ..errors import InvalidParameterError
from ._base import ITEM, Labels, Result, Summary, _plain
from ._grouping import GroupKeys
from ._render import aligned_lines, format_cell
from ._stats import group_counts

__all__ = [
    "SIDE_AGAINST",
    "SIDE_BOTH",
    "SIDE_NEITHER",
    "SIDE_SEGMENT",
    "TermCounts",
    "TermExample",
    "TermLists",
    "TermScore",
    "VoiceRanking",
    "VoiceResult",
]

#: Which side of a comparison a message is on (the per-item codes of a `VoiceResult`).
SIDE_NEITHER: Final = 0
SIDE_SEGMENT: Final = 1
SIDE_AGAINST: Final = 2
SIDE_BOTH: Final = 3  # in the segment and in what it is compared against: counted in neither

DEFAULT_TOP: Final = 20
DEFAULT_MIN_COUNT: Final = 3
DEFAULT_PRIOR: Final = 0.1

# Grouped summaries count (group, term) pairs on a dense grid up to this many cells (a few
# hundred megabytes at most), and by sorting the pairs beyond it.
_DENSE_GRID: Final = 1 << 25


# --- what a ranking reports ---------------------------------------------------------------------


@attrs.frozen
class TermExample:
    """A message that uses a term: where to find it.

    Attributes:
        conversation_id: The conversation's id.
        message_id: The message's id (``None`` when the data had no message ids).
        sent_at: When the customer sent it (UTC).
    """

    conversation_id: str
    message_id: str | None
    sent_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """Plain values: the ids and the ISO time."""
        return {
            "conversation_id": self.conversation_id,
            "message_id": self.message_id,
            "sent_at": self.sent_at.isoformat(),
        }


@attrs.frozen
class TermScore:
    """One term of a ranking: how strongly it sets the segment apart, and the counts behind it.

    Attributes:
        term: The term (a word, a Han character bigram, an emoji or a word bigram).
        z: The log-odds ratio divided by its standard error: positive when the segment uses
            the term more than what it is compared against, negative when less. Beyond about
            +-1.96 the difference is unlikely to be chance.
        delta: The log-odds ratio itself (with the prior), the size of the difference.
        segment_count: Messages of the segment that use the term.
        against_count: Messages of the other side that use it.
        corpus_count: Customer messages (every one, on either side or neither) that use it: the
            prior's count.
        segment_share: ``segment_count`` over the segment's messages (``None`` if it has none).
        against_share: ``against_count`` over the other side's messages.
        examples: A few messages that use the term, on the side it leans to, latest first.
    """

    term: str
    z: float
    delta: float
    segment_count: int
    against_count: int
    corpus_count: int
    segment_share: float | None
    against_share: float | None
    examples: tuple[TermExample, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain values, examples as dicts."""
        return {
            "term": self.term,
            "z": self.z,
            "delta": self.delta,
            "segment_count": self.segment_count,
            "against_count": self.against_count,
            "corpus_count": self.corpus_count,
            "segment_share": self.segment_share,
            "against_share": self.against_share,
            "examples": [example.to_dict() for example in self.examples],
        }


# --- counts and the ranking they give -----------------------------------------------------------


def _check_ranking_options(min_count: object, prior: object, function: str) -> None:
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise InvalidParameterError(function, "min_count", "an int >= 1", min_count)
    if (
        isinstance(prior, bool)
        or not isinstance(prior, int | float)
        or not 0 < prior < float("inf")  # NaN fails too
    ):
        raise InvalidParameterError(function, "prior", "a finite number > 0", prior)


@attrs.frozen(eq=False)
class _Scored:
    """Eligible terms (codes into a vocabulary) with their counts and scores."""

    codes: Int64Array
    segment: Int64Array
    against: Int64Array
    corpus: Int64Array
    delta: FloatArray
    z: FloatArray


def _score(
    segment: Int64Array,
    against: Int64Array,
    corpus: Int64Array,
    min_count: int,
    prior: float,
) -> _Scored:
    """The log-odds of every term used at least ``min_count`` times on the two sides."""
    codes = np.flatnonzero(segment + against >= min_count).astype(np.int64)
    y_i, y_j, y = segment[codes], against[codes], corpus[codes]
    delta, z = log_odds(
        y_i,
        y_j,
        y,
        np.asarray(segment.sum(), dtype=np.int64),
        np.asarray(against.sum(), dtype=np.int64),
        np.asarray(corpus.sum(), dtype=np.int64),
        prior,
    )
    return _Scored(codes, y_i, y_j, y, delta, z)


def _leaders(scored: _Scored, term: Callable[[int], str], k: int | None, sign: float) -> list[int]:
    """Positions (into ``scored``) of the ``k`` terms with the largest ``sign * z`` > 0 that
    the side uses at all (a side with no message has no distinctive term, whatever the rounding
    of the prior leaves in ``z``).

    Ties are broken by the term itself, so the order never depends on the order of the data.
    """
    score = sign * scored.z
    used = scored.segment if sign > 0 else scored.against
    candidates = np.flatnonzero((score > 0) & (used > 0))
    if k is not None and candidates.size > k:
        cut = candidates.size - k
        threshold = np.partition(score[candidates], cut)[cut]
        candidates = candidates[score[candidates] >= threshold]
    values = score.tolist()
    ordered = sorted(candidates.tolist(), key=lambda i: (-values[i], term(int(scored.codes[i]))))
    return ordered if k is None else ordered[:k]


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def _term_scores(
    scored: _Scored,
    positions: Sequence[int],
    term: Callable[[int], str],
    segment_messages: int,
    against_messages: int,
    examples: Mapping[int, tuple[TermExample, ...]] | None = None,
) -> tuple[TermScore, ...]:
    out = []
    for i in positions:
        code = int(scored.codes[i])
        seg = int(scored.segment[i])
        other = int(scored.against[i])
        out.append(
            TermScore(
                term=term(code),
                z=float(scored.z[i]),
                delta=float(scored.delta[i]),
                segment_count=seg,
                against_count=other,
                corpus_count=int(scored.corpus[i]),
                segment_share=_share(seg, segment_messages),
                against_share=_share(other, against_messages),
                examples=() if examples is None else examples.get(code, ()),
            )
        )
    return tuple(out)


@attrs.frozen(eq=False)
class TermCounts:
    """The counts a voice-of-the-customer ranking is computed from, mergeable with ``+``.

    Each term counts the messages that use it (once per message) in the segment, on the other
    side, and over the whole corpus of customer messages (the prior's counts). Counting two
    halves of the data (split by conversation) and adding the counts gives exactly the counts
    of all of it, so a ranking can be computed piece by piece, in another process, or on a
    cluster, and merged.

    Attributes:
        terms: The terms, sorted.
        segment: Per term: messages of the segment that use it.
        against: Per term: messages of the other side that use it.
        corpus: Per term: customer messages that use it.
        segment_messages: Messages in the segment (with or without terms).
        against_messages: Messages on the other side.
        overlap: Messages in both (counted on neither side).
        messages: Every customer message counted (the corpus).

    Examples:
        >>> from socialcare_metrics import Segment, sample_conversations, voice_of_customer
        >>> data = sample_conversations(n_conversations=200)
        >>> first = voice_of_customer(data[:100], segment="negative").counts()
        >>> second = voice_of_customer(data[100:], segment="negative").counts()
        >>> first + second == voice_of_customer(data, segment="negative").counts()
        True
    """

    terms: tuple[str, ...]
    segment: Int64Array
    against: Int64Array
    corpus: Int64Array
    segment_messages: int
    against_messages: int
    overlap: int
    messages: int

    def __attrs_post_init__(self) -> None:
        for array in (self.segment, self.against, self.corpus):
            array.flags.writeable = False

    @classmethod
    def empty(cls) -> TermCounts:
        """Counts of no message: the identity of ``+``."""
        zero = np.zeros(0, dtype=np.int64)
        return cls((), zero, zero.copy(), zero.copy(), 0, 0, 0, 0)

    def __add__(self, other: TermCounts) -> TermCounts:
        if not isinstance(other, TermCounts):
            return NotImplemented
        terms = tuple(sorted(set(self.terms) | set(other.terms)))
        position = {term: i for i, term in enumerate(terms)}
        arrays = []
        for mine, theirs in (
            (self.segment, other.segment),
            (self.against, other.against),
            (self.corpus, other.corpus),
        ):
            total = np.zeros(len(terms), dtype=np.int64)
            total[[position[t] for t in self.terms]] += mine
            total[[position[t] for t in other.terms]] += theirs
            arrays.append(total)
        segment, against, corpus = arrays
        return TermCounts(
            terms,
            segment,
            against,
            corpus,
            segment_messages=self.segment_messages + other.segment_messages,
            against_messages=self.against_messages + other.against_messages,
            overlap=self.overlap + other.overlap,
            messages=self.messages + other.messages,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TermCounts):
            return NotImplemented
        return (
            self.terms == other.terms
            and np.array_equal(self.segment, other.segment)
            and np.array_equal(self.against, other.against)
            and np.array_equal(self.corpus, other.corpus)
            and (self.segment_messages, self.against_messages, self.overlap, self.messages)
            == (other.segment_messages, other.against_messages, other.overlap, other.messages)
        )

    __hash__ = None  # type: ignore[assignment]

    def ranking(
        self, *, min_count: int = DEFAULT_MIN_COUNT, prior: float = DEFAULT_PRIOR
    ) -> tuple[TermScore, ...]:
        """Every term used by at least ``min_count`` messages on the two sides, highest ``z``
        first (ties by term), without examples (the counts hold no messages).

        Raises:
            InvalidParameterError: ``min_count`` is not an int >= 1 or ``prior`` not > 0.
        """
        _check_ranking_options(min_count, prior, "TermCounts.ranking")
        scored = _score(self.segment, self.against, self.corpus, min_count, float(prior))
        order = sorted(
            range(scored.codes.shape[0]),
            key=lambda i: (-float(scored.z[i]), self.terms[int(scored.codes[i])]),
        )
        return _term_scores(
            scored, order, self.terms.__getitem__, self.segment_messages, self.against_messages
        )


# --- the per-item term lists --------------------------------------------------------------------


@attrs.frozen(eq=False)
class TermLists:
    """Per item: the index of its text in a shared `TermIndex` (-1: no text).

    Subsets share the index; a pickled copy keeps only the texts and terms its items use.
    """

    text: Int64Array
    index: TermIndex

    def __len__(self) -> int:
        return int(self.text.shape[0])

    def subset(self, index: npt.NDArray[np.intp]) -> TermLists:
        return TermLists(self.text[index], self.index)

    def expand(self, items: Int64Array) -> tuple[Int64Array, Int64Array]:
        """The (item, term code) pairs of the given items that have a text."""
        items = items[self.text[items] >= 0]
        texts = self.text[items]
        lengths = self.index.lengths[texts]
        positions = ranges(self.index.offsets[texts], lengths)
        return np.repeat(items, lengths), self.index.codes[positions]

    def __reduce__(self) -> tuple[type[TermLists], tuple[Int64Array, TermIndex]]:
        has_text = self.text >= 0
        used = np.unique(self.text[has_text])
        lengths = self.index.lengths[used]
        codes = self.index.codes[ranges(self.index.offsets[used], lengths)]
        used_terms, inverse = np.unique(codes, return_inverse=True)
        offsets = np.zeros(used.shape[0] + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        text = np.full(self.text.shape[0], -1, dtype=np.int64)
        text[has_text] = np.searchsorted(used, self.text[has_text])
        index = TermIndex(
            tuple(self.index.terms[i] for i in used_terms.tolist()),
            offsets,
            inverse.astype(np.int64).reshape(-1),
        )
        return (TermLists, (text, index))


# --- examples ------------------------------------------------------------------------------------

#: An example message as it is chosen and kept, in the order examples are listed when compared
#: as plain tuples: (minus the time it was sent, in epoch ns; conversation id; message id, ``""``
#: when the data has none). The latest first; ties in time by conversation id, then message id.
ExampleKey: TypeAlias = tuple[int, str, str]


def latest_examples(keys: Iterable[ExampleKey], k: int) -> tuple[ExampleKey, ...]:
    """The ``k`` first in example order: the choice never depends on the order of the data, and
    the first ``k`` of the first ``k`` of each part are the first ``k`` of all."""
    return tuple(sorted(keys)[:k])


def example_of(key: ExampleKey) -> TermExample:
    """The example a kept key stands for."""
    return TermExample(key[1], key[2] or None, ns_to_datetime(-key[0]))


# --- what a result derives from its counts -------------------------------------------------------


@attrs.frozen(eq=False)
class _Dense:
    """Per-term counts over the vocabulary of one group (the whole result)."""

    segment: Int64Array
    against: Int64Array
    corpus: Int64Array


#: Counts per present (group, term) pair: group, term code, segment, against and corpus counts.
GroupPairs: TypeAlias = tuple[Int64Array, Int64Array, Int64Array, Int64Array, Int64Array]


class VoiceRanking(Result):
    """What a voice-of-the-customer result derives from its counts and examples: the
    function's [`VoiceResult`][socialcare_metrics.VoiceResult] and a merged state's summary
    share it (the rankings, the scores, the summary of every group, the outputs)."""

    __slots__ = ()

    name: ClassVar[str] = "voice of the customer"

    segment: str
    against: str
    top: int
    min_count: int
    prior: float
    examples: int
    language: str | None
    bigrams: bool

    # --- what each result provides ----------------------------------------------------------

    def _vocabulary(self) -> tuple[str, ...]:  # pragma: no cover - every result has its own
        """The terms the codes of `_dense`, `_group_pairs` and `_examples` index."""
        raise NotImplementedError

    def _dense(self) -> _Dense:  # pragma: no cover
        """Per-term message counts of the segment, the other side and the corpus."""
        raise NotImplementedError

    def _side_counts(
        self, codes: Int64Array, n_groups: int
    ) -> tuple[Int64Array, Int64Array, Int64Array, Int64Array]:  # pragma: no cover
        """Each group's messages in the segment, on the other side, in both, and in all."""
        raise NotImplementedError

    def _group_pairs(self, codes: Int64Array, n_groups: int) -> GroupPairs:  # pragma: no cover
        """Each group's counts per term, for the terms it uses."""
        raise NotImplementedError

    def _examples(
        self, codes: list[int], side: int
    ) -> dict[int, tuple[TermExample, ...]]:  # pragma: no cover
        """For each term code, the latest `examples` messages of ``side`` that use it."""
        raise NotImplementedError

    # --- the counts ---------------------------------------------------------------------------

    def _totals(self) -> tuple[int, int, int, int]:
        whole = np.zeros(self._item_count(), dtype=np.int64)
        segment, against, both, messages = self._side_counts(whole, 1)
        return int(segment[0]), int(against[0]), int(both[0]), int(messages[0])

    def _scored(self, dense: _Dense | None = None) -> _Scored:
        if dense is None:
            dense = self._dense()
        return _score(dense.segment, dense.against, dense.corpus, self.min_count, self.prior)

    def counts(self) -> TermCounts:
        """The mergeable counts behind the ranking (terms sorted, only those used)."""
        dense = self._dense()
        used = np.flatnonzero(dense.corpus)
        vocabulary = self._vocabulary()
        names = [vocabulary[i] for i in used.tolist()]
        order = np.asarray(sorted(range(len(names)), key=names.__getitem__), dtype=np.int64)
        chosen = used[order] if order.size else used
        segment, against, both, messages = self._totals()
        return TermCounts(
            tuple(names[i] for i in order.tolist()),
            dense.segment[chosen],
            dense.against[chosen],
            dense.corpus[chosen],
            segment_messages=segment,
            against_messages=against,
            overlap=both,
            messages=messages,
        )

    # --- the numbers --------------------------------------------------------------------------

    @property
    def segment_messages(self) -> int:
        """Public customer messages in the segment (and not on the other side)."""
        return self._totals()[0]

    @property
    def against_messages(self) -> int:
        """Public customer messages on the other side (and not in the segment)."""
        return self._totals()[1]

    @property
    def overlap(self) -> int:
        """Messages in the segment and on the other side at once: counted on neither side."""
        return self._totals()[2]

    @property
    def count(self) -> int:
        """The messages compared: the segment's and the other side's."""
        return self.segment_messages + self.against_messages

    @property
    def value(self) -> str | None:
        """The segment's most distinctive term, or ``None`` if no term sets it apart."""
        scored = self._scored()
        leaders = _leaders(scored, self._vocabulary().__getitem__, 1, 1.0)
        return self._vocabulary()[int(scored.codes[leaders[0]])] if leaders else None

    def _ranked(
        self, sign: float, *, with_examples: bool = True, scored: _Scored | None = None
    ) -> tuple[TermScore, ...]:
        if scored is None:
            scored = self._scored()
        vocabulary = self._vocabulary()
        leaders = _leaders(scored, vocabulary.__getitem__, self.top, sign)
        codes = [int(scored.codes[i]) for i in leaders]
        side = SIDE_SEGMENT if sign > 0 else SIDE_AGAINST
        examples = self._examples(codes, side) if with_examples and codes else None
        return _term_scores(
            scored,
            leaders,
            vocabulary.__getitem__,
            self.segment_messages,
            self.against_messages,
            examples,
        )

    @property
    def terms(self) -> tuple[TermScore, ...]:
        """The segment's most distinctive terms: up to `top`, highest ``z`` first (``z > 0``)."""
        return self._ranked(1.0)

    @property
    def against_terms(self) -> tuple[TermScore, ...]:
        """The other side's most distinctive terms: up to `top`, lowest ``z`` first
        (``z < 0``)."""
        return self._ranked(-1.0)

    def ranking(self) -> tuple[TermScore, ...]:
        """Every term used by at least `min_count` messages on the two sides, highest ``z``
        first (ties by term), without examples."""
        scored = self._scored()
        vocabulary = self._vocabulary()
        values = scored.z.tolist()
        order = sorted(
            range(len(values)), key=lambda i: (-values[i], vocabulary[int(scored.codes[i])])
        )
        return _term_scores(
            scored, order, vocabulary.__getitem__, self.segment_messages, self.against_messages
        )

    # --- summary of every group at once ----------------------------------------------------------

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        if n_groups == 1:
            dense = self._dense()
            return self._whole(dense, self._scored(dense))
        segment_messages, against_messages, overlap, _ = self._side_counts(codes, n_groups)
        top_term, top_z, segment_uses, against_uses = _top_per_group(
            self._group_pairs(codes, n_groups),
            n_groups,
            self._vocabulary(),
            self.min_count,
            self.prior,
        )
        return {
            "count": segment_messages + against_messages,
            "segment_messages": segment_messages,
            "against_messages": against_messages,
            "overlap": overlap,
            "segment_uses": segment_uses,
            "against_uses": against_uses,
            "top_term": top_term,
            "top_z": top_z,
        }

    def _whole(self, dense: _Dense, scored: _Scored) -> Summary:
        """The summary over one group, from the counts and scores of the whole result."""
        segment_messages = self.segment_messages
        against_messages = self.against_messages
        leaders = _leaders(scored, self._vocabulary().__getitem__, 1, 1.0)
        top = None if not leaders else self._vocabulary()[int(scored.codes[leaders[0]])]
        return {
            "count": np.array([segment_messages + against_messages], dtype=np.int64),
            "segment_messages": np.array([segment_messages], dtype=np.int64),
            "against_messages": np.array([against_messages], dtype=np.int64),
            "overlap": np.array([self.overlap], dtype=np.int64),
            "segment_uses": np.array([dense.segment.sum()], dtype=np.int64),
            "against_uses": np.array([dense.against.sum()], dtype=np.int64),
            "top_term": np.array([top], dtype=object),
            "top_z": np.array([scored.z[leaders[0]] if leaders else np.nan]),
        }

    # --- output -------------------------------------------------------------------------------

    def _options(self) -> dict[str, Any]:
        return {
            "top": self.top,
            "min_count": self.min_count,
            "prior": self.prior,
            "examples": self.examples,
            "language": self.language,
            "bigrams": self.bigrams,
        }

    def to_dict(self) -> dict[str, Any]:
        """The result as plain values: the comparison, its counts, both rankings, the options.

        Keys: ``name``, ``segment``, ``against``, the summary (``count``,
        ``segment_messages``, ``against_messages``, ``overlap``, ``segment_uses``,
        ``against_uses``, ``top_term``, ``top_z``), ``terms`` and ``against_terms`` (lists
        of `TermScore.to_dict()`), and ``options``.
        """
        dense = self._dense()
        scored = self._scored(dense)
        row = {name: _plain(values)[0] for name, values in self._whole(dense, scored).items()}
        return {
            "name": self.name,
            "segment": self.segment,
            "against": self.against,
            **row,
            "terms": [score.to_dict() for score in self._ranked(1.0, scored=scored)],
            "against_terms": [score.to_dict() for score in self._ranked(-1.0, scored=scored)],
            "options": self._options(),
        }

    def describe(self) -> str:
        """The summary, then both rankings as tables (term, z, delta, messages on each side)."""
        lines = [super().describe()]
        scored = self._scored()
        for title, scores in (
            (f"terms of {self.segment}", self._ranked(1.0, with_examples=False, scored=scored)),
            (f"terms of {self.against}", self._ranked(-1.0, with_examples=False, scored=scored)),
        ):
            lines.append("")
            lines.append(title)
            lines.append(_score_table(scores) if scores else "(none)")
        return "\n".join(lines)

    def __str__(self) -> str:
        scores = self._ranked(1.0, with_examples=False)
        return ", ".join(score.term for score in scores) if scores else "n/a"

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.segment} against {self.against}: {self.count:,} "
            f"messages, top term {self.value!r}>"
        )


def _top_per_group(
    pairs: GroupPairs,
    n_groups: int,
    vocabulary: tuple[str, ...],
    min_count: int,
    prior: float,
) -> tuple[npt.NDArray[np.object_], FloatArray, Int64Array, Int64Array]:
    """Each group's top term and its ``z`` (``None`` and NaN where none), and its term uses
    per side, from the (group, term) counts; each group's totals and corpus are its own,
    exactly as the group's own result computes them."""
    group, terms, segment, against, corpus = pairs
    n_i = np.bincount(group, weights=segment, minlength=n_groups).astype(np.int64)
    n_j = np.bincount(group, weights=against, minlength=n_groups).astype(np.int64)
    n = np.bincount(group, weights=corpus, minlength=n_groups).astype(np.int64)
    top_term = np.full(n_groups, None, dtype=object)
    top_z = np.full(n_groups, np.nan)
    eligible = np.flatnonzero(segment + against >= min_count)
    group, terms = group[eligible], terms[eligible]
    _, z = log_odds(
        segment[eligible],
        against[eligible],
        corpus[eligible],
        n_i[group],
        n_j[group],
        n[group],
        prior,
    )
    positive = (z > 0) & (segment[eligible] > 0)  # terms the segment uses, as _leaders
    group, terms, z = group[positive], terms[positive], z[positive]
    if z.size:
        best = np.full(n_groups, -np.inf)
        np.maximum.at(best, group, z)
        tied = z == best[group]
        group, terms, z = group[tied], terms[tied], z[tied]
        names = [vocabulary[t] for t in terms.tolist()]
        rank = np.empty(len(names), dtype=np.int64)
        rank[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
        order = np.lexsort((rank, group))
        lead = order[np.concatenate(([True], group[order][1:] != group[order][:-1]))]
        top_term[group[lead]] = [names[i] for i in lead.tolist()]
        top_z[group[lead]] = z[lead]
    return top_term, top_z, n_i, n_j


# --- the result -----------------------------------------------------------------------------------


@attrs.frozen(eq=False, repr=False)
class VoiceResult(VoiceRanking):
    """The terms that set a segment of customer messages apart from what it is compared against.

    Terms are ranked by the log-odds ratio with an informative Dirichlet prior: `terms` are
    the segment's most distinctive terms (highest ``z``), `against_terms` those of the other
    side (lowest ``z``), each with its counts and a few example messages. `value` is the top
    term; `count` is the number of messages compared (the segment's and the other side's).

    ``by("agent")`` (the conversation's assignee: in Twitter data, the brand), ``by("channel")``
    or ``by("week")`` compares within each group, with each group's own corpus as the prior.

    Attributes:
        segment: What the segment is.
        against: What it is compared against (``"the rest"``: every other customer message).
        top: How many terms `terms` and `against_terms` list.
        min_count: The fewest messages (both sides together) a ranked term is used in.
        prior: The prior's weight: each term's pseudo-count is ``prior`` times its count over
            the whole corpus of customer messages.
        examples: How many example messages each listed term carries.
        language: The language whose stop words were used (``None``: all six lists).
        bigrams: Whether word bigrams were counted beside single terms.
    """

    segment: str
    against: str
    _side: Int8Array = attrs.field(metadata=ITEM)
    _terms: TermLists = attrs.field(metadata=ITEM)
    _message: Labels = attrs.field(metadata=ITEM)
    _conversation: Labels = attrs.field(metadata=ITEM)
    _keys: GroupKeys = attrs.field(metadata=ITEM)
    top: int = DEFAULT_TOP
    min_count: int = DEFAULT_MIN_COUNT
    prior: float = DEFAULT_PRIOR
    examples: int = 3
    language: str | None = None
    bigrams: bool = False

    # --- counting ---------------------------------------------------------------------------

    def _vocabulary(self) -> tuple[str, ...]:
        return self._terms.index.terms

    def _dense(self) -> _Dense:
        lists = self._terms
        index = lists.index
        n_texts = len(index)
        size = len(index.terms)
        lengths = index.lengths
        has_text = lists.text >= 0

        def per_term(where: BoolArray | None) -> Int64Array:
            chosen = has_text if where is None else has_text & where
            weights = np.bincount(lists.text[chosen], minlength=n_texts)
            counts = np.bincount(
                index.codes, weights=np.repeat(weights.astype(np.float64), lengths), minlength=size
            )
            exact: Int64Array = counts.astype(np.int64)
            return exact

        return _Dense(
            segment=per_term(self._side == SIDE_SEGMENT),
            against=per_term(self._side == SIDE_AGAINST),
            corpus=per_term(None),
        )

    def _side_counts(
        self, codes: Int64Array, n_groups: int
    ) -> tuple[Int64Array, Int64Array, Int64Array, Int64Array]:
        side = self._side
        return (
            group_counts(codes, n_groups, side == SIDE_SEGMENT),
            group_counts(codes, n_groups, side == SIDE_AGAINST),
            group_counts(codes, n_groups, side == SIDE_BOTH),
            group_counts(codes, n_groups),
        )

    def _group_pairs(self, codes: Int64Array, n_groups: int) -> GroupPairs:
        """The (group, term) pairs are counted on a dense grid when it is small enough (a few
        brands or weeks), else with one sort; returned in order of group, then term code."""
        size = max(len(self._vocabulary()), 1)
        owner, term = self._terms.expand(np.arange(len(self._terms), dtype=np.int64))
        side = self._side[owner]
        key = codes[owner] * size + term
        if n_groups * size <= _DENSE_GRID:
            cells = n_groups * size
            corpus = np.bincount(key, minlength=cells)
            present = np.flatnonzero(corpus)
            segment = np.bincount(key[side == SIDE_SEGMENT], minlength=cells)[present]
            against = np.bincount(key[side == SIDE_AGAINST], minlength=cells)[present]
            corpus = corpus[present]
            pairs = present
        else:
            order = np.argsort(key, kind="stable")
            key = key[order]
            side = side[order]
            first = np.concatenate(([True], key[1:] != key[:-1])) if key.size else key > 0
            pair = np.cumsum(first, dtype=np.int64) - 1
            n_pairs = int(first.sum())
            segment = np.bincount(pair, weights=side == SIDE_SEGMENT, minlength=n_pairs)
            against = np.bincount(pair, weights=side == SIDE_AGAINST, minlength=n_pairs)
            corpus = np.bincount(pair, minlength=n_pairs)
            pairs = key[first]
        return (
            (pairs // size).astype(np.int64),
            (pairs % size).astype(np.int64),
            segment.astype(np.int64),
            against.astype(np.int64),
            corpus.astype(np.int64),
        )

    def _examples(self, codes: list[int], side: int) -> dict[int, tuple[TermExample, ...]]:
        """For each term code, the latest ``examples`` messages of ``side`` that use it.

        Ties in time go by conversation id, then message id: the choice never depends on the
        order of the data.
        """
        wanted = np.asarray(codes, dtype=np.int64)
        chosen = self._example_keys(side, wanted)
        return {term: tuple(map(example_of, keys)) for (_, term), keys in chosen.items()}

    def _example_keys(
        self, side: int, wanted: Int64Array | None = None, codes: Int64Array | None = None
    ) -> dict[tuple[int, int], tuple[ExampleKey, ...]]:
        """For each (group, term code) the messages of ``side`` use, the latest `examples`
        of them (groups by ``codes``, one per item; none given: one group, 0); only the
        terms ``wanted``, if given."""
        k = self.examples
        if k == 0 or (wanted is not None and not wanted.size):
            return {}
        lists = self._terms
        index = lists.index
        has_text = lists.text >= 0
        chosen = (self._side == side) & has_text
        if wanted is not None:
            # Only the texts that use a wanted term are expanded.
            at = np.flatnonzero(np.isin(index.codes, wanted))
            text_used = np.zeros(len(index), dtype=bool)
            text_used[np.searchsorted(index.offsets, at, side="right") - 1] = True
            chosen &= text_used[np.where(has_text, lists.text, 0)]
        owner, term = lists.expand(np.flatnonzero(chosen).astype(np.int64))
        if wanted is not None:
            hit = np.isin(term, wanted)
            owner, term = owner[hit], term[hit]
        size = max(len(self._vocabulary()), 1)
        group = term if codes is None else codes[owner] * size + term
        time = self._keys.time[owner]
        order = np.lexsort((-time, group))
        owner, group, time = owner[order], group[order], time[order]
        out: dict[tuple[int, int], tuple[ExampleKey, ...]] = {}
        if not group.size:
            return out
        # Only the k latest of each group, and any that tie in time with its k-th latest, can
        # be chosen; those few are ordered by the whole example order.
        starts, sizes = _runs(group)
        kth = time[starts + np.minimum(k, sizes) - 1]
        keep = time >= np.repeat(kth, sizes)
        owner, group, time = owner[keep], group[keep], time[keep]
        conversations = self._conversation.names[self._conversation.codes[owner]].tolist()
        conversations = [c if isinstance(c, str) else str(c) for c in conversations]
        messages = self._message.names[self._message.codes[owner]].tolist()
        messages = ["" if m is None else m if isinstance(m, str) else str(m) for m in messages]
        order = np.lexsort((_ranks(messages), _ranks(conversations), -time, group))
        starts, sizes = _runs(group[order])
        picked = order[np.arange(order.shape[0]) - np.repeat(starts, sizes) < k]
        keys = [(-int(time[i]), conversations[i], messages[i]) for i in picked.tolist()]
        starts, sizes = _runs(group[picked])
        firsts = group[picked][starts].tolist()
        for g, lo, n in zip(firsts, starts.tolist(), sizes.tolist(), strict=True):
            out[divmod(g, size) if codes is not None else (0, g)] = tuple(keys[lo : lo + n])
        return out


def _runs(sorted_values: Int64Array) -> tuple[Int64Array, Int64Array]:
    """Where each run of equal values starts, and its length."""
    if not sorted_values.size:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    starts = np.flatnonzero(np.concatenate(([True], sorted_values[1:] != sorted_values[:-1])))
    return starts, np.diff(np.append(starts, sorted_values.shape[0]))


def _ranks(values: list[str]) -> Int64Array:
    """Each value's rank among the distinct values, in Python's string order."""
    if not values:
        return np.zeros(0, dtype=np.int64)
    _, inverse = np.unique(np.array(values, dtype=object), return_inverse=True)
    ranks: Int64Array = inverse.astype(np.int64).reshape(-1)
    return ranks


def _score_table(scores: Sequence[TermScore]) -> str:
    rows = [["term", "z", "delta", "segment", "against"]]
    rows.extend(
        [
            score.term,
            format_cell(score.z),
            format_cell(score.delta),
            format_cell(score.segment_count),
            format_cell(score.against_count),
        ]
        for score in scores
    )
    return "\n".join(aligned_lines(rows, (False, True, True, True, True)))
