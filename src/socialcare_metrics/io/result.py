"""What a loader returns: the table, the rows it could not use, and record views."""

from __future__ import annotations

from typing import Literal

import attrs

from .._core.time import NAT, ns_to_datetime
from ..errors import InvalidDataError, InvalidParameterError, _describe
from ..records import Author, Conversation, Message
from ..tables.messages import MessageTable

Errors = Literal["raise", "collect"]


_AUTHORS = (Author.CUSTOMER, Author.AGENT, Author.BOT)


@attrs.frozen
class RowProblem:
    """One input row a loader could not use, and why.

    Attributes:
        row: The 0-based position of the row among the data rows (the header and blank lines
            are not counted).
        line: For files, the 1-based line the row starts on (the header is line 1); ``None``
            for in-memory sources (a DataFrame or an Arrow table).
        column: The column at fault, or ``None`` when the row as a whole is (a wrong number of
            fields, a duplicate id).
        reason: What was expected and what was found.
    """

    row: int
    line: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else f"row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.reason}"


@attrs.frozen(eq=False)
class LoadResult:
    """The data a loader read, and every row it could not use.

    Attributes:
        table: The messages, as a [`MessageTable`][socialcare_metrics.MessageTable]; pass it to any
            metric.
        problems: The rows that were left out, with line numbers and reasons, in input order
            (empty unless the loader was called with ``errors="collect"``).
        rows_read: Data rows read from the source (the header and blank lines not counted).
        source: The path, or a description of the in-memory source.
    """

    table: MessageTable
    problems: tuple[RowProblem, ...]
    rows_read: int
    source: str

    @property
    def rows_used(self) -> int:
        """Data rows that made it into the table (``rows_read`` minus the rows left out)."""
        return self.rows_read - len({p.row for p in self.problems})

    def conversations(self) -> tuple[Conversation, ...]:
        """The table as [`Conversation`][socialcare_metrics.Conversation] records.

        This makes one Python object per message; metrics are faster on `table`.
        """
        return table_to_conversations(self.table)

    def __repr__(self) -> str:
        return (
            f"<LoadResult from {self.source}: {self.rows_read} rows read, "
            f"{len(self.problems)} problems, {self.table!r}>"
        )


class ProblemLog:
    """Collects row problems; in ``errors="raise"`` mode, `check` raises the first one."""

    def __init__(self, source: str, errors: Errors) -> None:
        self.source = source
        self.errors = errors
        self.items: list[tuple[RowProblem, object, str]] = []

    def add(
        self,
        row: int,
        line: int | None,
        column: str | None,
        expected: str,
        got: object,
        *,
        found: str | None = None,
    ) -> None:
        """Record that ``row`` is unusable: ``expected`` was wanted, ``got`` was there.

        ``found``, when given, describes what was there for the problem list (``got`` is then
        shown only by the exception raised in ``errors="raise"`` mode).
        """
        shown = found if found is not None else _describe(got)
        problem = RowProblem(row, line, column, f"expected {expected} (got {shown})")
        # The exception shows the value itself (a record's text, say) beside what was found.
        self.items.append((problem, got, expected if found is None else f"{expected}, not {found}"))

    def check(self) -> None:
        """Raise the earliest problem so far, in ``errors="raise"`` mode."""
        if self.errors == "raise" and self.items:
            problem, got, expected = min(self.items, key=lambda item: item[0].row)
            where = problem.line if problem.line is not None else problem.row
            raise InvalidDataError(self.source, problem.column, where, expected, got)

    def rows(self) -> set[int]:
        return {problem.row for problem, _, _ in self.items}

    def result(self) -> tuple[RowProblem, ...]:
        return tuple(sorted((p for p, _, _ in self.items), key=lambda p: (p.row, p.column or "")))


def check_errors(function: str, errors: object) -> Errors:
    if errors not in ("raise", "collect"):
        raise InvalidParameterError(function, "errors", "'raise' or 'collect'", errors)
    return errors


def check_chunk_size(function: str, chunk_size: object) -> int:
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise InvalidParameterError(
            function, "chunk_size", "a positive int (bytes read at a time)", chunk_size
        )
    return chunk_size


def table_to_conversations(table: MessageTable) -> tuple[Conversation, ...]:
    """Rebuild records from a table (one Message per row)."""
    agents = table.agent_names
    channels = table.channel_names
    quick_names = table.quick_reply_names
    sent = table.sent_at.tolist()
    author = table.author.tolist()
    agent = table.agent.tolist()
    channel = table.channel.tolist()
    private = table.private.tolist()
    ids = table.message_id.tolist() if table.message_id is not None else None
    text = table.text.tolist() if table.text is not None else None
    tags = table.tags.tolist() if table.tags is not None else None
    sentiment = table.sentiment.tolist() if table.sentiment is not None else None
    quick = table.quick_reply.tolist() if table.quick_reply is not None else None
    actioned = table.actioned_at.tolist() if table.actioned_at is not None else None
    offsets = table.offsets.tolist()
    out: list[Conversation] = []
    for c in range(table.n_conversations):
        messages = []
        channels_seen: set[int] = set()
        for i in range(offsets[c], offsets[c + 1]):
            channels_seen.add(channel[i])
            score = sentiment[i] if sentiment is not None else None
            when = actioned[i] if actioned is not None else NAT
            messages.append(
                Message(
                    str(ids[i]) if ids is not None else str(i),
                    ns_to_datetime(sent[i]),
                    _AUTHORS[author[i]],
                    agent_id=agents[agent[i]] if agent[i] >= 0 else None,
                    channel=channels[channel[i]] if channel[i] >= 0 else None,
                    private=bool(private[i]),
                    text=text[i] if text is not None and text[i] is not None else "",
                    tags=tags[i] if tags is not None else (),
                    sentiment=None if score is None or score != score else score,
                    quick_reply=(
                        quick_names[quick[i]] if quick is not None and quick[i] >= 0 else None
                    ),
                    actioned_at=None if when == NAT else ns_to_datetime(when),
                )
            )
        only_channel = channels_seen.pop() if len(channels_seen) == 1 else -1
        assignee = int(table.assignee[c])
        resolved = int(table.resolved_at[c])
        out.append(
            Conversation(
                table.conversation_label(c),
                messages,
                channel=channels[only_channel] if only_channel >= 0 else None,
                assignee=agents[assignee] if assignee >= 0 else None,
                resolved_at=None if resolved == NAT else ns_to_datetime(resolved),
                tags=(table.conversation_tags[c] if table.conversation_tags is not None else ()),
            )
        )
    return tuple(out)
