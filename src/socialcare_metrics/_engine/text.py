"""Tokenising customer messages in any script, and the distinct terms of many texts at once.

The rules, written once here (the public ``socialcare_metrics.text`` module and the "voice of the
customer" page describe them for users):

1. Normalise: NFKC (full-width letters and digits become ordinary ones, ligatures split,
   decomposed accents compose), then casefold (``ß`` becomes ``ss``, ``Đ`` becomes ``đ``);
   curly apostrophes become ``'``. An all-ASCII text only needs lower-casing, which is the same.
2. Scan the text by Unicode properties, keeping grapheme clusters whole: a word is a letter or
   digit followed by letters, digits and whatever continues a grapheme cluster (vowel signs,
   viramas, joiners: ``Grapheme_Cluster_Break`` Extend, SpacingMark, ZWJ), so a Devanagari vowel
   sign always stays with the letter it belongs to (this reads the same tokens as ``regex``'s
   ``\\X`` clusters, and faster); an emoji is one ``\\X`` cluster; a Han run is cut into its
   ``\\X`` clusters for its bigrams:

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

For speed, many texts are handled at once: they are normalised in two batches (the ASCII ones
only need lower-casing) and cut at whitespace, which no token spans; each distinct chunk is
scanned once, the ASCII ones together with one compiled ``re`` pattern (the same tokens as the
general ``regex`` pattern on ASCII text: a property test pins that); each distinct raw token is
classified once; and numpy turns chunk codes into each text's distinct terms.
"""

from __future__ import annotations

import itertools
import operator
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

# Characters that mean the same as another (or nothing), replaced after NFKC.
_PUNCTUATION: Final = (
    ("\u2019", "'"),  # right single quotation mark, the usual apostrophe of phones
    ("\u2018", "'"),
    ("\u02bc", "'"),  # modifier letter apostrophe
    ("\u2010", "-"),  # hyphen
    ("\u2011", "-"),  # non-breaking hyphen
    ("\u00ad", ""),  # soft hyphen: invisible, splits nothing
)


def normalize_text(text: str) -> str:
    """NFKC, casefolded, with one apostrophe; an ASCII text is only lower-cased (the same).

    Applied to many texts joined by a control character it gives the texts' normal forms
    joined: no character composes or reorders across a control character.
    """
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    for old, new in _PUNCTUATION:
        if old in text:
            text = text.replace(old, new)
    # Casefolding can leave a text that is no longer NFKC (rarely: some Greek, "İ").
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text


# --- patterns -----------------------------------------------------------------------------------

_SEPARATOR: Final = "\x00"  # between the texts of a batch
_CHUNK_SEPARATOR: Final = " \x00 "  # the same, as a chunk of its own

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
# What continues a grapheme cluster after its first character: a run that starts with a letter
# and goes on over these never ends inside a cluster (a vowel sign, a virama, a joiner).
_EXTEND: Final = (
    r"\p{Grapheme_Cluster_Break=Extend}"
    r"\p{Grapheme_Cluster_Break=SpacingMark}"
    r"\p{Grapheme_Cluster_Break=ZWJ}"
)
_CJK_RUN: Final = rf"[{_CJK}][{_CJK}{_EXTEND}]*"
_EMOJI: Final = r"(?=\p{Emoji_Presentation}|\p{Extended_Pictographic}\ufe0f)\X"
_WORD_PART: Final = rf"[\p{{L}}\p{{N}}--[{_CJK}]][\p{{L}}\p{{N}}{_EXTEND}--[{_CJK}]]*"
_WORD: Final = rf"{_WORD_PART}(?:['\-]{_WORD_PART})*"
_ASCII_WORD_PATTERN: Final = r"[a-z0-9]+(?:['-][a-z0-9]+)*"

