"""Operations on a whole `MessageTable`: select, concat, conversion to data frames, describe.

The public entry points are the table's methods (`MessageTable.select`, `MessageTable.concat`,
`MessageTable.to_pandas`, `MessageTable.to_arrow`, `MessageTable.describe`); the work is here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from .._core.columns import AUTHOR_AGENT, AUTHOR_BOT, AUTHOR_CUSTOMER, _object_array
from .._core.extras import require
from .._core.time import NAT, ns_to_datetime
from .._core.typing import Int32Array, Int64Array
from .._core.validation import check_count
from .._engine.resolution import conversation_resolved, resolution_items
from .._engine.window import check_window, part_of
from ..errors import InvalidParameterError
from ..results._render import aligned_lines, format_cell
from .messages import MessageTable

__all__ = ["TableSummary", "concat", "describe", "select", "to_arrow", "to_pandas"]

_AUTHOR_NAMES: Final = ("customer", "agent", "bot")

#: How many missing ids an error shows.
_SHOWN: Final = 3


# --- select ---------------------------------------------------------------------------------------


def select(table: MessageTable, conversations: object, start: object, end: object) -> MessageTable:
    """`MessageTable.select`: the conversations chosen by id and opened in ``[start, end)``."""
    function = "MessageTable.select"
    lo, hi = check_window(start, end, function)
    keep = np.ones(table.n_conversations, dtype=bool)
    if conversations is not None:
        keep &= _id_mask(table, conversations, function)
    if lo is not None or hi is not None:
        # A conversation opens at its first public customer message: the time by which
        # resolution time and first reply time place a conversation in a window.
        items = resolution_items(table)
        opened = np.ones(items.start.shape[0], dtype=bool)
        if lo is not None:
            opened &= items.start >= lo
        if hi is not None:
            opened &= items.start < hi
        in_window = np.zeros(table.n_conversations, dtype=bool)
        in_window[items.conversation[opened]] = True
        keep &= in_window
    return take_conversations(table, np.flatnonzero(keep))


def _id_mask(table: MessageTable, conversations: object, function: str) -> npt.NDArray[np.bool_]:
    """Which conversations ``conversations`` (an iterable of ids) names; every id must be there."""
    if (
        isinstance(conversations, str | bytes | Mapping)
        or not isinstance(conversations, Iterable)
        or isinstance(conversations, MessageTable)
    ):
        raise InvalidParameterError(
            function,
            "conversations",
            "an iterable of conversation ids (a list, a set, an array; [id] for one), or None",
            conversations,
        )
    values = (
        conversations.tolist() if isinstance(conversations, np.ndarray) else list(conversations)
    )
    ids = table.conversation_ids
    int_ids = ids.dtype.kind in "iu"
    lookup: dict[Any, int] = {value: code for code, value in enumerate(ids.tolist())}
    keep = np.zeros(table.n_conversations, dtype=bool)
    missing: list[Any] = []
    for value in values:
        is_int = isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
        if not (is_int or isinstance(value, str)) or (table.n_conversations and is_int != int_ids):
            raise InvalidParameterError(function, "conversations", _id_kind(table), value)
        code = lookup.get(int(value) if is_int else value)
        if code is None:
            if value not in missing:
                missing.append(value)
        else:
            keep[code] = True
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise InvalidParameterError(
            function,
            "conversations",
            f"ids of the table's conversations ({len(missing)} of the ids given {verb} not in it)",
            missing[0] if len(missing) == 1 else missing[:_SHOWN],
        )
    return keep


def _id_kind(table: MessageTable) -> str:
    """What an id given to `select` must be, for the error: the kind the table's ids are."""
    if not table.n_conversations:
        return "a conversation id (a str or an int)"
    first = table.conversation_ids[0]
    example = first.item() if table.conversation_ids.dtype.kind in "iu" else str(first)
    kind = "an int" if isinstance(example, int) else "a str"
    return f"{kind} id, as the table's conversation ids are (like {example!r})"


