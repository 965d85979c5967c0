"""Topics from text: keyword and pattern rules that tag messages, for data without tags.

A `TopicRules` maps topic paths (``"billing/refund"``) to keywords or regular expressions;
[`tag_by_rules`][socialcare_metrics.tag_by_rules] returns a table whose messages carry the
topics whose rules match their text, ready for [`topics`][socialcare_metrics.topics] (which
also takes ``rules=`` directly).

How a keyword matches:

- **case-insensitively** by default (Python's Unicode case matching: ``Refund`` and ``REFUND``
  match ``refund``), after both the text and the keyword are put in Unicode NFC form, so an
  accent typed as one character or as a letter with a combining mark matches either way;
- as a **whole word** by default: ``refund`` matches ``"Refund!"`` and ``"my refund."`` but
  not ``"refunded"``; list the forms you mean, or give a regular expression. Combining marks
  (the vowel signs of Devanagari, say) count as part of a word. Chinese, Japanese and Korean
  keywords match anywhere, since those scripts do not separate words with spaces (or, in
  Korean, attach particles to them);
- a space inside a keyword matches any run of white space (``"money back"`` matches
  ``"money\\nback"``).

A regular expression (a compiled ``re.Pattern``, or any string when ``regex=True``) is
searched as written: no word boundaries are added; a string pattern gets the rules'
case-insensitivity, a compiled one keeps its own flags.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, Final, TypeAlias

import numpy as np

from ._engine.content import (
    normalize_path,
    object_column,
    replace_columns,
)
from ._engine.inputs import Data, as_table
from .errors import InvalidParameterError
from .tables.messages import MessageTable

__all__ = ["TopicRules", "tag_by_rules"]

#: What marks a topic: a keyword, a compiled regular expression, or several of them.
Rule: TypeAlias = "str | re.Pattern[str] | Iterable[str | re.Pattern[str]]"

# What counts as part of a word around a keyword: word characters, combining diacritics, the
# Indic blocks (whose vowel signs and viramas are no word characters to `re`) and the
# zero-width (non-)joiners used inside Indic words.
_WORD_CLASS: Final = r"\w\u0300-\u036f\u0900-\u0dff\u200c\u200d"


def _unspaced(char: str) -> bool:
    """A character of a script written without spaces between words (CJK, kana, Hangul)."""
    code = ord(char)
    return (
        0x1100 <= code <= 0x11FF  # Hangul Jamo
        or 0x2E80 <= code <= 0x9FFF  # CJK radicals, kana, CJK ideographs, ...
        or 0xA960 <= code <= 0xA97F  # Hangul Jamo extended
        or 0xAC00 <= code <= 0xD7FF  # Hangul syllables
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or 0xFF00 <= code <= 0xFFEF  # half- and full-width forms
        or 0x20000 <= code <= 0x3FFFF  # CJK extensions
    )


def _keyword_source(keyword: str, whole_words: bool) -> str:
    words = keyword.split()
    body = r"\s+".join(re.escape(word) for word in words)
    if not whole_words:
        return body
    head = "" if _unspaced(keyword[0]) else f"(?<![{_WORD_CLASS}])"
    tail = "" if _unspaced(keyword[-1]) else f"(?![{_WORD_CLASS}])"
    return head + body + tail


class TopicRules:
    """Rules that give messages topics from their text: topic path -> keywords or patterns.

    Args:
        rules: A mapping from each topic path (``"billing/refund"``) to what marks it: a
            keyword, a compiled regular expression, or a list of them. A message gets every
            topic one of whose keywords or patterns it contains.
        regex: Read every string as a regular expression instead of a keyword.
        case_sensitive: Match the case of keywords and string patterns exactly.
        whole_words: Keywords match whole words only (see the module's description).

    Raises:
        InvalidParameterError: no rules, an empty topic path, a topic without a keyword, an
            empty keyword, something that is neither a str nor a compiled pattern, or (with
            ``regex=True``) a string that does not compile.

    Examples:
        >>> rules = TopicRules({"billing/refund": ["refund", "money back"], "delivery": "parcel"})
        >>> rules.match("Where is my REFUND?"), rules.match("I want my money  back")
        (('billing/refund',), ('billing/refund',))
        >>> rules.match("Refunded already"), rules.match("The parcel and the refund")
        ((), ('billing/refund', 'delivery'))
        >>> TopicRules({"billing/refund": ["退款"]}).match("我要退款谢谢")
        ('billing/refund',)
    """

    __slots__ = ("_patterns", "case_sensitive", "regex", "topics", "whole_words")

    def __init__(
        self,
        rules: Mapping[str, Rule],
        *,
        regex: bool = False,
        case_sensitive: bool = False,
        whole_words: bool = True,
    ) -> None:
        built = _build(rules, "TopicRules", "rules", regex, case_sensitive, whole_words)
        self.topics: tuple[str, ...] = tuple(topic for topic, _ in built)
        self._patterns: tuple[tuple[re.Pattern[str], ...], ...] = tuple(p for _, p in built)
        self.regex = regex
        self.case_sensitive = case_sensitive
        self.whole_words = whole_words

    def match(self, text: str) -> tuple[str, ...]:
        """The topics whose rules match ``text``, in the order the rules were given."""
        if not isinstance(text, str):
            raise InvalidParameterError("TopicRules.match", "text", "a str", text)
        normal = unicodedata.normalize("NFC", text)
        return tuple(
            topic
            for topic, patterns in zip(self.topics, self._patterns, strict=True)
            if any(pattern.search(normal) for pattern in patterns)
        )

    def __repr__(self) -> str:
        return f"<TopicRules: {len(self.topics)} topics: {', '.join(self.topics)}>"


def _build(
    rules: object,
    function: str,
    parameter: str,
    regex: object,
    case_sensitive: object,
    whole_words: object,
) -> list[tuple[str, tuple[re.Pattern[str], ...]]]:
    for name, flag in (
        ("regex", regex),
        ("case_sensitive", case_sensitive),
        ("whole_words", whole_words),
    ):
        if not isinstance(flag, bool):
            raise InvalidParameterError(function, name, "a bool", flag)
    expected = "a mapping from topic path to keywords or patterns"
    if not isinstance(rules, Mapping) or not rules:
        raise InvalidParameterError(function, parameter, f"a non-empty {expected[2:]}", rules)
    flags = 0 if case_sensitive else re.IGNORECASE
    built: list[tuple[str, tuple[re.Pattern[str], ...]]] = []
    for topic, given in rules.items():
        path = normalize_path(topic) if isinstance(topic, str) else None
        if path is None:
            raise InvalidParameterError(
                function, parameter, "topic paths as non-empty str keys", topic
            )
        items: list[Any] = (
            [given]
            if isinstance(given, str | re.Pattern)
            else list(given)
            if isinstance(given, Iterable)
            else [given]
        )
        if not items:
            raise InvalidParameterError(
                function, parameter, f"at least one keyword or pattern for {topic!r}", given
            )
        keywords: list[str] = []
        patterns: list[re.Pattern[str]] = []
        for i, item in enumerate(items):
            if isinstance(item, re.Pattern) and isinstance(item.pattern, str):
                patterns.append(item)
            elif isinstance(item, str) and item.strip():
                text = unicodedata.normalize("NFC", item.strip())
                if regex:
                    try:
                        patterns.append(re.compile(text, flags))
                    except re.error as error:
                        raise InvalidParameterError(
                            function,
                            parameter,
                            f"valid regular expressions; item {i} for {topic!r} is not ({error})",
                            item,
                        ) from None
                else:
                    keywords.append(text)
            else:
                raise InvalidParameterError(
                    function,
                    parameter,
                    f"non-empty str or compiled re.Pattern items; item {i} for {topic!r} is not",
                    item,
                )
        if keywords:
            source = "|".join(_keyword_source(k, bool(whole_words)) for k in keywords)
            patterns.insert(0, re.compile(source, flags))
        built.append((path, tuple(patterns)))
    return built


def as_rules(value: object, function: str, parameter: str = "rules") -> TopicRules:
    """``value`` as `TopicRules`: rules already, or a mapping to build them from (with the
    errors naming ``function`` and ``parameter``)."""
    if isinstance(value, TopicRules):
        return value
    rules = TopicRules.__new__(TopicRules)
    built = _build(value, function, parameter, False, False, True)
    rules.topics = tuple(topic for topic, _ in built)
    rules._patterns = tuple(p for _, p in built)
    rules.regex, rules.case_sensitive, rules.whole_words = False, False, True
    return rules


def tag_by_rules(data: Data, rules: TopicRules | Mapping[str, Rule], /) -> MessageTable:
    """A table whose messages also carry the topics that ``rules`` find in their text.

    Every message with text is matched, whoever wrote it (the metrics choose which messages
    they count); its new topics are added to the tags it has. Each distinct text is matched
    once, so repeated texts cost nothing more. Conversation tags are left as they are.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        rules: A [`TopicRules`][socialcare_metrics.TopicRules], or a mapping to build one
            from with the default settings (keywords, case-insensitive, whole words).

    Returns:
        A new [`MessageTable`][socialcare_metrics.MessageTable]: the same messages, with tags.

    Raises:
        InvalidParameterError: bad rules (see `TopicRules`).

    Examples:
        >>> from datetime import datetime, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> conv = Conversation("c1", [
        ...     Message("m1", t0, "customer", text="Can I get a refund?"),
        ...     Message("m2", t0, "customer", text="Thanks!", tags=["praise"]),
        ... ])
        >>> table = tag_by_rules([conv], {"billing/refund": "refund"})
        >>> table.tags.tolist()
        [('billing/refund',), ('praise',)]
    """
    function = "tag_by_rules"
    checked = as_rules(rules, function)
    table = as_table(data, function)
    return _tagged(table, checked)


def _tagged(table: MessageTable, rules: TopicRules) -> MessageTable:
    n = len(table)
    old = table.tags
    if table.text is None or n == 0:
        return table if old is not None else replace_columns(table, tags=object_column([()] * n))
    texts: list[str] = table.text.tolist()
    matches = {text: rules.match(text) for text in dict.fromkeys(texts) if text}
    found = [matches.get(text, ()) if text else () for text in texts]
    hit = np.flatnonzero(np.fromiter(map(bool, found), dtype=bool, count=n))
    tags = old.copy() if old is not None else object_column([()] * n)
    for row in hit.tolist():
        have = tags[row]
        tags[row] = have + tuple(t for t in found[row] if t not in have)
    return replace_columns(table, tags=tags)
