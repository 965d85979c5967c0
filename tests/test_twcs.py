"""load_twcs: the twcs export into conversations.

Thread semantics are checked against a plain-Python reference written here (walk
``in_response_to_tweet_id`` one tweet at a time), on hand-made files with every quirk and on the
real files in ``../shared/realdata/twcs`` when they are present (they are never copied into the
repository: their licence is non-commercial).
"""

from __future__ import annotations

import csv
import re
import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from socialcare_metrics import (
    InvalidDataError,
    InvalidParameterError,
    MessageTable,
    first_reply_time,
    load_twcs,
    reply_rate,
    reply_wait_time,
)
from socialcare_metrics._core.time import datetime_to_ns
from socialcare_metrics._engine.waits import compute_waits
from socialcare_metrics.io._parse import (
    eight_digit_values,
    eight_digit_words,
    parse_twitter_time_text,
    parse_twitter_times,
    parse_uint,
    parse_uint_text,
)

REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata" / "twcs"
HEAD = REALDATA / "twcs_head5000.csv"
HEAD_RAW = REALDATA / "twcs_head5000_raw.csv"
needs_realdata = pytest.mark.skipif(
    not HEAD.exists(), reason=f"the real twcs files are not at {REALDATA}"
)

HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
FORMAT = "%a %b %d %H:%M:%S %z %Y"


def stamp(minute: int, second: int = 0) -> str:
    return datetime(2017, 10, 31, 10, minute, second, tzinfo=UTC).strftime(FORMAT)


def write(
    tmp_path: Path, body: str, *, name: str = "twcs.csv", newline: str = "\n", bom: bool = False
) -> Path:
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" * bom + (HEADER + body).replace("\n", newline).encode())
    return path


def rows_of(table: MessageTable) -> list[tuple[str, str, str, int, str | None, str]]:
    """(conversation id, message id, author, epoch s, agent, text) for every row of a table."""
    out = []
    assert table.message_id is not None
    assert table.text is not None
    for i in range(len(table)):
        agent = int(table.agent[i])
        out.append(
            (
                table.conversation_label(int(table.conversation[i])),
                str(table.message_id[i]),
                ("customer", "agent", "bot")[int(table.author[i])],
                int(table.sent_at[i]) // 1_000_000_000,
                table.agent_names[agent] if agent >= 0 else None,
                str(table.text[i]),
            )
        )
    return out


# --- a plain-Python reference of the thread rules -------------------------------------------------


def reference_conversations(
    tweets: list[dict[str, str]],
) -> dict[str, list[dict[str, str]]]:
    """The documented thread rules, one tweet at a time: conversation id -> its tweets."""
    by_id = {int(float(t["tweet_id"])): t for t in tweets}

    def parent(t: dict[str, str]) -> dict[str, str] | None:
        ref = t["in_response_to_tweet_id"].strip()
        return by_id.get(int(float(ref))) if ref else None

    def path(t: dict[str, str]) -> list[dict[str, str]]:  # from the top of the tree down to t
        chain = [t]
        while (up := parent(chain[-1])) is not None:
            chain.append(up)
        return chain[::-1]

    def inbound(t: dict[str, str]) -> bool:
        return t["inbound"].strip().lower() == "true"

    thread_of: dict[int, int] = {}
    brand_of: dict[int, str | None] = {}  # nearest brand on the path inside the thread
    for t in tweets:
        chain = path(t)
        top = next((i for i, x in enumerate(chain) if inbound(x)), None)
        thread = chain[top] if top is not None else chain[0]
        inside = chain[top:] if top is not None else chain
        tid = int(float(t["tweet_id"]))
        thread_of[tid] = int(float(thread["tweet_id"]))
        brand_of[tid] = next((x["author_id"] for x in reversed(inside) if not inbound(x)), None)
    brands: dict[int, set[str]] = defaultdict(set)
    for t in tweets:
        if not inbound(t):
            brands[thread_of[int(float(t["tweet_id"]))]].add(t["author_id"])
    conversations: dict[str, list[dict[str, str]]] = defaultdict(list)
    for t in tweets:
        tid = int(float(t["tweet_id"]))
        thread = thread_of[tid]
        if len(brands[thread]) < 2:
            conversations[str(thread)].append(t)
        elif brand_of[tid] is not None:
            conversations[f"{thread}:{brand_of[tid]}"].append(t)
        else:
            for brand in sorted(brands[thread]):
                conversations[f"{thread}:{brand}"].append(t)
    return dict(conversations)


def reference_waits(
    conversations: dict[str, list[dict[str, str]]],
) -> tuple[dict[str, float], list[float], int]:
    """First reply per conversation, every closed wait, and the pending count."""
    first: dict[str, float] = {}
    waits: list[float] = []
    pending = 0
    for cid, tweets in conversations.items():
        depth = {}
        ids = {t["tweet_id"] for t in tweets}
        for t in tweets:
            d, ref = 0, t["in_response_to_tweet_id"]
            by_id = {x["tweet_id"]: x for x in tweets}
            while ref and str(int(float(ref))) in ids:
                d += 1
                ref = by_id[str(int(float(ref)))]["in_response_to_tweet_id"]
            depth[t["tweet_id"]] = d
        ordered = sorted(
            tweets,
            key=lambda t: (datetime.strptime(t["created_at"], FORMAT), depth[t["tweet_id"]]),
        )
        opened: datetime | None = None
        for t in ordered:
            when = datetime.strptime(t["created_at"], FORMAT)
            if t["inbound"] == "True":
                opened = opened or when
            elif opened is not None:
                seconds = (when - opened).total_seconds()
                first.setdefault(cid, seconds)
                waits.append(seconds)
                opened = None
        pending += opened is not None
    return first, waits, pending


# --- thread semantics on small files --------------------------------------------------------------


