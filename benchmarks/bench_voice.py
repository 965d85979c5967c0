"""How fast the voice of the customer runs over a million short customer messages.

Run from the repository root::

    python benchmarks/bench_voice.py                 # 1,000,000 messages
    python benchmarks/bench_voice.py --n 200000      # a quicker run
    python benchmarks/bench_voice.py --bigrams       # pairs of words counted too

The messages are generated (deterministically, from ``--seed``) to look like customer tweets:
3 to 20 words from a Zipf-distributed vocabulary of 30,000 made-up English-like words, an
@handle in front of most, and now and then a URL, a number, a hashtag, an emoji, curly quotes;
``--foreign`` of them (default 10%) are German, Croatian, Hindi, Korean or Chinese. Four
messages make a conversation, assigned to one of 50 brands; sentiment is scored for most, more
negative when a complaint word is in the text. Almost every text is distinct, so little is
saved by tokenising each distinct text once (real data repeats more: faster still).

Timed (a fresh table each time, best of ``--repeat``):

1. ``voice_of_customer(table, segment="negative", against="positive")``: tokenising every
   text, counting, building the result;
2. its outputs: ``terms`` and ``against_terms`` with their examples, and ``to_dict()``;
3. a second comparison on the same table (one brand against the others), which reuses the
   tokenising kept on the table;
4. ``by("agent").to_dict()``: each of the 50 brands' top term, in one pass;
5. the first comparison as mergeable states (once, after the timed runs): the table in
   ``--parts`` slices of whole conversations, each made a `VoiceOfCustomerState` (the
   slowest and the sum of the slices), pickled and read back as on a cluster, merged, and its
   result; the merged state's pickled size, and its ``to_dict()`` checked equal to the
   function's (terms, counts, examples and z scores, to the last bit).

The budget is 15 s for steps 1 and 2 together on a million messages. Before timing, the counts
are checked against a plain Python count (``tokenize`` each message, ``collections.Counter``)
on the first 20,000 messages; that plain path's speed is printed too, scaled to ``--n``.

Each step's wall-clock time is printed beside the CPU time of this process: on a machine shared
with other work the CPU time is the fairer figure (one core, nothing else running, would take
about that long). Figures are printed, never asserted: timings belong here, not in the tests.
"""

from __future__ import annotations

import argparse
import functools
import pickle
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from socialcare_metrics import MessageTable, Segment, voice_of_customer
from socialcare_metrics.states import VoiceOfCustomerState
from socialcare_metrics.text import tokenize

_SYLLABLES = [consonant + vowel for consonant in "bcdfghklmnprstv" for vowel in "aeiou"]
_COMPLAINTS = ["refund", "late", "broken", "waiting", "cancel", "crash", "never", "charged"]
_PRAISE = ["thanks", "great", "love", "quick", "helpful", "awesome", "perfect", "fixed"]
_FOREIGN = [
    "Die Lieferung ist immer noch nicht angekommen, bitte um Rückerstattung",
    "Čekam povrat novca već tjedan dana, nitko ne odgovara",
    "मेरा ऑर्डर अभी तक नहीं आया, कृपया मदद करें",
    "배송이 너무 늦어요 환불을 원합니다",
    "我的订单还没有收到,请帮我退款",
    "Danke für die schnelle Hilfe, alles funktioniert wieder",
    "Hvala na brzom odgovoru, sve radi",
]
_EXTRAS = ["https://t.co/a1b2c3", "#fail", "#help", "😡", "🙏", "👍🏽", "2", "24", "’s", "&amp;"]


