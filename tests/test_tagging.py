"""Topics from text: how keywords and patterns match, and tables tagged by rules."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialcare_metrics import (
    Conversation,
    InvalidParameterError,
    Message,
    MessageTable,
    TopicRules,
    tag_by_rules,
    topics,
)
from socialcare_metrics._engine.content import pair_counts

T0 = datetime(2024, 5, 6, 10, tzinfo=UTC)

REFUND = TopicRules({"billing/refund": ["refund", "money back"], "delivery/late": ["late"]})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Where is my refund?", ("billing/refund",)),
        ("REFUND!!!", ("billing/refund",)),  # any case
        ("(refund)", ("billing/refund",)),
        ("refunded already", ()),  # a whole word only
        ("nonrefund", ()),
        ("refund_request", ()),  # "_" is part of a word
        ("I want my money back", ("billing/refund",)),
        ("money\n  back please", ("billing/refund",)),  # any white space inside a keyword
        ("moneyback", ()),
        ("late refund", ("billing/refund", "delivery/late")),  # in the rules' order
        ("", ()),
    ],
)
def test_keywords(text: str, expected: tuple[str, ...]) -> None:
    assert REFUND.match(text) == expected


def test_case_sensitive_and_substrings() -> None:
    rules = TopicRules({"billing": ["Refund"]}, case_sensitive=True, whole_words=False)
    assert rules.match("Refunded") == ("billing",)
    assert rules.match("refund") == ()


def test_accents_match_in_either_unicode_form() -> None:
    rules = TopicRules({"delivery/late": ["kašnjenje"], "billing": ["rückerstattung"]})
    decomposed = unicodedata.normalize("NFD", "Kašnjenje dostave")
    assert decomposed != "Kašnjenje dostave"
    assert rules.match(decomposed) == ("delivery/late",)
    assert rules.match("Wo bleibt meine Rückerstattung?") == ("billing",)
    assert rules.match(unicodedata.normalize("NFD", "RÜCKERSTATTUNG")) == ("billing",)


def test_scripts_without_spaces_match_inside_text() -> None:
    rules = TopicRules({"billing/refund": ["退款", "환불"], "account": ["비밀번호"]})
    assert rules.match("我要退款谢谢") == ("billing/refund",)
    assert rules.match("환불을 받고 싶어요") == ("billing/refund",)  # a particle attached
    assert rules.match("비밀번호를 잊었어요") == ("account",)


def test_devanagari_vowel_signs_are_part_of_the_word() -> None:
    # "पैसा" (money) is a whole word in the first text; in "पैसाी" a vowel sign follows it,
    # which `re` alone would take for the end of the word.
    rules = TopicRules({"billing/refund": ["पैसा", "रिफंड"]})
    assert rules.match("मेरा पैसा वापस करो") == ("billing/refund",)
    assert rules.match("रिफंड कब मिलेगा?") == ("billing/refund",)
    assert rules.match("पैसाी") == ()
    assert rules.match("रिफंडों") == ()  # a longer word


def test_regular_expressions() -> None:
    rules = TopicRules({"billing/refund": [r"refund\w*", r"money\s+back"]}, regex=True)
    assert rules.match("Refunded twice") == ("billing/refund",)
    mixed = TopicRules({"orders": ["order", re.compile(r"#\d{5}")], "vip": re.compile("VIP")})
    assert mixed.match("about #12345") == ("orders",)
    assert mixed.match("vip") == ()  # a compiled pattern keeps its own flags
    assert mixed.match("VIP ORDER") == ("orders", "vip")


def test_topic_paths_in_rules_are_normalised() -> None:
    assert TopicRules({" billing / refund ": "refund"}).topics == ("billing/refund",)


@pytest.mark.parametrize(
    ("rules", "options", "message"),
    [
        ({}, {}, r"TopicRules\(\): 'rules' must be a non-empty mapping"),
        ("refund", {}, r"'rules' must be a non-empty mapping"),
        ({"": "x"}, {}, r"'rules' must be topic paths"),
        ({"/": "x"}, {}, r"'rules' must be topic paths"),
        ({"billing": []}, {}, r"at least one keyword or pattern for 'billing'"),
        ({"billing": ["ok", 5]}, {}, r"item 1 for 'billing' is not \(got 5"),
        ({"billing": "  "}, {}, r"item 0 for 'billing' is not"),
        ({"billing": "("}, {"regex": True}, r"valid regular expressions; item 0"),
        ({"billing": "x"}, {"regex": "yes"}, r"'regex' must be a bool"),
        ({"billing": "x"}, {"whole_words": 1}, r"'whole_words' must be a bool"),
    ],
)
def test_bad_rules(rules: object, options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        TopicRules(rules, **options)  # type: ignore[arg-type]


def test_match_needs_text() -> None:
    with pytest.raises(InvalidParameterError, match=r"TopicRules\.match\(\): 'text'"):
        REFUND.match(None)  # type: ignore[arg-type]


def conversations() -> list[Conversation]:
    return [
        Conversation(
            "c1",
            [
                Message("m1", T0, "customer", text="Refund please", tags=["billing/refund"]),
                Message("m2", T0, "customer", text="Parcel is late", tags=["vip"]),
                Message("m3", T0, "agent", text="Sorry it is late"),
                Message("m4", T0, "customer", text="Refund please"),
                Message("m5", T0, "customer"),
            ],
            tags=["account"],
        )
    ]


def test_tag_by_rules_adds_to_the_tags_of_every_message_with_text() -> None:
    table = tag_by_rules(conversations(), REFUND)
    assert table.tags is not None
    assert table.tags.tolist() == [
        ("billing/refund",),  # already had it: not twice
        ("vip", "delivery/late"),
        ("delivery/late",),  # an agent's message is tagged too; metrics choose what counts
        ("billing/refund",),
        (),
    ]
    assert table.conversation_tags is not None
    assert table.conversation_tags.tolist() == [("account",)]
    assert not table.tags.flags.writeable
    # The rest of the table is the same table.
    original = MessageTable.from_conversations(conversations())
    assert np.array_equal(table.sent_at, original.sent_at)
    assert table.message_id is not None
    assert table.message_id.tolist() == ["m1", "m2", "m3", "m4", "m5"]


def test_rules_as_an_option_of_topics() -> None:
    direct = topics(conversations(), rules={"billing/refund": "refund", "delivery/late": "late"})
    tagged = topics(tag_by_rules(conversations(), REFUND))
    assert direct.counts() == tagged.counts() == {"billing": 2, "delivery": 1, "vip": 1}
    with pytest.raises(InvalidParameterError, match=r"topics\(\): 'rules'"):
        topics(conversations(), rules={"billing": 5})  # type: ignore[dict-item]
    with pytest.raises(InvalidParameterError, match=r"tag_by_rules\(\): 'rules'"):
        tag_by_rules(conversations(), "refund")  # type: ignore[arg-type]


def test_a_table_without_text_or_tags() -> None:
    table = MessageTable.from_columns(
        conversation_id=["c1", "c1"], sent_at=[T0, T0], author=["customer", "agent"]
    )
    tagged = tag_by_rules(table, REFUND)
    assert tagged.tags is not None
    assert tagged.tags.tolist() == [(), ()]
    with_text = MessageTable.from_columns(
        conversation_id=["c1", "c1"],
        sent_at=[T0, T0],
        author=["customer", "agent"],
        text=["my refund", "ok"],
    )
    assert tag_by_rules(with_text, REFUND).tags.tolist() == [("billing/refund",), ()]  # type: ignore[union-attr]


@settings(max_examples=100)
@given(
    st.lists(st.integers(0, 3_000_000), max_size=300),
    st.integers(1, 50),
    st.booleans(),
    st.data(),
)
def test_pair_counts_counts_every_pair_dense_or_sparse(
    firsts: list[int], n_second: int, weighted: bool, data: st.DataObject
) -> None:
    seconds = data.draw(
        st.lists(st.integers(0, n_second - 1), min_size=len(firsts), max_size=len(firsts))
    )
    weights = (
        data.draw(st.lists(st.integers(1, 9), min_size=len(firsts), max_size=len(firsts)))
        if weighted
        else [1] * len(firsts)
    )
    first, second, counts = pair_counts(
        np.array(firsts, dtype=np.int64),
        np.array(seconds, dtype=np.int64),
        n_second,
        weights=np.array(weights, dtype=np.int64) if weighted else None,
    )
    expected: Counter[tuple[int, int]] = Counter()
    for a, b, w in zip(firsts, seconds, weights, strict=True):
        expected[(a, b)] += w
    assert list(zip(first.tolist(), second.tolist(), counts.tolist(), strict=True)) == sorted(
        (a, b, c) for (a, b), c in expected.items()
    )
