"""What a customer message becomes when the library reads its words: the tokeniser.

[`tokenize`][socialcare_metrics.text.tokenize] shows the terms of one text exactly as
[`voice_of_customer`][socialcare_metrics.voice_of_customer] counts them (once per message). It
works on any mix of scripts, with the five languages of the source articles in mind:

- **Croatian, German** (and English): Latin words, casefolded (``Straße`` -> ``strasse``,
  ``ŽURI`` -> ``žuri``); inner apostrophes and hyphens stay (``don't``, ``e-mail``).
- **Hindi**: Devanagari words, read by grapheme clusters, so vowel signs, viramas and nukta
  stay inside their word (Python's ``re`` would split ``मेट्रिक्स`` at every vowel sign).
- **Korean**: words split at spaces; one common particle at the end of a word is removed when
  at least two syllables remain (``배송이``, ``배송은``, ``배송을`` -> ``배송``). A few nouns
  whose last syllable looks like a particle lose it too (``고양이`` -> ``고양``): a small, known
  price for counting a word the same way whatever particle follows it.
- **Chinese** (and Japanese): no spaces between words, so each run of Han, Hiragana or
  Katakana characters becomes its character bigrams (``退款申请`` -> ``退款``, ``款申``,
  ``申请``); a run of one character is that character.

Everywhere: text is NFKC-normalised first (full-width forms, ligatures, composed accents);
URLs, e-mail addresses, @handles, HTML character references (``&amp;``) and numbers are not
terms; a hashtag counts as its word (``#refund`` -> ``refund``: the same complaint with or
without the ``#``); an emoji is a term of its own, whatever its skin tone (``👍🏽`` -> ``👍``).
Stop words are left out: each language has a short default list (`STOP_WORDS`), and a Han
bigram that contains a single-character stop word (``的``) is left out too.

Examples:
    >>> from socialcare_metrics.text import tokenize
    >>> tokenize("@AmazonHelp My order STILL hasn't arrived!! #fail https://t.co/x 😡")
    ['order', 'still', "hasn't", 'arrived', 'fail', '😡']
    >>> tokenize("Die Straße ist gesperrt")
    ['strasse', 'gesperrt']
    >>> tokenize("我的订单没有收到")
    ['订单', '单没', '没有', '有收', '收到']
    >>> tokenize("customer service was not helpful", bigrams=True)
    ['customer', 'service', 'not', 'helpful', 'customer service', 'not helpful']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

from ._engine.text import LANGUAGES, Language, default_stop_words, resolve_text_options
from ._engine.text import tokenize_one as _tokenize_one
from .errors import InvalidParameterError

__all__ = ["LANGUAGES", "STOP_WORDS", "Language", "tokenize"]

STOP_WORDS: Final[Mapping[Language, frozenset[str]]] = MappingProxyType(
    {language: default_stop_words(language) for language in LANGUAGES}
)
"""The default stop words of each language, normalised as terms are (casefolded, NFKC).

Extend one for a call: ``stop_words=STOP_WORDS["en"] | {"amazon"}``.
"""


def tokenize(
    text: str,
    /,
    *,
    language: Language | None = None,
    stop_words: Iterable[str] | None = None,
    bigrams: bool = False,
) -> list[str]:
    """The terms of ``text``, in order, repeats kept; with ``bigrams``, its word bigrams after.

    These are the terms [`voice_of_customer`][socialcare_metrics.voice_of_customer] counts for
    the message (each distinct one once), with the same options.

    Args:
        text: Any text.
        language: Whose default stop words to leave out (`LANGUAGES`); ``None``: all six lists.
        stop_words: The stop words instead of the default list (``()`` keeps every word).
        bigrams: Add the pairs of adjacent words, neither a stop word and nothing but spaces
            between them, joined by a space.

    Raises:
        InvalidParameterError: ``text`` is not a str, or an option has a bad value.

    Examples:
        >>> tokenize("배송이 너무 늦어요")
        ['배송', '너무', '늦어요']
        >>> tokenize("मेरा ऑर्डर नहीं आया")
        ['मेरा', 'ऑर्डर', 'नहीं', 'आया']
        >>> tokenize("Čekam povrat novca već tjedan dana", language="hr")
        ['čekam', 'povrat', 'novca', 'tjedan', 'dana']
    """
    if not isinstance(text, str):
        raise InvalidParameterError("tokenize", "text", "a str", text)
    options = resolve_text_options(language, stop_words, bigrams, "tokenize")
    return _tokenize_one(text, options)
