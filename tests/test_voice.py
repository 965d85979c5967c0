"""Voice of the customer: a case worked by hand, the laws of the ranking, and a reference."""

from __future__ import annotations

import json
import math
import pickle
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from unittest.mock import patch
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import socialcare_metrics.results.voice as voice_results
from socialcare_metrics import (
    Conversation,
    InvalidParameterError,
    Message,
    MessageTable,
    Segment,
    TermCounts,
    VoiceResult,
    voice_of_customer,
)
from socialcare_metrics._engine.segments import segment_of_spec, segment_spec, spec_to_json
from socialcare_metrics.text import tokenize
from voice_reference import reference_scores

T0 = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def customer(mid: str, minutes: float, text: str, **kw: object) -> Message:
    return Message(mid, at(minutes), "customer", text=text, **kw)  # type: ignore[arg-type]


def four_messages() -> list[Conversation]:
    """Two billing messages, two app messages: the case worked by hand below."""
    return [
        Conversation(
            "c1",
            [
                customer("m1", 0, "Refund delay", tags=["billing"]),
                customer("m2", 1, "refund!", tags=["billing/refund"]),
            ],
        ),
        Conversation(
            "c2",
            [
                customer("m3", 2, "crash, delay", tags=["app"]),
                customer("m4", 3, "CRASH", tags=["app"]),
                Message("n1", at(4), "agent", agent_id="ana", text="refund refund"),
            ],
        ),
    ]


# --- worked by hand -------------------------------------------------------------------------------


def test_a_tiny_case_worked_by_hand() -> None:
    # Terms once per message: refund in m1, m2 (segment); delay in m1 and m3; crash in m3, m4.
    # y_i: refund 2, delay 1, crash 0 -> n_i = 3; y_j: refund 0, delay 1, crash 2 -> n_j = 3.
    # Corpus: every term in 2 messages, n = 6. With prior 1: a = 2 for each term, a0 = 6.
    # refund: log((2 + 2) / (3 + 6 - 2 - 2)) - log((0 + 2) / (3 + 6 - 0 - 2)) = log(4/5 * 7/2)
    #         = log(2.8); var = 1/4 + 1/2 = 0.75; z = log(2.8) / sqrt(0.75) = 1.18890...
    # delay:  log(3/6) - log(3/6) = 0; crash: the mirror image of refund.
    result = voice_of_customer(
        four_messages(), segment=Segment.tag("billing"), min_count=1, prior=1.0
    )
    assert (result.count, result.segment_messages, result.against_messages) == (4, 2, 2)
    assert result.to_dict()["segment_uses"] == 3
    assert result.to_dict()["against_uses"] == 3
    (refund,) = result.terms
    assert refund.term == "refund"
    assert refund.delta == pytest.approx(math.log(2.8), rel=1e-12)
    assert refund.z == pytest.approx(math.log(2.8) / math.sqrt(0.75), rel=1e-12)
    assert refund.z == pytest.approx(1.188902, abs=1e-6)
    assert (refund.segment_count, refund.against_count, refund.corpus_count) == (2, 0, 2)
    assert (refund.segment_share, refund.against_share) == (1.0, 0.0)
    # Examples: the segment's messages with the term, latest first.
    assert [(e.conversation_id, e.message_id) for e in refund.examples] == [
        ("c1", "m2"),
        ("c1", "m1"),
    ]
    assert refund.examples[0].sent_at == at(1)
    (crash,) = result.against_terms
    assert crash.term == "crash"
    assert crash.z == -refund.z
    assert crash.delta == -refund.delta
    assert [e.message_id for e in crash.examples] == ["m4", "m3"]
    ranking = result.ranking()
    assert [s.term for s in ranking] == ["refund", "delay", "crash"]
    assert ranking[1].z == 0.0
    assert ranking[1].delta == 0.0
    assert result.value == "refund"
    assert str(result) == "refund"


