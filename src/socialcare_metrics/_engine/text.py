"""Tokenising customer messages in any script, and the distinct terms of many texts at once.

The rules, written once here (the public ``socialcare_metrics.text`` module and the "voice of the
customer" page describe them for users):

1. Normalise: NFKC (full-width letters and digits become ordinary ones, ligatures split,
   decomposed accents compose), then casefold (``ß`` becomes ``ss``, ``Đ`` becomes ``đ``);
   curly apostrophes become ``'``. An all-ASCII text only needs lower-casing, which is the same.
2. Scan the text by grapheme clusters (``regex``'s ``\\X``), so a Devanagari vowel sign or virama
   always stays with the letter it belongs to:

   - URLs, e-mail addresses, @handles and HTML character references (``&amp;``, which Twitter
     writes for ``&``) are not terms;

   - a run of Han, Hiragana or Katakana characters (no spaces between words) becomes its
     character bigrams (``社交媒体`` -> ``社交``, ``交媒``, ``媒体``); a run of one character is
     that character;
   - an emoji (one cluster, skin tone and variation selector dropped) is a term;
   - a word is a run of letters and digits of any other script, with inner apostrophes and
     hyphens kept (``don't``, ``wi-fi``). A word without a letter is a number: not a term.
     ``#`` is not part of a word, so ``#refund`` counts as ``refund``.

3. Korean words (space-separated Hangul) lose one common particle at their end when at least two
   syllables remain (``배송이``, ``배송은``, ``배송을`` -> ``배송``).
4. Stop words are left out. A Han bigram is left out when it contains a single-character stop
   word (``的``).
5. Bigrams (optional): two words next to each other, with nothing but spaces between them,
   neither a stop word, joined by a space (``customer service``).

For speed, the all-ASCII texts of a batch are scanned together with one compiled ``re`` pattern
(which gives the same tokens as the general pattern on ASCII text: a property test pins that),
each distinct raw token is classified once, and the per-text term lists come out of numpy.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, Final, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import regex

from .._core.typing import Int64Array
from ..errors import InvalidParameterError
from .stopwords import RAW_STOP_WORDS

__all__ = [
    "LANGUAGES",
    "Language",
    "TermIndex",
    "TextOptions",
    "distinct_texts",
    "index_terms",
    "normalize_text",
    "resolve_text_options",
    "tokenize_one",
]

Language: TypeAlias = Literal["en", "de", "hr", "hi", "ko", "zh"]

#: The languages with a default stop-word list: English, German, Croatian, Hindi, Korean, Chinese.
LANGUAGES: Final[tuple[Language, ...]] = ("en", "de", "hr", "hi", "ko", "zh")

# --- normalisation ------------------------------------------------------------------------------

_PUNCTUATION: Final = str.maketrans(
    {
        "\u2019": "'",  # right single quotation mark, the usual apostrophe of phones
        "\u2018": "'",
        "\u02bc": "'",  # modifier letter apostrophe
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u00ad": None,  # soft hyphen: invisible, splits nothing
    }
)


def normalize_text(text: str) -> str:
    """NFKC, casefolded, with one apostrophe; an ASCII text is only lower-cased (the same)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold().translate(_PUNCTUATION)
    # Casefolding can leave a text that is no longer NFKC (rarely: some Greek, "İ").
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text


# --- patterns -----------------------------------------------------------------------------------

_SEPARATOR: Final = "\x00"  # between the texts of a batch

# What is not a term, matched as a token of its own so that the scan never looks inside it:
# URLs, e-mail addresses, @handles and HTML character references. \s and \w mean the same on
# ASCII text in re (ASCII mode) and in regex (Unicode), so the two scans agree on ASCII text.
_JUNK: Final = (
    r"(?:https?://|www\.)[^\s\x00]+"
    r"|[\w.%+-]++@[\w-]+(?:\.[\w-]+)+"  # possessive: a plain word fails at once
    r"|@\w+"
    r"|&(?:[a-z]+|#[0-9]+|#x[0-9a-f]+);"
)