def generate(n: int, seed: int, foreign: float) -> tuple[list[str], np.ndarray]:
    """``n`` customer texts and their sentiment scores (NaN: unscored)."""
    rng = np.random.default_rng(seed)
    vocabulary = np.array(
        ["".join(rng.choice(_SYLLABLES, size=int(rng.integers(2, 4)))) for _ in range(30_000)],
        dtype=object,
    )
    weights = 1.0 / np.arange(1, vocabulary.shape[0] + 1)
    weights /= weights.sum()
    lengths = rng.integers(3, 21, size=n)
    words = vocabulary[rng.choice(vocabulary.shape[0], size=int(lengths.sum()), p=weights)]
    cuts = np.cumsum(lengths)[:-1]
    complaint = rng.random(n) < 0.3
    praise = ~complaint & (rng.random(n) < 0.25)
    handle = rng.random(n) < 0.8
    extra = rng.random(n) < 0.3
    is_foreign = rng.random(n) < foreign
    texts = []
    for i, chunk in enumerate(np.split(words, cuts)):
        if is_foreign[i]:
            texts.append(f"{_FOREIGN[i % len(_FOREIGN)]} {chunk[0]}")
            continue
        parts = list(chunk)
        if complaint[i]:
            parts.insert(int(i % len(parts)), _COMPLAINTS[i % len(_COMPLAINTS)])
        elif praise[i]:
            parts.append(_PRAISE[i % len(_PRAISE)])
        if handle[i]:
            parts.insert(0, f"@brand{i % 50}")
        if extra[i]:
            parts.append(_EXTRAS[i % len(_EXTRAS)])
        texts.append(" ".join(parts).capitalize())
    noise = rng.normal(0.0, 0.3, size=n)
    sentiment = np.clip(np.where(complaint, -0.4, np.where(praise, 0.5, 0.0)) + noise, -1, 1)
    sentiment[rng.random(n) < 0.1] = np.nan
    return texts, sentiment


def build_table(texts: list[str], sentiment: np.ndarray) -> MessageTable:
    n = len(texts)
    conversation = np.arange(n, dtype=np.int64) // 4
    return MessageTable.from_columns(
        conversation_id=conversation,
        sent_at=(np.datetime64("2024-03-01T00:00:00", "ns") + np.arange(n) * np.int64(10**9)),
        author=np.zeros(n, dtype=np.int8),
        message_id=np.arange(n, dtype=np.int64),
        text=texts,
        sentiment=sentiment,
        assignee=[f"brand{c % 50}" for c in conversation.tolist()],
        channel=np.asarray(conversation % 5, dtype=np.int8),
    )


