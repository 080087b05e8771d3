"""What every chart shares: the matplotlib check, a new Figure, x positions and tick labels.

Figures are :class:`matplotlib.figure.Figure` objects made directly (not through
``pyplot``): no GUI backend is chosen, no global state is touched, and nothing is
shown. ``fig.savefig("chart.png")`` writes a file with the Agg renderer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from servicekit.errors import OptionalDependencyError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["EXTRA", "day_ticks", "new_figure", "require_matplotlib"]

#: How to install what servicekit.plot needs.
EXTRA = "pip install 'servicekit[plot]'"


def require_matplotlib() -> None:
    """Raise :class:`OptionalDependencyError` (an ImportError) naming the extra without matplotlib."""
    try:
        import matplotlib
        import matplotlib.figure  # noqa: F401
    except ImportError as exc:
        raise OptionalDependencyError(
            f"servicekit.plot needs matplotlib (the optional 'plot' extra): {EXTRA}"
        ) from exc


def new_figure(
    ncols: int = 1, *, width: float = 8.0, height: float = 4.5
) -> tuple[Figure, list[Axes]]:
    """A Figure with ``ncols`` axes side by side (constrained layout), not registered anywhere."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)  # a renderer for savefig and canvas.draw, without pyplot
    axes = [figure.add_subplot(1, ncols, i + 1) for i in range(ncols)]
    return figure, axes


def day_ticks(ax: Axes, index: pd.DatetimeIndex, positions: Sequence[int] | Any) -> None:
    """Label the first interval of each day at its position (``Mon 15 Apr``)."""
    days = index.normalize()
    first = [i for i in range(len(index)) if i == 0 or days[i] != days[i - 1]]
    ax.set_xticks([positions[i] for i in first])
    ax.set_xticklabels([f"{index[i]:%a %d %b}" for i in first], rotation=30, ha="right")