def test_the_default_prior_worked_by_hand() -> None:
    # prior 0.1: a = 0.2 for each term, a0 = 0.6.
    # refund: log(2.2 / (3 + 0.6 - 2 - 0.2)) - log(0.2 / (3 + 0.6 - 0.2)) = log(2.2/1.4 * 3.4/0.2)
    result = voice_of_customer(four_messages(), segment=Segment.tag("billing"), min_count=1)
    refund = result.terms[0]
    delta = math.log(2.2 / 1.4 * 3.4 / 0.2)
    assert refund.delta == pytest.approx(delta, rel=1e-12)
    assert refund.z == pytest.approx(delta / math.sqrt(1 / 2.2 + 1 / 0.2), rel=1e-12)
    assert refund.z == pytest.approx(1.406638, abs=1e-6)  # 3.28520 / sqrt(5.45455)


def test_min_count_and_top_limit_what_is_listed() -> None:
    data = four_messages()
    assert voice_of_customer(data, segment=Segment.tag("billing")).terms == ()  # min_count 3
    assert voice_of_customer(data, segment=Segment.tag("billing")).value is None
    result = voice_of_customer(data, segment=Segment.tag("app"), min_count=2, top=1)
    assert [s.term for s in result.terms] == ["crash"]
    assert [s.term for s in result.against_terms] == ["refund"]
    assert voice_of_customer(data, segment="negative", min_count=1, examples=0).terms == ()


def test_private_notes_and_brand_messages_are_not_the_customers_voice() -> None:
    data = [
        Conversation(
            "c1",
            [
                customer("m1", 0, "refund", tags=["billing"]),
                customer("m2", 1, "secret secret", tags=["billing"], private=True),
                Message("m3", at(2), "agent", agent_id="ana", text="secret", tags=["billing"]),
                customer("m4", 3, "app"),
            ],
        )
    ]
    result = voice_of_customer(data, segment=Segment.tag("billing"), min_count=1)
    assert result.count == 2
    assert {s.term for s in result.ranking()} == {"refund", "app"}


def test_a_message_in_both_sides_counts_in_neither() -> None:
    data = [
        Conversation(
            "c1",
            [
                customer("m1", 0, "refund late", tags=["billing", "shipping"]),
                customer("m2", 1, "refund", tags=["billing"]),
                customer("m3", 2, "late", tags=["shipping"]),
                customer("m4", 3, "hello"),
            ],
        )
    ]
    result = voice_of_customer(
        data, segment=Segment.tag("billing"), against=Segment.tag("shipping"), min_count=1
    )
    assert (result.segment_messages, result.against_messages, result.overlap) == (1, 1, 1)
    counts = result.counts()
    assert counts.messages == 4  # every customer message is in the corpus
    assert dict(zip(counts.terms, counts.corpus.tolist(), strict=True)) == {
        "hello": 1,
        "late": 2,
        "refund": 2,
    }
    assert dict(zip(counts.terms, counts.segment.tolist(), strict=True)) == {
        "hello": 0,
        "late": 0,
        "refund": 1,
    }
    assert result.against == "tag 'shipping'"


def test_nothing_to_compare() -> None:
    empty = voice_of_customer([], segment="negative")
    assert (empty.count, empty.value, empty.terms, str(empty)) == (0, None, (), "n/a")
    json.dumps(empty.to_dict(), allow_nan=False)
    no_text = [Conversation("c1", [Message("m1", T0, "customer", sentiment=-0.5)])]
    result = voice_of_customer(no_text, segment="negative", min_count=1)
    assert (result.count, result.value, result.ranking()) == (1, None, ())
    # One term in the whole corpus: neither side's odds are defined, so it tells nothing.
    one = [
        Conversation(
            "c1",
            [
                customer("m1", 0, "refund", sentiment=-0.5),
                customer("m2", 1, "refund", sentiment=0.5),
            ],
        )
    ]
    (score,) = voice_of_customer(one, segment="negative", min_count=1).ranking()
    assert (score.term, score.z, score.delta) == ("refund", 0.0, 0.0)