def test_a_thread_is_one_conversation_with_customer_and_brand_messages(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"4,AcmeHelp,False,{stamp(20)},@c thanks,,3\n"
        f"3,115712,True,{stamp(12)},@AcmeHelp still broken,4,2\n"
        f"2,AcmeHelp,False,{stamp(5)},@c try again,3,1\n"
        f"1,115712,True,{stamp(0)},@AcmeHelp broken,2,\n",
    )
    result = load_twcs(path)
    assert result.rows_read == 4
    assert result.problems == ()
    assert [(r[0], r[1], r[2], r[4]) for r in rows_of(result.table)] == [
        ("1", "1", "customer", None),
        ("1", "2", "agent", "AcmeHelp"),
        ("1", "3", "customer", None),
        ("1", "4", "agent", "AcmeHelp"),
    ]
    assert result.table.channel_names == ("twitter",)
    # Waits of 5 and 8 minutes: the first reply is the first, the reply wait their mean.
    assert first_reply_time(result.table).mean.total_seconds() == 300
    assert reply_wait_time(result.table).mean.total_seconds() == (300 + 480) / 2


def test_handles_that_differ_only_by_a_trailing_zero_byte_are_two_brands(tmp_path: Path) -> None:
    # Handles are compared as zero-padded bytes: their lengths must tell these apart.
    path = write(
        tmp_path,
        f"2,AcmeHelp,False,{stamp(5)},@c hi,,1\n"
        f"1,115712,True,{stamp(0)},@AcmeHelp broken,2,\n"
        f"4,AcmeHelp\x00,False,{stamp(5)},@c hi,,3\n"
        f"3,115713,True,{stamp(0)},@AcmeHelp broken,4,\n",
    )
    for chunk_size in (1, 1 << 20):
        result = load_twcs(path, chunk_size=chunk_size)
        assert result.table.agent_names == ("AcmeHelp", "AcmeHelp\x00"), chunk_size


def test_several_brands_answering_one_tweet_give_one_conversation_each(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f'1,900,True,{stamp(0)},@Aco @Bco hello,"2,3",\n'
        f"2,Aco,False,{stamp(4)},@900 hi from A,4,1\n"
        f"3,Bco,False,{stamp(9)},@900 hi from B,,1\n"
        f"4,900,True,{stamp(11)},@Aco thanks A,5,2\n"
        f"5,Aco,False,{stamp(15)},@900 welcome,,4\n",
    )
    table = load_twcs(path).table
    by_conv: dict[str, list[str]] = defaultdict(list)
    for conv, mid, *_ in rows_of(table):
        by_conv[conv].append(mid)
    # The shared customer tweet is copied into both; the follow-up under A's reply goes to A.
    assert dict(by_conv) == {"1:Aco": ["1", "2", "4", "5"], "1:Bco": ["1", "3"]}
    first = first_reply_time(table)
    assert first.count == 2
    assert sorted(w.duration.total_seconds() for w in first.slowest(2)) == [240, 540]


def test_each_conversation_s_assignee_is_its_brand(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f'1,900,True,{stamp(0)},@Aco @Bco hello,"2,3",\n'
        f"2,Aco,False,{stamp(4)},@900 hi from A,,1\n"
        f"3,Bco,False,{stamp(9)},@900 hi from B,,1\n"
        f"10,901,True,{stamp(1)},@Cco help,11,\n"
        f"11,Cco,False,{stamp(2)},@901 sure,,10\n"
        # Unanswered: the brand is the first brand handle the customer tweets mention (any case).
        f"20,902,True,{stamp(3)},@115712 @bco @Aco where is my order,,\n"
        f"21,902,True,{stamp(5)},@Bco hello?,,20\n"
        f"30,903,True,{stamp(6)},no handle here,,\n"
        f"31,903,True,{stamp(7)},@Cco now I ask,,30\n"
        f"40,904,True,{stamp(8)},@NotABrand @904 anyone,,\n"
        # A broadcast with no customer under it belongs to its brand.
        f"50,Aco,False,{stamp(9)},News!,,\n",
    )
    result = load_twcs(path)
    assignees = {c.id: c.assignee for c in result.conversations()}
    assert assignees == {
        "1:Aco": "Aco",
        "1:Bco": "Bco",
        "10": "Cco",
        "20": "Bco",
        "30": "Cco",
        "40": None,
        "50": "Aco",
    }
    # Unanswered messages count against the brand they were addressed to.
    rates = reply_rate(result.table).by("agent")
    assert (rates["Bco"].numerator, rates["Bco"].denominator) == (1, 3)
    assert (rates["Cco"].numerator, rates["Cco"].denominator) == (1, 3)
    assert (rates[None].numerator, rates[None].denominator) == (0, 1)
    pending = first_reply_time(result.table).by("agent")
    assert {name: pending[name].pending for name in ("Aco", "Bco", "Cco")} == {
        "Aco": 0,
        "Bco": 1,
        "Cco": 1,
    }


def test_a_broadcast_s_customer_replies_each_start_a_thread(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f'10,Aco,False,{stamp(0)},Big news!,"11,12",\n'
        f"11,501,True,{stamp(3)},@Aco cool,13,10\n"
        f"12,502,True,{stamp(4)},@Aco meh,,10\n"
        f"13,Aco,False,{stamp(8)},@501 thanks,,11\n",
    )
    table = load_twcs(path).table
    convs = {conv: [] for conv, *_ in rows_of(table)}
    for conv, mid, *_ in rows_of(table):
        convs[conv].append(mid)
    assert convs == {"10": ["10"], "11": ["11", "13"], "12": ["12"]}
    first = first_reply_time(table)
    assert (first.count, first.pending) == (1, 1)
    assert first.mean.total_seconds() == 300


def test_a_reply_whose_parent_is_not_in_the_file_is_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"21,Aco,False,{stamp(1)},@7 answer to a tweet not here,22,20\n"
        f"22,7,True,{stamp(2)},@Aco and?,23,21\n"
        f"23,Aco,False,{stamp(6)},@7 and this,,22\n"
        f"31,8,True,{stamp(3)},@Aco follow-up to a tweet not here,,30.0\n",
    )
    result = load_twcs(path)
    assert result.problems == ()
    convs = sorted({(conv, mid) for conv, mid, *_ in rows_of(result.table)})
    assert convs == [("21", "21"), ("22", "22"), ("22", "23"), ("31", "31")]


