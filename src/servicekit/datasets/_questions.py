"""The built-in question set: customer questions over twelve intents, with an FAQ answer each."""

from __future__ import annotations

import json
from importlib import resources

import pandas as pd

from servicekit._validation import validated

__all__ = ["load_questions"]

_FILE = "questions.json"


@validated()
def load_questions() -> pd.DataFrame:
    """Customer questions labelled with their intent, and each intent's FAQ answer.

    300 short questions (25 per intent) over twelve intents of a subscription
    service's customer support: ``reset_password``, ``update_address``,
    ``cancel_subscription``, ``refund_request``, ``track_order``, ``billing_charge``,
    ``update_payment``, ``change_plan``, ``service_outage``, ``delete_data``,
    ``talk_to_agent`` and ``invoice_copy``. The questions and answers were written
    for servicekit (no third-party or customer data) and ship inside the package,
    so loading needs no network. Every fifth question of an intent is in the
    ``"test"`` split, the rest in ``"train"``: a fixed split, so results quoted on it
    compare across versions.

    Returns
    -------
    DataFrame
        300 rows with columns ``question`` (str), ``intent`` (str), ``answer`` (str:
        the FAQ answer of the intent, the same on every row of an intent) and
        ``split`` (``"train"`` or ``"test"``; 240 and 60 rows).

    Examples
    --------
    >>> from servicekit.datasets import load_questions
    >>> questions = load_questions()
    >>> questions.shape, questions["intent"].nunique()
    ((300, 4), 12)
    >>> questions["split"].value_counts().to_dict()
    {'train': 240, 'test': 60}
    >>> questions.loc[0, ["question", "intent"]].tolist()
    ['I forgot my password, how do I reset it?', 'reset_password']
    """
    text = resources.files("servicekit.datasets").joinpath(f"_files/{_FILE}").read_text("utf-8")
    intents = json.loads(text)["intents"]
    rows = [
        (question, intent, entry["answer"], "test" if i % 5 == 4 else "train")
        for intent, entry in intents.items()
        for i, question in enumerate(entry["questions"])
    ]
    frame: pd.DataFrame = pd.DataFrame(rows, columns=["question", "intent", "answer", "split"])
    return frame
