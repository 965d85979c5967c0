"""Segments: which messages of a table a comparison is about (a topic, a sentiment, a channel...).

A `Segment` is a description for people and a function that marks rows of a `MessageTable`.
The metrics that compare two sets of messages (voice of the customer) take them, keep only the
public customer messages among the rows marked, and show the description in their results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Final, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from .._core.time import datetime_to_ns
from .._core.typing import BoolArray
from ..errors import InvalidParameterError
from ..tables.messages import MessageTable
from .content import normalize_path

__all__ = [
    "SENTIMENT_THRESHOLD",
    "Segment",
    "SegmentLike",
    "SegmentSpec",
    "as_segment",
    "segment_of_spec",
    "segment_spec",
    "spec_to_json",
]

SENTIMENT_THRESHOLD: Final = 0.05
"""Scores at or above this are positive, at or below its negative are negative."""

#: How a segment was built, as plain values: ``("tag", path, ...)``, ``("channel", name, ...)``,
#: ``("assignee", name, ...)``, ``("negative", threshold)``, ``("positive", threshold)``,
#: ``("neutral", low, high)``, ``("period", start, end)`` (ISO 8601 with offset), and
#: ``("and", a, b)``, ``("or", a, b)``, ``("not", a)`` of those.
SegmentSpec: TypeAlias = tuple[Any, ...]


def _check_names(values: Sequence[object], function: str, parameter: str) -> tuple[str, ...]:
    if not values or not all(isinstance(v, str) and v for v in values):
        raise InvalidParameterError(function, parameter, "one or more non-empty str", values)
    return tuple(str(v) for v in values)


def _quoted(names: Sequence[str]) -> str:
    return " or ".join(repr(n) for n in names)


def _check_threshold(
    value: object, function: str, parameter: str, low: float, high: float
) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not low <= value <= high  # NaN fails too
    ):
        raise InvalidParameterError(function, parameter, f"a number in [{low:g}, {high:g}]", value)
    return float(value)


def _check_instant(value: object, function: str, parameter: str) -> int:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidParameterError(function, parameter, "a timezone-aware datetime", value)
    return datetime_to_ns(value)


@attrs.frozen
class Segment:
    """A set of messages, described for people: a topic, a sentiment, a channel, a period...

    Build one with the constructors below, combine them with ``&`` (both), ``|`` (either) and
    ``~`` (not), or wrap a function of your own with [`where`][socialcare_metrics.Segment.where].
    Metrics keep only the public customer messages of a segment: private notes and the brand's
    messages are never part of one. A segment of the constructors (and their combinations) is
    also written down as how it was built, which is how a mergeable state keeps it
    ([`VoiceOfCustomerState`][socialcare_metrics.states.VoiceOfCustomerState]); one with a
    function or a mask of your own cannot be.

    Attributes:
        description: What the segment is, as results show it (``"tag 'billing'"``).

    Examples:
        >>> from socialcare_metrics import Segment
        >>> (Segment.negative() & Segment.channel("twitter")).description
        "negative sentiment (<= -0.05) and channel 'twitter'"
        >>> (~Segment.tag("billing")).description
        "not tag 'billing'"
    """

    description: str
    _select: Callable[[MessageTable], Any] = attrs.field(alias="select", repr=False)
    # How a constructor built it (None for `where`, `rows` and what is combined with them):
    # what a mergeable state writes down, and compares, instead of the function.
    _spec: SegmentSpec | None = attrs.field(
        default=None, alias="_spec", repr=False, eq=False, kw_only=True
    )

    def mask(
        self, table: MessageTable, function: str = "Segment.mask", parameter: str = "segment"
    ) -> BoolArray:
        """One bool per row of ``table``: whether the row's message is in the segment.

        Raises:
            InvalidParameterError: the segment's function (or mask) does not give one bool per
                row; the error names ``function`` and ``parameter``.
        """
        values = self._select(table)
        array = np.asarray(values)
        if array.dtype != np.bool_ or array.shape != (len(table),):
            raise InvalidParameterError(
                function,
                parameter,
                f"a segment that marks each of the {len(table)} messages with a bool",
                f"{array.dtype} values of shape {array.shape}",
            )
        mask: BoolArray = array
        return mask

    def __and__(self, other: Segment) -> Segment:
        if not isinstance(other, Segment):
            return NotImplemented
        return Segment(
            f"{self.description} and {other.description}",
            lambda table: self.mask(table) & other.mask(table),
            _spec=_combined("and", self, other),
        )

    def __or__(self, other: Segment) -> Segment:
        if not isinstance(other, Segment):
            return NotImplemented
        return Segment(
            f"({self.description}) or ({other.description})",
            lambda table: self.mask(table) | other.mask(table),
            _spec=_combined("or", self, other),
        )

    def __invert__(self) -> Segment:
        return Segment(
            f"not {self.description}", lambda table: ~self.mask(table), _spec=_combined("not", self)
        )

    # --- constructors ---------------------------------------------------------------------------

    @classmethod
    def tag(cls, *topics: str) -> Segment:
        """Messages tagged with one of ``topics``, or a subtopic of one, on the message or on
        its conversation (``tag("billing")`` holds ``"billing/refund"`` too).

        Paths are read as [`topics`][socialcare_metrics.topics] reads them: each part stripped
        of surrounding space, empty parts dropped (``" billing / refund/"`` is
        ``"billing/refund"``), case kept.
        """
        paths = _check_names(topics, "Segment.tag", "topics")
        wanted = tuple(p for p in map(normalize_path, paths) if p is not None)
        if len(wanted) != len(paths):
            raise InvalidParameterError("Segment.tag", "topics", "topic paths", topics)

        def select(table: MessageTable) -> BoolArray:
            def tagged(tags: object) -> bool:
                if not isinstance(tags, tuple):
                    return False
                for tag in tags:
                    path = normalize_path(tag)
                    if path is not None and any(
                        path == p or path.startswith(p + "/") for p in wanted
                    ):
                        return True
                return False

            out = np.zeros(len(table), dtype=bool)
            if table.tags is not None:
                seen: dict[object, bool] = {}
                out |= np.fromiter(
                    (seen[t] if t in seen else seen.setdefault(t, tagged(t)) for t in table.tags),
                    dtype=bool,
                    count=len(table),
                )
            if table.conversation_tags is not None and len(table):
                per_conversation = np.fromiter(
                    map(tagged, table.conversation_tags), dtype=bool, count=table.n_conversations
                )
                out |= per_conversation[table.conversation]
            return out

        return cls(f"tag {_quoted(wanted)}", select, _spec=("tag", *wanted))

    @classmethod
    def channel(cls, *names: str) -> Segment:
        """Messages sent on one of the channels ``names``."""
        wanted = _check_names(names, "Segment.channel", "names")

        def select(table: MessageTable) -> BoolArray:
            codes = [i for i, name in enumerate(table.channel_names) if name in wanted]
            return np.isin(table.channel, np.asarray(codes, dtype=np.int32))

        return cls(f"channel {_quoted(wanted)}", select, _spec=("channel", *wanted))

    @classmethod
    def assignee(cls, *names: str) -> Segment:
        """Messages of the conversations assigned to one of ``names``.

        In the Twitter export (`load_twcs`) a conversation's assignee is its brand, so this is
        the segment of a brand's customers.
        """
        wanted = _check_names(names, "Segment.assignee", "names")

        def select(table: MessageTable) -> BoolArray:
            codes = [i for i, name in enumerate(table.agent_names) if name in wanted]
            assigned = np.isin(table.assignee, np.asarray(codes, dtype=np.int32))
            mask: BoolArray = assigned[table.conversation]
            return mask

        return cls(f"assignee {_quoted(wanted)}", select, _spec=("assignee", *wanted))

    @classmethod
    def negative(cls, threshold: float = -SENTIMENT_THRESHOLD) -> Segment:
        """Messages whose sentiment score is at most ``threshold`` (default -0.05)."""
        limit = _check_threshold(threshold, "Segment.negative", "threshold", -1.0, 1.0)
        return cls(
            f"negative sentiment (<= {limit:g})",
            lambda table: _scored(table, lambda s: s <= limit),
            _spec=("negative", limit),
        )

    @classmethod
    def positive(cls, threshold: float = SENTIMENT_THRESHOLD) -> Segment:
        """Messages whose sentiment score is at least ``threshold`` (default 0.05)."""
        limit = _check_threshold(threshold, "Segment.positive", "threshold", -1.0, 1.0)
        return cls(
            f"positive sentiment (>= {limit:g})",
            lambda table: _scored(table, lambda s: s >= limit),
            _spec=("positive", limit),
        )

    @classmethod
    def neutral(
        cls, low: float = -SENTIMENT_THRESHOLD, high: float = SENTIMENT_THRESHOLD
    ) -> Segment:
        """Messages with a score strictly between ``low`` and ``high``."""
        lo = _check_threshold(low, "Segment.neutral", "low", -1.0, 1.0)
        hi = _check_threshold(high, "Segment.neutral", "high", lo, 1.0)
        return cls(
            f"neutral sentiment ({lo:g} to {hi:g})",
            lambda table: _scored(table, lambda s: (s > lo) & (s < hi)),
            _spec=("neutral", lo, hi),
        )

    @classmethod
    def period(cls, start: datetime, end: datetime) -> Segment:
        """Messages sent at or after ``start`` and before ``end`` (aware datetimes)."""
        lo = _check_instant(start, "Segment.period", "start")
        hi = _check_instant(end, "Segment.period", "end")
        if hi <= lo:
            raise InvalidParameterError("Segment.period", "end", f"a time after {start}", end)
        return cls(
            f"sent from {start.isoformat()} to {end.isoformat()}",
            lambda table: (table.sent_at >= lo) & (table.sent_at < hi),
            _spec=("period", start.isoformat(), end.isoformat()),
        )

    @classmethod
    def previous_period(cls, start: datetime, end: datetime) -> Segment:
        """The period as long as ``start`` to ``end`` that ends at ``start``: to compare a
        period against the one before it."""
        _check_instant(start, "Segment.previous_period", "start")
        _check_instant(end, "Segment.previous_period", "end")
        if end <= start:
            raise InvalidParameterError(
                "Segment.previous_period", "end", f"a time after {start}", end
            )
        return cls.period(start - (end - start), start)

    @classmethod
    def where(
        cls, function: Callable[[MessageTable], Any], description: str = "selected messages"
    ) -> Segment:
        """The rows a function of the table marks: ``function(table)`` returns one bool per
        row, in the table's order (``Segment.where(lambda t: t.sentiment < -0.5)``)."""
        if not callable(function):
            raise InvalidParameterError("Segment.where", "function", "a callable", function)
        if not isinstance(description, str) or not description:
            raise InvalidParameterError(
                "Segment.where", "description", "a non-empty str", description
            )
        return cls(description, function)

    @classmethod
    def rows(cls, mask: Any, description: str = "selected messages") -> Segment:
        """The messages a boolean mask marks, one value per message in the order the data was
        given: for conversations, each one's messages in turn; for a table, its input rows
        (the table a metric is given, before any window cuts it), in the order of ``row``
        (for a table made by `MessageTable.select` or `MessageTable.concat`, whose ``row``
        values run past its length, the kept rows in that order)."""
        values = np.asarray(mask)
        if values.dtype != np.bool_ or values.ndim != 1:
            raise InvalidParameterError("Segment.rows", "mask", "a 1-d array of bool", mask)
        if not isinstance(description, str) or not description:
            raise InvalidParameterError(
                "Segment.rows", "description", "a non-empty str", description
            )

        def select(table: MessageTable) -> BoolArray:
            if values.shape[0] != len(table):
                return values  # refused by mask(), which names the metric and the parameter
            rows = table.row
            if rows.shape[0] and int(rows.max()) >= rows.shape[0]:
                # Rows with gaps (a selected or joined table): each row's rank among them.
                rank = np.empty(rows.shape[0], dtype=np.intp)
                rank[np.argsort(rows, kind="stable")] = np.arange(rows.shape[0])
                rows = rank
            selected: BoolArray = values[rows]
            return selected

        return cls(description, select)


