"""docs/cli.md cannot rot: every ``$ servicekit ...`` example runs on the real data and its
output must equal the one printed on the page.

Run with ``SERVICEKIT_UPDATE_DOCS=1`` to rewrite the outputs on the page after a
deliberate change (then read the diff).
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from servicekit.cli import main
from tests.support import real_data

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
BLOCK = re.compile(r"```console\n\$ (?P<command>[^\n]*)\n(?P<output>.*?)```", re.DOTALL)


def _examples(text: str) -> list[re.Match[str]]:
    return list(BLOCK.finditer(text))


def test_every_subcommand_has_an_example() -> None:
    commands = {" ".join(m["command"].split()[:3]) for m in _examples(DOC.read_text("utf-8"))}
    for expected in (
        "servicekit kpi --calls",
        "servicekit churn fit",
        "servicekit churn score",
        "servicekit churn evaluate",
        "servicekit churn drivers",
        "servicekit classify train",
        "servicekit classify predict",
        "servicekit recommend ../shared/data/uci_restaurant_consumer/rating_final.csv",
        "servicekit staff --calls",
        "servicekit staff --forecast",
        "servicekit forecast ../shared/data/bank_calls_2003/bank_calls_2003_03_to_05.csv",
        "servicekit segment ../shared/data/telco/WA_Fn-UseC_-Telco-Customer-Churn.csv",
        "servicekit topics ../shared/data/banking77/test.csv",
    ):
        assert expected in commands


@pytest.mark.realdata
def test_examples_print_what_the_page_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(real_data())
    text = DOC.read_text("utf-8")
    monkeypatch.chdir(tmp_path)  # models and scores the examples write land here
    outputs = []
    for example in _examples(text):
        argv = shlex.split(example["command"].replace("../shared/data", data))
        assert argv[0] == "servicekit"
        capsys.readouterr()
        status = main(argv[1:])
        out, err = capsys.readouterr()
        printed = (out + err).replace(data, "../shared/data")
        assert (status != 0) == (": error: " in printed), printed
        outputs.append((example, printed))
    if os.environ.get("SERVICEKIT_UPDATE_DOCS"):
        for example, printed in reversed(outputs):
            start, end = example.span("output")
            text = text[:start] + printed + text[end:]
        DOC.write_text(text, encoding="utf-8")
        return
    for example, printed in outputs:
        assert printed == example["output"], example["command"]
