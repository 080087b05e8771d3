"""servicekit.classify: question classification that knows when to hand over to a human.

* :func:`preprocess` normalises text with NLTK parts that need no downloads (the
  shared offline pipeline of :mod:`servicekit.text`, re-exported here).
* :func:`fit_question_classifier` fits a word + character TF-IDF classifier
  (logistic regression by default) and returns an immutable
  :class:`QuestionClassifier` with probabilities, top-k labels, escalation
  (:meth:`QuestionClassifier.classify`), explanations and JSON persistence.
* :func:`threshold_curve` lays out the escalation trade-off on validation data and
  :func:`choose_threshold` picks a threshold by F1 or by a budget (escalation share,
  answer precision, out-of-scope recall);
  :func:`evaluate_classifier` reports accuracy, macro F1, top-3 accuracy and
  escalation figures.
* :class:`FaqIndex` answers routine questions from a FAQ by cosine similarity.
* :func:`route` sends each classified question to the least-loaded agent with the
  matching skill, and escalations to a human tier.

Nothing here downloads anything, at import, fit or prediction time.
"""

from __future__ import annotations

from servicekit.classify.evaluation import ClassificationReport, evaluate_classifier
from servicekit.classify.faq import FaqIndex, FaqMatch
from servicekit.classify.model import Prediction, QuestionClassifier, fit_question_classifier
from servicekit.classify.routing import route
from servicekit.classify.threshold import choose_threshold, threshold_curve
from servicekit.text import preprocess

__all__ = [
    "ClassificationReport",
    "FaqIndex",
    "FaqMatch",
    "Prediction",
    "QuestionClassifier",
    "choose_threshold",
    "evaluate_classifier",
    "fit_question_classifier",
    "preprocess",
    "route",
    "threshold_curve",
]
