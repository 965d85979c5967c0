"""The real-data figures of the voice-of-the-customer page, recomputed from the twcs file.

The page's ``py3`` blocks hold the code that produced its tables. The documentation's own tests
do not run them (the data is not shipped, and the second block needs vaderSentiment); this
module runs them when ``../shared/realdata/twcs/twcs_head5000.csv`` is present, and checks that
every line they print is a line of the page: the tables there are that code's output.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from test_docs import fenced_blocks

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "metrics" / "voice-of-the-customer.md"
REALDATA = ROOT.parent / "shared" / "realdata" / "twcs"
TWCS = REALDATA / "twcs_head5000.csv"

needs_twcs = pytest.mark.skipif(
    not TWCS.exists(), reason=f"the twcs sample {TWCS} is not here (it is never copied in)"
)


def real_data_blocks() -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    blocks = [b.code for b in fenced_blocks(text, str(PAGE)) if b.language == "py3"]
    assert len(blocks) == 2, "the page has two real-data blocks: brands, then sentiment"
    return blocks


def run(blocks: list[str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Run the blocks in one namespace, in the data's directory; their printed lines."""
    monkeypatch.chdir(REALDATA)  # the page loads "twcs_head5000.csv"
    namespace: dict[str, object] = {"__name__": "voice_twcs_page"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for code in blocks:
            exec(compile(code, str(PAGE), "exec"), namespace)
    return [line for line in out.getvalue().splitlines() if line.strip()]


def assert_on_page(lines: list[str]) -> None:
    page = set(PAGE.read_text(encoding="utf-8").splitlines())
    missing = [line for line in lines if line not in page]
    assert not missing, "lines printed by the page's code but not on the page:\n" + "\n".join(
        missing
    )


@needs_twcs
def test_the_brands_tables_are_what_the_code_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = run(real_data_blocks()[:1], monkeypatch)
    assert "**AppleSupport: 163 messages, against 2621**" in lines
    assert sum(line.startswith("| iphone |") for line in lines) == 1
    assert_on_page(lines)


@needs_twcs
def test_the_sentiment_tables_are_what_the_code_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("vaderSentiment", reason="the page scores sentiment with vaderSentiment")
    lines = run(real_data_blocks(), monkeypatch)
    assert "**All brands: 783 negative, 1174 positive**" in lines
    assert len(lines) == 2 * 11 + (1 + 2 * 10) + 2 * 8  # titles, table headers and rows
    assert_on_page(lines)


def test_the_page_has_its_real_data_blocks() -> None:
    blocks = real_data_blocks()
    assert "load_twcs" in blocks[0]
    assert "vader_scorer" in blocks[1]
