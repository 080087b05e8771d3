"""servicekit.classify: question classification, escalation to a human, routing, FAQ answers."""

from __future__ import annotations

from servicekit.classify.routing import route

__all__ = ["route"]