def test_rows_in_any_order_and_equal_times_put_a_reply_after_its_parent(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"2,Aco,False,{stamp(5)},@1 same second,,1\n1,5,True,{stamp(5)},@Aco question,2,\n",
    )
    table = load_twcs(path).table
    assert [r[1] for r in rows_of(table)] == ["1", "2"]
    assert first_reply_time(table).mean.total_seconds() == 0


def test_the_quirks_of_real_exports_are_read_as_meant(tmp_path: Path) -> None:
    # An index column, float ids, CRLF endings, a BOM, quoted text with quotes, commas and
    # line breaks, and a bare carriage return in an unquoted field.
    body = (
        ",tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\r\n"
        f'0,1,42,True,{stamp(0)},"@Aco ""quoted"", and\r\nbroken",2,\r\n'
        f"1,2,Aco,False,{stamp(3)},@42 a bare\rreturn,,1.0\r\n"
        "\r\n"
        f'2,3,42,TRUE,{stamp(7)},"multi\nline",,2.0\r\n'
    )
    path = tmp_path / "raw.csv"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode())
    result = load_twcs(path)
    assert result.problems == ()
    assert result.rows_read == 3
    assert [(r[1], r[2], r[5]) for r in rows_of(result.table)] == [
        ("1", "customer", '@Aco "quoted", and\r\nbroken'),
        ("2", "agent", "@42 a bare\rreturn"),
        ("3", "customer", "multi\nline"),
    ]


def test_the_text_column_matches_the_csv_module(tmp_path: Path) -> None:
    texts = ["a,b", 'say "hi"', "new\nline", "crlf\r\nline", "emoji 😡 ünïcode", "", " spaces "]
    lines = []
    for i, text in enumerate(texts, start=1):
        quoted = '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n\r') else text
        lines.append(f"{i},{i + 100},True,{stamp(i)},{quoted},,\n")
    path = write(tmp_path, "".join(lines))
    with path.open(newline="", encoding="utf-8") as handle:
        expected = {row["tweet_id"]: row["text"] for row in csv.DictReader(handle)}
    assert expected == {str(i): t for i, t in enumerate(texts, start=1)}
    got = {r[1]: r[5] for r in rows_of(load_twcs(path).table)}
    assert got == expected


@given(
    chunk_size=st.integers(min_value=1, max_value=4096),
    newline=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
)
def test_the_result_does_not_depend_on_the_chunk_size(
    tmp_path_factory: pytest.TempPathFactory, chunk_size: int, newline: str, bom: bool
) -> None:
    tmp = tmp_path_factory.mktemp("chunks")
    body = "".join(
        f"{i},{'Aco' if i % 3 == 0 else 700 + i // 3},{i % 3 != 0},{stamp(i % 60, i % 7)},"
        f'"text {i}, with\nbreak",,{i - 1 if i % 3 else ""}\n'
        for i in range(1, 40)
    )
    path = write(tmp, body, newline=newline, bom=bom)
    whole = load_twcs(path)
    chunked = load_twcs(path, chunk_size=chunk_size)
    assert rows_of(chunked.table) == rows_of(whole.table)
    assert chunked.rows_read == whole.rows_read == 39


# --- what cannot be used is reported --------------------------------------------------------------


BAD_BODY = (
    f'1,42,True,{stamp(0)},"two\nlines",2,\n'  # lines 2-3
    f"2,Aco,False,not a time,@42 hi,,1\n"  # line 4
    f"3,42,maybe,{stamp(4)},@Aco hm,,\n"  # line 5
    f"4,42,True,{stamp(5)},only,six\n"  # line 6: 6 fields
    f"x5,42,True,{stamp(6)},@Aco,,\n"  # line 7
    f"6,,True,{stamp(7)},@Aco no author,,\n"  # line 8
    f"1,43,True,{stamp(8)},@Aco duplicate id,,\n"  # line 9
    f"7,44,True,{stamp(9)},@Aco fine,,\n"  # line 10
)


def test_errors_raise_names_the_file_line_column_and_reason(tmp_path: Path) -> None:
    path = write(tmp_path, BAD_BODY)
    with pytest.raises(InvalidDataError) as info:
        load_twcs(path)
    error = info.value
    assert (error.source, error.column, error.row) == (str(path), "created_at", 4)
    assert str(error).startswith(f"{path}, column 'created_at', row 4: expected a time like")
    assert "'not a time'" in str(error)


def test_errors_collect_keeps_the_good_rows_and_lists_the_others(tmp_path: Path) -> None:
    path = write(tmp_path, BAD_BODY)
    result = load_twcs(path, errors="collect")
    found = [(p.line, p.row, p.column) for p in result.problems]
    assert found == [
        (4, 1, "created_at"),
        (5, 2, "inbound"),
        (6, 3, None),
        (7, 4, "tweet_id"),
        (8, 5, "author_id"),
        (9, 6, "tweet_id"),
    ]
    assert result.problems[2].reason == "expected 7 fields (got 6 fields)"
    assert "line 2 has it" in result.problems[5].reason
    assert result.rows_read == 8
    assert result.rows_used == 2
    assert sorted(r[1] for r in rows_of(result.table)) == ["1", "7"]
    assert str(result.problems[0]).startswith("line 4, column 'created_at': expected a time")


def test_a_reply_loop_is_reported_not_followed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"1,42,True,{stamp(0)},a,,2\n2,Aco,False,{stamp(1)},b,,1\n3,43,True,{stamp(2)},c,,\n",
    )
    with pytest.raises(InvalidDataError, match="in_response_to_tweet_id"):
        load_twcs(path)
    result = load_twcs(path, errors="collect")
    assert [(p.line, p.column) for p in result.problems] == [
        (2, "in_response_to_tweet_id"),
        (3, "in_response_to_tweet_id"),
    ]
    assert [r[1] for r in rows_of(result.table)] == ["3"]