# One scan per batch: the separator, junk, then terms; with bigrams, any other non-space
# character too, as a break between words.
_ASCII_SCAN: Final = re.compile(rf"\x00|{_JUNK}|{_ASCII_WORD_PATTERN}", re.ASCII)
_ASCII_SCAN_BREAKS: Final = re.compile(rf"\x00|{_JUNK}|{_ASCII_WORD_PATTERN}|\S", re.ASCII)
# Version 1 of regex's syntax, for set difference (letters that are not CJK) inside classes.
_UNICODE_SCAN: Final = regex.compile(rf"\x00|{_JUNK}|{_CJK_RUN}|{_EMOJI}|{_WORD}", regex.V1)
_UNICODE_SCAN_BREAKS: Final = regex.compile(
    rf"\x00|{_JUNK}|{_CJK_RUN}|{_EMOJI}|{_WORD}|\S", regex.V1
)

_IS_CJK: Final = regex.compile(rf"[{_CJK}]")
_IS_EMOJI: Final = regex.compile(_EMOJI)
_EMOJI_CHARACTER: Final = regex.compile(r"[\p{Emoji_Presentation}\p{Extended_Pictographic}]")
_IS_WORD: Final = regex.compile(rf"(?=[\p{{L}}\p{{N}}])(?![{_CJK}])")
_CLUSTERS: Final = regex.compile(r"\X")
_HANGUL_WORD: Final = re.compile(r"[\uac00-\ud7a3]+\Z")
_ASCII_WORD: Final = re.compile(rf"{_ASCII_WORD_PATTERN}\Z", re.ASCII)
_ASCII_NUMBER: Final = re.compile(r"[0-9'-]*\Z", re.ASCII)

# Invisible characters a word may carry that do not change it: joiners, variation selectors.
# (A skin tone after a letter continues its cluster, so a word may carry one too.)
_WORD_INVISIBLE: Final = str.maketrans(
    dict.fromkeys(["\u200c", "\u200d", "\ufe0e", "\ufe0f", *map(chr, range(0x1F3FB, 0x1F400))])
)
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
    word = token.translate(_WORD_INVISIBLE)
    if word != token:  # a joiner may have kept a mark from composing with its letter
        word = unicodedata.normalize("NFKC", word)
    word = _strip_particle(word)
    if not any(ch.isalpha() for ch in word) or word in stop:
        return _NONE_KIND, ()
    return _WORD_KIND, (word,)


def _is_junk(token: str) -> bool:
    """A URL, an e-mail address, an @handle or an HTML character reference."""
    return "@" in token or token.startswith(("http://", "https://", "www.", "&"))


def _pattern(ascii_text: bool, options: TextOptions) -> Any:
    """The scan for ASCII text (``re``) or any text (``regex``): the same tokens on ASCII."""
    if ascii_text:
        return _ASCII_SCAN_BREAKS if options.bigrams else _ASCII_SCAN
    return _UNICODE_SCAN_BREAKS if options.bigrams else _UNICODE_SCAN


def _chunks(texts: Iterable[str], ascii_batch: bool) -> list[str]:
    """The texts normalised and cut at whitespace, with a separator chunk between texts.

    No token spans whitespace (a URL, a handle, a word all end there), so the tokens of each
    chunk are the tokens of the text; and chunks repeat far more than texts do ("refund",
    "@AmazonHelp", "thanks!"), so each distinct chunk is scanned once.
    """
    texts = list(texts)
    joined = _CHUNK_SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != max(len(texts) - 1, 0):
        # A text holding the separator: a control character, no term, so it becomes a space.
        joined = _CHUNK_SEPARATOR.join(t.replace(_SEPARATOR, " ") for t in texts)
    normalized = joined.lower() if ascii_batch else normalize_text(joined)
    return normalized.split()


def tokenize_one(text: str, options: TextOptions, *, force_unicode: bool = False) -> list[str]:
    """The terms of one text, in order, repeats kept; then its bigrams, in order.

    ``force_unicode`` scans ASCII with the general pattern (for tests of the fast path).
    """
    raw: list[str] = []
    for chunk in _chunks([text], text.isascii()):
        raw.extend(_pattern(chunk.isascii() and not force_unicode, options).findall(chunk))
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


