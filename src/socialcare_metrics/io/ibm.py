"""Loading IBM's "Twitter Conversations for Conversational Document Prediction" set.

The set (github.com/IBM/twitter-customer-care-document-prediction, Ganhotra et al., EMNLP 2020,
Apache-2.0) is a JSON list of conversations between customers and 25 brands' support accounts:

- ``dialogHeader``: ``company``, ``sessionID`` (used as the conversation id), and a ``duration``
  that is not reliable (negative values, lost days) and is not read;
- ``dialogContent``: the messages, each ``{"client" | "client1" | "agent": handle, "datetime",
  "message", "tweet_ID"}``; ``client`` and ``client1`` are customers, ``agent`` the brand;
- ``agentURL``: the brand's final reply, which carries a link and has no ``datetime``. Its time is
  read from its tweet id: a Twitter id holds its creation time in milliseconds,
  ``(id >> 22) + 1288834974657``; that rule reproduces the ``datetime`` of every message that has
  one, to the second (the set writes whole seconds, so the derived times are cut to whole
  seconds too).
"""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any, Final

import numpy as np

from .._core.time import unchecked_ns
from .._core.validation import check_bool
from ..errors import InvalidDataError, InvalidParameterError
from ..io._parse import TIME_RANGE, in_time_range
from ..io._source import FileSource, check_source, open_source
from ..io.result import Errors, LoadResult, ProblemLog, check_errors
from ..tables.messages import MessageTable

__all__ = ["load_ibm_cdp", "snowflake_ns"]

#: Twitter's epoch for tweet ids, in Unix milliseconds.
TWITTER_EPOCH_MS: Final = 1_288_834_974_657


_SECOND: Final = 1_000_000_000


_PIECE: Final = 1 << 20


_ROLES: Final = {"client": "customer", "client1": "customer", "agent": "agent"}


def snowflake_ns(tweet_id: int) -> int:
    """When a tweet was created, read from its id, in epoch nanoseconds.

    Examples:
        >>> from socialcare_metrics._core.time import ns_to_datetime
        >>> ns_to_datetime(snowflake_ns(1245403438755852288)).isoformat()
        '2020-04-01T17:31:32.933000+00:00'
    """
    return ((tweet_id >> 22) + TWITTER_EPOCH_MS) * 1_000_000


def load_ibm_cdp(
    source: FileSource,
    /,
    *,
    errors: Errors = "raise",
    channel: str = "twitter",
    progress: bool = False,
) -> LoadResult:
    """Read a file of IBM's Twitter customer-care set (``dev.json``, ``test.json``, ...).

    Each conversation becomes one conversation of the table, id its ``sessionID``. ``client``
    and ``client1`` messages are the customer's; ``agent`` messages and the final ``agentURL``
    reply are the brand's, with the brand's handle as ``agent_id``. The ``agentURL`` reply's time
    comes from its tweet id (see `snowflake_ns`).

    Args:
        source: The JSON file: a path, plain or compressed (``.gz``, ``.bz2``, ``.xz``, and
            ``.zst`` with Python 3.14 or the ``zstd`` extra; recognised by the data's first
            bytes, whatever the name), or a file object open in binary or text mode. The file
            is read as UTF-8; a file object is read from where it stands and is not closed.
        errors: ``"raise"`` stops at the first conversation that cannot be used;
            ``"collect"`` leaves it out and lists it in `LoadResult.problems` (``row`` is
            the conversation's position in the file, ``line`` is ``None``).
        channel: The channel of every message.
        progress: Show a progress bar on stderr while the file is read (needs the
            ``progress`` extra, tqdm). It counts the bytes of the file as stored (compressed
            bytes for a compressed file); the JSON is parsed once it is read.

    Examples:
        >>> import json, tempfile, pathlib
        >>> conversation = {
        ...     "dialogHeader": {"company": "TeamYouTube", "sessionID": "s1"},
        ...     "dialogContent": [{"client": "ann", "datetime": "2020-04-01T17:31:32.000Z",
        ...                        "message": "help", "tweet_ID": "1245403438755852288"}],
        ...     "agentURL": {"tweet_ID": "1245425308704149506", "url_utterance": "see this"},
        ... }
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "dev.json"
        >>> _ = path.write_text(json.dumps([conversation]))
        >>> from socialcare_metrics import first_reply_time
        >>> str(first_reply_time(load_ibm_cdp(path).table))
        '1 h 26 min'
    """
    function = "load_ibm_cdp"
    errors = check_errors(function, errors)
    if not isinstance(channel, str) or not channel:
        raise InvalidParameterError(function, "channel", "a non-empty str", channel)
    progress = check_bool(progress, function, "progress")
    label = check_source(function, "source", source, "a JSON file")
    opened = open_source(source, label=label, progress=progress)
    # Read as open(path, encoding="utf-8") reads (strict UTF-8, universal newlines), in pieces
    # so that a progress bar moves while it reads.
    with io.TextIOWrapper(io.BufferedReader(opened), encoding="utf-8") as handle:
        try:
            data = json.loads("".join(iter(lambda: handle.read(_PIECE), "")))
        except InvalidDataError:  # compressed data that is damaged
            raise
        except (ValueError, RecursionError) as error:
            # Not JSON, not UTF-8, an integer too long to convert, or nested too deep to read.
            raise InvalidDataError(label, None, None, "a JSON file", str(error)) from error
    if not isinstance(data, list):
        raise InvalidDataError(label, None, None, "a JSON list of conversations", type(data))

    log = ProblemLog(label, errors)
    columns: dict[str, list[Any]] = {
        k: [] for k in ("conversation_id", "sent_at", "author", "agent_id", "message_id", "text")
    }
    sessions: dict[str, int] = {}  # sessionID -> the position of its conversation
    for position, conversation in enumerate(data):
        try:
            messages = _messages(conversation)
            session = conversation["dialogHeader"]["sessionID"]
            if session in sessions:
                raise _BadConversationError(
                    "dialogHeader.sessionID",
                    f"a sessionID no other conversation has (conversation {sessions[session]} "
                    "has it)",
                    session,
                )
        except _BadConversationError as bad:
            log.add(position, None, bad.field, bad.expected, bad.got)
            log.check()
            continue
        sessions[session] = position
        for sent, author, agent, tweet, text in messages:
            columns["conversation_id"].append(session)
            columns["sent_at"].append(sent)
            columns["author"].append(author)
            columns["agent_id"].append(agent)
            columns["message_id"].append(tweet)
            columns["text"].append(text)
    log.check()
    n = len(columns["sent_at"])
    table = MessageTable.from_columns(
        conversation_id=columns["conversation_id"],
        sent_at=np.asarray(columns["sent_at"], dtype=np.int64),
        author=columns["author"],
        agent_id=columns["agent_id"],
        channel=[channel] * n,
        message_id=columns["message_id"],
        text=columns["text"],
    )
    return LoadResult(table=table, problems=log.result(), rows_read=len(data), source=label)