def test_stray_quotes_bad_bytes_and_unclosed_quotes_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(
        (
            HEADER
            + f'1,42,True,{stamp(0)},say "hi" there,,\n'
            + f'2,43,True,{stamp(1)},"quoted" then not,,\n'
            + f"3,43,True,{stamp(1)},ok,,\n"
        ).encode()
        + f"4,44,True,{stamp(2)},bad \xff byte,,\n".encode("latin-1")
        + f'5,45,True,{stamp(3)},"never closed,,\n6,46,True,{stamp(4)},x,,\n'.encode()
    )
    result = load_twcs(path, errors="collect")
    assert [(p.line, p.column) for p in result.problems] == [(3, None), (5, None), (6, None)]
    reasons = [p.reason for p in result.problems]
    assert "text after the closing quote" in reasons[0]
    assert "not UTF-8" in reasons[1]
    assert "closing quote" in reasons[2]
    assert "the record runs from line 6 to line 7" in reasons[2]
    # A quote inside an unquoted field is an ordinary character, as the csv module reads it.
    assert [(r[1], r[5]) for r in rows_of(result.table)] == [("1", 'say "hi" there'), ("3", "ok")]
    assert result.rows_read == 5


@pytest.mark.parametrize("chunk_size", [1 << 24, 64, 1])
@pytest.mark.parametrize("bom", [False, True])
def test_a_byte_that_is_not_utf8_is_reported_at_its_offset_in_the_file(
    tmp_path: Path, chunk_size: int, bom: bool
) -> None:
    rows = "".join(f"{i},{700 + i},True,{stamp(i)},fine,,\n" for i in range(1, 20))
    data = (
        b"\xef\xbb\xbf" * bom
        + (HEADER + rows).encode()
        + f"20,720,True,{stamp(20)},caf".encode()
        + b"\xe9 and na\xefve,,\n"
        + f"21,721,True,{stamp(21)},fine,,\n".encode()
    )
    path = tmp_path / "latin1.csv"
    path.write_bytes(data)
    result = load_twcs(path, errors="collect", chunk_size=chunk_size)
    (problem,) = result.problems
    assert (problem.line, problem.row) == (21, 19)
    offset = data.index(b"\xe9")
    assert f"the first at byte offset {offset} of the file" in problem.reason
    assert result.rows_used == 20


def test_a_stray_quote_does_not_swallow_the_rows_after_it(tmp_path: Path) -> None:
    # One quote typed into an unquoted text, in a file whose other texts are quoted: the
    # parity rule (a quote toggles "inside quotes") read every row after it as one field.
    texts = {i: f'"text, {i}"' if i % 2 else f"text {i} here" for i in range(1, 200)}
    texts[10] = 'text 10" here'
    body = "".join(f"{i},{700 + i},True,{stamp(i % 60)},{texts[i]},,\n" for i in texts)
    path = write(tmp_path, body)
    with path.open(newline="", encoding="utf-8") as handle:
        expected = {row["tweet_id"]: row["text"] for row in csv.DictReader(handle)}
    assert len(expected) == 199
    assert expected["10"] == 'text 10" here'
    for chunk_size in (1 << 24, 97):
        result = load_twcs(path, errors="collect", chunk_size=chunk_size)
        assert result.problems == ()
        assert result.rows_read == result.rows_used == 199
        assert {r[1]: r[5] for r in rows_of(result.table)} == expected


def test_a_quote_that_opens_a_field_by_mistake_is_reported_with_the_lines_it_spans(
    tmp_path: Path,
) -> None:
    # A quote at the start of a field does open a quoted field (the csv module reads it so
    # too): the rows up to the next quote become one record, reported with the lines it covers.
    path = write(
        tmp_path,
        f"1,701,True,{stamp(1)},fine,,\n"
        f'2,702,True,{stamp(2)},"oops,,\n'
        f"3,703,True,{stamp(3)},swallowed,,\n"
        f'4,704,True,{stamp(4)},"closed",,\n'
        f"5,705,True,{stamp(5)},after,,\n",
    )
    with path.open(newline="", encoding="utf-8") as handle:
        assert len(list(csv.reader(handle))) == 4  # header, 1, the merged record, 5
    result = load_twcs(path, errors="collect")
    assert result.rows_read == 3
    (problem,) = result.problems
    assert (problem.line, problem.row) == (3, 1)
    assert "the record runs from line 3 to line 5" in problem.reason
    assert [r[1] for r in rows_of(result.table)] == ["1", "5"]


@pytest.mark.parametrize(
    "when",
    [
        "Tue Oct 31 22:10:47 +0000 3017",  # the vectorised path
        "Tue Oct 31 22:10:47 +0000 1600",
        "Sat Jan 01 00:00:00 +0000 9999",
        "Fri Apr 11 23:47:17 +0000 2262",  # one second past the last instant
        "Tue Oct 31 22:10:47 +0000 2017 ",  # a trailing space: the strptime path, in range
        "Tue Oct 31 22:10:47 +0000 3017 ",  # the strptime path, out of range
    ],
)
def test_a_time_outside_the_range_of_the_table_is_reported(tmp_path: Path, when: str) -> None:
    path = write(
        tmp_path,
        f"1,701,True,{stamp(1)},a,,\n2,702,True,{when},b,,\n3,703,True,{stamp(3)},c,,\n",
    )
    if when.strip().endswith("2017"):
        assert load_twcs(path).rows_used == 3
        return
    with pytest.raises(InvalidDataError, match="2262-04-11") as info:
        load_twcs(path)
    assert (info.value.column, info.value.row) == ("created_at", 3)
    result = load_twcs(path, errors="collect")
    assert [(p.line, p.column) for p in result.problems] == [(3, "created_at")]
    assert "a time from 1677-09-21 00:12:43.145224193 to 2262-04-11" in result.problems[0].reason
    assert [r[1] for r in rows_of(result.table)] == ["1", "3"]


