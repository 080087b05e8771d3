"""The queueing functions on Dask arrays: elementwise, one interval per row.

Every per-interval input may be a 1-d Dask array (one interval per row, chunked by
rows), an in-memory array of the same length, or a number. The chunks of the first Dask
argument set the layout; the other arrays are rechunked to it, and each block of
intervals is evaluated on a worker by the in-memory function, which validates that
block's values (its errors surface when the result is computed). Nothing is computed
when the call returns: options, targets and in-memory arguments are checked at once by
calling the in-memory function on a one-interval probe of safe values.

Results have the in-memory structure (:class:`~servicekit.optimize.QueueMetrics`,
:class:`~servicekit.optimize.StaffingPlan`) with 1-d Dask arrays in place of NumPy
arrays; all the fields of one result come from a single task per block, so computing
them together (``dask.compute(*plan.metrics.to_dict().values())``) evaluates each block once.

Dask is imported only inside the functions here.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from servicekit._dask import is_dask_collection, require_dask
from servicekit._validation import fail

#: Values of each per-interval argument that every function accepts, for the probe.
_SAFE = {
    "traffic": 0.0,
    "agents": 1.0,
    "arrival_rate": 0.0,
    "handle_time": 1.0,
    "answer_within": 0.0,
    "patience": 1.0,
    "service_level": 0.5,
    "max_occupancy": 0.5,
    "target_asa": 1.0,
    "max_abandon": 0.5,
    "shrinkage": 0.0,
    "calls": 0.0,
}
#: The functions returning one array (not a result object).
_ARRAYS = ("erlang_b", "rate_per_second", "scheduled_agents")
#: The float fields of QueueMetrics, in the column order of the stacked block result.
_METRICS = (
    "traffic",
    "agents",
    "prob_wait",
    "service_level",
    "average_speed_of_answer",
    "occupancy",
    "prob_abandon",
    "mean_wait",
    "answer_within",
)
_PLAN = ("agents", "scheduled", "shrinkage")


def _array_module() -> Any:
    """``dask.array``, typed ``Any`` (Dask ships no type information mypy can use)."""
    import dask.array

    return dask.array


def _public(name: str) -> Callable[..., Any]:
    from servicekit import optimize

    function: Callable[..., Any] = getattr(optimize, name)
    return function


def _layout(
    function: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], tuple[int, ...]]:
    """Bind the call; split it into row-chunked Dask arrays and constants; probe it."""
    require_dask(function)
    da = _array_module()

    public = _public(function)
    bound = inspect.signature(public).bind(*args, **kwargs)
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    chunks: tuple[int, ...] | None = None
    length = 0
    for name, value in arguments.items():
        if not is_dask_collection(value):
            continue
        if name not in _SAFE:
            fail(function, name, "cannot be a Dask collection (only per-interval values can)")
        if not isinstance(value, da.Array) or value.ndim != 1:
            fail(
                function,
                name,
                "must be a 1-d Dask array (one interval per row) when given as a Dask collection",
                type(value).__name__,
            )
        if any(math.isnan(size) for size in value.chunks[0]):
            fail(function, name, "must have known chunk sizes (call compute_chunk_sizes())")
        if chunks is None:
            chunks, length = value.chunks[0], int(value.shape[0])
    assert chunks is not None  # dask_aware only calls with a Dask argument
    blocks: dict[str, Any] = {}
    constants: dict[str, Any] = {}
    probe: dict[str, Any] = {}
    for name, value in arguments.items():
        if is_dask_collection(value):
            if int(value.shape[0]) != length:
                fail(function, name, f"must have one value per interval ({length})", value.shape[0])
            blocks[name] = value.rechunk((chunks,))
            probe[name] = _SAFE[name]
        elif name in _SAFE and value is not None and np.ndim(value) != 0:
            array = np.asarray(value)
            if array.ndim != 1 or array.shape[0] != length:
                fail(function, name, f"must have one value per interval ({length})", array.shape)
            blocks[name] = da.from_array(array, chunks=(chunks,))
            probe[name] = array[:1]
        else:
            constants[name] = value
            probe[name] = value
    public(**probe)  # options, targets and their combinations, checked now
    return blocks, constants, chunks


def _block(function: str, names: tuple[str, ...], constants: dict[str, Any], *blocks: Any) -> Any:
    """One block of intervals through the in-memory function, as a 2-d float array."""
    size = len(blocks[0])
    if function in _ARRAYS:
        if size == 0:
            return np.empty((0,))
        values = _public(function)(**dict(zip(names, blocks, strict=True)), **constants)
        return np.broadcast_to(np.asarray(values, dtype=np.float64), (size,))
    plan = function == "agents_required"
    if size == 0:
        return np.empty((0, len(_METRICS) + (len(_PLAN) if plan else 0)))
    result = _public(function)(**dict(zip(names, blocks, strict=True)), **constants)
    metrics = result.metrics if plan else result
    columns = [getattr(result, name) for name in _PLAN if plan] + [
        getattr(metrics, name) for name in _METRICS
    ]
    return np.column_stack([np.broadcast_to(column, (size,)) for column in columns]).astype(
        np.float64
    )


def _map(function: str, args: tuple[Any, ...], kwargs: dict[str, Any], width: int) -> Any:
    da = _array_module()
    blocks, constants, chunks = _layout(function, args, kwargs)
    names = tuple(blocks)
    if width == 0:
        return da.map_blocks(
            _block,
            function,
            names,
            constants,
            *blocks.values(),
            dtype=np.float64,
            meta=np.empty((0,)),
        )
    return da.map_blocks(
        _block,
        function,
        names,
        constants,
        *blocks.values(),
        dtype=np.float64,
        new_axis=1,
        chunks=(chunks, (width,)),
        meta=np.empty((0, 0)),
    )


def _metrics(stacked: Any, model: str, offset: int = 0) -> Any:
    from servicekit.optimize import QueueMetrics

    columns = {name: stacked[:, offset + i] for i, name in enumerate(_METRICS)}
    return QueueMetrics(**columns, model=model)


def erlang_b(*args: Any, **kwargs: Any) -> Any:
    """Dask implementation of :func:`servicekit.optimize.erlang_b`: a 1-d Dask array."""
    return _map("erlang_b", args, kwargs, 0)


def rate_per_second(*args: Any, **kwargs: Any) -> Any:
    """Dask implementation of :func:`servicekit.optimize.rate_per_second`: a 1-d Dask array."""
    return _map("rate_per_second", args, kwargs, 0)


def scheduled_agents(*args: Any, **kwargs: Any) -> Any:
    """Dask implementation of :func:`servicekit.optimize.scheduled_agents` (int64)."""
    return _map("scheduled_agents", args, kwargs, 0).astype(np.int64)


def erlang_c(*args: Any, **kwargs: Any) -> Any:
    """Dask implementation of :func:`servicekit.optimize.erlang_c`."""
    return _metrics(_map("erlang_c", args, kwargs, len(_METRICS)), "erlang_c")


def erlang_a(*args: Any, **kwargs: Any) -> Any:
    """Dask implementation of :func:`servicekit.optimize.erlang_a`."""
    return _metrics(_map("erlang_a", args, kwargs, len(_METRICS)), "erlang_a")


def agents_required(*args: Any, **kwargs: Any) -> Any:
    """Dask implementation of :func:`servicekit.optimize.agents_required`."""
    from servicekit.optimize import StaffingPlan

    model = kwargs.get("model", "erlang_c")
    stacked = _map("agents_required", args, kwargs, len(_PLAN) + len(_METRICS))
    return StaffingPlan(
        agents=stacked[:, 0].astype(np.int64),
        scheduled=stacked[:, 1].astype(np.int64),
        metrics=_metrics(stacked, model, offset=len(_PLAN)),
        shrinkage=stacked[:, 2],
        cost_per_hour=None,
    )