def timed(run: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall-clock and CPU seconds of ``run()`` (the machine may be shared), and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def check_against_plain_python(texts: list[str], sentiment: np.ndarray, bigrams: bool) -> float:
    """The metric's counts equal a plain per-message count; returns the plain path's seconds."""
    table = build_table(texts, sentiment)
    result = voice_of_customer(table, segment="negative", against="positive", bigrams=bigrams)
    counts = result.counts()
    started = time.perf_counter()
    segment: Counter[str] = Counter()
    corpus: Counter[str] = Counter()
    for text, score in zip(texts, sentiment.tolist(), strict=True):
        terms = set(tokenize(text, bigrams=bigrams))
        corpus.update(terms)
        if score <= -0.05:
            segment.update(terms)
    seconds = time.perf_counter() - started
    assert dict(zip(counts.terms, counts.corpus.tolist(), strict=True)) == corpus
    nonzero = {t: c for t, c in zip(counts.terms, counts.segment.tolist(), strict=True) if c}
    assert nonzero == segment
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="messages (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (default 3)")
    parser.add_argument("--foreign", type=float, default=0.1, help="share not in English")
    parser.add_argument("--bigrams", action="store_true", help="count word pairs too")
    parser.add_argument("--parts", type=int, default=8, help="slices for the states (default 8)")
    args = parser.parse_args()

    started = time.perf_counter()
    texts, sentiment = generate(args.n, args.seed, args.foreign)
    print(f"generated {args.n:,} messages in {time.perf_counter() - started:.1f} s")
    sample = min(args.n, 20_000)
    plain = check_against_plain_python(texts[:sample], sentiment[:sample], args.bigrams)
    print(
        f"counts agree with a plain Python count on {sample:,} messages; that plain path "
        f"takes {plain:.2f} s, about {plain * args.n / sample:.0f} s for {args.n:,}"
    )

    best: dict[str, tuple[float, float]] = {}
    for run in range(args.repeat):
        table = build_table(texts, sentiment)
        first = timed(
            lambda table=table: voice_of_customer(
                table, segment="negative", against="positive", bigrams=args.bigrams
            )
        )
        result = first[2]
        outputs = timed(lambda result=result: result.to_dict())
        as_dict = outputs[2]
        second = timed(
            lambda table=table: voice_of_customer(
                table, segment=Segment.assignee("brand7"), bigrams=args.bigrams
            )
        )
        brand = second[2]
        grouped = timed(lambda result=result: result.by("agent").to_dict())
        groups = grouped[2]
        figures = {
            "tokenise, count, result": first[:2],
            "terms, against_terms, to_dict": outputs[:2],
            "total (budget 15 s)": (first[0] + outputs[0], first[1] + outputs[1]),
            "second comparison, same table": second[:2],
            "by('agent').to_dict(), 50 brands": grouped[:2],
        }
        for name, (wall, cpu) in figures.items():
            old_wall, old_cpu = best.get(name, (float("inf"), float("inf")))
            best[name] = (min(old_wall, wall), min(old_cpu, cpu))
        print(
            f"run {run + 1}: "
            + ", ".join(f"{k} {w:.2f} s (cpu {c:.2f} s)" for k, (w, c) in figures.items())
        )

    terms = ", ".join(s["term"] for s in as_dict["terms"][:8])
    against = ", ".join(s["term"] for s in as_dict["against_terms"][:8])
    print(f"negative: {terms}\npositive: {against}")
    print(f"brand7 against the rest, top term: {brand.value!r}")
    print(f"brands with a top term: {sum(g['top_term'] is not None for g in groups['groups'])}")
    print(f"vocabulary: {len(result.counts().terms):,} terms; bigrams: {args.bigrams}")
    print("best of runs:                              wall       cpu")
    for name, (wall, cpu) in best.items():
        print(f"  {name:<36} {wall:6.2f} s  {cpu:6.2f} s")
    time_states(texts, sentiment, args.parts, args.bigrams, as_dict)


def time_states(
    texts: list[str], sentiment: np.ndarray, parts: int, bigrams: bool, whole: dict[str, Any]
) -> None:
    """The first comparison as ``parts`` slices' states, merged, against the function's."""
    table = build_table(texts, sentiment)
    ids = table.conversation_ids
    slices = [table.select(conversations=ids[i::parts]) for i in range(parts)]
    empty = VoiceOfCustomerState.empty(segment="negative", against="positive", bigrams=bigrams)
    part_times = []
    states = []
    for part in slices:
        wall, cpu, state = timed(lambda part=part: empty.update(part))
        part_times.append((wall, cpu))
        # What crosses the wire: the state without this process's exact result.
        states.append(pickle.loads(pickle.dumps(state)))
    merge = timed(lambda: functools.reduce(VoiceOfCustomerState.merge, states))
    merged = merge[2]
    size = len(pickle.dumps(merged))
    result = timed(lambda: merged.result().to_dict())
    assert result[2] == whole, "the merged state's result is not the function's"
    print(f"as {parts} slices' states, merged (the result checked equal to the function's):")
    rows = {
        "slice, slowest": max(part_times),
        "slices, sum": tuple(sum(t[i] for t in part_times) for i in (0, 1)),
        "merge": merge[:2],
        "result and to_dict": result[:2],
    }
    for name, (wall, cpu) in rows.items():
        print(f"  {name:<36} {wall:6.2f} s  {cpu:6.2f} s")
    print(f"  merged state, pickled: {size / 1e6:.1f} MB, {len(merged.cells)} cell")


if __name__ == "__main__":
    main()