_CJK: Final = r"\p{Han}\p{Hiragana}\p{Katakana}\u30fc"
_CJK_RUN: Final = rf"(?:(?=[{_CJK}])\X)+"
_EMOJI: Final = r"(?=\p{Emoji_Presentation}|\p{Extended_Pictographic}\ufe0f)\X"
_WORD_CLUSTER: Final = rf"(?:(?=[\p{{L}}\p{{N}}])(?![{_CJK}])\X)"
_WORD: Final = rf"{_WORD_CLUSTER}+(?:['\-]{_WORD_CLUSTER}+)*"
_ASCII_WORD_PATTERN: Final = r"[a-z0-9]+(?:['-][a-z0-9]+)*"

# One scan per batch: the separator, junk, then terms; with bigrams, any other non-space
# character too, as a break between words.
_ASCII_SCAN: Final = re.compile(rf"\x00|{_JUNK}|{_ASCII_WORD_PATTERN}", re.ASCII)
_ASCII_SCAN_BREAKS: Final = re.compile(rf"\x00|{_JUNK}|{_ASCII_WORD_PATTERN}|\S", re.ASCII)
_UNICODE_SCAN: Final = regex.compile(rf"\x00|{_JUNK}|{_CJK_RUN}|{_EMOJI}|{_WORD}")
_UNICODE_SCAN_BREAKS: Final = regex.compile(rf"\x00|{_JUNK}|{_CJK_RUN}|{_EMOJI}|{_WORD}|\S")

_IS_CJK: Final = regex.compile(rf"[{_CJK}]")
_IS_EMOJI: Final = regex.compile(_EMOJI)
_EMOJI_CHARACTER: Final = regex.compile(r"[\p{Emoji_Presentation}\p{Extended_Pictographic}]")
_IS_WORD: Final = regex.compile(rf"(?=[\p{{L}}\p{{N}}])(?![{_CJK}])")
_CLUSTERS: Final = regex.compile(r"\X")
_HANGUL_WORD: Final = re.compile(r"[\uac00-\ud7a3]+\Z")
_ASCII_WORD: Final = re.compile(rf"{_ASCII_WORD_PATTERN}\Z", re.ASCII)
_ASCII_NUMBER: Final = re.compile(r"[0-9'-]*\Z", re.ASCII)

# Invisible characters a word may carry that do not change it: joiners, variation selectors.
_WORD_INVISIBLE: Final = str.maketrans(dict.fromkeys("\u200c\u200d\ufe0e\ufe0f"))
# An emoji is the same emoji whatever its skin tone or presentation selector.
_EMOJI_VARIANTS: Final = str.maketrans(
    dict.fromkeys(["\ufe0e", "\ufe0f", *map(chr, range(0x1F3FB, 0x1F400))])
)

# Korean particles removed from the end of a word, longest first (one per word).
_PARTICLES: Final = (
    "에서는",
    "에게는",
    "으로는",
    "에서",
    "에게",
    "까지",
    "부터",
    "으로",
    "처럼",
    "보다",
    "한테",
    "께서",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "의",
    "에",
    "도",
    "와",
    "과",
    "로",
    "만",
)


def _strip_particle(word: str) -> str:
    """A Korean word without its particle, when at least two syllables remain."""
    if not _HANGUL_WORD.match(word):
        return word
    for particle in _PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            return word[: -len(particle)]
    return word


# --- options ------------------------------------------------------------------------------------


@attrs.frozen
class TextOptions:
    """Resolved tokenising options: the stop words as terms, and whether to add bigrams."""

    language: Language | None
    stop_words: frozenset[str]
    bigrams: bool
    stop_characters: frozenset[str] = attrs.field(init=False)

    @stop_characters.default
    def _single_characters(self) -> frozenset[str]:
        return frozenset(w for w in self.stop_words if len(_CLUSTERS.findall(w)) == 1)


def _normalize_stop_word(word: str) -> str:
    text = " ".join(normalize_text(word).split())
    return " ".join(_strip_particle(part) for part in text.split(" "))


def _default_stop_words(language: Language | None) -> frozenset[str]:
    languages = LANGUAGES if language is None else (language,)
    return frozenset(_normalize_stop_word(w) for lang in languages for w in RAW_STOP_WORDS[lang])


