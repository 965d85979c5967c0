"""A griffe extension for the API reference: what the docs build needs to read this package.

Three things griffe does not do on its own, all fixed here at documentation time only:

* The package's docstrings head their doctests ``Example:`` (Google style allows the singular).
  griffe's Google parser knows only ``Examples:``, and renders any other heading as an admonition
  of free Markdown, so the doctest lines would come out as nested block quotes. The heading is
  renamed so that they render as code.
* The records are attrs classes, whose ``__init__`` attrs writes at import time. griffe reads the
  source statically and sees no ``__init__``, so the parameters documented under ``Args:`` would
  have no signature to belong to. The signature is rebuilt from ``attrs.fields`` of the imported
  class (order, defaults, keyword-only) and the annotations written in the source.
* Sphinx roles such as ``:class:`Author``` are rendered as plain code spans.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

import attrs
import griffe

_EXAMPLE_HEADING = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)
# Sphinx roles (:class:`Conversation`, :meth:`~MessageTable.from_columns`) mean nothing to
# Markdown: they would print with their colons. They become code spans.
_SPHINX_ROLE = re.compile(r":(?:class|meth|func|attr|data|exc|mod|obj):`~?([^`]+)`")


def _runtime_class(cls: griffe.Class) -> type[Any] | None:
    try:
        module = importlib.import_module(cls.module.path)
    except ImportError:  # pragma: no cover - the package is installed where the docs build
        return None
    value = getattr(module, cls.name, None)
    return value if isinstance(value, type) else None


def _default(field: attrs.Attribute[Any]) -> str | None:
    default: object = field.default
    if default is attrs.NOTHING:
        return None
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        factory = getattr(default, "factory", None)
        return f"{getattr(factory, '__name__', 'factory')}()"
    return repr(default)


def _attrs_init(cls: griffe.Class) -> None:
    runtime = _runtime_class(cls)
    if runtime is None or not attrs.has(runtime) or "__init__" in cls.members:
        return
    parameters = [griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword)]
    for field in attrs.fields(runtime):
        if not field.init:
            continue
        member = cls.members.get(field.name)
        annotation = member.annotation if isinstance(member, griffe.Attribute) else None
        parameters.append(
            griffe.Parameter(
                field.alias or field.name,
                annotation=annotation,
                kind=(
                    griffe.ParameterKind.keyword_only
                    if field.kw_only
                    else griffe.ParameterKind.positional_or_keyword
                ),
                default=_default(field),
            )
        )
    init = griffe.Function(
        "__init__",
        lineno=cls.lineno,
        endlineno=cls.lineno,
        parent=cls,
        parameters=griffe.Parameters(*parameters),
        returns="None",
    )
    cls.set_member("__init__", init)


def _walk(obj: griffe.Object, seen: set[str]) -> None:
    if obj.path in seen:
        return
    seen.add(obj.path)
    if obj.docstring is not None:
        text = _EXAMPLE_HEADING.sub(r"\1Examples:", obj.docstring.value)
        obj.docstring.value = _SPHINX_ROLE.sub(r"`\1`", text)
    if isinstance(obj, griffe.Class):
        _attrs_init(obj)
    for member in list(obj.members.values()):
        if not member.is_alias and isinstance(member, griffe.Object):
            _walk(member, seen)


class SocialCareDocs(griffe.Extension):
    """Fix ``Example:`` headings and Sphinx roles; give attrs classes their signature."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Apply the fixes to every object of the loaded package."""
        _walk(pkg, set())