def test_an_id_too_long_for_any_integer_is_reported(tmp_path: Path) -> None:
    # Python refuses int() of more than 4,300 digits with its own ValueError.
    long = "9" * 5000
    path = write(
        tmp_path,
        f"{long},701,True,{stamp(1)},a,,\n2,702,True,{stamp(2)},b,,{long}\n"
        f"3,703,True,{stamp(3)},c,,{'0' * 30}2\n",
    )
    result = load_twcs(path, errors="collect")
    assert [(p.line, p.column) for p in result.problems] == [
        (2, "tweet_id"),
        (3, "in_response_to_tweet_id"),
    ]
    assert "below 2**63" in result.problems[0].reason
    assert rows_of(result.table)[0][:3] == ("3", "3", "customer")
    assert parse_uint_text("0" * 30 + "2") == 2
    assert parse_uint_text("1" + "0" * 19) is None


def test_a_file_without_the_twcs_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("id,when,who\n1,2,3\n")
    with pytest.raises(InvalidDataError, match="tweet_id") as info:
        load_twcs(path)
    assert info.value.row == 1
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InvalidDataError, match="header"):
        load_twcs(empty)
    twice = tmp_path / "twice.csv"
    twice.write_text(HEADER.strip() + ",text\n" + f"1,701,True,{stamp(1)},a,,,b\n")
    with pytest.raises(InvalidDataError, match="2 columns named 'text'") as info:
        load_twcs(twice)
    assert (info.value.column, info.value.row) == ("text", 1)


def test_a_file_with_only_a_header_gives_an_empty_table(tmp_path: Path) -> None:
    result = load_twcs(write(tmp_path, ""))
    empty = MessageTable.from_columns(conversation_id=[], sent_at=[], author=[])
    assert (result.table.agent_names, result.table.channel_names) == (
        empty.agent_names,
        empty.channel_names,
    )
    assert len(result.table) == 0
    assert result.rows_read == 0
    frt = first_reply_time(result.table)
    assert frt.count == 0
    assert frt.mean is None


@pytest.mark.parametrize(
    ("option", "value"),
    [("errors", "ignore"), ("chunk_size", 0), ("chunk_size", True), ("channel", "")],
)
def test_bad_options_are_refused(tmp_path: Path, option: str, value: object) -> None:
    path = write(tmp_path, "")
    with pytest.raises(InvalidParameterError, match=option):
        load_twcs(path, **{option: value})  # type: ignore[arg-type]


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterError, match="existing file"):
        load_twcs(tmp_path / "nope.csv")


# --- the table is what from_columns and from_conversations make of the same data ------------------


def test_the_table_equals_from_columns_and_the_records_round_trip(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"1,900,True,{stamp(0)},hello,,\n2,Aco,False,{stamp(4)},hi,,1\n"
        f"3,Bco,False,{stamp(9)},yo,,1\n4,901,True,{stamp(1)},other,,\n",
    )
    result = load_twcs(path)
    table = result.table
    assert table.message_id is not None
    assert table.text is not None
    rebuilt = MessageTable.from_columns(
        conversation_id=[table.conversation_label(int(c)) for c in table.conversation],
        sent_at=table.sent_at,
        author=table.author.astype(np.int64),
        agent_id=[table.agent_names[a] if a >= 0 else None for a in table.agent],
        channel=["twitter"] * len(table),
        message_id=list(table.message_id),
        text=list(table.text),
        assignee=[
            table.agent_names[a] if a >= 0 else None for a in table.assignee[table.conversation]
        ],
    )
    for name in MessageTable.__slots__:
        if name == "row" or name.startswith("_"):
            continue
        mine, theirs = getattr(table, name), getattr(rebuilt, name)
        if isinstance(mine, np.ndarray):
            assert mine.dtype == theirs.dtype, name
            assert mine.tolist() == theirs.tolist(), name
        else:
            assert mine == theirs, name
    # row is the 0-based data row of the file each message came from (copies share it).
    assert table.row.tolist() == [0, 1, 0, 2, 3]
    records = result.conversations()
    assert [c.id for c in records] == ["1:Aco", "1:Bco", "4"]
    assert records[0].messages[1].agent_id == "Aco"
    assert records[0].channel == "twitter"
    again = MessageTable.from_conversations(records)
    assert rows_of(again) == rows_of(table)


# --- the real files -------------------------------------------------------------------------------