_DEFAULTS: dict[Language | None, frozenset[str]] = {}


def default_stop_words(language: Language | None) -> frozenset[str]:
    """The default stop words of ``language`` (``None``: all six lists), normalised."""
    words = _DEFAULTS.get(language)
    if words is None:
        words = _DEFAULTS[language] = _default_stop_words(language)
    return words


def check_language(value: object, function: str) -> Language | None:
    """``value`` must be ``None`` or one of `LANGUAGES`."""
    if value is not None and (not isinstance(value, str) or value not in LANGUAGES):
        raise InvalidParameterError(
            function, "language", "None or one of " + ", ".join(map(repr, LANGUAGES)), value
        )
    language: Language | None = value
    return language


def resolve_text_options(
    language: object, stop_words: object, bigrams: object, function: str
) -> TextOptions:
    """Check the tokenising options through one path and resolve the stop words."""
    checked_language = check_language(language, function)
    if not isinstance(bigrams, bool):
        raise InvalidParameterError(function, "bigrams", "a bool", bigrams)
    if stop_words is None:
        words = default_stop_words(checked_language)
    else:
        expected = "None (the language's default list) or a collection of str"
        if isinstance(stop_words, str | bytes) or not isinstance(stop_words, Iterable):
            raise InvalidParameterError(function, "stop_words", expected, stop_words)
        items = list(stop_words)
        if not all(isinstance(w, str) for w in items):
            raise InvalidParameterError(function, "stop_words", expected, stop_words)
        words = frozenset(n for w in items if (n := _normalize_stop_word(w)))
    return TextOptions(language=checked_language, stop_words=words, bigrams=bigrams)


# --- raw tokens and what each becomes ----------------------------------------------------------

_SEPARATOR_KIND: Final = 0
_BREAK_KIND: Final = 1  # punctuation or removed junk: no term, stops a bigram
_NONE_KIND: Final = 2  # a number or a stop word: no term of its own, stops a bigram
_WORD_KIND: Final = 3  # one word term: may pair with the next word
_OTHER_KIND: Final = 4  # CJK bigrams or an emoji: terms, but never part of a word bigram


def _derive(token: str, options: TextOptions) -> tuple[int, tuple[str, ...]]:
    """What one raw token becomes: its kind and its terms."""
    if token == _SEPARATOR:
        return _SEPARATOR_KIND, ()
    stop = options.stop_words
    if _is_junk(token):
        return _BREAK_KIND, ()
    if token.isascii():
        if not _ASCII_WORD.match(token):
            return _BREAK_KIND, ()
        if _ASCII_NUMBER.match(token) or token in stop:
            return _NONE_KIND, ()
        return _WORD_KIND, (token,)
    if _IS_CJK.match(token):
        clusters = _CLUSTERS.findall(token)
        if len(clusters) == 1:
            return _OTHER_KIND, (() if token in stop else (token,))
        stop_characters = options.stop_characters
        pairs = []
        for first, second in itertools.pairwise(clusters):
            pair = first + second
            if first in stop_characters or second in stop_characters or pair in stop:
                continue
            pairs.append(pair)
        return _OTHER_KIND, tuple(pairs)
    if _IS_EMOJI.match(token):
        # Without skin tone, presentation selector or marks a cluster may carry along.
        emoji = "".join(
            c for c in token.translate(_EMOJI_VARIANTS) if unicodedata.category(c)[0] != "M"
        )
        if not _EMOJI_CHARACTER.match(emoji) or emoji in stop:
            return _NONE_KIND, ()
        return _OTHER_KIND, (emoji,)
    if not _IS_WORD.match(token):
        return _BREAK_KIND, ()
    word = _strip_particle(token.translate(_WORD_INVISIBLE))
    if not any(ch.isalpha() for ch in word) or word in stop:
        return _NONE_KIND, ()
    return _WORD_KIND, (word,)


def _is_junk(token: str) -> bool:
    """A URL, an e-mail address, an @handle or an HTML character reference."""
    return "@" in token or token.startswith(("http://", "https://", "www.", "&"))


