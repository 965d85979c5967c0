"""The documentation site reads offline: mkdocs.yml loads no script, style or font from the web.

MathJax is bundled under ``docs/javascripts/mathjax/`` with its licence and a note of where it
came from; these tests keep mkdocs.yml pointing at files of the docs, not at a CDN.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml")  # PyYAML comes with mkdocs (the docs extra)

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MATHJAX = DOCS / "javascripts" / "mathjax"


class _Loader(yaml.SafeLoader):  # type: ignore[misc, name-defined]
    """A safe loader that reads mkdocs' ``!!python/name:`` and ``!ENV`` tags as plain text."""


def _as_text(loader: Any, suffix: str, node: Any) -> str:
    return str(node.value)


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _as_text)
_Loader.add_multi_constructor("!", _as_text)


def config() -> dict[str, Any]:
    with (ROOT / "mkdocs.yml").open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=_Loader)
    return loaded


def extra_paths(name: str) -> list[str]:
    """The paths of ``extra_javascript`` or ``extra_css``: plain strings, or ``{path: ...}``."""
    return [item if isinstance(item, str) else item["path"] for item in config().get(name, [])]


@pytest.mark.parametrize("name", ["extra_javascript", "extra_css"])
def test_extra_scripts_and_styles_are_files_of_the_docs(name: str) -> None:
    for path in extra_paths(name):
        assert not re.match(r"^([a-z][a-z0-9+.-]*:|//)", path, re.IGNORECASE), (
            f"{name} loads {path} from the network: bundle it under docs/ instead"
        )
        assert (DOCS / path).is_file(), f"{name}: docs/{path} does not exist"


def test_the_theme_fetches_no_web_fonts() -> None:
    assert config()["theme"]["font"] is False


def test_mathjax_is_bundled_with_its_licence_and_configured_first() -> None:
    scripts = extra_paths("extra_javascript")
    assert scripts.index("javascripts/mathjax-config.js") < scripts.index(
        "javascripts/mathjax/tex-svg.js"
    )
    assert "Apache License" in (MATHJAX / "LICENSE").read_text(encoding="utf-8")
    source = (MATHJAX / "SOURCE.txt").read_text(encoding="utf-8")
    assert "mathjax@3.2.2" in source
    # The SVG output carries its own glyphs: the bundle needs no font files beside it.
    assert 1_000_000 < (MATHJAX / "tex-svg.js").stat().st_size < 3_000_000
    assert sorted(p.name for p in MATHJAX.iterdir()) == ["LICENSE", "SOURCE.txt", "tex-svg.js"]
    markdown = config()["markdown_extensions"]
    arithmatex = next(e for e in markdown if isinstance(e, dict) and "pymdownx.arithmatex" in e)
    assert arithmatex["pymdownx.arithmatex"] == {"generic": True}
