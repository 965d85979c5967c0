"""Records: immutability, ordering and validation messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given

from socialcare_metrics import (
    Author,
    Conversation,
    InvalidRecordError,
    Message,
    SocialCareError,
    SurveyKind,
    SurveyResponse,
    Task,
)
from socialcare_metrics.testing import conversations, messages, survey_responses, tasks

T0 = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)
NAIVE = datetime(2024, 5, 6, 10, 0)
OLD = datetime(1600, 1, 1, tzinfo=UTC)
FAR = datetime(3000, 1, 1, tzinfo=UTC)


def test_message_defaults_and_author_strings() -> None:
    m = Message("m1", T0, "Customer")
    assert m.author is Author.CUSTOMER
    assert (m.agent_id, m.channel, m.private, m.text, m.tags) == (None, None, False, "", ())
    assert m.is_customer
    assert not Message("n", T0, "agent", private=True).is_customer


def test_records_are_frozen_and_hashable() -> None:
    m = Message("m1", T0, "agent", tags=["billing/refund"])
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        m.text = "x"  # type: ignore[misc]
    conv = Conversation("c", [m])
    assert hash(conv) == hash(Conversation("c", (m,)))
    assert m.tags == ("billing/refund",)
    assert Message("m2", T0, "agent", tags="billing").tags == ("billing",)


def test_messages_kept_in_time_order_ties_in_given_order() -> None:
    a = Message("a", T0 + timedelta(minutes=1), "customer")
    b = Message("b", T0, "agent")
    c = Message("c", T0, "customer")
    conv = Conversation("c1", [a, b, c])
    assert [m.id for m in conv.messages] == ["b", "c", "a"]
    conv2 = Conversation("c1", [c, a, b])
    assert [m.id for m in conv2.messages] == ["c", "b", "a"]


def test_offsets_compare_as_instants() -> None:
    plus2 = timezone(timedelta(hours=2))
    early = Message("e", datetime(2024, 5, 6, 11, 0, tzinfo=plus2), "customer")  # 09:00 UTC
    late = Message("l", T0, "agent")  # 10:00 UTC
    assert [m.id for m in Conversation("c", [late, early]).messages] == ["e", "l"]


@pytest.mark.parametrize(
    ("build", "field", "fragment"),
    [
        (lambda: Message("m1", NAIVE, "customer"), "sent_at", "naive"),
        (lambda: Message("m1", "2024-05-06", "customer"), "sent_at", "timezone-aware"),
        (lambda: Message("", T0, "customer"), "id", "non-empty str"),
        (lambda: Message("m1", T0, "robot"), "author", "'customer', 'agent', 'bot'"),
        (lambda: Message("m1", T0, "customer", sentiment=1.5), "sentiment", "[-1, 1]"),
        (lambda: Message("m1", T0, "customer", sentiment=float("nan")), "sentiment", "[-1, 1]"),
        (lambda: Message("m1", T0, "customer", private="no"), "private", "a bool"),
        (lambda: Message("m1", T0, "customer", tags=[""]), "tags", "non-empty str"),
        (lambda: Message("m1", T0, "customer", actioned_at=NAIVE), "actioned_at", "naive"),
        (lambda: Conversation("", []), "id", "non-empty str"),
        (
            lambda: Conversation("c", [Message("a", T0, "customer"), Message("a", T0, "agent")]),
            "messages[1].id",
            "unique",
        ),
        (
            lambda: Conversation(
                "c", [Message("a", T0, "customer")], resolved_at=T0 - timedelta(1)
            ),
            "resolved_at",
            "at or after the first message",
        ),
        (lambda: Conversation("c", ["not a message"]), "messages[0]", "a Message"),
        (lambda: SurveyResponse("csat", 0, T0), "score", "1..5"),
        (lambda: SurveyResponse("csat", 6, T0), "score", "1..5"),
        (lambda: SurveyResponse("nps", 11, T0), "score", "0..10"),
        (lambda: SurveyResponse("nps", -1, T0), "score", "0..10"),
        (lambda: SurveyResponse("nps", 7.0, T0), "score", "0..10"),
        (lambda: SurveyResponse("ces", 3, T0), "kind", "'csat' or 'nps'"),
        (lambda: Task("t", "ana", T0, T0 - timedelta(seconds=1)), "completed_at", "assigned_at"),
        (lambda: Task("t", "", T0), "assignee", "non-empty str"),
        # Times a table cannot hold (int64 nanoseconds: 1677-09-21 to 2262-04-11).
        (lambda: Message("m1", OLD, "customer"), "sent_at", "1677-09-21"),
        (lambda: Message("m1", T0, "customer", actioned_at=FAR), "actioned_at", "2262-04-11"),
        (lambda: Conversation("c", [], resolved_at=FAR), "resolved_at", "2262-04-11"),
        (lambda: SurveyResponse("csat", 4, OLD), "answered_at", "int64 nanoseconds"),
        (lambda: Task("t", "ana", OLD), "assigned_at", "int64 nanoseconds"),
        (lambda: Task("t", "ana", T0, FAR), "completed_at", "int64 nanoseconds"),
    ],
)
def test_bad_values_name_record_field_expected_and_got(
    build: object, field: str, fragment: str
) -> None:
    with pytest.raises(InvalidRecordError) as info:
        build()  # type: ignore[operator]
    error = info.value
    assert isinstance(error, SocialCareError)
    assert isinstance(error, ValueError)
    assert error.field == field
    assert f"{field!r}" in str(error)
    assert fragment in str(error)
    assert "(got " in str(error)


def test_the_edges_of_the_time_range() -> None:
    earliest = datetime(1677, 9, 21, 0, 12, 43, 145225, tzinfo=UTC)
    latest = datetime(2262, 4, 11, 23, 47, 16, 854775, tzinfo=UTC)
    conv = Conversation(
        "c",
        [Message("a", earliest, "customer"), Message("b", latest, "agent")],
        resolved_at=latest,
    )
    assert [m.sent_at for m in conv.messages] == [earliest, latest]
    with pytest.raises(InvalidRecordError, match="'sent_at'"):
        Message("m", earliest - timedelta(microseconds=1), "customer")
    with pytest.raises(InvalidRecordError, match="'sent_at'"):
        Message("m", latest + timedelta(microseconds=1), "customer")


def test_error_names_the_record_id() -> None:
    with pytest.raises(InvalidRecordError, match=r"^Message 'm7': 'sentiment'"):
        Message("m7", T0, "customer", sentiment=-2)


def test_survey_kinds() -> None:
    assert SurveyResponse("NPS", 10, T0).kind is SurveyKind.NPS
    assert SurveyResponse("csat", 5, T0).score == 5


@given(messages())
def test_generated_messages_are_valid_and_round_trip(m: Message) -> None:
    assert attrs.evolve(m) == m
    assert m.sent_at.tzinfo is not None


@given(conversations())
def test_generated_conversations_are_sorted_with_unique_ids(conv: Conversation) -> None:
    times = [m.sent_at for m in conv.messages]
    assert times == sorted(times)
    assert len({m.id for m in conv.messages}) == len(conv.messages)


@given(survey_responses(), tasks())
def test_generated_surveys_and_tasks_are_valid(response: SurveyResponse, task: Task) -> None:
    low, high = (1, 5) if response.kind is SurveyKind.CSAT else (0, 10)
    assert low <= response.score <= high
    assert task.completed_at is None or task.completed_at >= task.assigned_at