def _scan(texts: Sequence[str], ascii_batch: bool, options: TextOptions) -> list[str]:
    """Raw tokens of the texts in order, with a separator token between texts."""
    if not texts:
        return []
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != len(texts) - 1:
        # A text holding the separator: a control character, no term, so it becomes a space.
        joined = _SEPARATOR.join(t.replace(_SEPARATOR, " ") for t in texts)
    if ascii_batch:
        pattern: Any = _ASCII_SCAN_BREAKS if options.bigrams else _ASCII_SCAN
        tokens: list[str] = pattern.findall(joined.lower())
        return tokens
    normalized = _SEPARATOR.join(normalize_text(t) for t in joined.split(_SEPARATOR))
    pattern = _UNICODE_SCAN_BREAKS if options.bigrams else _UNICODE_SCAN
    found: list[str] = pattern.findall(normalized)
    return found


def tokenize_one(text: str, options: TextOptions, *, force_unicode: bool = False) -> list[str]:
    """The terms of one text, in order, repeats kept; then its bigrams, in order.

    ``force_unicode`` scans an ASCII text with the general pattern (for tests of the fast path).
    """
    raw = _scan([text], text.isascii() and not force_unicode, options)
    terms: list[str] = []
    bigrams: list[str] = []
    previous: str | None = None
    for token in raw:
        kind, derived = _derive(token, options)
        terms.extend(derived)
        if options.bigrams:
            if kind == _WORD_KIND:
                if previous is not None:
                    pair = f"{previous} {derived[0]}"
                    if pair not in options.stop_words:
                        bigrams.append(pair)
                previous = derived[0]
            else:
                previous = None
    return terms + bigrams


# --- many texts at once -------------------------------------------------------------------------


@attrs.frozen(eq=False)
class TermIndex:
    """The distinct terms of each of ``n`` texts: ``codes[offsets[i]:offsets[i + 1]]``.

    Codes index ``terms`` (in the order first met) and are sorted within each text.
    """

    terms: tuple[str, ...]
    offsets: Int64Array
    codes: Int64Array

    def __len__(self) -> int:
        return int(self.offsets.shape[0] - 1)

    @property
    def lengths(self) -> Int64Array:
        lengths: Int64Array = np.diff(self.offsets)
        return lengths


def distinct_texts(values: npt.NDArray[Any]) -> tuple[Int64Array, list[str]]:
    """Each value's index into the distinct non-empty texts (-1: no text), and those texts.

    A value that is not a str (``None``, NaN from a data frame) or is empty has no text.
    """
    index: dict[object, int] = {}
    setdefault = index.setdefault
    codes = [setdefault(v, len(index)) for v in values.tolist()]
    texts: list[str] = []
    remap = np.full(len(index) + 1, -1, dtype=np.int64)
    for value, position in index.items():
        if isinstance(value, str) and value:
            remap[position] = len(texts)
            texts.append(value)
    result: Int64Array = remap[np.asarray(codes, dtype=np.int64)] if codes else remap[:0]
    return result, texts


