"""Optional dependencies: imported only where used, with an error that names the extra."""

from __future__ import annotations

from typing import Any

__all__ = ["require"]


def require(module: str, what: str, *, extra: str | None = None) -> Any:
    """Import ``module`` for ``what``, or say how to install it: with the extra named
    ``extra``, by default the module's own name."""
    try:
        return __import__(module)
    except ImportError as error:
        raise ImportError(
            f"{what} needs the optional dependency {module!r}: "
            f"pip install 'socialcare-metrics[{extra or module}]'"
        ) from error
