"""servicekit.insights: not yet implemented (its issue is open).

The subpackage exists so the layout is a map of the architecture; it exports nothing yet.
"""

from __future__ import annotations

__all__: list[str] = []