def index_terms(texts: Sequence[str], options: TextOptions) -> TermIndex:
    """The distinct terms of every text, at once.

    The ASCII texts are scanned as one string with ``re``, the others as one string with
    ``regex``; each distinct raw token is classified once; numpy expands tokens into terms,
    forms bigrams and removes repeats within a text.
    """
    n = len(texts)
    is_ascii = np.fromiter((t.isascii() for t in texts), dtype=bool, count=n)
    batches = [np.flatnonzero(is_ascii), np.flatnonzero(~is_ascii)]
    token_lists = [
        _scan([texts[i] for i in batch.tolist()], ascii_batch, options)
        for batch, ascii_batch in zip(batches, (True, False), strict=True)
    ]
    # Every distinct raw token once, in the order first met; the separator is code 0.
    distinct = dict.fromkeys([_SEPARATOR])
    for tokens in token_lists:
        distinct.update(dict.fromkeys(tokens))
    raw_tokens = list(distinct)
    raw_index = {token: i for i, token in enumerate(raw_tokens)}

    # What each distinct raw token becomes.
    term_index: dict[str, int] = {}
    kinds = np.empty(len(raw_tokens), dtype=np.int8)
    counts = np.empty(len(raw_tokens), dtype=np.int64)
    flat: list[int] = []
    for i, token in enumerate(raw_tokens):
        kind, derived = _derive(token, options)
        kinds[i] = kind
        counts[i] = len(derived)
        flat.extend(term_index.setdefault(term, len(term_index)) for term in derived)
    raw_offsets = np.zeros(len(raw_tokens) + 1, dtype=np.int64)
    np.cumsum(counts, out=raw_offsets[1:])
    raw_terms = np.asarray(flat, dtype=np.int64)

    text_parts: list[Int64Array] = []
    term_parts: list[Int64Array] = []
    for batch, tokens in zip(batches, token_lists, strict=True):
        if not tokens:
            continue
        codes = np.fromiter(map(raw_index.__getitem__, tokens), dtype=np.int64, count=len(tokens))
        # The k-th text of the batch is the one after k separators.
        text_of_token = batch[np.cumsum(codes == 0)]
        lengths = counts[codes]
        if int(lengths.max(initial=0)) <= 1:
            has = lengths == 1
            text_parts.append(text_of_token[has])
            term_parts.append(raw_terms[raw_offsets[codes[has]]])
        else:
            total = int(lengths.sum())
            owner = np.repeat(np.arange(codes.shape[0]), lengths)
            first = np.cumsum(lengths) - lengths
            position = np.arange(total) - first[owner] + raw_offsets[codes[owner]]
            text_parts.append(text_of_token[owner])
            term_parts.append(raw_terms[position])
        if options.bigrams:
            texts_b, terms_b = _word_bigrams(codes, kinds, raw_offsets, raw_terms, text_of_token)
            pair_codes = _bigram_codes(terms_b, term_index, options)
            keep = pair_codes >= 0
            text_parts.append(texts_b[keep])
            term_parts.append(pair_codes[keep])

    terms = tuple(term_index)
    if not text_parts:
        return TermIndex(terms, np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64))
    text_of = np.concatenate(text_parts)
    term_of = np.concatenate(term_parts)
    width = max(len(terms), 1)
    keys = np.sort(text_of * width + term_of)
    # A term once per text: drop repeats (a sort and a comparison beat np.unique's hashing).
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if keys.size else keys
    per_text = np.bincount(keys // width, minlength=n)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(per_text, out=offsets[1:])
    return TermIndex(terms, offsets, (keys % width).astype(np.int64, copy=False))


def _word_bigrams(
    codes: Int64Array,
    kinds: npt.NDArray[np.int8],
    raw_offsets: Int64Array,
    raw_terms: Int64Array,
    text_of_token: Int64Array,
) -> tuple[Int64Array, Int64Array]:
    """Adjacent word tokens: their text, and their two term codes as one pair code (a, b)."""
    word = kinds[codes] == _WORD_KIND
    at = np.flatnonzero(word[:-1] & word[1:])
    first = raw_terms[raw_offsets[codes[at]]]
    second = raw_terms[raw_offsets[codes[at + 1]]]
    pairs = np.stack([first, second], axis=1) if at.size else np.zeros((0, 2), dtype=np.int64)
    return text_of_token[at], pairs


def _bigram_codes(
    pairs: Int64Array, term_index: dict[str, int], options: TextOptions
) -> Int64Array:
    """Term codes of word pairs (new terms added to ``term_index``); -1 for a stop word."""
    if pairs.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    unique, inverse = np.unique(pairs, axis=0, return_inverse=True)
    words = list(term_index)  # the unigrams met so far, by code
    codes = np.empty(unique.shape[0], dtype=np.int64)
    for i, (a, b) in enumerate(unique.tolist()):
        term = f"{words[a]} {words[b]}"
        codes[i] = (
            -1 if term in options.stop_words else term_index.setdefault(term, len(term_index))
        )
    result: Int64Array = codes[inverse.reshape(-1)]
    return result