def _scored(table: MessageTable, test: Callable[[npt.NDArray[np.float64]], Any]) -> BoolArray:
    if table.sentiment is None:
        return np.zeros(len(table), dtype=bool)
    scores = table.sentiment
    with np.errstate(invalid="ignore"):
        mask: BoolArray = np.asarray(test(scores), dtype=bool) & ~np.isnan(scores)
    return mask


#: What a segment argument may be: a Segment, ``"negative"``, ``"positive"`` or ``"neutral"``,
#: a function of the table, or a boolean mask in the input's order.
SegmentLike: TypeAlias = "Segment | str | Callable[[MessageTable], Any] | npt.ArrayLike"

_NAMED: Final[dict[str, Callable[[], Segment]]] = {
    "negative": Segment.negative,
    "positive": Segment.positive,
    "neutral": Segment.neutral,
}


def as_segment(value: object, function: str, parameter: str) -> Segment:
    """A segment argument as a Segment; anything else is refused, naming the parameter."""
    if isinstance(value, Segment):
        return value
    if isinstance(value, str):
        named = _NAMED.get(value)
        if named is None:
            raise InvalidParameterError(
                function, parameter, "a Segment, or 'negative', 'positive' or 'neutral'", value
            )
        return named()
    if callable(value):
        return Segment.where(value, "selected messages")
    if isinstance(value, np.ndarray | list | tuple):
        array = np.asarray(value)
        if array.dtype == np.bool_ and array.ndim == 1:
            return Segment.rows(array)
    raise InvalidParameterError(
        function,
        parameter,
        "a Segment, 'negative', 'positive' or 'neutral', a function of the table or a bool mask",
        value,
    )