class _BadConversationError(Exception):
    def __init__(self, field: str, expected: str, got: object) -> None:
        self.field = field
        self.expected = expected
        self.got = got


def _messages(conversation: Any) -> list[tuple[int, str, str | None, str, str]]:
    """(sent ns, author, agent id, tweet id, text) of a conversation's messages."""
    if not isinstance(conversation, dict):
        raise _BadConversationError("conversation", "an object", conversation)
    header = conversation.get("dialogHeader")
    if not isinstance(header, dict):
        raise _BadConversationError("dialogHeader", "an object", header)
    session, company = header.get("sessionID"), header.get("company")
    if not isinstance(session, str) or not session:
        raise _BadConversationError("dialogHeader.sessionID", "a non-empty str", session)
    if not isinstance(company, str) or not company:
        raise _BadConversationError("dialogHeader.company", "a non-empty str", company)
    content = conversation.get("dialogContent")
    if not isinstance(content, list):
        raise _BadConversationError("dialogContent", "a list of messages", content)
    out: list[tuple[int, str, str | None, str, str]] = []
    for turn, message in enumerate(content):
        where = f"dialogContent[{turn}]"
        if not isinstance(message, dict):
            raise _BadConversationError(where, "an object", message)
        roles = [role for role in _ROLES if role in message]
        if len(roles) != 1:
            raise _BadConversationError(
                where, "one of the keys 'client', 'client1', 'agent'", sorted(message)
            )
        author = _ROLES[roles[0]]
        tweet = _tweet_id(message.get("tweet_ID"), f"{where}.tweet_ID")
        if tweet in {m[3] for m in out}:
            raise _BadConversationError(
                f"{where}.tweet_ID", "a tweet id not used before in the conversation", tweet
            )
        when = message.get("datetime")
        if when is None:
            sent = _time_from_id(tweet, f"{where}.tweet_ID")
        else:
            try:
                parsed = datetime.fromisoformat(when) if isinstance(when, str) else None
            except ValueError:
                parsed = None
            if parsed is None:
                raise _BadConversationError(f"{where}.datetime", "an ISO 8601 time", when)
            if parsed.tzinfo is None or parsed.utcoffset() is None:
                raise _BadConversationError(f"{where}.datetime", "a time with a UTC offset", when)
            sent = unchecked_ns(parsed)
            if not in_time_range(sent):
                raise _BadConversationError(f"{where}.datetime", TIME_RANGE, when)
        agent = message[roles[0]] if author == "agent" else None
        if agent is not None and (not isinstance(agent, str) or not agent):
            raise _BadConversationError(f"{where}.agent", "a non-empty handle", agent)
        out.append((sent, author, agent, tweet, str(message.get("message", ""))))
    final = conversation.get("agentURL")
    if final is not None:
        if not isinstance(final, dict):
            raise _BadConversationError("agentURL", "an object", final)
        tweet = _tweet_id(final.get("tweet_ID"), "agentURL.tweet_ID")
        if tweet not in {m[3] for m in out}:
            text = str(final.get("url_utterance", ""))
            out.append((_time_from_id(tweet, "agentURL.tweet_ID"), "agent", company, tweet, text))
    if not out:
        raise _BadConversationError(
            "dialogContent", "a conversation with at least one message", content
        )
    return out


def _time_from_id(tweet: str, field: str) -> int:
    """When a tweet was created, from its id, in whole seconds as the set's datetimes are."""
    # A Twitter id is a 64-bit number; a longer one holds no time (and int() of thousands of
    # digits is refused by Python itself).
    if len(tweet.lstrip("0")) > 19 or int(tweet) >= 1 << 63:
        raise _BadConversationError(
            field, "a tweet id below 2**63 (its time is read from it)", tweet
        )
    sent = snowflake_ns(int(tweet)) // _SECOND * _SECOND
    if not in_time_range(sent):
        raise _BadConversationError(field, f"a tweet id whose time is {TIME_RANGE}", tweet)
    return sent


def _tweet_id(value: object, field: str) -> str:
    text = str(value).strip() if isinstance(value, str | int) else ""
    if not text.isdigit():
        raise _BadConversationError(field, "a tweet id (digits)", value)
    return text