def test_output_formats() -> None:
    result = voice_of_customer(four_messages(), segment=Segment.tag("billing"), min_count=1)
    as_dict = result.to_dict()
    json.dumps(as_dict, allow_nan=False)
    assert as_dict["name"] == "voice of the customer"
    assert as_dict["segment"] == "tag 'billing'"
    assert as_dict["against"] == "the rest"
    assert as_dict["top_term"] == "refund"
    assert as_dict["terms"][0]["term"] == "refund"
    assert as_dict["terms"][0]["examples"][0] == {
        "conversation_id": "c1",
        "message_id": "m2",
        "sent_at": at(1).isoformat(),
    }
    assert as_dict["options"] == {
        "top": 20,
        "min_count": 1,
        "prior": 0.1,
        "examples": 3,
        "language": None,
        "bigrams": False,
    }
    text = result.describe()
    assert text.startswith("voice of the customer\n")
    assert "terms of tag 'billing'" in text
    assert "terms of the rest" in text
    assert "refund" in text
    assert "crash" in text
    assert repr(result).startswith("<VoiceResult tag 'billing' against the rest: 4 messages")
    frame = result.to_pandas()
    assert frame["top_term"].tolist() == ["refund"]


def test_bigrams_are_terms_when_asked() -> None:
    data = [
        Conversation(
            f"c{i}",
            [customer("m", 0, text, sentiment=score)],
        )
        for i, (text, score) in enumerate(
            [
                ("customer service never answers", -0.6),
                ("Customer service: never again", -0.4),
                ("customer service never sleeps", -0.5),
                ("great service, customer happy", 0.8),
                ("service was great", 0.6),
            ]
        )
    ]
    result = voice_of_customer(data, segment="negative", bigrams=True, min_count=2)
    terms = [s.term for s in result.terms]
    assert "never" in terms
    assert "customer service" in terms
    assert "service never" in terms  # "Customer service: never" is broken by the colon
    assert next(s for s in result.ranking() if s.term == "service never").segment_count == 2


# --- segments -------------------------------------------------------------------------------------


def test_segments_select_what_they_say() -> None:
    data = [
        Conversation(
            "c1",
            [
                customer("m1", 0, "a", tags=["billing/refund"], sentiment=-0.5, channel="x"),
                customer("m2", 60, "b", tags=["billinger"], sentiment=0.05),
                customer("m3", 120, "c", sentiment=0.0),
            ],
            channel="twitter",
            assignee="AppleSupport",
            tags=("app",),
        ),
        Conversation(
            "c2",
            [customer("m4", 180, "d", sentiment=-0.05), customer("m5", 240, "e")],
            channel="facebook",
            assignee="AmazonHelp",
        ),
    ]
    table = MessageTable.from_conversations(data)

    def ids(segment: Segment) -> list[str]:
        assert table.message_id is not None
        return [str(m) for m in table.message_id[segment.mask(table)]]

    assert ids(Segment.tag("billing")) == ["m1"]  # "billinger" is not a subtopic
    assert ids(Segment.tag("app")) == ["m1", "m2", "m3"]  # the conversation's tag
    assert ids(Segment.tag("billing/refund", "nothing")) == ["m1"]
    assert ids(Segment.tag(" billing / refund/")) == ["m1"]  # as topics() reads paths
    assert Segment.tag(" billing / refund/").description == "tag 'billing/refund'"
    assert ids(Segment.negative()) == ["m1", "m4"]  # -0.05 is negative; unscored is not
    assert ids(Segment.positive()) == ["m2"]
    assert ids(Segment.neutral()) == ["m3"]
    assert ids(Segment.negative(-0.3)) == ["m1"]
    assert ids(Segment.channel("twitter")) == ["m2", "m3"]  # m1 was sent on "x"
    assert ids(Segment.channel("x", "facebook")) == ["m1", "m4", "m5"]
    assert ids(Segment.assignee("AmazonHelp")) == ["m4", "m5"]
    assert ids(Segment.assignee("nobody")) == []
    assert ids(Segment.period(at(60), at(180))) == ["m2", "m3"]
    assert ids(Segment.previous_period(at(120), at(180))) == ["m2"]
    assert ids(Segment.negative() & Segment.channel("x")) == ["m1"]
    assert ids(Segment.positive() | Segment.assignee("AmazonHelp")) == ["m2", "m4", "m5"]
    assert ids(~Segment.assignee("AmazonHelp")) == ["m1", "m2", "m3"]
    assert ids(Segment.where(lambda t: t.sent_at >= t.sent_at.max())) == ["m5"]
    mask = np.array([True, False, False, False, True])  # in the input's order
    assert ids(Segment.rows(mask)) == ["m1", "m5"]
    assert (Segment.positive() | Segment.negative()).description == (
        "(positive sentiment (>= 0.05)) or (negative sentiment (<= -0.05))"
    )


