"""The columnar table: how the library computes.

Records convert to it once; loaders and callers with their own arrays build it directly from
columns, without one Python object per message. Rows are sorted by conversation, then by time, and
rows with equal timestamps keep the order they were given in.

Timestamps are int64 nanoseconds since the Unix epoch (UTC). Categorical columns (agent, channel,
quick reply) are int32 codes into a tuple of names, with -1 for "none".
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .._core.columns import (
    _AUTHOR_CODES,
    _author_column,
    _bool_column,
    _column,
    _factorize,
    _factorize_columns,
    _factorize_ids,
    _is_missing,
    _object_array,
    _sentiment_column,
    _tags_column,
    _text_column,
    _time_column,
)
from .._core.encode import arrow_codes, encode, is_arrow_column, unique_in_groups
from .._core.time import NAT, datetime_to_ns, ns_to_datetime
from .._core.typing import Int32Array, Int64Array
from ..errors import InvalidDataError, InvalidParameterError
from ..records import Conversation

if TYPE_CHECKING:
    import pandas
    import pyarrow

    from ._ops import TableSummary

__all__ = ["MessageTable"]


class MessageTable:
    """Messages as numpy columns, sorted by conversation then time.

    Build one with [`from_conversations`][socialcare_metrics.MessageTable.from_conversations] (from
    records) or [`from_columns`][socialcare_metrics.MessageTable.from_columns] (from arrays or
    lists, without a Python object per message). Every metric accepts a table wherever it accepts
    conversations; building the table once and passing it to several metrics saves the conversion
    each time.

    Message columns (one value per row):

    - ``conversation``: int64 index into ``conversation_ids`` (non-decreasing);
    - ``sent_at``: int64 epoch nanoseconds, UTC;
    - ``author``: int8, 0 customer, 1 agent, 2 bot;
    - ``agent``: int32 index into ``agent_names``, -1 for none;
    - ``channel``: int32 index into ``channel_names``, -1 for none;
    - ``private``: bool;
    - ``row``: int64, the position the row had in the input.

    Optional message columns are ``None`` when the input did not have them: ``message_id``,
    ``text``, ``tags`` (object arrays), ``sentiment`` (float64, NaN for unscored), ``quick_reply``
    (int32 into ``quick_reply_names``) and ``actioned_at`` (int64, `NAT` for none).

    Conversation columns (one value per conversation): ``conversation_ids``, ``assignee`` (int32
    index into ``agent_names``), ``resolved_at`` (int64, NAT while open), ``conversation_tags``.
    ``offsets[i]:offsets[i + 1]`` are the rows of conversation ``i``.

    Examples:
        >>> table = MessageTable.from_columns(
        ...     conversation_id=["c1", "c1", "c2"],
        ...     sent_at=np.array(["2024-05-06T10:00", "2024-05-06T10:05", "2024-05-06T11:00"],
        ...                      dtype="datetime64[ns]"),
        ...     author=["customer", "agent", "customer"],
        ...     agent_id=[None, "ana", None],
        ... )
        >>> len(table), table.n_conversations
        (3, 2)
    """

    __slots__ = (
        "__weakref__",
        "_derived",
        "actioned_at",
        "agent",
        "agent_names",
        "assignee",
        "author",
        "channel",
        "channel_names",
        "conversation",
        "conversation_ids",
        "conversation_tags",
        "message_id",
        "offsets",
        "private",
        "quick_reply",
        "quick_reply_names",
        "resolved_at",
        "row",
        "sent_at",
        "sentiment",
        "tags",
        "text",
    )

    conversation: Int64Array
    sent_at: Int64Array
    author: npt.NDArray[np.int8]
    agent: Int32Array
    channel: Int32Array
    private: npt.NDArray[np.bool_]
    row: Int64Array
    message_id: npt.NDArray[np.object_] | None
    text: npt.NDArray[np.object_] | None
    tags: npt.NDArray[np.object_] | None
    sentiment: npt.NDArray[np.float64] | None
    quick_reply: Int32Array | None
    actioned_at: Int64Array | None
    conversation_ids: npt.NDArray[Any]
    assignee: Int32Array
    resolved_at: Int64Array
    conversation_tags: npt.NDArray[np.object_] | None
    offsets: Int64Array
    agent_names: tuple[str, ...]
    channel_names: tuple[str, ...]
    quick_reply_names: tuple[str, ...]
    _derived: dict[str, Any]

    def __init__(self, **columns: Any) -> None:
        # Internal: use from_conversations() or from_columns(), which validate.
        for name in self.__slots__:
            if name.startswith("_"):
                continue  # not columns: the weakref slot and the derived-data cache
            value = columns.pop(name)
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
            object.__setattr__(self, name, value)
        # What the library derives from the (immutable) table and reuses, e.g. the waits for
        # the latest options asked: several metrics over one table then walk it once.
        object.__setattr__(self, "_derived", {})
        if columns:  # pragma: no cover - a programming error inside the library
            raise TypeError(f"unknown columns {sorted(columns)}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("MessageTable is immutable")

    def __reduce__(self) -> tuple[Callable[[dict[str, Any]], MessageTable], tuple[dict[str, Any]]]:
        # Pickled as its columns, without the derived-data cache.
        columns = {name: getattr(self, name) for name in self.__slots__ if not name.startswith("_")}
        return (_rebuild, (columns,))

    def __len__(self) -> int:
        return int(self.sent_at.shape[0])

    @property
    def n_conversations(self) -> int:
        """How many conversations the table holds."""
        return int(self.offsets.shape[0] - 1)

    def __repr__(self) -> str:
        def counted(count: int, word: str) -> str:
            return f"{count} {word}{'' if count == 1 else 's'}"

        return (
            f"<MessageTable: {counted(len(self), 'message')} in "
            f"{counted(self.n_conversations, 'conversation')}, "
            f"{counted(len(self.agent_names), 'agent')}, "
            f"{counted(len(self.channel_names), 'channel')}>"
        )

    def conversation_label(self, code: int) -> str:
        """The id of conversation ``code`` as a string."""
        return str(self.conversation_ids[code])

    # --- builders --------------------------------------------------------------------------------

    @classmethod
    def from_conversations(cls, conversations: Iterable[Conversation]) -> MessageTable:
        """Build a table from [`Conversation`][socialcare_metrics.Conversation] records.

        Raises:
            InvalidParameterError: an item is not a Conversation, or a conversation id repeats.
        """
        conv_ids: list[str] = []
        seen: dict[str, int] = {}
        assignees: list[str | None] = []
        resolved: list[int] = []
        conv_tags: list[tuple[str, ...]] = []
        counts: list[int] = []
        m_sent: list[int] = []
        m_author: list[int] = []
        m_agent: list[str | None] = []
        m_channel: list[str | None] = []
        m_private: list[bool] = []
        m_id: list[str] = []
        m_text: list[str] = []
        m_tags: list[tuple[str, ...]] = []
        m_sentiment: list[float] = []
        m_quick: list[str | None] = []
        m_actioned: list[int] = []
        nan = float("nan")
        for position, conv in enumerate(conversations):
            if not isinstance(conv, Conversation):
                raise InvalidParameterError(
                    "MessageTable.from_conversations",
                    f"conversations[{position}]",
                    "a Conversation",
                    conv,
                )
            if conv.id in seen:
                raise InvalidParameterError(
                    "MessageTable.from_conversations",
                    f"conversations[{position}].id",
                    f"a conversation id not used before (conversations[{seen[conv.id]}] has it)",
                    conv.id,
                )
            seen[conv.id] = position
            conv_ids.append(conv.id)
            assignees.append(conv.assignee)
            resolved.append(NAT if conv.resolved_at is None else datetime_to_ns(conv.resolved_at))
            conv_tags.append(conv.tags)
            counts.append(len(conv.messages))
            for m in conv.messages:
                m_sent.append(datetime_to_ns(m.sent_at))
                m_author.append(_AUTHOR_CODES[m.author])
                m_agent.append(m.agent_id)
                m_channel.append(m.channel if m.channel is not None else conv.channel)
                m_private.append(m.private)
                m_id.append(m.id)
                m_text.append(m.text)
                m_tags.append(m.tags)
                m_sentiment.append(nan if m.sentiment is None else float(m.sentiment))
                m_quick.append(m.quick_reply)
                m_actioned.append(NAT if m.actioned_at is None else datetime_to_ns(m.actioned_at))

        n = len(m_sent)
        agent_codes, agent_names = _factorize(m_agent + assignees)
        channel_codes, channel_names = _factorize(m_channel)
        quick_codes, quick_names = _factorize(m_quick)
        offsets = np.zeros(len(conv_ids) + 1, dtype=np.int64)
        np.cumsum(np.asarray(counts, dtype=np.int64), out=offsets[1:])
        return cls(
            conversation=np.repeat(np.arange(len(conv_ids), dtype=np.int64), counts),
            sent_at=np.asarray(m_sent, dtype=np.int64),
            author=np.asarray(m_author, dtype=np.int8),
            agent=agent_codes[:n],
            channel=channel_codes,
            private=np.asarray(m_private, dtype=bool),
            row=np.arange(n, dtype=np.int64),
            message_id=_object_array(m_id),
            text=_object_array(m_text),
            tags=_object_array(m_tags),
            sentiment=np.asarray(m_sentiment, dtype=np.float64),
            quick_reply=quick_codes,
            actioned_at=np.asarray(m_actioned, dtype=np.int64),
            conversation_ids=_object_array(conv_ids),
            assignee=agent_codes[n:],
            resolved_at=np.asarray(resolved, dtype=np.int64),
            conversation_tags=_object_array(conv_tags),
            offsets=offsets,
            agent_names=agent_names,
            channel_names=channel_names,
            quick_reply_names=quick_names,
        )

    @classmethod
    def from_columns(
        cls,
        *,
        conversation_id: Sequence[str | int] | npt.ArrayLike,
        sent_at: Sequence[datetime] | npt.ArrayLike,
        author: Sequence[str] | npt.ArrayLike,
        agent_id: Sequence[str | None] | npt.ArrayLike | None = None,
        channel: Sequence[str | None] | npt.ArrayLike | None = None,
        private: Sequence[bool] | npt.ArrayLike | None = None,
        message_id: Sequence[Hashable] | npt.ArrayLike | None = None,
        text: Sequence[str] | npt.ArrayLike | None = None,
        tags: Sequence[Sequence[str]] | None = None,
        sentiment: Sequence[float | None] | npt.ArrayLike | None = None,
        quick_reply: Sequence[str | None] | npt.ArrayLike | None = None,
        actioned_at: Sequence[datetime | None] | npt.ArrayLike | None = None,
        assignee: Sequence[str | None] | npt.ArrayLike | None = None,
        resolved_at: Sequence[datetime | None] | npt.ArrayLike | None = None,
    ) -> MessageTable:
        """Build a table from columns: one value per message in each.

        A column is a 1-d array or any iterable (a list, a generator, a pandas Series of any
        dtype, a pyarrow Array or ChunkedArray, a polars Series or any other column that exports
        Arrow); a str, a scalar or a 2-d array is refused. With pyarrow (or pandas) installed,
        text and category columns are factorised whole, in C; without, value by value, with the
        same result. ``None``, NaN and pandas' ``NA``/``NaT`` are no
        value. Ids are str or int, one kind per column (and across ``agent_id`` and
        ``assignee``): 7 beside "7" would be two ids named "7".

        Args:
            conversation_id: The conversation of each message (str or int ids).
            sent_at: When each message was sent: ``datetime64`` values (UTC instants, any
                unit, in an array or one by one), int64 epoch nanoseconds, timezone-aware
                ``datetime`` objects, or ISO 8601 text with a UTC offset
                (``"2024-05-06T10:00:00+02:00"``, ``"...Z"``), from 1677-09-21 to 2262-04-11
                (what int64 nanoseconds hold). The same goes for ``actioned_at`` and
                ``resolved_at``.
            author: ``"customer"``, ``"agent"`` or ``"bot"`` per message, or the int codes
                0, 1, 2.
            agent_id: Who on the brand's side sent each message (``None`` or ``""`` for none);
                strings, or non-negative ints (a negative int means none, in a list as in an
                array).
            channel: The channel of each message.
            private: Whether each message is an internal note.
            message_id: Each message's id; ids must be unique within a conversation.
            text: Each message's text.
            tags: Each message's topic paths (a sequence of str per message).
            sentiment: A score in [-1, 1] per message; ``None`` or NaN for unscored.
            quick_reply: The quick-reply option a customer picked, per message.
            actioned_at: When the brand acted on each message other than replying, or none.
            assignee: The conversation's assignee, repeated on its rows; the value on the
                conversation's latest row that has one is used.
            resolved_at: When the conversation was last resolved, on its rows; the latest value
                given for a conversation is used.

        Raises:
            InvalidDataError: a column has the wrong length or a bad value; the message names
                the column and the row.
        """
        source = "MessageTable.from_columns"
        sent = _time_column(
            _column(sent_at, "sent_at", source, per="message"),
            "sent_at",
            source,
            allow_missing=False,
        )
        n = sent.shape[0]

        def column(values: object, name: str) -> npt.NDArray[Any]:
            return _column(
                values,
                name,
                source,
                n,
                per="message (as 'sent_at' has)",
                keep_arrow=name in _ARROW_COLUMNS,
            )

        def optional(values: object, name: str) -> npt.NDArray[Any] | None:
            return None if values is None else column(values, name)

        conv_codes, conv_labels, offsets = _factorize_ids(
            column(conversation_id, "conversation_id"), source
        )
        author_codes = _author_column(column(author, "author"), source)

        def categorical(values: object, name: str) -> tuple[Int32Array, tuple[str, ...]]:
            if values is None:
                return np.full(n, -1, dtype=np.int32), ()
            (codes,), names = _factorize_columns([(name, column(values, name))], source)
            return codes, names

        channel_codes, channel_names = categorical(channel, "channel")
        quick_codes: Int32Array | None = None
        quick_names: tuple[str, ...] = ()
        if quick_reply is not None:
            quick_codes, quick_names = categorical(quick_reply, "quick_reply")

        # Agents and assignees share one code space, so an agent and the conversations
        # assigned to them group together: their ids are of one kind (str or int) across both.
        agent_values = optional(agent_id, "agent_id")
        assignee_values = optional(assignee, "assignee")
        if agent_values is not None and assignee_values is not None:
            # The assignee codes per row are only read (per conversation, below): no copy.
            (agent_codes, assignee_rows), agent_names = _factorize_columns(
                [("agent_id", agent_values), ("assignee", assignee_values)], source, read_only=1
            )
        elif agent_values is not None:
            (agent_codes,), agent_names = _factorize_columns([("agent_id", agent_values)], source)
            assignee_rows = np.full(n, -1, dtype=np.int32)
        elif assignee_values is not None:
            (assignee_rows,), agent_names = _factorize_columns(
                [("assignee", assignee_values)], source
            )
            agent_codes = np.full(n, -1, dtype=np.int32)
        else:
            agent_codes, agent_names = np.full(n, -1, dtype=np.int32), ()
            assignee_rows = agent_codes

        private_values = optional(private, "private")
        private_col = (
            np.zeros(n, dtype=bool)
            if private_values is None
            else _bool_column(private_values, "private", source)
        )
        sentiment_values = optional(sentiment, "sentiment")
        sentiment_col = (
            None if sentiment_values is None else _sentiment_column(sentiment_values, source)
        )
        actioned_values = optional(actioned_at, "actioned_at")
        actioned_col = (
            None
            if actioned_values is None
            else _time_column(actioned_values, "actioned_at", source)
        )
        resolved_values = optional(resolved_at, "resolved_at")
        resolved_rows = (
            None
            if resolved_values is None
            # Only read (per conversation, below): the caller's array needs no copy.
            else _time_column(resolved_values, "resolved_at", source, copy=False)
        )
        message_ids = optional(message_id, "message_id")
        message_codes: tuple[Int64Array, int] | None = None
        ids_checked = False
        if message_ids is not None and is_arrow_column(message_ids):
            # Ids told unique by their hashes need no codes; else codes from Arrow. Then the
            # ids as Python values for the table.
            ids_checked = unique_in_groups(conv_codes, message_ids)
            if not ids_checked:
                message_codes = arrow_codes(message_ids)
            message_ids = _column(message_ids, "message_id", source, n)
        text_values = optional(text, "text")
        text_col = None if text_values is None else _text_column(text_values, source)
        tags_values = optional(tags, "tags")
        tags_col = None if tags_values is None else _tags_column(tags_values, source)

        # Sort by conversation, then time; a stable sort keeps the given order of equal times.
        order = _sort_order(conv_codes, sent, offsets)
        if order is not None:
            conv_codes = conv_codes[order]
            sent = sent[order]
            author_codes = author_codes[order]
            agent_codes = agent_codes[order]
            assignee_rows = assignee_rows[order]
            channel_codes = channel_codes[order]
            private_col = private_col[order]
            rows = order.astype(np.int64, copy=False)
        else:
            rows = np.arange(n, dtype=np.int64)

        def reorder(values: Any) -> Any:
            return None if values is None or order is None else values[order]

        if order is not None:
            quick_codes = reorder(quick_codes)
            sentiment_col = reorder(sentiment_col)
            actioned_col = reorder(actioned_col)
            resolved_rows = reorder(resolved_rows)
            message_ids = reorder(message_ids)
            if message_codes is not None:
                message_codes = (message_codes[0][order], message_codes[1])
            text_col = reorder(text_col)
            tags_col = reorder(tags_col)

        n_conv = len(conv_labels)
        if offsets is None:
            offsets = np.zeros(n_conv + 1, dtype=np.int64)
            np.cumsum(np.bincount(conv_codes, minlength=n_conv), out=offsets[1:])
        # (Offsets found while factorising still hold: the codes were sorted, so the sort only
        # moved rows within their conversation.)

        if message_ids is not None:
            if not ids_checked:
                _check_unique_message_ids(conv_codes, message_ids, rows, source, message_codes)
            if message_ids.dtype != object:
                message_ids = _object_array(list(message_ids))

        # Per conversation: the latest assignee given on its rows, the latest resolved_at.
        # Rows are sorted by conversation and no conversation is empty, so offsets[:-1] are the
        # first rows and offsets[1:] - 1 the latest ones.
        # A value repeated on every row of its conversation, as a column of a conversation's
        # own fields usually is, is read off the first row.
        if assignee_values is None or n == 0:
            assignee_conv = np.full(n_conv, -1, dtype=np.int32)
        elif _constant_runs(assignee_rows, offsets):
            assignee_conv = assignee_rows[offsets[:-1]]
        else:
            assignee_conv = _latest_assignee(assignee_rows, conv_codes, offsets)
        resolved_conv = np.full(n_conv, NAT, dtype=np.int64)
        if resolved_rows is not None and n:
            if _constant_runs(resolved_rows, offsets):
                resolved_conv = resolved_rows[offsets[:-1]]
            else:
                resolved_conv = np.maximum.reduceat(resolved_rows, offsets[:-1])
            first_sent = sent[offsets[:-1]]
            early = (resolved_conv != NAT) & (resolved_conv < first_sent)
            if early.any():
                bad = int(np.flatnonzero(early)[0])
                raise InvalidDataError(
                    source,
                    "resolved_at",
                    None,
                    f"a time at or after the first message of conversation "
                    f"{str(conv_labels[bad])!r}",
                    ns_to_datetime(int(resolved_conv[bad])),
                )

        return cls(
            conversation=conv_codes,
            sent_at=sent,
            author=author_codes,
            agent=agent_codes,
            channel=channel_codes,
            private=private_col,
            row=rows,
            message_id=message_ids,
            text=text_col,
            tags=tags_col,
            sentiment=sentiment_col,
            quick_reply=quick_codes,
            actioned_at=actioned_col,
            conversation_ids=conv_labels,
            assignee=assignee_conv,
            resolved_at=resolved_conv,
            conversation_tags=None,
            offsets=offsets,
            agent_names=agent_names,
            channel_names=channel_names,
            quick_reply_names=quick_names,
        )

    # --- operations on the whole table ----------------------------------------------------------

    def select(
        self,
        conversations: Iterable[str | int] | None = None,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> MessageTable:
        """A new table of some of the conversations: those named, those opened in a window.

        A conversation opens when the customer first writes: at its first public customer
        message, the time by which [`resolution_time`][socialcare_metrics.resolution_time] and
        [`first_reply_time`][socialcare_metrics.first_reply_time] place it in a window. A
        conversation without one (a brand post nobody answered, private notes only, no message
        at all) opened in no window, and a window leaves it out. (Resolution rate and the team
        report's conversation counts place a conversation at its first message of any kind:
        a brand post before the customer wrote moves it earlier there.) Whole conversations
        are kept, with messages before ``start`` and after ``end``; to look at the data as it
        stood at ``end``, give ``end=`` to the metric instead.

        Conversations keep their order in the table, and every column is kept. ``row`` keeps
        each message's position in the input the table was built from. The names of agents,
        channels and quick replies are kept whole, also those no kept conversation uses, so
        codes mean what they meant; results grouped ``by("agent")`` or ``by("channel")`` list
        only the names that occur.

        Args:
            conversations: The ids of the conversations to keep (any iterable: a list, a set,
                a numpy array), of the kind the table's ids are (str, or int for a table built
                from int ids); ``None`` keeps every conversation. Every id must be in the table.
            start: Keep the conversations opened at or after this time (an aware datetime).
            end: Keep the conversations opened before this time (an aware datetime).

        Returns:
            A new `MessageTable` of the conversations that pass every filter given.

        Raises:
            InvalidParameterError: an id that is not in the table (the error shows the first
                few such ids), an id of the other kind, a naive or out-of-range time, or
                ``end`` not after ``start``.

        Examples:
            >>> from datetime import UTC, datetime
            >>> table = MessageTable.from_columns(
            ...     conversation_id=["c1", "c1", "c2", "c3"],
            ...     sent_at=np.array(["2024-05-06T10:00", "2024-05-06T10:05",
            ...                       "2024-05-07T09:00", "2024-05-08T09:00"],
            ...                      dtype="datetime64[ns]"),
            ...     author=["customer", "agent", "customer", "agent"],
            ... )
            >>> table.select(["c2", "c1"]).conversation_ids.tolist()
            ['c1', 'c2']
            >>> may_7 = table.select(start=datetime(2024, 5, 7, tzinfo=UTC))
            >>> may_7.conversation_ids.tolist()  # c3 has no customer message: in no window
            ['c2']
            >>> table.select(["c9"])
            Traceback (most recent call last):
            ...
            socialcare_metrics.errors.InvalidParameterError: MessageTable.select(): ...
            (1 of the ids given is not in it) (got 'c9' that is a str)
        """
        from . import _ops

        return _ops.select(self, conversations, start, end)

    @classmethod
    def concat(cls, tables: Iterable[MessageTable], /) -> MessageTable:
        """One table of the conversations of several, one table's after the other's.

        Agents, channels and quick replies are matched by name: each table's codes are mapped
        into one sorted set of names, so agent ``"ana"`` is one agent whatever code each table
        gave her. A column that some tables have and others lack is filled with its "none"
        for the others (text ``""``, tags ``()``, sentiment NaN, quick reply and
        ``actioned_at`` none, conversation tags ``()``); message ids cannot be made up, so
        ``message_id`` must be in every table or in none.

        ``row`` counts on from table to table: a message's ``row`` is its row in its own table
        plus, for each table before it, that table's largest ``row`` plus one. For tables
        loaded whole, that is the message's position in the inputs laid end to end.

        ``concat([table])`` equals ``table``, and the parts of a table split with
        [`select`][socialcare_metrics.MessageTable.select], joined again, give every metric
        the result the whole table gives. ``concat([])`` is an empty table.

        Args:
            tables: The tables, in order (a list or a tuple; one table is ``[table]``).

        Raises:
            InvalidParameterError: an item is not a MessageTable; a conversation id is in two
                tables (the error names the id and the two tables); one table's conversation
                ids are str and another's int; some tables have message ids and others not.

        Examples:
            >>> sent = np.array(["2024-05-06T10:00", "2024-05-06T10:05"], dtype="datetime64[ns]")
            >>> north = MessageTable.from_columns(conversation_id=["n1", "n1"], sent_at=sent,
            ...     author=["customer", "agent"], agent_id=[None, "zoe"])
            >>> south = MessageTable.from_columns(conversation_id=["s1", "s1"], sent_at=sent,
            ...     author=["customer", "agent"], agent_id=[None, "ana"])
            >>> both = MessageTable.concat([north, south])
            >>> both.agent_names, both.agent.tolist()
            (('ana', 'zoe'), [-1, 1, -1, 0])
            >>> both.row.tolist()
            [0, 1, 2, 3]
        """
        from . import _ops

        return _ops.concat(tables)

    def to_pandas(self) -> pandas.DataFrame:
        """The table as a pandas DataFrame, one row per message, in the table's order.

        Columns: ``conversation_id``; ``sent_at`` (``datetime64[ns, UTC]``); ``author``
        (``"customer"``, ``"agent"`` or ``"bot"``); ``agent_id`` and ``channel`` (names, or
        ``None``); ``private``; then the optional columns the table has, ``message_id``,
        ``text``, ``tags`` (tuples), ``sentiment`` (NaN for unscored), ``quick_reply`` (a name
        or ``None``) and ``actioned_at`` (``NaT`` for none); the conversation's ``assignee``
        (a name or ``None``) and ``resolved_at`` (``NaT`` while open), repeated on each of its
        rows, and its ``conversation_tags`` when the table has them; last ``row``. A
        conversation without messages has no row.

        [`load_messages`][socialcare_metrics.load_messages] reads the frame back, with
        ``columns`` naming each of its columns but ``row`` and ``conversation_tags``; it reads
        ids as text, so a table of str ids comes back equal, ``row`` then counting the frame's
        rows.

        Needs the ``pandas`` extra.

        Examples:
            >>> table = MessageTable.from_columns(
            ...     conversation_id=["c1", "c1"],
            ...     sent_at=np.array(["2024-05-06T10:00", "2024-05-06T10:05"],
            ...                      dtype="datetime64[ns]"),
            ...     author=["customer", "agent"], agent_id=[None, "ana"])
            >>> frame = table.to_pandas()
            >>> frame[["conversation_id", "sent_at", "author", "agent_id"]]
              conversation_id                   sent_at    author agent_id
            0              c1 2024-05-06 10:00:00+00:00  customer     None
            1              c1 2024-05-06 10:05:00+00:00     agent      ana
        """
        from . import _ops

        return _ops.to_pandas(self)

    def to_arrow(self) -> pyarrow.Table:
        """The table as a pyarrow Table: the columns of
        [`to_pandas`][socialcare_metrics.MessageTable.to_pandas].

        Times are ``timestamp[ns, tz=UTC]``; ``author``, ``agent_id``, ``channel``,
        ``quick_reply`` and ``assignee`` are dictionary-encoded strings (the table's codes
        are the indices, so nothing is copied per message); tags are lists of strings; "none"
        is null throughout (an unscored sentiment too). Needs the ``pyarrow`` extra.

        Examples:
            >>> table = MessageTable.from_columns(
            ...     conversation_id=["c1"], sent_at=np.array(["2024-05-06T10:00"],
            ...     dtype="datetime64[ns]"), author=["customer"])
            >>> arrow = table.to_arrow()
            >>> arrow.schema.field("sent_at").type, arrow.column("author").to_pylist()
            (TimestampType(timestamp[ns, tz=UTC]), ['customer'])
        """
        from . import _ops

        return _ops.to_arrow(self)

    def describe(self, *, max_agents: int = 10) -> TableSummary:
        """What the table holds, at a glance: a [`TableSummary`][socialcare_metrics.TableSummary].

        Args:
            max_agents: How many agents' names the summary lists (all are counted).

        Examples:
            >>> table = MessageTable.from_columns(
            ...     conversation_id=["c1", "c1", "c2"],
            ...     sent_at=np.array(["2024-05-06T10:00", "2024-05-06T10:05",
            ...                       "2024-05-07T09:00"], dtype="datetime64[ns]"),
            ...     author=["customer", "agent", "customer"], agent_id=[None, "ana", None],
            ...     channel=["twitter", "twitter", "email"],
            ...     text=["Where is my order?", "On its way!", ""])
            >>> summary = table.describe()
            >>> summary.customer_messages, summary.agent_names, summary.text_share
            (2, ('ana',), 0.6666666666666666)
            >>> print(summary)
            MessageTable summary
            messages         3
              customer       2
              agent          1
              bot            0
              private notes  0
            conversations    2
              resolved       0
            first message    2024-05-06 10:00:00+00:00
            last message     2024-05-07 09:00:00+00:00
            agents           1: ana
            channels         twitter 2, email 1
            with text        2 (66.7%)
            tagged           no column
            scored           no column
        """
        from . import _ops

        return _ops.describe(self, max_agents)


# Columns factorised (or, for text, converted) in Arrow when they arrive as Arrow columns.
_ARROW_COLUMNS = frozenset(
    {
        "conversation_id",
        "author",
        "agent_id",
        "assignee",
        "channel",
        "quick_reply",
        "text",
        "message_id",
    }
)


def _constant_runs(values: npt.NDArray[Any], offsets: Int64Array) -> bool:
    """Whether ``values`` is the same on every row of each conversation (rows sorted, n >= 1)."""
    same = values[1:] == values[:-1]
    same[offsets[1:-1] - 1] = True  # a new conversation may have another value
    return bool(same.all())


def _latest_assignee(
    assignee_rows: Int32Array, conv: Int64Array, offsets: Int64Array
) -> Int32Array:
    """Per conversation, the assignee on its latest row that has one (-1 where no row has one).

    Rows are sorted by conversation, none is empty, and there is at least one row.
    """
    latest = assignee_rows[offsets[1:] - 1]
    missing = latest < 0
    if not missing.any():
        return latest
    # A conversation whose latest row has none: -1 when none of its rows has one (the largest
    # code is -1); only when an earlier row has one does it take the general way.
    if not (np.maximum.reduceat(assignee_rows, offsets[:-1])[missing] >= 0).any():
        return latest
    assignee_conv = np.full(offsets.shape[0] - 1, -1, dtype=np.int32)
    has_assignee = assignee_rows >= 0
    assignee_conv[conv[has_assignee]] = assignee_rows[has_assignee]
    return assignee_conv


def _sort_order(
    conv: Int64Array, sent: Int64Array, offsets: Int64Array | None = None
) -> npt.NDArray[np.intp] | None:
    """The stable order by (conversation, time), or None when the rows are in it already.

    ``offsets``, when given, are the runs of ``conv``, which is then non-decreasing.
    """
    if conv.shape[0] < 2:
        return None
    if offsets is not None:
        in_order = sent[1:] >= sent[:-1]
        in_order[offsets[1:-1] - 1] = True  # a new conversation may start at any time
        return None if bool(in_order.all()) else np.lexsort((sent, conv))
    dconv = conv[1:] - conv[:-1]
    if bool(np.all((dconv > 0) | ((dconv == 0) & (sent[1:] >= sent[:-1])))):
        return None
    return np.lexsort((sent, conv))  # lexsort is stable


def _check_unique_message_ids(
    conv: Int64Array,
    ids: npt.NDArray[Any],
    rows: Int64Array,
    source: str,
    codes: tuple[Int64Array, int] | None = None,
) -> None:
    """Refuse a missing, empty or unhashable message id, or one used twice in a conversation.

    ``codes``, when given, are ``ids`` (none missing or empty) as codes, and how many there are.
    """
    if codes is not None:
        _check_unique_codes(conv, codes[0], codes[1], ids, rows, source)
        return
    encoded = encode(ids)
    if encoded is not None and "" not in encoded.uniques:
        if encoded.codes.shape[0] and int(encoded.codes.min()) < 0:
            i = int(np.flatnonzero(encoded.codes < 0)[0])
            raise InvalidDataError(source, "message_id", int(rows[i]), "a non-empty id", ids[i])
        _check_unique_codes(conv, encoded.codes, len(encoded.uniques), ids, rows, source)
        return
    lookup: dict[Any, int] = {}
    found = np.empty(ids.shape[0], dtype=np.int64)
    for i, value in enumerate(ids.tolist()):
        try:
            code = lookup.get(value)
        except TypeError:  # unhashable: a list, a dict, an array
            raise InvalidDataError(
                source, "message_id", int(rows[i]), "a hashable id, such as a str or an int", value
            ) from None
        if code is None:
            if _is_missing(value) or (isinstance(value, str) and not value):
                raise InvalidDataError(source, "message_id", int(rows[i]), "a non-empty id", value)
            code = lookup[value] = len(lookup)
        found[i] = code
    _check_unique_codes(conv, found, len(lookup), ids, rows, source)


def _check_unique_codes(
    conv: Int64Array,
    codes: Int64Array,
    n_ids: int,
    ids: npt.NDArray[Any],
    rows: Int64Array,
    source: str,
) -> None:
    """Refuse a message id (as codes) used twice in one conversation."""
    if codes.shape[0] < 2:
        return
    key = conv * n_ids + codes
    order = np.argsort(key, kind="stable")
    dup = np.flatnonzero(key[order][1:] == key[order][:-1])
    if dup.size:
        second = int(order[dup[0] + 1])
        raise InvalidDataError(
            source,
            "message_id",
            int(rows[second]),
            "an id used once per conversation",
            ids[second],
        )


def _rebuild(columns: dict[str, Any]) -> MessageTable:
    """A `MessageTable` from its pickled columns, through ``__init__`` (read-only again)."""
    return MessageTable(**columns)
