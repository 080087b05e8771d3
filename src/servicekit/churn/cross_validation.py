"""Repeated stratified k-fold cross-validation of the table-level churn model."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from servicekit._progress import progress_bar
from servicekit._validation import Column, Flag, Frame, Interval, fail, validated
from servicekit.churn.evaluation import evaluate
from servicekit.churn.model import fit_churn_model, target_outcome
from servicekit.errors import ServicekitWarning

__all__ = ["cross_validate"]

_FIT_OPTIONS = ("positive", "exclude", "categorical", "l2", "missing")


@validated(
    frame=Frame(min_rows=4),
    target=Column("frame"),
    folds=Interval(kind="int", low=2),
    repeats=Interval(kind="int", low=1),
    random_state=Interval(kind="int", low=0),
    progress=Flag(),
)
def cross_validate(
    frame: pd.DataFrame,
    *,
    target: str,
    folds: int = 5,
    repeats: int = 1,
    random_state: int = 0,
    progress: bool = False,
    **fit_options: Any,
) -> pd.DataFrame:
    """Repeated stratified k-fold cross-validation of :func:`fit_churn_model`.

    Each repeat shuffles the rows (seeded by ``random_state``) and splits them into
    ``folds`` parts with the churn rate of the whole table (stratified); each part
    is scored once by a model fitted on the others and evaluated with
    :func:`~servicekit.churn.evaluate` at its default threshold of 0.5. Everything
    learned from data (column types, levels, medians, aliased columns,
    coefficients) is learned inside each training split, so nothing leaks from
    the held-out part. With ``missing="drop"`` rows with missing values are left
    out of both the fits and the evaluation (``n_train`` and ``n_test`` count the
    rows used).

    Parameters
    ----------
    frame : DataFrame
        One row per customer, including the ``target`` column.
    target : str
        The outcome column.
    folds : int, default 5
        Parts per repeat (each class needs at least ``folds`` rows).
    repeats : int, default 1
        Number of differently shuffled repetitions.
    random_state : int, default 0
        Seed of the shuffling.
    progress : bool, default False
        Show a progress bar of the fits on standard error (the command line turns it
        on when standard error is a terminal).
    **fit_options
        ``positive``, ``exclude``, ``categorical``, ``l2`` and ``missing``, passed
        to :func:`fit_churn_model`.

    Returns
    -------
    DataFrame
        One row per (repeat, fold) with ``repeat``, ``fold``, ``n_train``,
        ``n_test`` and the fields of :class:`~servicekit.churn.ChurnEvaluation`
        (``roc_auc``, ``pr_auc``, ``accuracy``, ... ``top_decile_lift``).

    References
    ----------
    R. Kohavi (1995), "A study of cross-validation and bootstrap for accuracy
    estimation and model selection", IJCAI, 1137-1145 (stratified k-fold).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> tenure = rng.integers(1, 72, size=200)
    >>> churn = rng.random(200) < 1 / (1 + np.exp(0.08 * tenure - 1.5))
    >>> frame = pd.DataFrame({"tenure": tenure, "churn": churn})
    >>> scores = cross_validate(frame, target="churn", folds=4)
    >>> list(scores.columns[:5])
    ['repeat', 'fold', 'n_train', 'n_test', 'roc_auc']
    >>> len(scores), bool(scores["roc_auc"].mean() > 0.7)
    (4, True)
    """
    from sklearn.model_selection import RepeatedStratifiedKFold

    unknown = sorted(set(fit_options) - set(_FIT_OPTIONS))
    if unknown:
        fail(
            "cross_validate",
            "fit_options",
            f"must be options of fit_churn_model ({', '.join(_FIT_OPTIONS)})",
            unknown,
        )
    table = frame
    outcome, _, _ = target_outcome(table, target, fit_options.get("positive"), "cross_validate")
    smallest = int(min(outcome.sum(), len(outcome) - outcome.sum()))
    if smallest < folds:
        fail(
            "cross_validate",
            "folds",
            f"must not exceed the size of the smaller class ({smallest})",
            folds,
        )
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=random_state)
    rows = []
    splits = splitter.split(np.zeros(len(outcome)), outcome)
    with progress_bar(folds * repeats, "cross_validate", enabled=progress, unit="fit") as bar:
        for index, (train, test) in enumerate(splits):
            rows.append(_fold(table, target, fit_options, outcome, train, test, index, folds))
            bar.update()
    scores: pd.DataFrame = pd.DataFrame(rows)
    return scores


def _fold(
    table: pd.DataFrame,
    target: str,
    fit_options: dict[str, Any],
    outcome: Any,
    train: Any,
    test: Any,
    index: int,
    folds: int,
) -> dict[str, Any]:
    """Fit on ``train``, score ``test``: one row of :func:`cross_validate`'s table."""
    model = fit_churn_model(table.iloc[train], target=target, **fit_options)
    with warnings.catch_warnings():
        # Unscored rows under missing="drop" are documented above, not news per fold.
        warnings.filterwarnings("ignore", message=".*get no score", category=ServicekitWarning)
        proba = model.predict_proba(table.iloc[test]).to_numpy()
    scored = ~np.isnan(proba)  # only rows with missing values under missing="drop"
    result = evaluate(outcome[test][scored].astype(bool), proba[scored])
    return {
        "repeat": index // folds,
        "fold": index % folds,
        "n_train": int(model.logistic.n_obs),  # unweighted: the number of rows
        "n_test": int(scored.sum()),
        **result.to_dict(),
    }