def test_constructor_segments_are_written_down_and_rebuilt() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    data = [
        Conversation(
            "c1",
            [
                customer("m1", 0, "a", tags=["billing/refund"], sentiment=-0.5, channel="x"),
                customer("m2", 60, "b", sentiment=0.3, channel="twitter"),
                customer("m3", 120, "c", sentiment=0.0),
            ],
            assignee="AppleSupport",
        ),
        Conversation("c2", [customer("m4", 180, "d", sentiment=-0.05)], assignee="AmazonHelp"),
    ]
    table = MessageTable.from_conversations(data)
    written = [
        Segment.tag(" billing / refund/", "app"),
        Segment.channel("twitter", "x"),
        Segment.assignee("AmazonHelp"),
        Segment.negative(-0.3),
        Segment.positive(),
        Segment.neutral(-0.1, 0.2),
        Segment.period(at(30).astimezone(berlin), at(150)),
        Segment.previous_period(at(120), at(180)),
        ~(Segment.negative() & Segment.channel("x")) | Segment.assignee("AmazonHelp"),
    ]
    for segment in written:
        spec = segment_spec(segment)
        assert spec is not None, segment
        back = segment_of_spec(json.loads(json.dumps(spec_to_json(spec))))
        assert segment_spec(back) == spec
        assert back.description == segment.description
        assert back.mask(table).tolist() == segment.mask(table).tolist()
    assert segment_spec(Segment.tag("billing")) == ("tag", "billing")
    assert segment_spec(~Segment.negative()) == ("not", ("negative", -0.05))
    # A caller's function or mask cannot be written down, alone or combined.
    where = Segment.where(lambda t: t.sent_at > 0)
    for unwritten in (where, Segment.rows([True] * 4), where & Segment.positive(), ~where):
        assert segment_spec(unwritten) is None
    for bad in (["tag"], ["colour", "red"], ["negative", "a"], ["period", "2024-01-01", "x"], 5):
        with pytest.raises(ValueError, match="not a segment's spec"):
            segment_of_spec(bad)


def test_a_mask_follows_the_order_of_the_input_table() -> None:
    # from_columns sorts by conversation and time; the mask is in the caller's row order.
    table = MessageTable.from_columns(
        conversation_id=["b", "a", "b", "a"],
        sent_at=np.array([3, 2, 1, 0], dtype="datetime64[s]").astype("datetime64[ns]"),
        author=["customer"] * 4,
        message_id=["b2", "a2", "b1", "a1"],
        text=["refund", "hello", "refund", "hello"],
    )
    result = voice_of_customer(table, segment=[True, False, True, False], min_count=1)
    assert [s.term for s in result.terms] == ["refund"]
    assert [e.message_id for e in result.terms[0].examples] == ["b2", "b1"]


