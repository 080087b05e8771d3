"""servicekit.classify: being built (see its issue); exports nothing yet."""

from __future__ import annotations

__all__: list[str] = []
