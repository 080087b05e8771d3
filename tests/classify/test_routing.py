from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.classify import route
from servicekit.errors import InvalidInputError


@dataclass(frozen=True)
class Pred:
    label: str
    escalate: bool
    confidence: float = 0.9


AGENTS = pd.DataFrame(
    {
        "agent": ["ana", "ben", "cy", "dee", "eve"],
        "skills": ["cards", ("cards", "loans"), "loans", "human", {"human"}],
        "load": [2, 0, 1, 0, 3],
    }
)
SKILLS = {"card_arrival": "cards", "loan_rate": "loans", "fraud": "security"}


def test_least_loaded_agent_with_the_skill_takes_each_question_in_turn() -> None:
    table = route(["card_arrival"] * 4, SKILLS, AGENTS)
    # ben 0 -> 1 -> 2, then ana (2, listed first) and ben tie at 2 -> ana, then ben (2) vs ana (3).
    assert table["agent"].tolist() == ["ben", "ben", "ana", "ben"]
    assert table["agent_load"].tolist() == [1, 2, 3, 3]
    assert (table["status"] == "assigned").all()


def test_load_is_shared_across_an_agents_skill_groups() -> None:
    table = route(["card_arrival", "card_arrival", "loan_rate", "loan_rate"], SKILLS, AGENTS)
    # ben takes two card questions (load 2), so loans go to cy (1 -> 2) then cy/ben tie at 2 -> ben
    # (listed first).
    assert table["agent"].tolist() == ["ben", "ben", "cy", "ben"]


def test_escalations_unknown_intents_and_missing_skills_go_to_the_human_tier() -> None:
    preds = [Pred("card_arrival", True, 0.2), Pred("weather", False), Pred("fraud", False)]
    table = route(preds, SKILLS, AGENTS)
    assert table["queue"].tolist() == ["human"] * 3
    assert table["reason"].tolist() == ["low_confidence", "unknown_intent", "no_agent_with_skill"]
    assert table["skill"].tolist() == ["cards", None, "security"]
    assert table["agent"].tolist() == ["dee", "dee", "dee"]
    assert table["confidence"].tolist() == [0.2, 0.9, 0.9]
    assert table["escalate"].tolist() == [True, False, False]


def test_named_tier_and_capacity_leave_overflow_queued_not_dropped() -> None:
    agents = AGENTS.assign(cap=[3, 1, 2, 1, 4])
    preds = ["card_arrival"] * 3 + [Pred("x", True)] * 3
    table = route(preds, SKILLS, agents, capacity_column="cap", escalation_tier="human")
    assert table["agent"].tolist() == ["ben", "ana", None, "dee", "eve", None]
    assert table["status"].tolist() == ["assigned"] * 2 + ["queued"] + ["assigned"] * 2 + ["queued"]
    assert np.isnan(table["agent_load"].iloc[2])
    assert len(table) == len(preds)
    supervisors = AGENTS.assign(skills=["cards", "cards", "loans", "tier2", "tier2"])
    out = route([Pred("card_arrival", True)], SKILLS, supervisors, escalation_tier="tier2")
    assert out.loc[0, "agent"] == "dee"
    nobody = route([Pred("card_arrival", True)], SKILLS, supervisors, escalation_tier="legal")
    assert nobody.loc[0, "status"] == "queued"
    assert nobody.loc[0, "queue"] == "legal"


def test_custom_column_names_and_series_input() -> None:
    agents = AGENTS.rename(columns={"agent": "id", "skills": "groups", "load": "open"})
    table = route(
        pd.Series(["loan_rate"]),
        SKILLS,
        agents,
        agent_column="id",
        skills_column="groups",
        load_column="open",
    )
    assert table.loc[0, "agent"] == "ben"


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"predictions": []}, r"'predictions' must hold at least one prediction"),
        ({"predictions": "card_arrival"}, r"'predictions' must be a sequence"),
        ({"predictions": ["ok", 3]}, r"'predictions' must hold Prediction objects.*position 1"),
        ({"predictions": [Pred("", False)]}, r"'predictions' must hold non-empty string labels"),
        ({"predictions": [Pred("x", 1)]}, r"'predictions' must have a boolean \.escalate"),  # type: ignore[arg-type]
        ({"skills": {}}, r"'skills' must be a non-empty mapping"),
        ({"skills": ["cards"]}, r"'skills' must be a non-empty mapping"),
        ({"skills": {"a": 3}}, r"'skills' must map string labels"),
        (
            {"agents": AGENTS.assign(agent=["a", "a", "b", "c", "d"])},
            r"'agents' must list each agent once.*'a'",
        ),
        (
            {"agents": AGENTS.assign(load=[0, -1, 0, 0, 0])},
            r"'agents' must hold finite numbers >= 0 in 'load'; got -1 for agent 'ben'",
        ),
        (
            {"agents": AGENTS.assign(load=[0, np.nan, 0, 0, 0])},
            r"'agents' must hold finite numbers",
        ),
        ({"agents": AGENTS.assign(load=["0", 1, 0, 0, 0])}, r"'agents' must hold finite numbers"),
        (
            {"agents": AGENTS.assign(skills=["cards", 3, "x", "y", "z"])},
            r"skill group\(s\) in 'skills'.*3 for agent 'ben'",
        ),
        ({"agents": AGENTS.assign(skills=["cards", [], "x", "y", "z"])}, r"skill group\(s\)"),
        (
            {"agents": AGENTS.assign(cap=0), "capacity_column": "cap"},
            r"finite numbers > 0 in 'cap'",
        ),
        ({"load_column": "busy"}, r"'load_column' must name a column of 'agents'"),
    ],
)
def test_bad_input_is_reported_with_the_argument(kwargs: dict[str, object], pattern: str) -> None:
    call = {"predictions": ["card_arrival"], "skills": SKILLS, "agents": AGENTS, **kwargs}
    with pytest.raises(InvalidInputError, match=pattern):
        route(**call)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(
    loads=st.lists(st.integers(0, 5), min_size=1, max_size=6),
    n_questions=st.integers(1, 30),
)
def test_each_question_goes_to_a_least_loaded_agent(loads: list[int], n_questions: int) -> None:
    names = [f"a{i}" for i in range(len(loads))]
    agents = pd.DataFrame({"agent": names, "skills": "s", "load": loads})
    table = route(["q"] * n_questions, {"q": "s"}, agents)
    current = dict(zip(names, loads, strict=True))
    for agent, after in zip(table["agent"], table["agent_load"], strict=True):
        lowest = min(current.values())
        assert current[agent] == lowest
        # Ties go to the agent listed first.
        assert agent == next(name for name in names if current[name] == lowest)
        current[agent] += 1
        assert after == current[agent]