def read_tweets(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@needs_realdata
def test_every_tweet_of_the_twcs_head_is_accounted_for() -> None:
    tweets = read_tweets(HEAD)
    assert len(tweets) == 5000
    result = load_twcs(HEAD)
    assert result.problems == ()
    assert result.rows_read == 5000
    rows = rows_of(result.table)
    customer_ids = {mid for _, mid, author, *_ in rows if author == "customer"}
    agent_rows = [mid for _, mid, author, *_ in rows if author == "agent"]
    # The README's verified counts: 2,778 inbound and 2,222 outbound tweets, 76 brands.
    assert len(customer_ids) == 2778
    assert len(agent_rows) == len(set(agent_rows)) == 2222  # every brand tweet exactly once
    assert customer_ids | set(agent_rows) == {t["tweet_id"] for t in tweets}
    assert len(result.table.agent_names) == 76
    assert set(result.table.agent_names) == {
        t["author_id"] for t in tweets if t["inbound"] == "False"
    }
    # Copies exist only where several brands answer one thread: the mince-pie thread 7442.
    copied_into = {conv for conv, *_ in rows if ":" in conv}
    assert {c.split(":")[0] for c in copied_into} == {"7442"}
    # In it, 4 brands answer, and the 2 customer tweets above every brand tweet are copied
    # into each brand's conversation: 2 x (4 - 1) rows more than the file has.
    thread = [t for t in tweets if _in_thread(tweets, t, "7442")]
    brands = {t["author_id"] for t in thread if t["inbound"] == "False"}
    shared = [t for t in thread if not _brand_above(tweets, t)]
    assert (len(brands), len(shared)) == (4, 2)
    assert len(rows) - 5000 == len(shared) * (len(brands) - 1)


@needs_realdata
@pytest.mark.parametrize("name", ["twcs_head5000.csv", "twcs_random_sample_raw.csv"])
def test_the_brand_of_each_real_conversation_is_its_assignee(name: str) -> None:
    result = load_twcs(REALDATA / name)
    records = result.conversations()
    brands = {a.casefold(): a for a in result.table.agent_names}
    for conversation in records:
        answered = {m.agent_id for m in conversation.messages if m.author == "agent"}
        if answered:
            expected = answered.pop()
            assert not answered, conversation.id
        else:
            expected = None
            for message in conversation.messages:
                found = [brands[h] for h in _mentions(message.text or "") if h in brands]
                if message.author == "customer" and found:
                    expected = found[0]
                    break
        assert conversation.assignee == expected, conversation.id
    if name == "twcs_head5000.csv":
        # Every customer tweet of the head is addressed to a brand, and reply rates differ.
        rates = reply_rate(result.table).by("agent")
        assert None not in rates
        assert sum(rates[b].denominator for b in rates) == 2784
        assert min(rates[b].value or 0.0 for b in rates) < 0.5 < 1.0 > rates["AppleSupport"].value


def _mentions(text: str) -> list[str]:
    """The handles after each ``@``, case-folded: letters, digits and underscores, one by one."""
    handles = []
    for at, char in enumerate(text):
        if char == "@":
            end = at + 1
            while end < len(text) and (
                text[end].isascii() and (text[end].isalnum() or text[end] == "_")
            ):
                end += 1
            if end > at + 1:
                handles.append(text[at + 1 : end].casefold())
    return handles


@needs_realdata
def test_a_quote_typed_into_the_twcs_head_leaves_every_other_row_as_it_was(
    tmp_path: Path,
) -> None:
    # The audit's case: one quote inserted into an unquoted text of the 5,000-row head left 237
    # rows used and 4,485 unreported. The damaged copy is made in a temporary directory.
    data = HEAD.read_bytes()
    lines = data.split(b"\n")
    target = next(
        i
        for i, line in enumerate(lines[1:], start=1)
        if line.count(b",") == 6 and b'"' not in line and i > 100
    )
    fields = lines[target].split(b",")
    fields[4] = fields[4][:3] + b'"' + fields[4][3:]  # into the middle of the text
    lines[target] = b",".join(fields)
    path = tmp_path / "damaged.csv"
    path.write_bytes(b"\n".join(lines))
    with path.open(newline="", encoding="utf-8") as handle:
        expected = {row["tweet_id"]: row["text"] for row in csv.DictReader(handle)}
    assert len(expected) == 5000
    result = load_twcs(path)
    assert result.problems == ()
    assert result.rows_read == result.rows_used == 5000
    assert {r[1]: r[5] for r in rows_of(result.table)} == expected
    # A quote at the start of a field opens one for every CSV reader: the rows up to the next
    # quote become one record, which is reported with the lines it spans.
    fields = lines[target].split(b",")
    fields[4] = b'"' + fields[4].replace(b'"', b"")
    lines[target] = b",".join(fields)
    path.write_bytes(b"\n".join(lines))
    with path.open(newline="", encoding="utf-8") as handle:
        records = len(list(csv.reader(handle))) - 1
    result = load_twcs(path, errors="collect")
    assert result.rows_read == records < 5000
    (problem,) = result.problems
    assert problem.line == target + 1
    assert f"the record runs from line {target + 1} to line" in problem.reason
    assert result.rows_used == records - 1


def _in_thread(tweets: list[dict[str, str]], tweet: dict[str, str], root: str) -> bool:
    by_id = {t["tweet_id"]: t for t in tweets}
    while tweet["in_response_to_tweet_id"] in by_id:
        tweet = by_id[tweet["in_response_to_tweet_id"]]
    return tweet["tweet_id"] == root


def _brand_above(tweets: list[dict[str, str]], tweet: dict[str, str]) -> bool:
    by_id = {t["tweet_id"]: t for t in tweets}
    while True:
        if tweet["inbound"] == "False":
            return True
        if tweet["in_response_to_tweet_id"] not in by_id:
            return False
        tweet = by_id[tweet["in_response_to_tweet_id"]]


@needs_realdata
def test_the_twcs_head_gives_the_reference_conversations() -> None:
    tweets = read_tweets(HEAD)
    expected = reference_conversations(tweets)
    got: dict[str, list[str]] = defaultdict(list)
    for conv, mid, *_ in rows_of(load_twcs(HEAD).table):
        got[conv].append(mid)
    assert {k: sorted(v) for k, v in got.items()} == {
        k: sorted(t["tweet_id"] for t in v) for k, v in expected.items()
    }
    # 1,285 inbound tweets start a thread (README); each is a conversation of its own.
    roots = [t for t in tweets if t["inbound"] == "True" and not t["in_response_to_tweet_id"]]
    assert len(roots) == 1285
    ids = {conv.split(":")[0] for conv in got}
    assert all(t["tweet_id"] in ids for t in roots)
    assert len(got) == len(expected)


@needs_realdata
def test_raw_and_normalised_copies_give_the_same_conversations() -> None:
    raw = load_twcs(HEAD_RAW)
    normalised = load_twcs(HEAD)
    assert raw.problems == ()
    assert raw.rows_read == 5000
    assert rows_of(raw.table) == rows_of(normalised.table)
    # Tweet 3399 holds a bare "\r\r" outside quotes in the raw copy; it is kept as text.
    texts = {mid: text for _, mid, *_, text in rows_of(raw.table)}
    assert "\r\r" in texts["3399"]


@needs_realdata
def test_first_reply_and_reply_wait_match_a_direct_computation() -> None:
    tweets = read_tweets(HEAD)
    first, waits, pending = reference_waits(reference_conversations(tweets))
    table = load_twcs(HEAD).table
    frt = first_reply_time(table)
    rwt = reply_wait_time(table)
    assert frt.count == len(first)
    assert rwt.count == len(waits)
    assert rwt.pending == pending
    assert frt.mean is not None
    assert rwt.mean is not None
    assert frt.mean.total_seconds() == pytest.approx(statistics.fmean(first.values()))
    assert rwt.mean.total_seconds() == pytest.approx(statistics.fmean(waits))
    assert frt.median.total_seconds() == pytest.approx(statistics.median(first.values()))
    assert rwt.max.total_seconds() == max(waits)
    assert rwt.min.total_seconds() == min(waits)
    slowest = frt.slowest(5)
    expected_slowest = sorted(first.items(), key=lambda kv: -kv[1])[:5]
    assert [(w.conversation_id, w.duration.total_seconds()) for w in slowest] == expected_slowest


@needs_realdata
def test_first_replies_agree_with_the_third_party_response_pairs() -> None:
    # The derived file pairs each inbound tweet with every brand tweet answering it. Where a
    # conversation's first wait opens at a tweet that the closing reply answers directly, the
    # pair is in that file and the delays must agree to the second.
    pairs: dict[tuple[str, str], float] = {}
    with (REALDATA / "derived_response_pairs_sample.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            pairs[(row["customer_tweet_id"], row["reply_tweet_id"])] = float(
                row["response_time_seconds"]
            )
    parent = {t["tweet_id"]: t["in_response_to_tweet_id"] for t in read_tweets(HEAD)}
    table = load_twcs(HEAD).table
    waits = compute_waits(table)
    assert table.message_id is not None
    compared = 0
    for k in np.flatnonzero(waits.first & waits.closed).tolist():
        opening = str(table.message_id[waits.open_row[k]])
        closing = str(table.message_id[waits.close_row[k]])
        if parent[closing] == opening:
            assert pairs[(opening, closing)] == waits.ns[k] / 1e9
            compared += 1
    assert compared > 1000


# --- the fixed-width timestamp parser -------------------------------------------------------------


def parse_times(texts: list[str]) -> tuple[list[int], list[bool]]:
    width = 30
    matrix = np.zeros((len(texts), width), dtype=np.uint8)
    for i, text in enumerate(texts):
        raw = text.encode()[:width]
        matrix[i, : len(raw)] = np.frombuffer(raw, dtype=np.uint8)
    lengths = np.array([len(t.encode()) for t in texts], dtype=np.int64)
    ns, ok = parse_twitter_times(matrix, lengths)
    return ns.tolist(), ok.tolist()


@given(
    moment=st.datetimes(min_value=datetime(1678, 1, 2), max_value=datetime(2262, 4, 10)),
    offset_minutes=st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59),
)
def test_twitter_times_parse_as_strptime_does(moment: datetime, offset_minutes: int) -> None:
    aware = moment.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=offset_minutes)))
    text = aware.strftime(FORMAT)
    ns, ok = parse_times([text])
    assert ok == [True]
    assert ns == [datetime_to_ns(datetime.strptime(text, FORMAT))]