def ranges(starts: Int64Array, lengths: Int64Array) -> Int64Array:
    """``starts[k] .. starts[k] + lengths[k] - 1`` for every k, concatenated."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    positions: Int64Array = np.arange(total, dtype=np.int64) - np.repeat(
        ends - lengths - starts, lengths
    )
    return positions


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
    items = values.tolist()
    # dict.fromkeys, map and zip loop in C: one pass finds the distinct values, one looks up.
    index: dict[object, int] = dict.fromkeys(items, -1)
    if set(map(type, index)) <= {str} and "" not in index:  # the usual case: only texts
        texts: list[str] = list(index)  # type: ignore[arg-type]
        index = dict(zip(texts, range(len(texts)), strict=True))
    else:
        texts = []
        for value in index:
            if isinstance(value, str) and value:
                index[value] = len(texts)
                texts.append(value)
    codes: Int64Array = np.fromiter(map(index.__getitem__, items), dtype=np.int64, count=len(items))
    return codes, texts


def index_terms(texts: Sequence[str], options: TextOptions) -> TermIndex:
    """The distinct terms of every text, at once.

    The texts are normalised in two batches (the ASCII ones only need lower-casing) and cut at
    whitespace; each distinct chunk is scanned once (the ASCII ones with ``re``, the others with
    ``regex``) and each distinct raw token classified once; numpy expands chunks into tokens and
    tokens into terms, forms bigrams and removes repeats within a text.
    """
    n = len(texts)
    flags = list(map(str.isascii, texts))  # map, compress, split and fromkeys loop in C
    is_ascii = np.array(flags, dtype=bool).reshape(-1)
    batches = [np.flatnonzero(is_ascii), np.flatnonzero(~is_ascii)]
    chunk_lists = [
        _chunks(itertools.compress(texts, flags), True),
        _chunks(itertools.compress(texts, map(operator.not_, flags)), False),
    ]
    # Every distinct chunk once; the separator is chunk 0.
    distinct = list(dict.fromkeys(itertools.chain([_SEPARATOR], *chunk_lists)))
    chunk_index = {chunk: i for i, chunk in enumerate(distinct)}
    raw_tokens, chunk_offsets, chunk_tokens = _chunk_tokens(distinct, options)
    chunk_lengths = np.diff(chunk_offsets)

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
    for batch, chunks in zip(batches, chunk_lists, strict=True):
        if not chunks:
            continue
        chunk_codes = np.fromiter(map(chunk_index.__getitem__, chunks), np.int64, len(chunks))
        lengths_of_chunks = chunk_lengths[chunk_codes]
        codes = chunk_tokens[ranges(chunk_offsets[chunk_codes], lengths_of_chunks)]
        # The k-th text of the batch is the one after k separators.
        text_of_token = batch[np.cumsum(codes == 0, dtype=np.int64)]
        lengths = counts[codes]
        if int(lengths.max(initial=0)) <= 1:
            has = lengths == 1
            text_parts.append(text_of_token[has])
            term_parts.append(raw_terms[raw_offsets[codes[has]]])
        else:
            owner = np.repeat(np.arange(codes.shape[0]), lengths)
            text_parts.append(text_of_token[owner])
            term_parts.append(raw_terms[ranges(raw_offsets[codes], lengths)])
        if options.bigrams:
            texts_b, first, second = _word_bigrams(
                codes, kinds, raw_offsets, raw_terms, text_of_token
            )
            pair_codes = _bigram_codes(first, second, term_index, options)
            keep = pair_codes >= 0
            text_parts.append(texts_b[keep])
            term_parts.append(pair_codes[keep])

    terms = tuple(term_index)
    if not text_parts:
        return TermIndex(terms, np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64))
    text_of = np.concatenate(text_parts)
    term_of = np.concatenate(term_parts)
    width = max(len(terms), 1)
    # The keys come in runs already sorted by text (each batch in text order), so a stable sort
    # (timsort, which merges runs) is several times faster than the default one.
    keys = np.sort(text_of * width + term_of, kind="stable")
    # A term once per text: drop repeats (a sort and a comparison beat np.unique's hashing).
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if keys.size else keys
    per_text = np.bincount(keys // width, minlength=n)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(per_text, out=offsets[1:])
    return TermIndex(terms, offsets, (keys % width).astype(np.int64, copy=False))


def _chunk_tokens(
    chunks: list[str], options: TextOptions
) -> tuple[list[str], Int64Array, Int64Array]:
    """The distinct raw tokens (the separator first), and each chunk's raw token codes.

    ``chunks[0]`` is the separator, whose one token is the separator (code 0). The ASCII chunks
    are scanned as one string with ``re``, the others as one string with ``regex``.
    """
    flags = list(map(str.isascii, chunks))
    flags[0] = False  # the separator is not scanned
    others = [not flag for flag in flags]
    others[0] = False
    groups = [np.flatnonzero(flags), np.flatnonzero(others)]
    token_lists: list[list[str]] = [
        _pattern(True, options).findall(_SEPARATOR.join(itertools.compress(chunks, flags))),
        _pattern(False, options).findall(_SEPARATOR.join(itertools.compress(chunks, others))),
    ]
    raw_tokens = list(dict.fromkeys(itertools.chain([_SEPARATOR], *token_lists)))
    raw_index = {token: i for i, token in enumerate(raw_tokens)}
    owners = [np.zeros(1, dtype=np.int64)]
    codes = [np.zeros(1, dtype=np.int64)]
    for group, tokens in zip(groups, token_lists, strict=True):
        if not group.size:
            continue
        found = np.fromiter(map(raw_index.__getitem__, tokens), np.int64, len(tokens))
        # The k-th chunk of the group is the one after k separators.
        owner = group[np.cumsum(found == 0, dtype=np.int64)]
        keep = found != 0
        owners.append(owner[keep])
        codes.append(found[keep])
    owner_of = np.concatenate(owners)
    order = np.argsort(owner_of, kind="stable")  # each chunk's tokens together, in order
    offsets = np.zeros(len(chunks) + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner_of, minlength=len(chunks)), out=offsets[1:])
    return raw_tokens, offsets, np.concatenate(codes)[order]


def _word_bigrams(
    codes: Int64Array,
    kinds: npt.NDArray[np.int8],
    raw_offsets: Int64Array,
    raw_terms: Int64Array,
    text_of_token: Int64Array,
) -> tuple[Int64Array, Int64Array, Int64Array]:
    """Adjacent word tokens: their text, and the term codes of the first and second word."""
    word = kinds[codes] == _WORD_KIND
    at = np.flatnonzero(word[:-1] & word[1:])
    first = raw_terms[raw_offsets[codes[at]]]
    second = raw_terms[raw_offsets[codes[at + 1]]]
    return text_of_token[at], first, second


def _bigram_codes(
    first: Int64Array, second: Int64Array, term_index: dict[str, int], options: TextOptions
) -> Int64Array:
    """Term codes of word pairs (new terms added to ``term_index``); -1 for a stop word.

    Each distinct pair is named once: the pairs are one int64 key each, made distinct with a
    sort, and only the distinct ones become strings.
    """
    if first.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    width = len(term_index)  # every word's code is below it
    keys = first * width + second
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    new = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    distinct = ordered[new]
    words = list(term_index)  # the terms met so far, by code
    stop = options.stop_words
    setdefault = term_index.setdefault
    left, right = divmod(distinct, width)
    names = [f"{words[a]} {words[b]}" for a, b in zip(left.tolist(), right.tolist(), strict=True)]
    named = np.fromiter(
        (-1 if name in stop else setdefault(name, len(term_index)) for name in names),
        dtype=np.int64,
        count=len(names),
    )
    result = np.empty(keys.shape[0], dtype=np.int64)
    result[order] = named[np.cumsum(new, dtype=np.int64) - 1]
    return result