def test_data_without_message_ids_still_has_examples() -> None:
    table = MessageTable.from_columns(
        conversation_id=["a", "a", "b"],
        sent_at=np.array([0, 1, 2], dtype="datetime64[s]").astype("datetime64[ns]"),
        author=["customer"] * 3,
        text=["refund", "refund please", "hello"],
    )
    result = voice_of_customer(table, segment=[True, True, False], min_count=1)
    assert [(e.conversation_id, e.message_id) for e in result.terms[0].examples] == [
        ("a", None),
        ("a", None),
    ]
    assert pickle.loads(pickle.dumps(result)).to_dict() == result.to_dict()


def test_a_window_keeps_the_messages_sent_in_it() -> None:
    data = [
        Conversation(
            "c1",
            [
                customer("m1", 0, "refund late", tags=["billing"]),
                customer("m2", 10, "refund again", tags=["billing"]),
                customer("m3", 20, "app crash"),
                customer("m4", 30, "refund app", tags=["billing"]),
            ],
        )
    ]
    windowed = voice_of_customer(
        data, segment=Segment.tag("billing"), min_count=1, start=at(5), end=at(30)
    )
    by_hand = voice_of_customer(
        [Conversation("c1", list(data[0].messages[1:3]))],
        segment=Segment.tag("billing"),
        min_count=1,
    )
    assert windowed.to_dict() == by_hand.to_dict()
    assert windowed.count == 2
    # A mask is in the order of the data as given, whatever the window cuts off.
    masked = voice_of_customer(
        data, segment=[False, True, False, True], min_count=1, start=at(5), end=at(30)
    )
    assert masked.to_dict()["terms"] == by_hand.to_dict()["terms"]


def test_bad_segments_name_the_parameter() -> None:
    data = four_messages()
    with pytest.raises(InvalidParameterError, match=r"voice_of_customer\(\): 'segment'"):
        voice_of_customer(data, segment=[True, False])
    with pytest.raises(InvalidParameterError, match=r"voice_of_customer\(\): 'against'"):
        voice_of_customer(data, segment="negative", against=lambda table: table.sent_at)
    with pytest.raises(InvalidParameterError, match="'segment'"):
        voice_of_customer(data, segment="angry")
    with pytest.raises(InvalidParameterError, match=r"Segment\.period\(\): 'end'"):
        Segment.period(at(10), at(10))
    with pytest.raises(InvalidParameterError, match=r"Segment\.period\(\): 'start'"):
        Segment.period(datetime(2024, 1, 1), at(10))  # naive
    with pytest.raises(InvalidParameterError, match=r"Segment\.tag\(\): 'topics'"):
        Segment.tag("")
    with pytest.raises(InvalidParameterError, match=r"Segment\.tag\(\): 'topics'"):
        Segment.tag(" / ")
    with pytest.raises(InvalidParameterError, match=r"Segment\.channel\(\): 'names'"):
        Segment.channel()
    with pytest.raises(InvalidParameterError, match=r"Segment\.negative\(\): 'threshold'"):
        Segment.negative(float("nan"))
    with pytest.raises(InvalidParameterError, match=r"Segment\.rows\(\): 'mask'"):
        Segment.rows([1, 0])
    with pytest.raises(InvalidParameterError, match=r"Segment\.where\(\): 'function'"):
        Segment.where("negative")  # type: ignore[arg-type]


# --- properties -----------------------------------------------------------------------------------

WORDS = ["refund", "late", "app", "crash", "thanks", "great", "the", "42", "退款", "배송이", "😡"]
TAGS = ["billing", "billing/refund", "app"]


