"""The examples in the package's docstrings run and print what they show.

Every module of the installed ``socialcare_metrics`` package (found with ``pkgutil.walk_packages``,
so a new module is picked up without editing this file) is one test, run through doctest with
ELLIPSIS and NORMALIZE_WHITESPACE. A last test checks that examples were found at all, so this
file cannot pass by finding nothing.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest

import socialcare_metrics

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

#: Modules whose examples need an optional dependency that the test extra may lack, and which.
NEEDS = {"socialcare_metrics.dask": "dask.dataframe"}


def module_names() -> list[str]:
    """The package and every module below it, by dotted name, sorted.

    ``__main__`` modules are left out: importing one runs the program.
    """
    names = [socialcare_metrics.__name__]
    names += [
        info.name
        for info in pkgutil.walk_packages(
            socialcare_metrics.__path__, prefix=f"{socialcare_metrics.__name__}."
        )
        if info.name.rpartition(".")[2] != "__main__"
    ]
    return sorted(names)


def doctests_of(module: ModuleType) -> list[doctest.DocTest]:
    """The module's doctests that have examples (objects defined in the module only)."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    return [test for test in finder.find(module) if test.examples]


@pytest.mark.parametrize("name", module_names())
def test_docstring_examples(name: str) -> None:
    if name in NEEDS:
        pytest.importorskip(NEEDS[name], reason=f"the examples of {name} need {NEEDS[name]}")
    module = importlib.import_module(name)
    tests = doctests_of(module)
    if not tests:
        pytest.skip(f"{name} has no docstring examples")
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in tests:
        runner.run(test, out=report.append)
    failed, attempted = runner.summarize(verbose=False)
    assert failed == 0, f"{failed} of {attempted} docstring examples in {name} failed:\n" + "".join(
        report
    )


def test_docstring_examples_are_found() -> None:
    counts = {
        name: sum(len(test.examples) for test in doctests_of(importlib.import_module(name)))
        for name in module_names()
    }
    assert sum(counts.values()) > 0, "no docstring example found in any module"
    # The public entry points each show an example; losing them would go unnoticed otherwise.
    for name in (
        "socialcare_metrics.records",
        "socialcare_metrics.results.durations",
        "socialcare_metrics.metrics.speed",
        "socialcare_metrics.tables.messages",
    ):
        assert counts.get(name, 0) > 0, f"{name} has no docstring example"
