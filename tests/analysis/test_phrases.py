"""PhraseTfidf gives scikit-learn's sublinear TF-IDF of words and adjacent pairs."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis.phrases import PhraseTfidf

DOCS = [
    ["bus", "route", "late"],
    ["bus", "bus", "route"],
    ["park", "bench", "park", "bench"],
    [],
    ["street", "light", "broken", "street", "light"],
    ["late", "bus"],
    ["park"],
]


def with_pairs(tokens):
    return list(tokens) + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def reference(docs, min_df=1):
    vectorizer = TfidfVectorizer(analyzer=lambda d: d, min_df=min_df, sublinear_tf=True)
    x = vectorizer.fit_transform([with_pairs(d) for d in docs])
    return vectorizer, x


@pytest.mark.parametrize("min_df", [1, 2])
def test_same_weights_as_scikit_learn(min_df):
    vectorizer, expected = reference(DOCS, min_df)
    model = PhraseTfidf(min_df=min_df)
    got = model.fit_transform(DOCS)
    names = model.get_feature_names_out()
    assert sorted(names) == sorted(vectorizer.get_feature_names_out())
    order = [vectorizer.vocabulary_[n] for n in names]
    np.testing.assert_allclose(got.toarray(), expected[:, order].toarray(), atol=1e-6)

    new = [["bus", "route", "unknown"], ["unknown"], ["park", "bench"]]
    np.testing.assert_allclose(
        model.transform(new).toarray(),
        vectorizer.transform([with_pairs(d) for d in new])[:, order].toarray(),
        atol=1e-6,
    )


def test_pairs_never_span_two_entries():
    names = set(_names(DOCS))
    assert "late bus" in names
    assert "route park" not in names and "late street" not in names


def _names(docs):
    model = PhraseTfidf()
    model.fit_transform(docs)
    return model.get_feature_names_out()


def test_max_features_keeps_the_most_frequent_terms():
    model = PhraseTfidf(max_features=2)
    model.fit_transform(DOCS)
    assert sorted(model.get_feature_names_out()) == ["bus", "park"]


def test_empty_vocabulary_is_an_error():
    with pytest.raises(ValueError, match="empty vocabulary"):
        PhraseTfidf().fit_transform([[], []])