@st.composite
def conversation_lists(draw: st.DrawFn, max_size: int = 6) -> list[Conversation]:
    """Conversations of customer messages with text from a small vocabulary, and a reply."""
    out = []
    for c in range(draw(st.integers(0, max_size))):
        messages = []
        for m in range(draw(st.integers(1, 4))):
            words = draw(st.lists(st.sampled_from(WORDS), max_size=4))
            messages.append(
                Message(
                    f"m{m}",
                    at(draw(st.integers(0, 3)) + 10 * m),
                    "customer",
                    text=" ".join(words),
                    tags=draw(st.lists(st.sampled_from(TAGS), max_size=2)),
                    sentiment=draw(st.none() | st.sampled_from([-0.8, -0.05, 0.0, 0.3])),
                    private=draw(st.sampled_from([False] * 5 + [True])),
                )
            )
        messages.append(Message("r", at(60), "agent", agent_id="ana", text="refund crash"))
        out.append(
            Conversation(
                f"c{c}",
                messages,
                channel=draw(st.sampled_from(["twitter", "facebook"])),
                assignee=draw(st.sampled_from([None, "ana", "bo"])),
            )
        )
    return out


def _negative(conversation: Conversation, message: Message) -> bool:
    return message.sentiment is not None and message.sentiment <= -0.05


def _positive(conversation: Conversation, message: Message) -> bool:
    return message.sentiment is not None and message.sentiment >= 0.05


def _billing(conversation: Conversation, message: Message) -> bool:
    return any(t == "billing" or t.startswith("billing/") for t in message.tags)


CASES: list[tuple[Segment, Segment | None, Callable[..., bool], Callable[..., bool] | None]] = [
    (Segment.negative(), None, _negative, None),
    (Segment.negative(), Segment.positive(), _negative, _positive),
    (Segment.tag("billing"), Segment.negative(), _billing, _negative),
]


@settings(max_examples=80)
@given(
    data=conversation_lists(),
    case=st.sampled_from(CASES),
    prior=st.sampled_from([0.01, 0.3, 2.0]),
    min_count=st.integers(1, 3),
    bigrams=st.booleans(),
)
def test_the_ranking_agrees_with_the_reference(
    data: list[Conversation],
    case: tuple[Segment, Segment | None, Callable[..., bool], Callable[..., bool] | None],
    prior: float,
    min_count: int,
    bigrams: bool,
) -> None:
    segment, against, in_segment, in_against = case
    result = voice_of_customer(
        data, segment=segment, against=against, prior=prior, min_count=min_count, bigrams=bigrams
    )
    expected = reference_scores(
        data, in_segment, in_against, prior=prior, min_count=min_count, bigrams=bigrams
    )
    ranking = result.ranking()
    assert {s.term for s in ranking} == set(expected)
    for score in ranking:
        ref = expected[score.term]
        assert (score.segment_count, score.against_count, score.corpus_count) == (
            ref.segment_count,
            ref.against_count,
            ref.corpus_count,
        )
        assert score.z == pytest.approx(ref.z, rel=1e-9, abs=1e-12)
        assert score.delta == pytest.approx(ref.delta, rel=1e-9, abs=1e-12)
    zs = [s.z for s in ranking]
    assert zs == sorted(zs, reverse=True)
    # The listed terms are the ranking's ends, and each example message uses its term.
    # A term the segment never uses is not listed, whatever the prior leaves in its z.
    listed = [s.term for s in ranking if s.z > 0 and s.segment_count > 0][: result.top]
    assert [s.term for s in result.terms] == listed
    by_id = {(c.id, m.id): m for c in data for m in c.messages}
    for score in result.terms:
        assert len(score.examples) == min(3, score.segment_count)
        for example in score.examples:
            message = by_id[(example.conversation_id, str(example.message_id))]
            assert score.term in tokenize(message.text, bigrams=bigrams)
            assert in_segment(None, message)
        times = [e.sent_at for e in score.examples]
        assert times == sorted(times, reverse=True)


