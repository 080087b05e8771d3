"""Routing classified questions to the least-loaded agent with the matching skill."""

from __future__ import annotations

import heapq
import math
import numbers
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from servicekit._validation import Column, Frame, Text, described, fail, validated

__all__ = ["route"]

_NUMERIC_DTYPES = {
    "question": "int64",
    "confidence": "float64",
    "escalate": bool,
    "agent_load": "float64",
}


@runtime_checkable
class PredictionLike(Protocol):
    """What :func:`route` reads from a prediction: its ``label`` and ``escalate`` flag."""

    @property
    def label(self) -> str: ...  # pragma: no cover - protocol

    @property
    def escalate(self) -> bool: ...  # pragma: no cover - protocol


@validated(
    agents=Frame(min_rows=1),
    escalation_tier=Text(),
    agent_column=Column("agents"),
    skills_column=Column("agents"),
    load_column=Column("agents"),
    capacity_column=Column("agents", optional=True),
)
def route(
    predictions: Sequence[PredictionLike | str],
    skills: Mapping[str, str],
    agents: pd.DataFrame,
    *,
    escalation_tier: str = "human",
    agent_column: str = "agent",
    skills_column: str = "skills",
    load_column: str = "load",
    capacity_column: str | None = None,
) -> pd.DataFrame:
    """Send each question to the least-loaded agent who has the skill its intent needs.

    Questions are routed one after another in the order given. Each goes to a *queue*:

    - the skill group ``skills[label]`` of its predicted intent (reason ``"intent"``);
    - the human ``escalation_tier`` when the prediction asks to escalate (reason
      ``"low_confidence"``), when its intent is not in ``skills`` (``"unknown_intent"``),
      or when no agent at all has the intent's skill (``"no_agent_with_skill"``).

    Within the queue it is assigned to the agent with the lowest current load (ties go to
    the agent listed first), whose load then grows by one, so a batch spreads over the
    team. Agents at their capacity are skipped; when nobody in the queue can take it the
    question stays ``"queued"`` with no agent. Nothing is dropped: every question has a
    row saying where it went and why.

    Parameters
    ----------
    predictions : sequence of Prediction or str
        Classifier output, e.g. ``QuestionClassifier.classify(texts)``: objects with a
        ``label`` (str) and an ``escalate`` (bool) attribute, and optionally
        ``confidence``. A plain string is a label that does not ask to escalate.
    skills : mapping of str to str
        Intent label → skill group (e.g. ``{"card_arrival": "cards"}``).
    agents : DataFrame
        One row per agent: an identifier (``agent_column``), the skill group or groups
        they serve (``skills_column``: a string, or a list/tuple/set of strings), their
        current load (``load_column``: open conversations, a number >= 0) and, if
        ``capacity_column`` is given, the most they may hold at once. Agents serving
        ``escalation_tier`` form the human tier.
    escalation_tier : str, default "human"
        Skill group that receives escalations, unknown intents and unskilled questions.
    agent_column, skills_column, load_column : str
        Column names in ``agents``.
    capacity_column : str, optional
        Column of per-agent capacities (numbers > 0); none means unlimited.

    Returns
    -------
    DataFrame
        One row per question, in input order, with columns ``question`` (position),
        ``label``, ``confidence`` (NaN when unknown), ``escalate``, ``skill`` (the
        intent's skill group, None when the intent is unknown), ``queue``, ``reason``
        (one of ``"intent"``, ``"low_confidence"``, ``"unknown_intent"``,
        ``"no_agent_with_skill"``), ``agent`` (None when queued), ``agent_load`` (the
        agent's load after the assignment) and ``status`` (``"assigned"`` or
        ``"queued"``).

    Raises
    ------
    InvalidInputError
        On an empty or malformed ``predictions`` or ``skills``, duplicate agent
        identifiers, negative or non-finite loads, non-positive capacities, or skill
        cells that are not strings.

    Examples
    --------
    >>> import pandas as pd
    >>> agents = pd.DataFrame({
    ...     "agent": ["ana", "ben", "cy", "dee"],
    ...     "skills": ["cards", ["cards", "loans"], "loans", "human"],
    ...     "load": [2, 0, 1, 0],
    ... })
    >>> skills = {"card_arrival": "cards", "loan_rate": "loans", "fraud": "security"}
    >>> table = route(["card_arrival", "card_arrival", "loan_rate", "fraud", "weather"],
    ...               skills, agents)
    >>> table[["label", "queue", "reason", "agent", "status"]]
              label  queue               reason agent    status
    0  card_arrival  cards               intent   ben  assigned
    1  card_arrival  cards               intent   ben  assigned
    2     loan_rate  loans               intent    cy  assigned
    3         fraud  human  no_agent_with_skill   dee  assigned
    4       weather  human       unknown_intent   dee  assigned
    """
    records = _prediction_records(predictions)
    skill_of = _skill_map(skills)
    ids = list(agents[agent_column])
    groups = _agent_groups(agents[skills_column], ids, skills_column)
    loads = _numbers(agents[load_column], load_column, ids, low=0.0, strict=False)
    capacity = (
        _numbers(agents[capacity_column], capacity_column, ids, low=0.0, strict=True)
        if capacity_column is not None
        else [math.inf] * len(ids)
    )
    duplicated = pd.Index(ids).duplicated()
    if duplicated.any():
        fail(
            "route",
            "agents",
            f"must list each agent once in '{agent_column}'",
            ids[duplicated.argmax()],
        )

    queues = _Queues(groups, loads, capacity)
    rows = []
    for position, (label, escalate, confidence) in enumerate(records):
        skill = skill_of.get(label)
        if escalate:
            queue, reason = escalation_tier, "low_confidence"
        elif skill is None:
            queue, reason = escalation_tier, "unknown_intent"
        elif not queues.has_group(skill):
            queue, reason = escalation_tier, "no_agent_with_skill"
        else:
            queue, reason = skill, "intent"
        chosen = queues.assign(queue)
        rows.append(
            {
                "question": position,
                "label": label,
                "confidence": confidence,
                "escalate": escalate,
                "skill": skill,
                "queue": queue,
                "reason": reason,
                "agent": None if chosen is None else ids[chosen],
                "agent_load": math.nan if chosen is None else queues.loads[chosen],
                "status": "queued" if chosen is None else "assigned",
            }
        )
    # Built as object columns so None stays None (pandas' string dtype would make it NaN).
    table: pd.DataFrame = pd.DataFrame(rows, dtype=object).astype(_NUMERIC_DTYPES)
    return table


