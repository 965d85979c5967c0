"""Voice of the customer: which words set a segment of customer messages apart."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import numpy as np

from ..._core.columns import AUTHOR_CUSTOMER
from ..._core.typing import Int64Array
from ..._core.validation import check_count
from ..._engine.inputs import Data, message_inputs
from ..._engine.segments import SegmentLike, as_segment
from ..._engine.text import (
    Language,
    TermIndex,
    TextOptions,
    distinct_texts,
    index_terms,
    resolve_text_options,
)
from ..._engine.window import check_window, cut_at, opened_in
from ...errors import InvalidParameterError
from ...results._base import Labels
from ...results._grouping import GroupKeys
from ...results.voice import (
    DEFAULT_MIN_COUNT,
    DEFAULT_PRIOR,
    DEFAULT_TOP,
    SIDE_AGAINST,
    SIDE_SEGMENT,
    TermLists,
    VoiceResult,
    _check_ranking_options,
)
from ...tables.messages import MessageTable

__all__ = ["voice_of_customer"]

_FUNCTION = "voice_of_customer"


def voice_of_customer(
    data: Data,
    /,
    *,
    segment: SegmentLike,
    against: SegmentLike | None = None,
    top: int = DEFAULT_TOP,
    min_count: int = DEFAULT_MIN_COUNT,
    prior: float = DEFAULT_PRIOR,
    examples: int = 3,
    stop_words: Iterable[str] | None = None,
    language: Language | None = None,
    bigrams: bool = False,
    start: datetime | None = None,
    end: datetime | None = None,
) -> VoiceResult:
    """The terms that set a segment of customer messages apart from the rest, or from another.

    Each public customer message (private notes excluded) is cut into terms (see
    [`tokenize`][socialcare_metrics.text.tokenize]) and each term counted once per message, in
    the segment, on the other side, and over every customer message (the corpus). Terms are
    ranked by the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and
    Quinn, 2008): for a term used by ``y_i`` of the segment's messages and ``y_j`` of the
    other side's, with ``n_i`` and ``n_j`` the sums of those counts over all terms, and a
    pseudo-count ``a`` equal to ``prior`` times the term's count over the corpus (``a0`` the
    sum of those),

    ``delta = log((y_i + a) / (n_i + a0 - y_i - a)) - log((y_j + a) / (n_j + a0 - y_j - a))``

    and ``z = delta / sqrt(1 / (y_i + a) + 1 / (y_j + a))``. The prior shrinks the odds of
    rarely used terms toward their rate over all customers, so a word used once is not a
    discovery; dividing by the standard error keeps words that are common everywhere from
    ranking high on a small difference.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        segment: The messages to describe: a [`Segment`][socialcare_metrics.Segment]
            (``Segment.tag("billing")``, ``Segment.assignee("AppleSupport")``...),
            ``"negative"``, ``"positive"`` or ``"neutral"`` (sentiment at the default
            thresholds), a function of the table returning one bool per row, or a bool mask
            with one value per message in the order the data was given.
        against: What to compare it with, in the same forms; ``None`` (the default) is every
            other customer message. A message in both is counted on neither side (see
            `VoiceResult.overlap`).
        top: How many terms each ranking lists.
        min_count: The fewest messages (both sides together) that must use a term for it
            to be ranked.
        prior: The prior's weight: each term's pseudo-count is ``prior`` times its count over
            all customer messages. Larger values trust rare terms less.
        examples: How many example messages (latest first) each listed term carries.
        stop_words: Terms to leave out; ``None`` is the default list of ``language``.
        language: ``"en"``, ``"de"``, ``"hr"``, ``"hi"``, ``"ko"`` or ``"zh"``: whose default
            stop words to use; ``None`` uses all six lists. Tokenising follows each
            character's script, so mixed-language data needs no option.
        bigrams: Count pairs of adjacent words (``"customer service"``) as terms too.
        start: Keep only the messages sent at or after this time (an aware datetime): the
            segment, the other side and the prior's corpus are all within the window.
        end: Look at the data as it stood at this time: messages sent at or after it are not
            there yet.

    Returns:
        A [`VoiceResult`][socialcare_metrics.VoiceResult]: `terms` (the segment's),
            `against_terms` (the other side's), `ranking()`, `counts()`, ``by()``.

    Raises:
        InvalidParameterError: an option has a bad value, or a segment's function or mask
            does not give one bool per message.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message, Segment
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> def customer(i, text, tag):
        ...     return Message(f"m{i}", t0 + timedelta(minutes=i), "customer", text=text,
        ...                    tags=[tag])
        >>> conv = Conversation("c1", [
        ...     customer(1, "Where is my refund?", "billing"),
        ...     customer(2, "Refund still missing", "billing"),
        ...     customer(3, "The app crashes", "app"),
        ...     customer(4, "App login crashes again", "app"),
        ... ])
        >>> result = voice_of_customer([conv], segment=Segment.tag("billing"), min_count=2)
        >>> [score.term for score in result.terms], [s.term for s in result.against_terms]
        (['refund'], ['app', 'crashes'])
        >>> result.terms[0].segment_count, result.terms[0].examples[0].message_id
        (2, 'm2')
    """
    chosen = as_segment(segment, _FUNCTION, "segment")
    other = None if against is None else as_segment(against, _FUNCTION, "against")
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise InvalidParameterError(_FUNCTION, "top", "an int >= 1", top)
    _check_ranking_options(min_count, prior, _FUNCTION)
    check_count(examples, _FUNCTION, "examples")
    options = resolve_text_options(language, stop_words, bigrams, _FUNCTION)
    window_start, window_end = check_window(start, end, _FUNCTION)
    table = message_inputs(data, _FUNCTION).table

    # Segments are read on the table as given (a caller's function or mask is aligned to it),
    # then the table is cut at the window's end, keeping the rows cut_at keeps.
    in_segment = chosen.mask(table, _FUNCTION, "segment")
    in_against = ~in_segment if other is None else other.mask(table, _FUNCTION, "against")
    if window_end is not None:
        kept = table.sent_at < window_end
        table = cut_at(table, window_end)
        in_segment, in_against = in_segment[kept], in_against[kept]
    rows = np.flatnonzero((table.author == AUTHOR_CUSTOMER) & ~table.private)
    side = (SIDE_SEGMENT * in_segment[rows] + SIDE_AGAINST * in_against[rows]).astype(np.int8)
    text_of_row, index = _term_index(table, rows, options)
    conversation = table.conversation[rows]
    message = (
        Labels(codes=rows.astype(np.int64), names=table.message_id)
        if table.message_id is not None
        else Labels(codes=np.zeros(rows.shape[0], np.int64), names=np.array([None], object))
    )
    result = VoiceResult(
        segment=chosen.description,
        against="the rest" if other is None else other.description,
        side=side,
        terms=TermLists(text_of_row, index),
        message=message,
        conversation=Labels(codes=conversation.astype(np.int64), names=table.conversation_ids),
        keys=GroupKeys(
            agent=table.assignee[conversation].astype(np.int32, copy=False),
            agent_names=table.agent_names,
            channel=table.channel[rows],
            channel_names=table.channel_names,
            time=table.sent_at[rows],
        ),
        top=top,
        min_count=min_count,
        prior=float(prior),
        examples=examples,
        language=options.language,
        bigrams=options.bigrams,
    )
    return opened_in(result, window_start)


def _term_index(
    table: MessageTable, rows: Int64Array, options: TextOptions
) -> tuple[Int64Array, TermIndex]:
    """Each customer row's text index and the terms of the distinct texts, kept on the table.

    Several comparisons over one table (one per brand, say) then tokenise it once.
    """
    key: Any = ("voice", options)
    cached = table._derived.get("terms")
    if cached is not None and cached[0] == key:
        text_of_row: Int64Array = cached[1]
        index: TermIndex = cached[2]
        return text_of_row, index
    if table.text is None:
        text_of_row = np.full(rows.shape[0], -1, dtype=np.int64)
        index = index_terms([], options)
    else:
        text_of_row, texts = distinct_texts(table.text[rows])
        index = index_terms(texts, options)
    table._derived["terms"] = (key, text_of_row, index)
    return text_of_row, index