@settings(max_examples=60)
@given(base=st.lists(st.lists(st.sampled_from(WORDS), max_size=5), min_size=1, max_size=8))
def test_a_term_only_in_the_segment_ranks_above_one_used_equally_everywhere(
    base: list[list[str]],
) -> None:
    # The segment holds the same messages as the other side, plus a word of its own in one.
    # "hello" is in every message on both sides: used equally everywhere.
    messages = []
    for i, words in enumerate(base):
        text = " ".join(["hello", *words])
        messages.append(customer(f"s{i}", i, text + (" zanzibar" if i == 0 else ""), tags=["x"]))
        messages.append(customer(f"o{i}", i, text))
    result = voice_of_customer([Conversation("c", messages)], segment=Segment.tag("x"), min_count=1)
    scores = {s.term: s for s in result.ranking()}
    others = [s for term, s in scores.items() if term != "zanzibar"]
    assert scores["zanzibar"].z > 0 >= scores["hello"].z
    assert all(scores["zanzibar"].z > s.z for s in others)
    assert result.terms[0].term == "zanzibar"


@settings(max_examples=60)
@given(data=conversation_lists(), seed=st.randoms(use_true_random=False))
def test_the_ranking_does_not_depend_on_the_order_of_messages(
    data: list[Conversation], seed: object
) -> None:
    rows = [(c.id, m, c.channel, c.assignee) for c in data for m in c.messages]

    def table(order: list[int]) -> MessageTable:
        chosen = [rows[i] for i in order]
        return MessageTable.from_columns(
            conversation_id=[r[0] for r in chosen],
            sent_at=np.array(
                [np.datetime64(r[1].sent_at.replace(tzinfo=None), "ns") for r in chosen],
                dtype="datetime64[ns]",
            ),
            author=[r[1].author.value for r in chosen],
            agent_id=[r[1].agent_id for r in chosen],
            message_id=[r[1].id for r in chosen],
            text=[r[1].text for r in chosen],
            sentiment=[np.nan if r[1].sentiment is None else r[1].sentiment for r in chosen],
            private=[r[1].private for r in chosen],
            channel=[r[2] for r in chosen],
            assignee=[r[3] for r in chosen],
        )

    order = list(range(len(rows)))
    shuffled = order[:]
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    first = voice_of_customer(table(order), segment="negative", min_count=1)
    second = voice_of_customer(table(shuffled), segment="negative", min_count=1)
    assert first.to_dict() == second.to_dict()
    assert repr(first.to_dict()) == repr(second.to_dict())


@settings(max_examples=60)
@given(data=conversation_lists(max_size=8), cut=st.integers(0, 8), case=st.sampled_from(CASES))
def test_counts_of_two_halves_add_up_to_the_counts_of_all(
    data: list[Conversation], cut: int, case: tuple[Segment, Segment | None, object, object]
) -> None:
    segment, against, _, _ = case
    whole = voice_of_customer(data, segment=segment, against=against, min_count=1)
    halves = [
        voice_of_customer(part, segment=segment, against=against, min_count=1).counts()
        for part in (data[:cut], data[cut:])
    ]
    merged = halves[0] + halves[1]
    assert merged == whole.counts()
    assert TermCounts.empty() + merged == merged
    assert merged.ranking(min_count=1) == whole.ranking()


@settings(max_examples=60)
@given(data=conversation_lists(), prior=st.sampled_from([0.01, 1.0]))
def test_swapping_the_sides_negates_every_score(data: list[Conversation], prior: float) -> None:
    one = voice_of_customer(
        data, segment="negative", against="positive", prior=prior, min_count=1, top=50
    )
    two = voice_of_customer(
        data, segment="positive", against="negative", prior=prior, min_count=1, top=50
    )
    mirrored = {s.term: s for s in two.ranking()}
    assert set(mirrored) == {s.term for s in one.ranking()}
    for score in one.ranking():
        other = mirrored[score.term]
        assert other.z == -score.z
        assert other.delta == -score.delta
        assert (other.segment_count, other.against_count) == (
            score.against_count,
            score.segment_count,
        )
    assert [s.term for s in one.terms] == [s.term for s in two.against_terms]
    assert [s.term for s in one.against_terms] == [s.term for s in two.terms]


