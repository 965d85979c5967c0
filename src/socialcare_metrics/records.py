"""The public record types: Message, Conversation, SurveyResponse, Task.

Records are immutable (frozen, slotted attrs classes), validated on construction, and typed.
They are what a notebook user builds by hand and what another helpdesk tool maps its own
objects onto; the metrics convert them once into the columnar table (`MessageTable`).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from ._core.time import NS_RANGE_TEXT, in_ns_range
from .errors import InvalidRecordError

__all__ = ["Author", "Conversation", "Message", "SurveyKind", "SurveyResponse", "Task"]


class Author(enum.StrEnum):
    """Who wrote a message.

    ``CUSTOMER`` is the person asking for help, ``AGENT`` a person on the brand's side, ``BOT`` an
    automated sender on the brand's side.
    """

    CUSTOMER = "customer"
    AGENT = "agent"
    BOT = "bot"


class SurveyKind(enum.StrEnum):
    """The scale a survey response was given on: CSAT (1 to 5) or NPS (0 to 10)."""

    CSAT = "csat"
    NPS = "nps"


_SCALES: dict[SurveyKind, tuple[int, int]] = {SurveyKind.CSAT: (1, 5), SurveyKind.NPS: (0, 10)}


def _record_name(instance: Any) -> str:
    ident = getattr(instance, "id", None)
    name = type(instance).__name__
    return f"{name} {ident!r}" if isinstance(ident, str) and ident else name


def _require_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidRecordError(type(instance).__name__, attribute.name, "a non-empty str", value)


def _optional_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise InvalidRecordError(
            _record_name(instance), attribute.name, "a non-empty str or None", value
        )


def _aware(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, datetime):
        raise InvalidRecordError(
            _record_name(instance), attribute.name, "a timezone-aware datetime", value
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRecordError(
            _record_name(instance),
            attribute.name,
            "a timezone-aware datetime (this one is naive: attach a tzinfo, "
            "e.g. datetime(..., tzinfo=timezone.utc))",
            value,
        )
    if not in_ns_range(value):
        raise InvalidRecordError(
            _record_name(instance),
            attribute.name,
            f"a timezone-aware datetime {NS_RANGE_TEXT}",
            value,
        )


def _optional_aware(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _aware(instance, attribute, value)


# The converters' parameter types are what the records accept: attrs gives them to __init__.
# A value of another type is passed on unchanged, for the validator to reject with a message that
# names the record and the field.


def _to_str_tuple(value: Iterable[str] | str) -> object:
    given: object = value
    # A lone string is one tag, not a sequence of one-character tags.
    if isinstance(given, str):
        return (given,)
    if isinstance(given, Iterable):
        return tuple(given)
    return given


def _str_tuple(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not all(isinstance(t, str) and t for t in value):
        raise InvalidRecordError(
            _record_name(instance), attribute.name, "a sequence of non-empty str", value
        )


def _to_author(value: Author | str) -> Author | str:
    if isinstance(value, str) and not isinstance(value, Author):
        try:
            return Author(value.lower())
        except ValueError:
            return value
    return value


@attrs.frozen
class Message:
    """One message in a conversation.

    ``id``, ``sent_at`` and ``author`` may be given by position; every other field is keyword-only
    and optional.

    Attributes:
        id: Unique within its conversation.
        sent_at: When it was sent; timezone-aware.
        author: Who wrote it: customer, agent or bot. Given as an
            [`Author`][socialcare_metrics.Author] or its string (``"customer"``, ``"agent"``,
            ``"bot"``, in any case).
        agent_id: Who on the brand's side sent it, if anyone.
        channel: Where it was sent ("twitter", "facebook", ...); ``None`` means the conversation's.
        private: An internal note, never a reply and never a customer message.
        text: The message body.
        tags: Topic paths such as ``"billing/refund"``; a single str given is one path.
        sentiment: A score in [-1, 1] from any classifier, or ``None``.
        quick_reply: The option a customer picked from a bot's quick replies, or ``None``.
        actioned_at: When the brand acted on it other than by replying, or ``None``.

    Examples:
        >>> from datetime import datetime, timezone
        >>> Message(id="m1", sent_at=datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc),
        ...         author="customer").author
        <Author.CUSTOMER: 'customer'>
    """

    id: str = attrs.field(validator=_require_id)
    sent_at: datetime = attrs.field(validator=_aware)
    author: Author = attrs.field(converter=_to_author)
    agent_id: str | None = attrs.field(default=None, kw_only=True, validator=_optional_id)
    channel: str | None = attrs.field(default=None, kw_only=True, validator=_optional_id)
    private: bool = attrs.field(default=False, kw_only=True)
    text: str = attrs.field(default="", kw_only=True)
    tags: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=_to_str_tuple, validator=_str_tuple
    )
    sentiment: float | None = attrs.field(default=None, kw_only=True)
    quick_reply: str | None = attrs.field(default=None, kw_only=True, validator=_optional_id)
    actioned_at: datetime | None = attrs.field(
        default=None, kw_only=True, validator=_optional_aware
    )

    @author.validator
    def _check_author(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, Author):
            raise InvalidRecordError(
                _record_name(self), "author", "one of 'customer', 'agent', 'bot'", value
            )

    @private.validator
    def _check_private(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, bool):
            raise InvalidRecordError(_record_name(self), "private", "a bool", value)

    @text.validator
    def _check_text(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str):
            raise InvalidRecordError(_record_name(self), "text", "a str", value)

    @sentiment.validator
    def _check_sentiment(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not -1.0 <= value <= 1.0
        ):
            raise InvalidRecordError(
                _record_name(self), "sentiment", "a number in [-1, 1] or None", value
            )

    @property
    def is_customer(self) -> bool:
        """True for a public customer message (what "messages received" counts)."""
        return self.author is Author.CUSTOMER and not self.private


def _sort_messages(value: Iterable[Message]) -> object:
    given: object = value
    if isinstance(given, Message):
        given = (given,)
    if isinstance(given, Iterable) and not isinstance(given, str | bytes):
        items = tuple(given)
        if all(isinstance(m, Message) for m in items):
            # sorted() is stable: equal timestamps keep the order they were given in.
            return tuple(sorted(items, key=lambda m: m.sent_at))
        return items
    return given


@attrs.frozen
class Conversation:
    """A thread between a customer and the brand.

    Messages are kept in time order; messages with equal timestamps keep the order they were
    given in. A message id appears once per conversation.

    ``id`` and ``messages`` (default: none) may be given by position; every other field is
    keyword-only and optional.

    Attributes:
        id: The conversation's id.
        messages: Its messages in time order (given in any order, as any iterable of
            [`Message`][socialcare_metrics.Message]).
        channel: The channel of the conversation; messages without a channel of their own use it.
        assignee: The agent it is assigned to, if any.
        resolved_at: The last time it was resolved, or ``None`` while open.
        tags: Topic paths for the whole conversation; a single str given is one path.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> conv = Conversation(id="c1", messages=[
        ...     Message("m2", t0 + timedelta(minutes=5), "agent", agent_id="ana"),
        ...     Message("m1", t0, "customer"),
        ... ])
        >>> [m.id for m in conv.messages]
        ['m1', 'm2']
    """

    id: str = attrs.field(validator=_require_id)
    messages: tuple[Message, ...] = attrs.field(default=(), converter=_sort_messages)
    channel: str | None = attrs.field(default=None, kw_only=True, validator=_optional_id)
    assignee: str | None = attrs.field(default=None, kw_only=True, validator=_optional_id)
    resolved_at: datetime | None = attrs.field(
        default=None, kw_only=True, validator=_optional_aware
    )
    tags: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=_to_str_tuple, validator=_str_tuple
    )

    @messages.validator
    def _check_messages(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise InvalidRecordError(_record_name(self), "messages", "a sequence of Message", value)
        seen: set[str] = set()
        for position, message in enumerate(value):
            if not isinstance(message, Message):
                raise InvalidRecordError(
                    _record_name(self), f"messages[{position}]", "a Message", message
                )
            if message.id in seen:
                raise InvalidRecordError(
                    _record_name(self),
                    f"messages[{position}].id",
                    "unique within the conversation",
                    message.id,
                    note="that id is already used by an earlier message",
                )
            seen.add(message.id)

    @resolved_at.validator
    def _check_resolved_at(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        _aware(self, attribute, value)
        if self.messages and value < self.messages[0].sent_at:
            raise InvalidRecordError(
                _record_name(self),
                "resolved_at",
                f"a time at or after the first message ({self.messages[0].sent_at.isoformat()})",
                value,
            )


def _to_survey_kind(value: SurveyKind | str) -> SurveyKind | str:
    if isinstance(value, str) and not isinstance(value, SurveyKind):
        try:
            return SurveyKind(value.lower())
        except ValueError:
            return value
    return value


@attrs.frozen
class SurveyResponse:
    """A customer's answer to a CSAT (1 to 5) or NPS (0 to 10) survey.

    ``kind``, ``score`` and ``answered_at`` may be given by position; every other field is
    keyword-only and optional.

    Attributes:
        kind: The survey's scale. Given as a [`SurveyKind`][socialcare_metrics.SurveyKind] or its
            string (``"csat"`` or ``"nps"``, in any case).
        score: The integer score, within the kind's scale.
        answered_at: When it was answered; timezone-aware.
        conversation_id: The conversation it rates, if known.
        agent_id: The agent it rates, if known.
        id: An id of the response, if the source has one.

    Examples:
        >>> from datetime import datetime, timezone
        >>> SurveyResponse("csat", 7, datetime(2024, 5, 6, tzinfo=timezone.utc))
        Traceback (most recent call last):
        ...
        socialcare_metrics.errors.InvalidRecordError: SurveyResponse: 'score' must be an int in 1..5 for csat (got 7 that is a int)
    """  # noqa: E501

    kind: SurveyKind = attrs.field(converter=_to_survey_kind)
    score: int = attrs.field()
    answered_at: datetime = attrs.field(validator=_aware)
    conversation_id: str | None = attrs.field(default=None, kw_only=True, validator=_optional_id)
    agent_id: str | None = attrs.field(default=None, kw_only=True, validator=_optional_id)
    id: str | None = attrs.field(default=None, kw_only=True, validator=_optional_id)

    @kind.validator
    def _check_kind(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, SurveyKind):
            raise InvalidRecordError(_record_name(self), "kind", "'csat' or 'nps'", value)

    @score.validator
    def _check_score(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        low, high = _SCALES[self.kind]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidRecordError(
                _record_name(self),
                "score",
                f"an int in {low}..{high} for {self.kind.value}",
                value,
            )


@attrs.frozen
class Task:
    """A unit of work assigned to someone, for the task performance report.

    Every field may be given by position; ``completed_at`` is optional.

    Attributes:
        id: The task's id.
        assignee: Who it is assigned to.
        assigned_at: When it was assigned; timezone-aware.
        completed_at: When it was completed, or ``None`` while open.
    """

    id: str = attrs.field(validator=_require_id)
    assignee: str = attrs.field(validator=_require_id)
    assigned_at: datetime = attrs.field(validator=_aware)
    completed_at: datetime | None = attrs.field(default=None, validator=_optional_aware)

    @completed_at.validator
    def _check_completed_at(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and value < self.assigned_at:
            raise InvalidRecordError(
                _record_name(self),
                "completed_at",
                f"a time at or after assigned_at ({self.assigned_at.isoformat()})",
                value,
            )
