"""The code examples in the documentation run, and what they claim holds.

Every ``docs/**/*.md`` page and ``README.md`` is one test (its id is the file's path). Its fenced
blocks run top to bottom in one fresh namespace per file, so a later block can use what an earlier
one defined:

* ```` ```python ```` (or ```` ```py ````) blocks are executed as a script;
* ```` ```pycon ```` blocks (``>>>`` prompts with expected output) are run as doctests, with
  ELLIPSIS and NORMALIZE_WHITESPACE;
* blocks fenced as anything else (```` ```bash ````, ```` ```text ````, no language) are not run.

A block that imports an optional dependency the test extra may lack (``OPTIONAL_MODULES``: Dask)
when it is not installed skips the rest of its page: the blocks before it have run and passed,
so pages put such examples last.

Pages state their claims with ``assert``, so a wrong claim fails here. A failure names the file,
the block number and the line in the Markdown file.
"""

from __future__ import annotations

import doctest
import re
import sys
import traceback
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

PYTHON_LANGUAGES = frozenset({"python", "py"})
#: Top-level modules a page's examples may import that the test extra may lack.
OPTIONAL_MODULES = frozenset({"dask", "distributed"})
DOCTEST_LANGUAGES = frozenset({"pycon"})
DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

# An opening fence: indentation (inside an admonition, say), three or more backticks or tildes,
# then an optional language, written bare (```python) or as a class (```{.python ...}).
_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?:\{[ \t]*)?\.?(?P<lang>[\w+-]*)"
)


@dataclass(frozen=True)
class Block:
    """One fenced code block of a Markdown file."""

    number: int  # 1-based, counting every fenced block of the file
    language: str
    first_line: int  # 1-based line in the file of the block's first line of code
    code: str


def markdown_files() -> list[Path]:
    """Every documentation page, then the README, in a stable order."""
    files = sorted(DOCS.rglob("*.md"))
    readme = ROOT / "README.md"
    if readme.exists():
        files.append(readme)
    return files


def fenced_blocks(text: str, path: str = "<text>") -> list[Block]:
    """The fenced code blocks of ``text``, with their language and where their code starts.

    A block's lines lose the indentation of its opening fence, so blocks nested in admonitions
    or lists run as written. An unclosed fence is an error, not a silently skipped block.
    """
    lines = text.splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        indent = len(match["indent"])
        fence = match["fence"]
        opened_at = index
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body: list[str] = []
        index += 1
        while index < len(lines) and not closing.match(lines[index]):
            line = lines[index]
            body.append(line[indent:] if line[:indent].strip() == "" else line.lstrip())
            index += 1
        if index == len(lines):
            raise ValueError(f"{path}: the code fence opened at line {opened_at + 1} is not closed")
        blocks.append(
            Block(
                number=len(blocks) + 1,
                language=match["lang"].lower(),
                first_line=opened_at + 2,
                code="\n".join(body) + "\n",
            )
        )
        index += 1
    return blocks


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _run_python(block: Block, label: str, namespace: dict[str, object]) -> None:
    # Pad with blank lines so that line numbers in tracebacks are lines of the Markdown file.
    source = "\n" * (block.first_line - 1) + block.code
    try:
        exec(compile(source, label, "exec"), namespace)
    except Exception as error:
        failure: Exception | None = error
    else:
        failure = None
    if failure is not None:
        missing = _missing_optional(failure)
        if missing is not None:
            pytest.skip(
                f"{label}: block {block.number} needs {missing}, which is not installed "
                "(the blocks before it ran)"
            )
        line = _line_in(failure, label)
        where = f"line {line}" if line is not None else f"lines from {block.first_line}"
        trace = "".join(traceback.format_exception(failure))
        pytest.fail(
            f"{label}: block {block.number} (python), {where}: "
            f"{type(failure).__name__}: {failure}\n\n{trace}",
            pytrace=False,
        )


def _missing_optional(error: BaseException) -> str | None:
    """The optional module whose absence made the block fail, if that is why it failed."""
    if isinstance(error, ModuleNotFoundError) and error.name is not None:
        root = error.name.partition(".")[0]
        if root in OPTIONAL_MODULES:
            return root
    return None


def _line_in(error: BaseException, label: str) -> int | None:
    if isinstance(error, SyntaxError) and error.filename == label:
        return error.lineno
    frames = [
        frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == label
    ]
    return frames[-1].lineno if frames else None


def _run_pycon(block: Block, label: str, namespace: dict[str, object]) -> int:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(
        block.code, namespace, f"{label} block {block.number}", label, block.first_line - 1
    )
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS)
    result = runner.run(test, out=report.append, clear_globs=False)
    # DocTest works on a copy of the namespace; what the block defined carries on to later blocks.
    namespace.update(test.globs)
    if result.failed:
        pytest.fail(
            f"{label}: block {block.number} (pycon), {result.failed} of {result.attempted} "
            f"examples failed:\n{''.join(report)}",
            pytrace=False,
        )
    return result.attempted


