"""load_ibm_cdp on IBM's Twitter customer-care set (the dev file is a fixture, Apache-2.0)."""

from __future__ import annotations

import json
import re
import statistics
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from socialcare_metrics import InvalidDataError, first_reply_time, load_ibm_cdp, reply_wait_time
from socialcare_metrics._core.time import datetime_to_ns
from socialcare_metrics.io.ibm import snowflake_ns

DEV = Path(__file__).parent / "data" / "ibm_cdp_dev.json"


@pytest.fixture(scope="module")
def conversations() -> list[dict[str, Any]]:
    return json.loads(DEV.read_text(encoding="utf-8"))


def test_every_message_and_final_reply_is_loaded(conversations: list[dict[str, Any]]) -> None:
    result = load_ibm_cdp(DEV)
    table = result.table
    assert result.problems == ()
    assert result.rows_read == len(conversations) == 525
    # The set's README: 686 messages in dialogContent, plus one agentURL reply each.
    content = sum(len(c["dialogContent"]) for c in conversations)
    assert content == 686
    assert len(table) == content + len(conversations)
    assert table.n_conversations == 525
    assert set(table.conversation_ids.tolist()) == {
        c["dialogHeader"]["sessionID"] for c in conversations
    }
    brands = {c["dialogHeader"]["company"] for c in conversations}
    assert set(table.agent_names) == brands
    customers = sum(1 for c in conversations for m in c["dialogContent"] if "agent" not in m)
    assert int((table.author == 0).sum()) == customers


def test_the_tweet_id_rule_gives_every_written_time_to_the_second(
    conversations: list[dict[str, Any]],
) -> None:
    for conversation in conversations:
        for message in conversation["dialogContent"]:
            written = datetime_to_ns(datetime.fromisoformat(message["datetime"]))
            derived = snowflake_ns(int(message["tweet_ID"]))
            assert written <= derived < written + 1_000_000_000


def test_first_reply_and_reply_wait_match_a_direct_computation(
    conversations: list[dict[str, Any]],
) -> None:
    first: list[float] = []
    waits: list[float] = []
    for conversation in conversations:
        events = [
            (datetime.fromisoformat(m["datetime"]).timestamp(), "agent" not in m)
            for m in conversation["dialogContent"]
        ]
        final = int(conversation["agentURL"]["tweet_ID"])
        events.append((snowflake_ns(final) // 1_000_000_000, False))
        opened = None
        answered = False
        for when, is_customer in sorted(events, key=lambda e: e[0]):
            if is_customer:
                opened = when if opened is None else opened
            elif opened is not None:
                waits.append(when - opened)
                if not answered:
                    first.append(when - opened)
                    answered = True
                opened = None
    table = load_ibm_cdp(DEV).table
    frt = first_reply_time(table)
    rwt = reply_wait_time(table)
    assert frt.count == len(first)
    assert rwt.count == len(waits)
    # Every conversation ends in the brand's reply: nothing is left pending.
    assert rwt.pending == 0
    assert frt.median.total_seconds() == statistics.median(first)
    assert rwt.mean.total_seconds() == pytest.approx(statistics.fmean(waits))
    # The README's figure: a median first reply of about 2 hours.
    assert 1.5 * 3600 < statistics.median(first) < 2.5 * 3600


def test_a_broken_conversation_is_reported(tmp_path: Path) -> None:
    good = {
        "dialogHeader": {"company": "Acme", "sessionID": "ok"},
        "dialogContent": [
            {"client": "a", "datetime": "2020-04-01T10:00:00.000Z", "tweet_ID": "1", "message": "x"}
        ],
        "agentURL": {"tweet_ID": str((1585735500000 - 1288834974657) << 22)},
    }
    bad = {
        "dialogHeader": {"company": "Acme", "sessionID": "bad"},
        "dialogContent": [{"someone": "a", "datetime": "2020-04-01T10:00:00Z", "tweet_ID": "2"}],
    }
    path = tmp_path / "set.json"
    path.write_text(json.dumps([good, bad]))
    with pytest.raises(InvalidDataError, match=r"dialogContent\[0\]") as info:
        load_ibm_cdp(path)
    assert info.value.row == 1
    result = load_ibm_cdp(path, errors="collect")
    assert [(p.row, p.line, p.column) for p in result.problems] == [(1, None, "dialogContent[0]")]
    assert result.table.conversation_ids.tolist() == ["ok"]
    # The final reply's time comes from its id: 10:05 that day.
    assert str(first_reply_time(result.table)) == "5 min"


def conversation(session: str, *content: dict[str, Any], final: str | None = None) -> Any:
    out: dict[str, Any] = {
        "dialogHeader": {"company": "Acme", "sessionID": session},
        "dialogContent": list(content),
    }
    if final is not None:
        out["agentURL"] = {"tweet_ID": final}
    return out


def said(tweet: str, when: str | None = "2020-04-01T10:00:00.000Z", role: str = "client") -> Any:
    message = {role: "ann" if role != "agent" else "Acme", "tweet_ID": tweet, "message": "x"}
    if when is not None:
        message["datetime"] = when
    return message


FINAL = str((1585735500000 - 1288834974657) << 22)  # 2020-04-01 10:05


@pytest.mark.parametrize(
    ("bad", "field", "expected"),
    [
        # Two conversations with one sessionID would become one conversation of the table.
        (conversation("ok", said("7"), final=FINAL), "dialogHeader.sessionID", "conversation 0"),
        # The table refuses a message id twice in a conversation: that stopped the whole load.
        (conversation("b", said("7"), said("7")), "dialogContent[1].tweet_ID", "not used before"),
        # With no message at all the conversation vanished without a word.
        (conversation("b"), "dialogContent", "at least one message"),
        (conversation("b", said("7", "3000-01-01T00:00:00Z")), "dialogContent[0].datetime", "2262"),
        (
            conversation("b", said("7", "0001-01-01T00:00:00+00:00")),
            "dialogContent[0].datetime",
            "2262",
        ),
        (conversation("b", said("7"), final="9" * 5000), "agentURL.tweet_ID", "2**63"),
        (conversation("b", said("9" * 30, None)), "dialogContent[0].tweet_ID", "2**63"),
    ],
)
def test_a_conversation_the_table_cannot_hold_is_reported(
    tmp_path: Path, bad: Any, field: str, expected: str
) -> None:
    path = tmp_path / "set.json"
    path.write_text(json.dumps([conversation("ok", said("1"), final=FINAL), bad]))
    with pytest.raises(InvalidDataError, match=re.escape(field)) as info:
        load_ibm_cdp(path)
    assert info.value.row == 1
    result = load_ibm_cdp(path, errors="collect")
    assert [(p.row, p.column) for p in result.problems] == [(1, field)]
    assert expected in result.problems[0].reason
    assert result.table.conversation_ids.tolist() == ["ok"]
    assert result.rows_used == 1


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, "[" + "9" * 5000 + "]", "[1, 2", "\xff"],
)
def test_a_file_that_json_cannot_read_is_the_library_s_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "set.json"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(InvalidDataError, match="a JSON file"):
        load_ibm_cdp(path, errors="collect")
