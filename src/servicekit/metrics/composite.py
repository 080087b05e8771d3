"""Composite customer-experience score: a weighted mean of parts already on 0..100."""

from __future__ import annotations

import math
from collections.abc import Mapping

from servicekit._validation import NumberMapping, described, fail, validated

__all__ = ["cx_score"]


@validated(parts=NumberMapping(low=0, high=100), weights=NumberMapping(low=0, optional=True))
def cx_score(parts: Mapping[str, float], weights: Mapping[str, float] | None = None) -> float:
    """Customer-experience score: the weighted mean of KPI scores on a common 0..100 scale.

    ``CX = sum(w_k * s_k) / sum(w_k)`` over the parts ``k``. Each part must already be
    a score where 0 is worst and 100 is best: a CSAT percentage, a resolution rate in
    percent, or a time KPI *turned into* a score first (say, the service level in
    percent, or ``100 * min(1, target / actual)``). Raw times cannot be averaged with
    percentages, and a time in minutes is "better" when *smaller*.

    A widely copied worked example averages a CSAT of 90 %, a response time of
    15 minutes and a resolution rate of 80 %, and calls the result 75. It is wrong
    twice: the arithmetic gives ``(90 + 15 + 80) / 3 = 61.7``, and the mean is
    meaningless anyway because 15 minutes is not on the 0..100 scale of the other two.
    Here a part outside 0..100 is an error that names it.

    Parameters
    ----------
    parts : mapping of str to float
        Part name -> score in [0, 100].
    weights : mapping of str to float, optional
        Part name -> non-negative weight, with the same keys as ``parts`` and a
        positive sum. Equal weights by default. Weights need not add up to 1.

    Returns
    -------
    float
        The composite score in [0, 100].

    Raises
    ------
    InvalidInputError
        If a part is outside [0, 100] (naming the part), a weight is negative, the
        weights' keys differ from the parts' keys, or all weights are 0.

    Examples
    --------
    >>> round(cx_score({"csat": 90, "service_level": 72, "resolution": 80}), 1)
    80.7
    >>> cx_score({"csat": 90, "resolution": 80}, weights={"csat": 3, "resolution": 1})
    87.5

    The counter-example: its arithmetic gives 61.7, not 75, and even that number is
    meaningless, since 15 minutes is not a 0..100 score (it merely happens to fit in the
    range; 150 minutes would not).

    >>> round(cx_score({"csat": 90, "response_minutes": 15, "resolution": 80}), 1)
    61.7
    >>> cx_score({"csat": 90, "response_minutes": 150, "resolution": 80})
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInputError: cx_score(): 'parts' must map 'response_minutes' to a number in [0, 100]; got 150.0
    """
    if weights is None:
        weights = dict.fromkeys(parts, 1.0)
    elif set(weights) != set(parts):
        missing = sorted(set(parts) - set(weights))
        extra = sorted(set(weights) - set(parts))
        fail(
            "cx_score",
            "weights",
            "must have the same keys as 'parts'",
            described(f"missing {missing}, extra {extra}"),
        )
    # Weights only matter relative to each other: dividing by the largest keeps sums of
    # weights near float64's limit (1e308 each) finite.
    largest = max(weights.values())
    if largest <= 0:
        fail("cx_score", "weights", "must have a positive sum", math.fsum(weights.values()))
    relative = {name: weight / largest for name, weight in weights.items()}
    total = math.fsum(relative.values())
    mean = math.fsum(relative[name] * score for name, score in parts.items()) / total
    return min(max(mean, 0.0), 100.0)  # rounding must not leave 0..100