def run_markdown(path: Path) -> int:
    """Run the file's Python and pycon blocks in one namespace; return how many ran.

    The namespace is a fresh module, registered in ``sys.modules`` while the page runs, so that
    code which looks its module up (dataclasses, attrs, pickle) works as it would in a script.
    """
    label = _relative(path)
    module = types.ModuleType("docs_example_" + re.sub(r"\W", "_", label))
    module.__file__ = str(path)
    namespace = module.__dict__
    ran = 0
    sys.modules[module.__name__] = module
    try:
        for block in fenced_blocks(path.read_text(encoding="utf-8"), label):
            if block.language in PYTHON_LANGUAGES:
                _run_python(block, label, namespace)
                ran += 1
            elif block.language in DOCTEST_LANGUAGES:
                _run_pycon(block, label, namespace)
                ran += 1
    finally:
        del sys.modules[module.__name__]
    return ran


@pytest.mark.parametrize("path", markdown_files(), ids=_relative)
def test_markdown_examples_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Examples that write files ("report.html") write them into a fresh directory.
    monkeypatch.chdir(tmp_path)
    if run_markdown(path) == 0:
        pytest.skip(f"{_relative(path)} has no python or pycon blocks")


# --- the collector itself --------------------------------------------------------------------


def test_the_pages_that_must_have_examples_have_them() -> None:
    # So that the suite cannot pass by finding nothing: the metric pages show runnable code.
    for name in (
        "getting-started.md",
        "data-model.md",
        "concepts/waits.md",
        "metrics/first-reply-time.md",
        "metrics/reply-wait-time.md",
        "errors.md",
    ):
        blocks = fenced_blocks((DOCS / name).read_text(encoding="utf-8"), name)
        runnable = [b for b in blocks if b.language in PYTHON_LANGUAGES | DOCTEST_LANGUAGES]
        assert runnable, f"docs/{name} has no python or pycon block"


def test_fenced_blocks_reads_language_position_and_indentation() -> None:
    text = "\n".join(
        [
            "# Title",  # line 1
            "```python",  # 2
            "x = 1",  # 3
            "```",  # 4
            '!!! note "Nested"',  # 5
            "    ```pycon",  # 6
            "    >>> x + 1",  # 7
            "    2",  # 8
            "    ```",  # 9
            "~~~~text",  # 10
            "```python",  # 11: inside a tilde fence, only text
            "~~~~",  # 12
            '``` { .python title="t" }',  # 13
            "y = 2",  # 14
            "```",  # 15
        ]
    )
    blocks = fenced_blocks(text)
    assert [(b.number, b.language, b.first_line) for b in blocks] == [
        (1, "python", 3),
        (2, "pycon", 7),
        (3, "text", 11),
        (4, "python", 14),
    ]
    assert blocks[1].code == ">>> x + 1\n2\n"
    assert blocks[2].code == "```python\n"


def test_an_unclosed_fence_is_reported() -> None:
    with pytest.raises(
        ValueError, match=r"page\.md: the code fence opened at line 2 is not closed"
    ):
        fenced_blocks("text\n```python\nx = 1\n", "page.md")


def test_a_missing_optional_module_skips_the_rest_of_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setitem(sys.modules, "dask", None)
    page = _write_page(
        tmp_path, "```python\nran = 1\n```\n\n```python\nimport dask\n```\n\n```python\n1/0\n```\n"
    )
    with pytest.raises(pytest.skip.Exception, match=r"page\.md: block 2 needs dask"):
        run_markdown(page)
    # Any other missing module is a failure, as is any other error.
    other = _write_page(tmp_path, "```python\nimport no_such_module_here\n```\n")
    with pytest.raises(pytest.fail.Exception, match="ModuleNotFoundError"):
        run_markdown(other)


def _write_page(tmp_path: Path, text: str) -> Path:
    # The callers point ROOT at tmp_path, so the page's label in messages is "page.md".
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    return page


def test_a_false_assert_fails_with_file_block_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    page = _write_page(
        tmp_path,
        "Intro\n\n```python\nvalue = 7 * 60 + 30\n```\n\n```bash\nexit 1\n```\n\n"
        "```python\nassert value == 450\nassert value == 420, 'seven minutes'\n```\n",
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        run_markdown(page)
    message = str(failure.value)
    assert message.startswith("page.md: block 3 (python), line 13: AssertionError: seven minutes")


def test_a_wrong_doctest_output_fails_with_file_and_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    page = _write_page(tmp_path, "```python\nx = 2\n```\n\n```pycon\n>>> x * 3\n7\n```\n")
    with pytest.raises(pytest.fail.Exception) as failure:
        run_markdown(page)
    message = str(failure.value)
    assert message.startswith("page.md: block 2 (pycon), 1 of 1 examples failed")
    # doctest names the Markdown line of the failing example (line 6 of the page).
    assert 'File "page.md", line 6' in message


def test_blocks_share_one_namespace_per_file_and_files_do_not_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    first = _write_page(
        tmp_path,
        "```python\nshared = 1\n```\n```pycon\n>>> from_doctest = shared + 1\n```\n"
        "```python\nassert from_doctest == 2\n```\n"
        "```python\nfrom dataclasses import dataclass\n\n@dataclass\nclass Point:\n"
        "    x: 'int'\n\nassert Point(1).x == 1\n```\n",
    )
    assert run_markdown(first) == 4
    second = tmp_path / "other.md"
    second.write_text("```python\nshared\n```\n", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="NameError: name 'shared' is not defined"):
        run_markdown(second)