# --- segments written down -----------------------------------------------------------------------


def _combined(operator: str, *parts: Segment) -> SegmentSpec | None:
    specs = [part._spec for part in parts]
    if any(spec is None for spec in specs):
        return None
    return (operator, *specs)


def segment_spec(segment: Segment) -> SegmentSpec | None:
    """How ``segment`` was built, as plain values; ``None`` when a function or a mask of the
    caller's (`Segment.where`, `Segment.rows`) is part of it."""
    return segment._spec


def spec_to_json(spec: SegmentSpec) -> list[Any]:
    """The spec as JSON writes it: nested lists."""
    return [spec_to_json(part) if isinstance(part, tuple) else part for part in spec]


_BUILT_FROM_VALUES: Final[dict[str, Callable[..., Segment]]] = {
    "tag": Segment.tag,
    "channel": Segment.channel,
    "assignee": Segment.assignee,
    "negative": Segment.negative,
    "positive": Segment.positive,
    "neutral": Segment.neutral,
}


def segment_of_spec(spec: object) -> Segment:
    """The segment a spec describes (as `segment_spec` gives it, or as JSON gives it back).

    Raises:
        ValueError: ``spec`` is not a segment's spec (an unknown form, or values its
            constructor refuses).
    """
    if not isinstance(spec, list | tuple) or not spec or not isinstance(spec[0], str):
        raise ValueError(f"not a segment's spec: {spec!r}")
    kind, *args = spec
    if kind in ("and", "or") and len(args) == 2:
        first, second = (segment_of_spec(arg) for arg in args)
        return first & second if kind == "and" else first | second
    if kind == "not" and len(args) == 1:
        return ~segment_of_spec(args[0])
    try:
        if kind == "period" and len(args) == 2 and all(isinstance(a, str) for a in args):
            start, end = (datetime.fromisoformat(a) for a in args)
            return Segment.period(start, end)
        build = _BUILT_FROM_VALUES.get(kind)
        if build is not None:
            return build(*args)
    except (ValueError, TypeError) as error:  # an InvalidParameterError is a ValueError
        raise ValueError(f"not a segment's spec: {spec!r} ({error})") from error
    raise ValueError(f"not a segment's spec: {spec!r}")
