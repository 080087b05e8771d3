"""servicekit.text: the offline text pipeline, shared by classify and insights.

Two steps, both working with no downloaded data (no ``nltk.download``, no network):

* **Preprocessing** (:mod:`servicekit.text.preprocessing`): lowercase, tokenise into
  runs of letters and digits, drop English stop words, Snowball-stem.
  :func:`preprocess` does one text (validated, for users);
  :meth:`PreprocessOptions.apply` does many texts at once (for library code, stems
  cached across texts).
* **TF-IDF** (:mod:`servicekit.text.tfidf`): :meth:`TextFeatures.fit` learns a word
  n-gram block (on preprocessed text) and a character n-gram block (on raw text) from
  training texts, as set by :class:`FeatureOptions`; :meth:`TextFeatures.transform`
  maps new texts to a sparse CSR matrix (word columns, then character columns, each
  block with unit-L2 rows); :meth:`TextFeatures.feature_names` names the columns;
  :meth:`TextFeatures.to_dict` / :meth:`TextFeatures.from_dict` save and rebuild it as
  plain JSON-ready data, giving the very same matrix. :func:`normalise_rows` rescales
  a matrix's rows to unit length, for cosine similarity.

This is a core module: areas (``servicekit.classify``, ``servicekit.insights``) import
it; it imports no area. ``servicekit.classify.preprocess`` is :func:`preprocess`.

Examples
--------
>>> from servicekit.text import FeatureOptions, PreprocessOptions, TextFeatures
>>> PreprocessOptions().apply(["Why was I charged twice?", "My card has not arrived"])
['charg twice', 'card arriv']
>>> options = FeatureOptions(word_ngrams=(1, 1), char_ngrams=None)
>>> features = TextFeatures.fit(["reset my PIN", "card not arrived", "reset card"], options)
>>> features.feature_names()
['arriv', 'card', 'my', 'not', 'pin', 'reset']
>>> features.transform(["Reset the PIN please"]).toarray().round(3)
array([[0.   , 0.   , 0.   , 0.   , 0.796, 0.605]])
"""

from __future__ import annotations

from servicekit.text.preprocessing import (
    LANGUAGES,
    STOP_WORD_LANGUAGES,
    PreprocessOptions,
    preprocess,
)
from servicekit.text.tfidf import FeatureOptions, NgramRange, TextFeatures, normalise_rows

__all__ = [
    "LANGUAGES",
    "STOP_WORD_LANGUAGES",
    "FeatureOptions",
    "NgramRange",
    "PreprocessOptions",
    "TextFeatures",
    "normalise_rows",
    "preprocess",
]