@settings(max_examples=40)
@given(data=conversation_lists(), key=st.sampled_from(["agent", "channel", "day"]))
def test_each_group_ranks_within_itself(data: list[Conversation], key: str) -> None:
    result = voice_of_customer(data, segment="negative", min_count=1)
    groups = result.by(key)
    rows = groups.to_dict()["groups"]
    assert len(rows) == len(groups)
    # Counted on a dense grid (small splits) or by sorting the pairs (large ones): the same.
    with patch.object(voice_results, "_DENSE_GRID", 0):
        assert groups.to_dict()["groups"] == rows
    for row, (label, part) in zip(rows, groups.items(), strict=True):
        own = part.summary_row()
        assert {name: row[name] for name in own} == own
        # The group's own ranking is the voice of its messages alone.
        alone = voice_of_customer(
            [
                Conversation(c.id, [m for m in c.messages if _in_group(c, m, key, label)])
                for c in data
            ],
            segment="negative",
            min_count=1,
        )
        assert part.ranking() == alone.ranking()
        copy = pickle.loads(pickle.dumps(part))
        assert copy.to_dict() == part.to_dict()


def _in_group(conversation: Conversation, message: Message, key: str, label: object) -> bool:
    if key == "agent":
        return conversation.assignee == label
    if key == "channel":
        return (message.channel or conversation.channel) == label
    assert isinstance(label, datetime)
    return label <= message.sent_at < label + timedelta(days=1)


def test_several_comparisons_over_one_table_tokenise_it_once() -> None:
    table = MessageTable.from_conversations(four_messages())
    first = voice_of_customer(table, segment=Segment.tag("billing"), min_count=1)
    cached = table._derived["terms"]
    second = voice_of_customer(table, segment=Segment.tag("app"), min_count=1)
    assert table._derived["terms"] is cached
    assert [s.term for s in second.terms] == [s.term for s in first.against_terms]
    voice_of_customer(table, segment="negative", bigrams=True)
    assert table._derived["terms"] is not cached  # other options, another tokenising


def test_a_pickled_group_keeps_only_its_own_texts() -> None:
    data = four_messages()
    result = voice_of_customer(data, segment=Segment.tag("billing"), min_count=1)
    part = result.by("day")[datetime(2024, 5, 6, tzinfo=UTC)]
    copy = pickle.loads(pickle.dumps(part))
    assert isinstance(copy, VoiceResult)
    assert copy.to_dict() == part.to_dict()
    lone = voice_of_customer([data[0]], segment=Segment.tag("billing"), min_count=1)
    small = pickle.loads(pickle.dumps(lone.by("agent")[None]))
    assert set(small._terms.index.terms) == {"refund", "delay"}


def test_bad_options_name_the_parameter() -> None:
    data = four_messages()
    for option, bad in [
        ("top", 0),
        ("min_count", 0),
        ("prior", 0.0),
        ("prior", float("nan")),
        ("examples", -1),
        ("language", "fr"),
        ("stop_words", "the"),
        ("bigrams", "no"),
    ]:
        with pytest.raises(InvalidParameterError, match=rf"voice_of_customer\(\): '{option}'"):
            voice_of_customer(data, segment="negative", **{option: bad})
    with pytest.raises(InvalidParameterError, match=r"TermCounts\.ranking\(\): 'prior'"):
        TermCounts.empty().ranking(prior=-1)


def test_an_empty_segment_has_no_distinctive_term() -> None:
    t0 = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)
    data = [
        Conversation(
            f"c{i}",
            [Message("m", t0, "customer", text=text)],
            assignee="Acme",
        )
        for i, text in enumerate(["app crashed", "app late refund", "late again", "sent it"])
    ]
    result = voice_of_customer(data, segment=Segment.assignee("NoSuchBrand"), min_count=1)
    assert result.segment_messages == 0
    assert result.terms == ()
    assert result.value is None
    assert result.by("agent").to_dict()["groups"][0]["top_term"] is None