@given(year=st.integers(1680, 2260), month=st.integers(1, 12), day=st.integers(1, 31))
@example(year=1900, month=2, day=29)  # not a leap year (a century)
@example(year=2000, month=2, day=29)  # a leap year (a century divisible by 400)
def test_twitter_dates_are_read_only_when_the_calendar_has_them(
    year: int, month: int, day: int
) -> None:
    month_name = datetime(2001, month, 1).strftime("%b")
    text = f"Mon {month_name} {day:02d} 10:00:00 +0000 {year:04d}"
    try:
        expected: int | None = datetime_to_ns(datetime(year, month, day, 10, tzinfo=UTC))
    except ValueError:  # no such day
        expected = None
    ns, ok = parse_times([text])
    assert (ns[0] if ok[0] else None) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Thu Nov 31 10:00:00 +0000 2017",  # November has 30 days
        "Thu Feb 29 10:00:00 +0000 2017",  # not a leap year
        "Tue Okt 31 10:00:00 +0000 2017",  # not a month
        "Xyz Oct 31 10:00:00 +0000 2017",  # not a weekday
        "Tue Oct 31 24:00:00 +0000 2017",
        "Tue Oct 31 10:60:00 +0000 2017",
        "Tue Oct 31 10:00:00 0000 2017 ",
        "Tue Oct 31 10:00:00 +0000 20171",
        "2017-10-31T10:00:00Z",
        "",
    ],
)
def test_what_is_not_a_twitter_time_is_not_parsed(text: str) -> None:
    assert parse_times([text])[1] == [False]
    assert parse_twitter_time_text(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("3.0", 3),
        ("3.000", 3),
        ("0", 0),
        ("123456789012345678", 123456789012345678),
        ("3.", None),
        ("3.5", None),
        ("-3", None),
        ("x5", None),
        ("", None),
        ("1e3", None),
        ("99999999999999999999", None),
    ],
)
def test_ids_parse_as_integers_or_zero_fraction_floats(text: str, value: int | None) -> None:
    raw = text.encode()
    matrix = np.frombuffer(raw.ljust(24, b"\0"), dtype=np.uint8).reshape(1, 24)
    values, ok = parse_uint(matrix.copy(), np.array([len(raw)]))
    assert (int(values[0]) if ok[0] else None) == value
    assert parse_uint_text(text) == value


_ID_TEXTS = (
    st.text(alphabet="0123456789.-+ e_\u0663x", max_size=22)
    | st.integers(0, 10**19).map(str)
    # Digits only, of every length: 8 at most are read 8 at a time, more by numpy's conversion.
    | st.integers(1, 20).flatmap(lambda k: st.text("0123456789", min_size=k, max_size=k))
)