class _Queues:
    """Least-loaded choice per skill group, with lazy min-heaps shared across groups."""

    def __init__(self, groups: list[frozenset[str]], loads: list[float], capacity: list[float]):
        self.loads = loads
        self.capacity = capacity
        self.members: dict[str, list[int]] = {}
        for index, agent_groups in enumerate(groups):
            for group in agent_groups:
                self.members.setdefault(group, []).append(index)
        self.groups = groups
        self.heaps: dict[str, list[tuple[float, int]]] = {}

    def has_group(self, group: str) -> bool:
        return group in self.members

    def _heap(self, group: str) -> list[tuple[float, int]]:
        if group not in self.heaps:
            heap = [(self.loads[i], i) for i in self.members.get(group, [])]
            heapq.heapify(heap)
            self.heaps[group] = heap
        return self.heaps[group]

    def assign(self, group: str) -> int | None:
        heap = self._heap(group)
        while heap:
            load, index = heap[0]
            if load != self.loads[index]:  # stale: the agent took work in another group
                heapq.heappop(heap)
                continue
            if load + 1 > self.capacity[index]:  # full for good: loads only grow
                heapq.heappop(heap)
                continue
            self.loads[index] = load + 1
            for other in self.groups[index]:
                if other in self.heaps:
                    heapq.heappush(self.heaps[other], (load + 1, index))
            return index
        return None


def _prediction_records(predictions: Any) -> list[tuple[str, bool, float]]:
    if isinstance(predictions, (str, bytes, Mapping)) or not isinstance(
        predictions, (Sequence, pd.Series)
    ):
        fail("route", "predictions", "must be a sequence of predictions or labels", predictions)
    items = list(predictions)
    if not items:
        fail("route", "predictions", "must hold at least one prediction", described("0"))
    records = []
    for position, item in enumerate(items):
        if isinstance(item, str):
            label, escalate, confidence = item, False, math.nan
        elif isinstance(item, PredictionLike):
            label, escalate = item.label, item.escalate
            raw = getattr(item, "confidence", math.nan)
            confidence = float(raw) if isinstance(raw, numbers.Real) else math.nan
        else:
            fail(
                "route",
                "predictions",
                "must hold Prediction objects (with .label and .escalate) or label strings",
                item,
                position=position,
            )
        if not isinstance(label, str) or not label.strip():
            fail(
                "route",
                "predictions",
                "must hold non-empty string labels",
                label,
                position=position,
            )
        if not isinstance(escalate, bool):
            fail(
                "route", "predictions", "must have a boolean .escalate", escalate, position=position
            )
        records.append((label, escalate, confidence))
    return records


def _skill_map(skills: Any) -> dict[str, str]:
    if not isinstance(skills, Mapping) or not skills:
        fail(
            "route", "skills", "must be a non-empty mapping of intent label to skill group", skills
        )
    for label, group in skills.items():
        if not isinstance(label, str) or not isinstance(group, str) or not group.strip():
            fail(
                "route",
                "skills",
                "must map string labels to non-empty skill-group names",
                {label: group},
            )
    return dict(skills)


def _agent_groups(cells: pd.Series[Any], ids: list[Hashable], column: str) -> list[frozenset[str]]:
    groups = []
    for position, cell in enumerate(cells):
        names = [cell] if isinstance(cell, str) else cell
        if (
            not isinstance(names, (list, tuple, set, frozenset))
            or not names
            or not all(isinstance(name, str) and name.strip() for name in names)
        ):
            fail(
                "route",
                "agents",
                f"must give each agent's skill group(s) in '{column}' as a string or a list of strings",
                f"{cell!r} for agent {ids[position]!r}",
            )
        groups.append(frozenset(names))
    return groups


def _numbers(
    cells: pd.Series[Any], column: str, ids: list[Hashable], *, low: float, strict: bool
) -> list[float]:
    out = []
    for position, cell in enumerate(cells):
        ok = (
            not isinstance(cell, (bool, np.bool_))
            and isinstance(cell, numbers.Real)
            and math.isfinite(cell)
        )
        if not ok or (cell <= low if strict else cell < low):
            fail(
                "route",
                "agents",
                f"must hold finite numbers {'>' if strict else '>='} {low:g} in '{column}'",
                described(f"{cell!r} for agent {ids[position]!r}"),
            )
        out.append(float(cell))
    return out
