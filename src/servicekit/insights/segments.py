"""Customer segments by k-means on scaled features, with the number chosen by silhouette."""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from servicekit._persistence import (
    PATH,
    Document,
    JsonText,
    encode_array,
    read_file,
    write_document,
    write_file,
)
from servicekit._progress import progress_bar
from servicekit._results import ResultMixin
from servicekit._typing import FloatArray
from servicekit._validation import (
    Column,
    Flag,
    Frame,
    InstanceOf,
    Interval,
    Options,
    described,
    fail,
    validated,
)

__all__ = ["Segmentation", "segment_customers"]

FORMAT = "servicekit.Segmentation"
VERSION = 1
#: Restarts of every k-means fit (scikit-learn's ``n_init``), fixed so results do not
#: depend on the scikit-learn version's default.
N_INIT = 10
#: Silhouettes are computed on a random sample of at most this many rows (O(n²) cost).
SILHOUETTE_SAMPLE = 5000
#: A column is log-transformed by ``transform="auto"`` when it is non-negative and its
#: sample skewness exceeds this.
SKEW_LIMIT = 1.0


@dataclass(frozen=True, slots=True, eq=False)
class Segmentation(ResultMixin):
    """Customer segments found by :func:`segment_customers`.

    Segments are numbered 0..k-1 by size, largest first.

    Attributes
    ----------
    labels : Series
        The segment of every training row, indexed like the training frame.
    k : int
        Number of segments.
    features : tuple of str
        The columns used.
    log_features : tuple of str
        The columns log-transformed (``log1p``) before scaling.
    means, scales : ndarray
        Mean and standard deviation (ddof 0) of each (transformed) feature, used to
        scale it.
    scaled_centers : ndarray
        Cluster centres in the scaled space (k × features).
    scores : DataFrame
        Indexed by k: ``silhouette`` and ``inertia`` (sum of squared distances to the
        nearest centre, scaled space) of every k tried.
    stability : float
        Mean adjusted Rand index between the labels and those of k-means refitted on
        bootstrap resamples (NaN when ``n_boot=0``); 1 means perfectly reproducible.
    profile_table : DataFrame
        What :meth:`profile` returns.
    """

    labels: pd.Series
    k: int
    features: tuple[str, ...]
    log_features: tuple[str, ...]
    means: FloatArray
    scales: FloatArray
    scaled_centers: FloatArray
    scores: pd.DataFrame
    stability: float
    profile_table: pd.DataFrame

    @property
    def inertia(self) -> float:
        """Inertia of the chosen k (scaled space)."""
        return float(self.scores["inertia"].to_numpy()[list(self.scores.index).index(self.k)])

    @property
    def centers(self) -> pd.DataFrame:
        """Cluster centres in the features' original units (one row per segment).

        Log-transformed features are mapped back with ``expm1``, so their centre is a
        geometric-mean-like value rather than the arithmetic mean of the segment
        (see :meth:`profile` for the means).
        """
        values = self.scaled_centers * self.scales + self.means
        frame = pd.DataFrame(values, columns=list(self.features))
        for name in self.log_features:
            frame[name] = np.expm1(frame[name])
        frame.index.name = "segment"
        result_: pd.DataFrame = frame
        return result_

    def profile(self) -> pd.DataFrame:
        """Size, share and each feature's mean and median per segment (original units).

        Returns
        -------
        DataFrame
            Indexed by segment: ``size``, ``share``, then ``<feature>_mean`` and
            ``<feature>_median`` for each feature.

        Examples
        --------
        >>> frame = pd.DataFrame({"visits": [1, 2, 1, 30, 32, 31],
        ...                       "spend": [10, 12, 11, 300, 310, 305]})
        >>> segment_customers(frame, k=2, transform="none", n_boot=0).profile()[["size", "share", "visits_mean"]].round(2)
                 size  share  visits_mean
        segment
        0           3    0.5        31.00
        1           3    0.5         1.33
        """
        result_: pd.DataFrame = self.profile_table.copy()
        return result_

    @validated(new_frame=Frame())
    def assign(self, new_frame: pd.DataFrame) -> pd.Series:
        """The nearest segment of each row of ``new_frame`` (same features and transform).

        Parameters
        ----------
        new_frame : DataFrame
            Rows with (at least) the segmentation's feature columns.

        Returns
        -------
        Series
            ``segment`` labels indexed like ``new_frame``.

        Raises
        ------
        InvalidInputError
            If a feature column is missing, non-numeric or holds missing values, or a
            log-transformed feature is negative.

        Examples
        --------
        >>> frame = pd.DataFrame({"visits": [1, 2, 1, 30, 32, 31],
        ...                       "spend": [10, 12, 11, 300, 310, 305]})
        >>> seg = segment_customers(frame, k=2, transform="none", n_boot=0)
        >>> seg.assign(pd.DataFrame({"visits": [3, 29], "spend": [20, 280]})).tolist()
        [1, 0]
        """
        missing = [f for f in self.features if f not in new_frame.columns]
        if missing:
            fail(
                "Segmentation.assign",
                "new_frame",
                f"must have the column(s) {missing}",
                described(f"columns {list(new_frame.columns)}"),
            )
        values = _numeric(new_frame, self.features, "Segmentation.assign", "new_frame")
        scaled = (
            _apply_log(values, self.features, self.log_features, "Segmentation.assign", "new_frame")
            - self.means
        ) / self.scales
        labels = _nearest(scaled, self.scaled_centers)
        result_: pd.Series = pd.Series(labels, index=new_frame.index, name="segment")
        return result_

    def _silhouette(self) -> float:
        return float(self.scores["silhouette"].to_numpy()[list(self.scores.index).index(self.k)])

    def __repr__(self) -> str:
        return (
            f"Segmentation(k={self.k}, n={len(self.labels)}, features={list(self.features)}, "
            f"silhouette={self._silhouette():.3f}, "
            f"stability={self.stability:.3f})"
        )

    # ------------------------------------------------------------------ persistence
    def to_json(self) -> str:
        """The segmentation as a versioned, checksummed JSON document.

        Holds the features, transform, scaling, centres, the score table, the
        stability, the profile table and the training labels (with their index when
        it holds only strings or integers, else the positions).

        Examples
        --------
        >>> frame = pd.DataFrame({"visits": [1, 2, 1, 30, 32, 31],
        ...                       "spend": [10, 12, 11, 300, 310, 305]})
        >>> seg = segment_customers(frame, k=2, n_boot=0)
        >>> Segmentation.from_json(seg.to_json()).to_json() == seg.to_json()
        True
        """
        index = self.labels.index.tolist()
        if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in index):
            index = list(range(len(index)))
        profile = self.profile_table
        fields = {
            "k": self.k,
            "features": list(self.features),
            "log_features": list(self.log_features),
            "means": encode_array(self.means),
            "scales": encode_array(self.scales),
            "scaled_centers": encode_array(self.scaled_centers),
            "scores": {
                "k": [int(v) for v in self.scores.index],
                "silhouette": [float(v) for v in self.scores["silhouette"]],
                "inertia": [float(v) for v in self.scores["inertia"]],
            },
            "stability": None if np.isnan(self.stability) else float(self.stability),
            "profile": {
                "columns": [str(c) for c in profile.columns],
                "values": encode_array(profile.to_numpy(dtype=np.float64)),
            },
            "labels": [int(v) for v in self.labels],
            "index": index,
        }
        return write_document(FORMAT, VERSION, fields)

    @validated(path=PATH)
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the segmentation to ``path`` as UTF-8 JSON (exactly :meth:`to_json`'s text).

        The file is replaced only once completely written. Read it back with
        :meth:`load` or :func:`servicekit.load`.

        Parameters
        ----------
        path : str or path-like
            The file to write (conventionally ``*.json``).

        Examples
        --------
        >>> import tempfile
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"spend": [1.0, 1.2, 0.9, 9.0, 9.5, 10.0]})
        >>> model = segment_customers(frame, k=2, transform="none")
        >>> path = tempfile.mkdtemp() + "/model.json"
        >>> model.save(path)
        >>> Segmentation.load(path).to_json() == model.to_json()
        True
        """
        write_file(path, self.to_json())

    @classmethod
    @validated(path=PATH)
    def load(cls, path: str | os.PathLike[str]) -> Segmentation:
        """Read a file written by :meth:`save` (validated like :meth:`from_json`).

        Parameters
        ----------
        path : str or path-like
            A ``servicekit.Segmentation`` file.

        Raises
        ------
        ModelFormatError
            If the file is not UTF-8 JSON of this format or fails validation.
        FileNotFoundError
            If there is no such file.

        Examples
        --------
        >>> Segmentation.load("no-such-model.json")
        Traceback (most recent call last):
        ...
        FileNotFoundError: [Errno 2] No such file or directory: 'no-such-model.json'
        """
        return cls.from_json(read_file(path))

    @classmethod
    @validated(text=JsonText())
    def from_json(cls, text: str) -> Segmentation:
        """Load a segmentation written by :meth:`to_json`, checking every field.

        Raises
        ------
        ModelFormatError
            On invalid JSON, another format or version, a field of the wrong type or
            shape, or content altered after writing.

        Examples
        --------
        >>> Segmentation.from_json('{"format": "servicekit.Segmentation", "version": 2}')
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.Segmentation model file: field 'version' must be 1 (the version this servicekit reads), got 2
        """
        doc = Document(text, FORMAT, VERSION)
        doc.expect_keys(
            {
                "format",
                "version",
                "checksum",
                "k",
                "features",
                "log_features",
                "means",
                "scales",
                "scaled_centers",
                "scores",
                "stability",
                "profile",
                "labels",
                "index",
            }
        )
        k = doc.integer("k", low=1)
        features = tuple(doc.texts("features"))
        if not features:
            doc.fail("features", "is empty")
        log_features = tuple(doc.texts("log_features"))
        if not set(log_features) <= set(features):
            doc.fail("log_features", "must be a subset of 'features'")
        p = len(features)
        means = doc.array("means", shape=(p,))
        scales = doc.array("scales", shape=(p,))
        if (scales <= 0).any():
            doc.fail("scales", "must hold positive numbers")
        centers = doc.array("scaled_centers", shape=(k, p))
        scores_doc = doc.section("scores")
        ks = scores_doc.fields.get("k")
        if not isinstance(ks, list) or not all(type(v) is int for v in ks) or k not in ks:
            scores_doc.fail("k", "must be a list of integers including the chosen k")
        silhouette = scores_doc.numbers("silhouette", shape=(len(ks),))
        inertia = scores_doc.numbers("inertia", shape=(len(ks),))
        scores = pd.DataFrame(
            {"silhouette": silhouette, "inertia": inertia}, index=pd.Index(ks, name="k")
        )
        stability = doc.number("stability", allow_null=True)
        profile_doc = doc.section("profile")
        columns = profile_doc.texts("columns")
        values = profile_doc.array("values", shape=(k, len(columns)))
        profile = pd.DataFrame(
            np.array(values), columns=columns, index=pd.RangeIndex(k, name="segment")
        )
        if "size" in profile:
            profile["size"] = profile["size"].astype(np.int64)
        labels = doc.fields.get("labels")
        index = doc.fields.get("index")
        if not isinstance(labels, list) or not all(type(v) is int and 0 <= v < k for v in labels):
            doc.fail("labels", f"must be a list of segment numbers 0..{k - 1}")
        if (
            not isinstance(index, list)
            or len(index) != len(labels)
            or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in index)
        ):
            doc.fail("index", "must list one string or integer per label")
        result = cls(
            labels=pd.Series(labels, index=index, name="segment", dtype=np.int64),
            k=k,
            features=features,
            log_features=log_features,
            means=means,
            scales=scales,
            scaled_centers=centers,
            scores=scores,
            stability=stability,
            profile_table=profile,
        )
        doc.verify_checksum()
        return result


def _numeric(
    frame: pd.DataFrame, features: Sequence[str], function: str, argument: str
) -> FloatArray:
    for name in features:
        column = frame[name]
        if column.dtype.kind not in "iufb":
            fail(
                function,
                argument,
                f"must hold numbers in feature column {name!r}",
                described(f"dtype {column.dtype}"),
            )
        if column.isna().any():
            fail(
                function,
                argument,
                f"must not hold missing values in feature column {name!r}",
                described("NaN"),
            )
    values = frame[list(features)].to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        fail(function, argument, "must hold finite feature values", described("inf"))
    result_: FloatArray = values
    return result_


def _apply_log(
    values: FloatArray,
    features: Sequence[str],
    log_features: Sequence[str],
    function: str,
    argument: str,
) -> FloatArray:
    out = values.copy()
    for j, name in enumerate(features):
        if name in log_features:
            if (out[:, j] < 0).any():
                fail(
                    function,
                    argument,
                    f"must hold values >= 0 in log-transformed column {name!r}",
                    float(out[:, j].min()),
                )
            out[:, j] = np.log1p(out[:, j])
    result_: FloatArray = out
    return result_


def _nearest(scaled: FloatArray, centers: FloatArray) -> np.ndarray[Any, np.dtype[np.int64]]:
    distances = (scaled**2).sum(axis=1)[:, None] - 2 * scaled @ centers.T + (centers**2).sum(axis=1)
    return np.asarray(np.argmin(distances, axis=1), dtype=np.int64)


def _kmeans(scaled: FloatArray, k: int, random_state: int) -> Any:
    from sklearn.cluster import KMeans

    with warnings.catch_warnings():
        # Duplicate points can leave fewer distinct clusters; checked by the caller.
        warnings.simplefilter("ignore")
        return KMeans(n_clusters=k, n_init=N_INIT, random_state=random_state).fit(scaled)


@validated(
    frame=Frame(min_rows=2),
    features=Column(frame="frame", many=True, optional=True),
    k=Interval(kind="int", low=2, optional=True),
    k_range=InstanceOf(range),
    transform=Options("auto", "log", "none"),
    random_state=Interval(kind="int", low=0),
    n_boot=Interval(kind="int", low=0),
    progress=Flag(),
)
def segment_customers(
    frame: pd.DataFrame,
    *,
    features: Sequence[str] | None = None,
    k: int | None = None,
    k_range: range = range(2, 11),
    transform: str = "auto",
    random_state: int = 0,
    n_boot: int = 10,
    progress: bool = False,
) -> Segmentation:
    """Segment customers by k-means on scaled features; choose k by silhouette.

    Steps: (1) transform: ``"auto"`` applies ``log1p`` to each non-negative feature
    whose sample skewness exceeds 1 (money and counts are usually right-skewed, and
    a few big spenders would otherwise get segments of their own); ``"log"`` applies
    it to every feature (all must be >= 0); ``"none"`` skips it. (2) scale every
    feature to mean 0 and standard deviation 1. (3) scikit-learn's ``KMeans`` with
    ``n_init=10`` restarts and ``random_state``. With ``k=None``, every k of
    ``k_range`` is fitted and the one with the highest mean silhouette is kept
    (computed on a random sample of at most 5,000 rows). Segments are renumbered by
    size, largest first.

    Stability: the data are resampled with replacement ``n_boot`` times, k-means is
    refitted with the chosen k on each resample, every original row is assigned to
    the nearest refitted centre, and the adjusted Rand index against the labels is
    averaged.

    Parameters
    ----------
    frame : DataFrame
        One row per customer.
    features : list of str, optional
        Numeric columns to use; default every numeric (non-boolean) column.
    k : int, optional
        Number of segments; ``None`` chooses it from ``k_range``.
    k_range : range, default range(2, 11)
        The k tried when ``k`` is None (those above the number of distinct rows
        minus one are skipped).
    transform : {"auto", "log", "none"}, default "auto"
    random_state : int, default 0
    n_boot : int, default 10
        Bootstrap refits for :attr:`Segmentation.stability` (0 skips it).
    progress : bool, default False
        Show a progress bar of the k-means fits on standard error (the command line
        turns it on when standard error is a terminal).

    Returns
    -------
    Segmentation

    Raises
    ------
    InvalidInputError
        For non-numeric or missing feature values, a constant feature, all-identical
        rows, a ``k`` larger than the number of distinct rows, or an empty
        ``k_range``.

    References
    ----------
    Rousseeuw, P. J. (1987). Silhouettes: a graphical aid to the interpretation and
    validation of cluster analysis. *J. Comput. Appl. Math.*, 20, 53-65.
    Hennig, C. (2007). Cluster-wise assessment of cluster stability. *Computational
    Statistics & Data Analysis*, 52(1), 258-271.

    Examples
    --------
    >>> frame = pd.DataFrame({"visits": [1, 2, 1, 30, 32, 31, 12, 11, 13],
    ...                       "spend": [10, 12, 11, 300, 310, 305, 90, 95, 100]})
    >>> seg = segment_customers(frame, transform="none", k_range=range(2, 5), n_boot=0)
    >>> seg.k, seg.labels.tolist()
    (3, [2, 2, 2, 0, 0, 0, 1, 1, 1])
    >>> seg.scores.round(3)
       silhouette  inertia
    k
    2       0.815    1.859
    3       0.927    0.038
    4       0.667    0.025
    """
    if features is None:
        features = [c for c in frame.columns if frame[c].dtype.kind in "iuf"]
        if not features:
            fail(
                "segment_customers",
                "frame",
                "must have at least one numeric column",
                described(f"columns {list(frame.columns)}"),
            )
    names = [str(f) for f in features]
    if len(set(names)) != len(names):
        fail("segment_customers", "features", "must not repeat a column", list(features))
    raw = _numeric(frame, list(features), "segment_customers", "features")
    distinct = len(np.unique(raw, axis=0))
    if distinct < 2:
        fail(
            "segment_customers",
            "frame",
            "must hold at least two distinct rows (k-means cannot split identical rows)",
            described(f"{len(frame)} identical row(s)"),
        )
    if transform == "auto":
        skew = pd.DataFrame(raw).skew().to_numpy()
        log_features = tuple(
            n for j, n in enumerate(names) if (raw[:, j] >= 0).all() and skew[j] > SKEW_LIMIT
        )
    elif transform == "log":
        log_features = tuple(names)
    else:
        log_features = ()
    values = _apply_log(raw, names, log_features, "segment_customers", "features")
    means = values.mean(axis=0)
    scales = values.std(axis=0)
    constant = scales == 0
    if constant.any():
        fail(
            "segment_customers",
            "features",
            "must not include constant columns",
            names[int(np.argmax(constant))],
        )
    scaled = (values - means) / scales

    if k is not None:
        if k > distinct:
            fail(
                "segment_customers",
                "k",
                f"must be at most the number of distinct rows ({distinct})",
                k,
            )
        candidates = [k]
    else:
        candidates = [c for c in k_range if 2 <= c <= distinct - 1]
        if not candidates:
            fail(
                "segment_customers",
                "k_range",
                f"must include a k in 2..{distinct - 1} (distinct rows minus one)",
                k_range,
            )
    from sklearn.metrics import silhouette_score

    sample = None
    if len(scaled) > SILHOUETTE_SAMPLE:
        rng = np.random.default_rng(random_state)
        sample = rng.choice(len(scaled), SILHOUETTE_SAMPLE, replace=False)
    steps = len(candidates) + (n_boot if n_boot > 0 else 0)
    with progress_bar(steps, "segment_customers: k-means", enabled=progress, unit="fit") as bar:
        fits = {}
        rows = []
        for c in candidates:
            bar.set_postfix_str(f"k={c}")
            model = _kmeans(scaled, c, random_state)
            fits[c] = model
            labels_c = model.labels_
            used = len(np.unique(labels_c if sample is None else labels_c[sample]))
            if 2 <= used < (len(scaled) if sample is None else len(sample)):
                pick = slice(None) if sample is None else sample
                silhouette = float(silhouette_score(scaled[pick], labels_c[pick]))
            else:
                silhouette = float("nan")
            rows.append((c, silhouette, float(model.inertia_)))
            bar.update()
        scores = pd.DataFrame(rows, columns=["k", "silhouette", "inertia"]).set_index("k")
        chosen = int(scores["silhouette"].idxmax()) if k is None else k
        model = fits[chosen]
        # Renumber segments by size (largest first; ties by original number) for readability.
        sizes = np.bincount(model.labels_, minlength=chosen)
        order = np.lexsort((np.arange(chosen), -sizes))
        renumber = np.empty(chosen, dtype=np.int64)
        renumber[order] = np.arange(chosen)
        labels = renumber[model.labels_]
        centers = np.asarray(model.cluster_centers_, dtype=np.float64)[order]

        stability = float("nan")
        if n_boot > 0 and chosen >= 2:
            from sklearn.metrics import adjusted_rand_score

            rng = np.random.default_rng(random_state)
            agreements = []
            for b in range(n_boot):
                bar.set_postfix_str(f"stability {b + 1}/{n_boot}")
                bar.update()
                pick = rng.integers(0, len(scaled), len(scaled))
                if len(np.unique(scaled[pick], axis=0)) < chosen:
                    continue
                refit = _kmeans(scaled[pick], chosen, random_state + b + 1)
                agreements.append(adjusted_rand_score(labels, refit.predict(scaled)))
            stability = float(np.mean(agreements)) if agreements else float("nan")

    label_series = pd.Series(labels, index=frame.index, name="segment")
    grouped = pd.DataFrame(raw, columns=names, index=frame.index).groupby(labels)
    profile = pd.DataFrame({"size": np.bincount(labels, minlength=chosen).astype(np.int64)})
    profile["share"] = profile["size"] / len(labels)
    means_by = grouped.mean()
    medians_by = grouped.median()
    for name in names:
        profile[f"{name}_mean"] = means_by[name].reindex(range(chosen)).to_numpy()
        profile[f"{name}_median"] = medians_by[name].reindex(range(chosen)).to_numpy()
    profile.index = pd.RangeIndex(chosen, name="segment")
    return Segmentation(
        labels=label_series,
        k=chosen,
        features=tuple(names),
        log_features=log_features,
        means=means,
        scales=scales,
        scaled_centers=centers,
        scores=scores,
        stability=stability,
        profile_table=profile,
    )