@given(
    texts=st.lists(_ID_TEXTS, min_size=1, max_size=12),
    width=st.integers(1, 24) | st.none(),
    filler=st.integers(0, 255),
)
@example(texts=["12345678", "1", "00000009", "87654321", "9"], width=8, filler=255)
@example(texts=["1234567", "7654321", "42"], width=7, filler=0)
def test_id_columns_parse_as_each_value_alone_does(
    texts: list[str], width: int | None, filler: int
) -> None:
    # Rows of digits go through numpy's conversion, the others through digit arithmetic: each
    # row must come out as the one-value reading gives it (up to 18 digits; longer ones, and
    # values cut by the width, are left to that reading), whatever the bytes after the value.
    raws = [t.encode() for t in texts]
    if width is None:  # as wide as the widest value, as the loader reads ids
        width = max(1, *map(len, raws))
    matrix = np.full((len(raws), width), filler, dtype=np.uint8)
    for i, raw in enumerate(raws):
        cut = raw[:width]
        matrix[i, : len(cut)] = np.frombuffer(cut, dtype=np.uint8)
    lengths = np.array([len(raw) for raw in raws], dtype=np.int64)
    values, ok = parse_uint(matrix, lengths)
    for raw, text, value, parsed in zip(raws, texts, values.tolist(), ok.tolist(), strict=True):
        expected = parse_uint_text(text)
        digits = len(raw.partition(b".")[0])
        if len(raw) <= width and digits <= 18 and text == text.strip():
            assert (value if parsed else None) == expected, text
        elif parsed:  # what the arithmetic cannot read is left to the one-value reading
            assert value == expected, text


@given(
    texts=st.lists(
        st.lists(
            st.sampled_from(
                ["@AcmeHelp", "@acmehelp", "@Other", "hi", "@", "@_x", "é@AcmeHelp", "@Acmé", " "]
            ),
            max_size=4,
        ).map("".join)
        | st.none(),
        max_size=8,
    )
)
def test_brand_mentions_are_found_alike_with_and_without_arrow(texts: list[str | None]) -> None:
    # The first mention of a brand: Arrow finds each text's first mention, Python the later
    # ones; without pyarrow, Python finds them all.
    from socialcare_metrics._core import encode as encode_module
    from socialcare_metrics.io.twcs import _first_brand_mentions

    by_handle = {"acmehelp": 0, "_x": 1}
    values = np.array(texts, dtype=object)
    expected = []
    for text in texts:
        codes = [by_handle.get(h.casefold()) for h in re.findall(r"@([A-Za-z0-9_]+)", text or "")]
        expected.append(next((c for c in codes if c is not None), -1))
    assert _first_brand_mentions(values, by_handle).tolist() == expected
    with mock.patch.object(encode_module, "_PYARROW", [None]):
        assert _first_brand_mentions(values, by_handle).tolist() == expected


@given(
    values=st.lists(
        st.binary(max_size=10)
        | st.text("0123456789", max_size=9).map(str.encode)
        # Bytes next to the digits: "/" before "0", ":" to "?" share the digits' high half.
        | st.text("0123456789/:;?\x00", max_size=9).map(str.encode)
    )
)
@example(values=[b"1:", b"9?", b"/5", b"12345678", b"0"])
def test_values_of_up_to_eight_digits_are_read_as_one_word(values: list[bytes]) -> None:
    # A word holds a value's first 8 bytes, the bytes past its end zero: the word says whether
    # the value is 1 to 8 ASCII digits, and which number.
    words = np.array(
        [int.from_bytes(v[:8].ljust(8, b"\0"), "little") for v in values], dtype=np.uint64
    )
    lengths = np.array([len(v) for v in values], dtype=np.int64)
    digits = eight_digit_words(words, lengths)
    numbers = eight_digit_values(words, lengths)
    for value, is_digits, number in zip(values, digits.tolist(), numbers.tolist(), strict=True):
        expected = 1 <= len(value) <= 8 and all(48 <= b <= 57 for b in value)
        assert is_digits == expected, value
        if expected:
            assert number == int(value), value


@pytest.mark.parametrize(
    "text",
    [
        "Fri Dec 31 10:00:00 +0000 9999",
        "Mon Jan 01 10:00:00 +0000 0001",
        "Mon Jan 01 10:00:00 +0000 2401",
    ],
)
def test_years_far_from_now_are_left_to_the_slow_path(text: str) -> None:
    # Years the month table does not hold (and nanoseconds may not): not read by the fast
    # path, which leaves them to strptime and its range check.
    assert parse_times([text])[1] == [False]
    assert parse_twitter_time_text(text) is not None


def test_ids_of_nineteen_digits_keep_their_number(tmp_path: Path) -> None:
    # Today's tweet ids have 19 digits: more than the fast paths read. They are read one by
    # one, and the message and conversation ids are their numbers, not 0.
    header = (
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
    )
    at = "Tue Oct 31 22:05:47 +0000 2017"
    first, reply = "1790000000000000001", "1790000000000000002"
    rows = [
        f"{first},42,True,{at},@Acme help,{reply},\n",
        f"{reply},Acme,False,{at.replace(':05:', ':06:')},@42 sure,,{first}\n",
        f"9223372036854775807,43,True,{at},@Acme hi,,\n",
        f" 77 ,44,True,{at},@Acme hey,,\n",
    ]
    path = tmp_path / "twcs.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    result = load_twcs(path)
    assert result.problems == ()
    assert sorted(result.table.message_id.tolist()) == sorted(
        ["1790000000000000001", "1790000000000000002", "9223372036854775807", "77"]
    )
    assert sorted(result.table.conversation_ids.tolist()) == [
        "1790000000000000001",
        "77",
        "9223372036854775807",
    ]
    (thread,) = [c for c in result.conversations() if c.id == "1790000000000000001"]
    assert [m.id for m in thread.messages] == ["1790000000000000001", "1790000000000000002"]


@pytest.mark.parametrize("chunk_size", [7, 1 << 21])
def test_a_block_whose_tweet_ids_are_all_empty_reports_them(
    tmp_path: Path, chunk_size: int
) -> None:
    path = tmp_path / "twcs.csv"
    path.write_text(
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        "1\n,701,True,Tue Oct 31 10:00:00 +0000 2017,,,\n",
        encoding="utf-8",
    )
    result = load_twcs(path, errors="collect", chunk_size=chunk_size)
    assert len(result.table) == 0
    assert [(p.line, p.column) for p in result.problems] == [(2, None), (3, "tweet_id")]
