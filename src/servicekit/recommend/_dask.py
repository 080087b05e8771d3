"""Top-k on Dask: users' weights as a Dask array chunked by rows, item features in memory.

Each block of users is scored against every item and reduced to its k best on a worker
by the in-memory :func:`~servicekit.recommend.top_k`, so a block's scores never leave
the worker: only the n_users x k result is gathered. The item features (and ``exclude``,
when given) enter the task graph once, as one key each, and are shipped to each worker
once whatever the number of blocks.

Dask is imported only inside the functions here.
"""

from __future__ import annotations

import inspect
import math
from typing import Any

import numpy as np
import scipy.sparse as sp

from servicekit._dask import is_dask_collection, require_dask
from servicekit._validation import fail

FUNCTION = "top_k"


def _array_module() -> Any:
    """``dask.array``, typed ``Any`` (Dask ships no type information mypy can use)."""
    import dask.array

    return dask.array


def _block(
    block: Any,
    item_features: Any,
    k: int,
    exclude: Any,
    block_size: int | None,
    block_info: dict[Any, Any] | None = None,
) -> Any:
    """The k best items of one block of users, as a (rows, k, 2) float array."""
    from servicekit.recommend import top_k

    rows = block.shape[0]
    if rows == 0:
        return np.empty((0, k, 2))
    part = None
    if exclude is not None:
        assert block_info is not None
        start, stop = block_info[0]["array-location"][0]
        part = exclude[start:stop]
    best = top_k(block, item_features, k, exclude=part, block_size=block_size)
    return np.stack([best.items.astype(np.float64), best.scores], axis=2)


def top_k(*args: Any, **kwargs: Any) -> Any:
    """Dask implementation of :func:`servicekit.recommend.top_k` (see its Notes)."""
    require_dask(FUNCTION)
    from dask.delayed import delayed

    from servicekit.recommend import TopK
    from servicekit.recommend import top_k as public

    arguments = inspect.signature(public).bind(*args, **kwargs)
    arguments.apply_defaults()
    users: Any = arguments.arguments["user_weights"]
    items: Any = arguments.arguments["item_features"]
    k, exclude = arguments.arguments["k"], arguments.arguments["exclude"]
    block_size = arguments.arguments["block_size"]
    for name in ("item_features", "exclude", "k", "block_size"):
        if is_dask_collection(arguments.arguments[name]):
            fail(
                FUNCTION,
                name,
                "must be in memory (only 'user_weights' may be a Dask array)",
                type(arguments.arguments[name]).__name__,
            )
    da = _array_module()
    if not isinstance(users, da.Array) or users.ndim != 2:
        fail(FUNCTION, "user_weights", "must be a 2-d Dask array (one user per row)", users)
    if any(math.isnan(size) for size in users.chunks[0]):
        fail(FUNCTION, "user_weights", "must have known chunk sizes (call compute_chunk_sizes())")
    n_users = int(users.shape[0])
    probe_users = np.zeros((1, users.shape[1]), dtype=users.dtype)
    probe_exclude = None
    if exclude is not None:
        n_items = np.shape(items)[0]
        if not sp.issparse(exclude) or exclude.shape != (n_users, n_items):
            fail(
                FUNCTION,
                "exclude",
                f"must be a scipy.sparse matrix of shape ({n_users}, {n_items})",
                getattr(exclude, "shape", exclude),
            )
        exclude = sp.csr_matrix(exclude)
        probe_exclude = exclude[:1]
    # Types, shapes, k and block_size now; the users' values on the workers, block by block.
    public(probe_users, items, k, exclude=probe_exclude, block_size=block_size)
    whole = users.rechunk({1: -1})  # each block: every feature of its users
    shared_items = delayed(items, pure=True)
    shared_exclude = None if exclude is None else delayed(exclude, pure=True)
    stacked = da.map_blocks(
        _block,
        whole,
        shared_items,
        k,
        shared_exclude,
        block_size,
        dtype=np.float64,
        chunks=(whole.chunks[0], (k,), (2,)),
        drop_axis=1,
        new_axis=[1, 2],
        meta=np.empty((0, 0, 0)),
    )
    return TopK(stacked[:, :, 0].astype(np.int64), stacked[:, :, 1])
