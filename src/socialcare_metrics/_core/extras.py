"""Optional dependencies: imported only where used, with an error that names the extra."""

from __future__ import annotations

from typing import Any

__all__ = ["require"]


def require(module: str, what: str) -> Any:
    """Import ``module`` (also the name of its extra) for ``what``, or say how to install it."""
    try:
        return __import__(module)
    except ImportError as error:
        raise ImportError(
            f"{what} needs the optional dependency {module!r}: "
            f"pip install 'socialcare-metrics[{module}]'"
        ) from error