def take_conversations(table: MessageTable, codes: npt.NDArray[np.intp]) -> MessageTable:
    """A table of conversations ``codes`` (in that order), every column kept, names kept."""
    starts = table.offsets[codes]
    lengths = table.offsets[codes + 1] - starts
    offsets = np.zeros(codes.shape[0] + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    rows = np.arange(int(offsets[-1]), dtype=np.int64) + np.repeat(starts - offsets[:-1], lengths)
    conversation: Int64Array = np.repeat(np.arange(codes.shape[0], dtype=np.int64), lengths)

    return part_of(table, rows, conversation, codes, offsets)


# --- concat ---------------------------------------------------------------------------------------


def concat(tables: object) -> MessageTable:
    """`MessageTable.concat`: the tables' conversations, one after the other, in one table."""
    function = "MessageTable.concat"
    if isinstance(tables, str | bytes | Mapping | MessageTable) or not isinstance(tables, Iterable):
        raise InvalidParameterError(
            function, "tables", "an iterable of MessageTable (a list or a tuple)", tables
        )
    parts = list(tables)
    for i, part in enumerate(parts):
        if not isinstance(part, MessageTable):
            raise InvalidParameterError(function, f"tables[{i}]", "a MessageTable", part)
    if not parts:
        return MessageTable.from_conversations([])
    conversation_ids = _joined_ids(parts, function)
    agent_names, agent_maps = _merged_names([t.agent_names for t in parts])
    channel_names, channel_maps = _merged_names([t.channel_names for t in parts])
    quick_names, quick_maps = _merged_names([t.quick_reply_names for t in parts])

    sizes = [len(t) for t in parts]
    counts = [t.n_conversations for t in parts]
    conversation_shift = np.cumsum([0, *counts[:-1]], dtype=np.int64)
    row_shift = np.cumsum([0, *(_input_size(t) for t in parts[:-1])], dtype=np.int64)
    offsets = np.zeros(sum(counts) + 1, dtype=np.int64)
    np.cumsum(np.concatenate([np.diff(t.offsets) for t in parts]).astype(np.int64), out=offsets[1:])

    def joined(name: str) -> Any:
        return np.concatenate([getattr(t, name) for t in parts])

    def remapped(name: str, maps: list[Int32Array]) -> Int32Array:
        return np.concatenate([m[getattr(t, name)] for t, m in zip(parts, maps, strict=True)])

    def optional(name: str, make_none: Any) -> Any:
        """The column of every table, ``make_none(n)`` for a table without it; None if none has
        it."""
        if all(getattr(t, name) is None for t in parts):
            return None
        return np.concatenate(
            [
                getattr(t, name) if getattr(t, name) is not None else make_none(size)
                for t, size in zip(parts, sizes, strict=True)
            ]
        )

    # A message id has no "none" to fill in: ids are how a message is named in its conversation.
    have_ids = [t.message_id is not None for t in parts]
    if any(have_ids):
        lacking = [
            i for i, (has, n) in enumerate(zip(have_ids, sizes, strict=True)) if not has and n
        ]
        if lacking:
            having = have_ids.index(True)
            raise InvalidParameterError(
                function,
                f"tables[{lacking[0]}]",
                f"a table with message ids, as tables[{having}] has (message_id is in every "
                "table or in none)",
                parts[lacking[0]],
            )

    quick_reply = None
    if any(t.quick_reply is not None for t in parts):
        quick_reply = np.concatenate(
            [
                m[t.quick_reply] if t.quick_reply is not None else np.full(n, -1, dtype=np.int32)
                for t, m, n in zip(parts, quick_maps, sizes, strict=True)
            ]
        )
    conversation_tags = None
    if any(t.conversation_tags is not None for t in parts):
        conversation_tags = np.concatenate(
            [
                t.conversation_tags
                if t.conversation_tags is not None
                else _object_array([()] * t.n_conversations)
                for t in parts
            ]
        )
    return MessageTable(
        conversation=np.concatenate(
            [t.conversation + shift for t, shift in zip(parts, conversation_shift, strict=True)]
        ).astype(np.int64, copy=False),
        sent_at=joined("sent_at"),
        author=joined("author"),
        agent=remapped("agent", agent_maps),
        channel=remapped("channel", channel_maps),
        private=joined("private"),
        row=np.concatenate(
            [t.row + shift for t, shift in zip(parts, row_shift, strict=True)]
        ).astype(np.int64, copy=False),
        message_id=optional("message_id", lambda n: _object_array([None] * n)),
        text=optional("text", lambda n: _object_array([""] * n)),
        tags=optional("tags", lambda n: _object_array([()] * n)),
        sentiment=optional("sentiment", lambda n: np.full(n, np.nan)),
        quick_reply=quick_reply,
        actioned_at=optional("actioned_at", lambda n: np.full(n, NAT, dtype=np.int64)),
        conversation_ids=conversation_ids,
        assignee=remapped("assignee", agent_maps),
        resolved_at=joined("resolved_at"),
        conversation_tags=conversation_tags,
        offsets=offsets,
        agent_names=agent_names,
        channel_names=channel_names,
        quick_reply_names=quick_names,
    )


def _input_size(table: MessageTable) -> int:
    """How many input rows the table's ``row`` numbers run over: its largest row, plus one."""
    return int(table.row.max()) + 1 if len(table) else 0


def _joined_ids(parts: Sequence[MessageTable], function: str) -> npt.NDArray[Any]:
    """The tables' conversation ids end to end: of one kind, none in two tables."""
    # A table without conversations has no kind of id to agree on.
    holding = [(i, t.conversation_ids) for i, t in enumerate(parts) if t.n_conversations]
    if not holding:
        return parts[0].conversation_ids[:0]
    first_index, first_ids = holding[0]
    first_int = first_ids.dtype.kind in "iu"
    for i, ids in holding[1:]:
        if (ids.dtype.kind in "iu") != first_int:
            kind = "int" if first_int else "str"
            raise InvalidParameterError(
                function,
                f"tables[{i}]",
                f"a table whose conversation ids are {kind} ids like tables[{first_index}]'s "
                f"({first_ids[0].item() if first_int else str(first_ids[0])!r}): str and int "
                "ids are not mixed, as 7 and '7' would be two ids named '7'",
                ids[0].item() if ids.dtype.kind in "iu" else str(ids[0]),
            )
    arrays = [ids for _, ids in holding]
    if first_int and len({a.dtype for a in arrays}) > 1:
        # int64 beside uint64 (ids beyond int64): numpy would join them as floats.
        if all(a.dtype.kind == "u" or not a.shape[0] or int(a.min()) >= 0 for a in arrays):
            arrays = [a.astype(np.uint64) for a in arrays]
        else:
            arrays = [a.astype(np.int64) for a in arrays]
    joined = np.concatenate(arrays)
    values = joined.tolist()
    if len(set(values)) != len(values):
        where: dict[Any, int] = {}
        for i, ids in holding:
            for value in ids.tolist():
                if value in where:
                    raise InvalidParameterError(
                        function,
                        "tables",
                        f"tables without a conversation id in common (tables[{where[value]}] "
                        f"and tables[{i}] both hold this one)",
                        value,
                    )
                where[value] = i
    return joined


def _merged_names(
    names: Sequence[tuple[str, ...]],
) -> tuple[tuple[str, ...], list[Int32Array]]:
    """One sorted code space for the tables' names, and each table's map of old code to new
    (an extra last slot maps -1, "none", to -1).

    Names sort as the tables sort them: as numbers when every name is an int's and every table
    has them in numeric order (its ids were ints), else as text.
    """
    union = set().union(*names)
    numeric = all(_is_int_name(name) for name in union) and all(
        [int(n) for n in table] == sorted(int(n) for n in table) for table in names
    )
    merged = tuple(sorted(union, key=int) if numeric else sorted(union))
    code = {name: i for i, name in enumerate(merged)}
    maps = [np.array([code[n] for n in table] + [-1], dtype=np.int32) for table in names]
    return merged, maps


def _is_int_name(name: str) -> bool:
    return name.isascii() and name.isdigit() and (name == "0" or not name.startswith("0"))


# --- data frames ----------------------------------------------------------------------------------


def _named(codes: Int32Array, names: tuple[str, ...]) -> npt.NDArray[np.object_]:
    """Codes as their names, ``None`` for -1 (the extra last slot)."""
    lookup = _object_array([*names, None])
    named: npt.NDArray[np.object_] = lookup[codes]
    return named


def _frame_columns(table: MessageTable) -> dict[str, tuple[str, Any]]:
    """The columns of `to_pandas` and `to_arrow`, in order: name -> (kind, values).

    Kinds: ``"id"``, ``"time"`` (int64 ns, NAT for none), ``"name"`` (int32 codes and their
    names), ``"author"``, ``"bool"``, ``"float"``, ``"text"``, ``"tags"``, ``"int"``.
    """
    conv = table.conversation
    columns: dict[str, tuple[str, Any]] = {
        "conversation_id": ("id", table.conversation_ids[conv]),
        "sent_at": ("time", table.sent_at),
        "author": ("author", table.author),
        "agent_id": ("name", (table.agent, table.agent_names)),
        "channel": ("name", (table.channel, table.channel_names)),
        "private": ("bool", table.private),
    }
    if table.message_id is not None:
        columns["message_id"] = ("id", table.message_id)
    if table.text is not None:
        columns["text"] = ("text", table.text)
    if table.tags is not None:
        columns["tags"] = ("tags", table.tags)
    if table.sentiment is not None:
        columns["sentiment"] = ("float", table.sentiment)
    if table.quick_reply is not None:
        columns["quick_reply"] = ("name", (table.quick_reply, table.quick_reply_names))
    if table.actioned_at is not None:
        columns["actioned_at"] = ("time", table.actioned_at)
    columns["assignee"] = ("name", (table.assignee[conv], table.agent_names))
    columns["resolved_at"] = ("time", table.resolved_at[conv])
    if table.conversation_tags is not None:
        columns["conversation_tags"] = ("tags", table.conversation_tags[conv])
    columns["row"] = ("int", table.row)
    return columns


def to_pandas(table: MessageTable) -> Any:
    """`MessageTable.to_pandas`."""
    pd = require("pandas", "MessageTable.to_pandas()")
    data: dict[str, Any] = {}
    for name, (kind, values) in _frame_columns(table).items():
        if kind == "time":
            data[name] = pd.DatetimeIndex(values.view("datetime64[ns]")).tz_localize("UTC")
        elif kind == "name":
            data[name] = _named(*values)
        elif kind == "author":
            data[name] = _object_array(_AUTHOR_NAMES)[values]
        elif kind in ("id", "text", "tags") and values.dtype.kind not in "iu":
            data[name] = _object_array(values.tolist())
        else:
            data[name] = values.copy()  # the frame's own: the table's arrays are read-only
        if data[name].dtype == object:
            # Python objects as they are (None for none) under every pandas version: pandas 3
            # would turn a column of str into its own string type, with NaN for None.
            data[name] = pd.Series(data[name], dtype=object)
    return pd.DataFrame(data, index=pd.RangeIndex(len(table)))


def to_arrow(table: MessageTable) -> Any:
    """`MessageTable.to_arrow`."""
    pa = require("pyarrow", "MessageTable.to_arrow()")
    timestamp = pa.timestamp("ns", tz="UTC")
    names = pa.dictionary(pa.int32(), pa.string())
    arrays: dict[str, Any] = {}
    for name, (kind, values) in _frame_columns(table).items():
        if kind == "time":
            arrays[name] = pa.array(values, type=timestamp, mask=values == NAT)
        elif kind == "name":
            codes, labels = values
            arrays[name] = pa.DictionaryArray.from_arrays(
                pa.array(codes, type=pa.int32(), mask=codes < 0),
                pa.array(list(labels), type=pa.string()),
            ).cast(names)
        elif kind == "author":
            arrays[name] = pa.DictionaryArray.from_arrays(
                pa.array(values.astype(np.int32)), pa.array(list(_AUTHOR_NAMES), type=pa.string())
            )
        elif kind == "float":
            arrays[name] = pa.array(values, type=pa.float64(), mask=np.isnan(values))
        elif kind == "text":
            arrays[name] = pa.array(values.tolist(), type=pa.string())
        elif kind == "tags":
            arrays[name] = pa.array([list(v) for v in values.tolist()], type=pa.list_(pa.string()))
        elif kind == "id" and values.dtype.kind not in "iu":
            arrays[name] = _arrow_ids(pa, name, values)
        else:
            arrays[name] = pa.array(values)
    return pa.table(arrays)


def _arrow_ids(pa: Any, name: str, values: npt.NDArray[Any]) -> Any:
    """An object column of ids as one Arrow column: strings, or ints when every id is one."""
    items = values.tolist()
    if all(isinstance(v, str) for v in items):
        return pa.array(items, type=pa.string())
    if all(isinstance(v, int) and not isinstance(v, bool) for v in items):
        return pa.array(items)
    # Ids of other kinds (tuples, mixed str and int) have no one Arrow type: their text.
    return pa.array([str(v) for v in items], type=pa.string())


# --- describe -------------------------------------------------------------------------------------


@attrs.frozen
class TableSummary:
    """What a [`MessageTable`][socialcare_metrics.MessageTable] holds, at a glance.

    Made by [`MessageTable.describe`][socialcare_metrics.MessageTable.describe]. ``str()`` shows
    it as aligned text; `to_dict` gives plain JSON types.

    Attributes:
        messages: Rows of the table, private notes included.
        conversations: Conversations, with or without messages.
        first_sent_at: When the earliest message was sent (UTC); ``None`` without messages.
        last_sent_at: When the latest message was sent (UTC); ``None`` without messages.
        customer_messages: Messages by customers (private ones included).
        agent_messages: Messages by agents (private notes included).
        bot_messages: Messages by bots.
        private_notes: Private messages (internal notes), by anyone.
        agents: Agents in the data: those who sent a message or have a conversation assigned.
        agent_names: The first of those agents' names, in the table's order (at most the
            ``max_agents`` that `describe` was given).
        channels: ``(channel, messages)`` pairs, most messages first; ``None`` is the messages
            without a channel.
        with_text: Messages with a non-empty text.
        has_tags: Whether the table has a ``tags`` column.
        tagged: Messages with at least one tag.
        has_sentiment: Whether the table has a ``sentiment`` column.
        scored: Messages with a sentiment score.
        resolved_conversations: Conversations resolved by the library's rule (a ``resolved_at``
            and no public customer message after it, as in
            [`resolution_rate`][socialcare_metrics.resolution_rate]).
    """

    messages: int
    conversations: int
    first_sent_at: datetime | None
    last_sent_at: datetime | None
    customer_messages: int
    agent_messages: int
    bot_messages: int
    private_notes: int
    agents: int
    agent_names: tuple[str, ...]
    channels: tuple[tuple[str | None, int], ...]
    with_text: int
    has_tags: bool
    tagged: int
    has_sentiment: bool
    scored: int
    resolved_conversations: int

    @property
    def text_share(self) -> float | None:
        """The share of messages with text; ``None`` without messages."""
        return self.with_text / self.messages if self.messages else None

    @property
    def tagged_share(self) -> float | None:
        """The share of messages with a tag; ``None`` without messages or a ``tags`` column."""
        return self.tagged / self.messages if self.messages and self.has_tags else None

    @property
    def scored_share(self) -> float | None:
        """The share of messages with a sentiment score; ``None`` without messages or a
        ``sentiment`` column."""
        return self.scored / self.messages if self.messages and self.has_sentiment else None

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON types: times as ISO 8601 text, shares beside their counts."""

        def iso(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "messages": self.messages,
            "conversations": self.conversations,
            "first_sent_at": iso(self.first_sent_at),
            "last_sent_at": iso(self.last_sent_at),
            "customer_messages": self.customer_messages,
            "agent_messages": self.agent_messages,
            "bot_messages": self.bot_messages,
            "private_notes": self.private_notes,
            "agents": self.agents,
            "agent_names": list(self.agent_names),
            "channels": [{"channel": name, "messages": n} for name, n in self.channels],
            "with_text": self.with_text,
            "text_share": self.text_share,
            "has_tags": self.has_tags,
            "tagged": self.tagged,
            "tagged_share": self.tagged_share,
            "has_sentiment": self.has_sentiment,
            "scored": self.scored,
            "scored_share": self.scored_share,
            "resolved_conversations": self.resolved_conversations,
        }

    def __str__(self) -> str:
        def share(count: int, value: float | None, present: bool = True) -> str:
            if not present:
                return "no column"
            return f"{count:,} ({format_cell(value, 'percent')})"

        shown = ", ".join(self.agent_names)
        if self.agents > len(self.agent_names):
            shown += f", and {self.agents - len(self.agent_names):,} more"
        channels = ", ".join(
            f"{format_cell(name, 'key')} {count:,}" for name, count in self.channels
        )
        rows = [
            ["messages", f"{self.messages:,}"],
            ["  customer", f"{self.customer_messages:,}"],
            ["  agent", f"{self.agent_messages:,}"],
            ["  bot", f"{self.bot_messages:,}"],
            ["  private notes", f"{self.private_notes:,}"],
            ["conversations", f"{self.conversations:,}"],
            ["  resolved", f"{self.resolved_conversations:,}"],
            ["first message", format_cell(self.first_sent_at)],
            ["last message", format_cell(self.last_sent_at)],
            ["agents", f"{self.agents:,}" + (f": {shown}" if shown else "")],
            ["channels", channels or "none"],
            ["with text", share(self.with_text, self.text_share)],
            ["tagged", share(self.tagged, self.tagged_share, self.has_tags)],
            ["scored", share(self.scored, self.scored_share, self.has_sentiment)],
        ]
        return "\n".join(["MessageTable summary", *aligned_lines(rows, (False, False))])


def describe(table: MessageTable, max_agents: object) -> TableSummary:
    """`MessageTable.describe`."""
    limit = check_count(max_agents, "MessageTable.describe", "max_agents")
    n = len(table)
    authors = np.bincount(table.author.astype(np.intp), minlength=3)
    used = np.zeros(len(table.agent_names) + 1, dtype=bool)  # last slot: -1, none
    used[table.agent] = True
    used[table.assignee] = True
    agent_codes = np.flatnonzero(used[:-1])
    channel_counts = np.bincount(
        table.channel.astype(np.intp) + 1, minlength=len(table.channel_names) + 1
    )
    channel_labels: list[str | None] = [None, *table.channel_names]
    channels = sorted(
        ((channel_labels[code], int(count)) for code, count in enumerate(channel_counts) if count),
        # Most messages first; ties in the table's order of names, "none" last.
        key=lambda item: (-item[1], item[0] is None, channel_labels.index(item[0])),
    )
    with_text = 0 if table.text is None else sum(1 for text in table.text.tolist() if text)
    tagged = 0 if table.tags is None else sum(1 for tags in table.tags.tolist() if tags)
    scored = 0 if table.sentiment is None else int(np.count_nonzero(~np.isnan(table.sentiment)))
    return TableSummary(
        messages=n,
        conversations=table.n_conversations,
        first_sent_at=ns_to_datetime(int(table.sent_at.min())) if n else None,
        last_sent_at=ns_to_datetime(int(table.sent_at.max())) if n else None,
        customer_messages=int(authors[AUTHOR_CUSTOMER]),
        agent_messages=int(authors[AUTHOR_AGENT]),
        bot_messages=int(authors[AUTHOR_BOT]),
        private_notes=int(np.count_nonzero(table.private)),
        agents=int(agent_codes.shape[0]),
        agent_names=tuple(table.agent_names[c] for c in agent_codes[:limit].tolist()),
        channels=tuple(channels),
        with_text=with_text,
        has_tags=table.tags is not None,
        tagged=tagged,
        has_sentiment=table.sentiment is not None,
        scored=scored,
        resolved_conversations=int(np.count_nonzero(conversation_resolved(table))),
    )
