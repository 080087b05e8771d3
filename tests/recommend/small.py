"""Small shared inputs for the recommend tests (and the bad-input registry)."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import scipy.sparse as sp

from servicekit.recommend import Interactions, Recommender, fit_recommender

WEIGHTS = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
FEATURES = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.2, 0.1]])
SEEN = sp.csr_matrix(np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=float))
RATINGS = sp.csr_matrix(
    np.array([[2, 1, 0, 0], [0, 1, 1, 0], [1, 0, 0, 2], [0, 2, 1, 1]], dtype=float)
)
FRAME = pd.DataFrame(
    {
        "user": ["ann", "ann", "bob", "bob", "cy", "cy", "dee"],
        "item": ["tea", "jam", "jam", "honey", "tea", "scone", "scone"],
        "rating": [2, 1, 2, 1, 1, 2, 1],
    }
)
ITEM_FEATURES = pd.DataFrame(
    {"sweet": [0.0, 1.0, 1.0, 0.5, 0.2], "hot": [1.0, 0.0, 0.0, 0.3, 0.0]},
    index=["tea", "jam", "honey", "scone", "cake"],
)


def interactions() -> Interactions:
    return Interactions.from_frame(FRAME, user="user", item="item", rating="rating")


@functools.cache
def model(method: str = "hybrid") -> Recommender:
    return fit_recommender(interactions(), method=method, item_features=ITEM_FEATURES)
