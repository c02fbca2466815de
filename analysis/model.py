"""ThemeModel: the estimator that turns free-text entries into themes."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from analysis import cluster
from analysis.assigning import AssignmentsMixin
from analysis.entries import check_input as _check_input
from analysis.entries import distinct as _distinct
from analysis.partition import PartitionMixin, median_theme_size
from analysis.preprocess import apply_steps, default_steps, tokenize_all
from analysis.progress import Stages as _Stages
from analysis.progress import progress as _progress
from analysis.representation import (
    EmbeddingRepresentation,
    TfidfRepresentation,
)
from analysis.results import Report
from analysis.themes import ThemesMixin

REPRESENTATIONS = {"tfidf": TfidfRepresentation, "embedding": EmbeddingRepresentation}


class ThemeModel(PartitionMixin, AssignmentsMixin, ThemesMixin, BaseEstimator):
    """Cluster short free-text entries into labelled themes.

    Stages (each swappable): preprocessing steps -> representation -> spherical k-means
    (number of themes chosen by stability under resampling when not
    given) -> labeller (c-TF-IDF keywords,
    label, representative entries) -> optional framework mapping.

    Parameters
    ----------
    n_themes : int or None, default=None
        Number of themes; None chooses it automatically (see ``selection_``).
    representation : {"tfidf", "embedding"} or estimator, default="tfidf"
        "tfidf" needs no neural network; "embedding" adds all-MiniLM-L6-v2 sentence
        embeddings (optional extra). An object with ``fit(texts, tokens, embeddings)`` and
        ``transform(texts, tokens, embeddings)`` returning unit vectors is accepted too.
    random_state : int, RandomState or None, default=0
    max_themes : int, default=100
        Cap on the automatic choice.
    min_theme_size : int or "auto", default="auto"
        Themes with fewer entries are merged into their nearest theme ("auto": 0.1% of the
        entries, at least 2).
    area_name : str or list of str, optional
        The area's own name, added to the stop words.
    extra_stop_words : str or list of str, optional
        Words that carry no theme in this consultation, added to the stop words in every
        form ("ban" also drops "bans" and "banned"): the question's own words, or the verbs
        every petition starts with.
    steps : list of callables, optional
        Preprocessing steps from text to tokens (default: :func:`default_steps`, given
        ``area_name`` and ``extra_stop_words``, which are not used when ``steps`` is given).
    n_keywords : int, default=8
    n_representatives : int, default=5
    secondary_distinct : float, default=0.15
        An entry also raises another theme when it is at least this similar to what that
        theme does not share with its primary theme (the part of the theme's centre
        orthogonal to the primary's centre), and at least ``secondary_min`` similar to the
        theme itself. Neighbouring themes of one subject share most of their centres, so
        being near both is not raising two things; saying something the primary theme does
        not say is.
    secondary_min : float, default=0.3
    framework : path, dict or list, optional
        The strategy's own themes (see :mod:`analysis.framework`).
    framework_threshold : float, default=0.3
        A theme whose best framework score is below this is marked new: it fits nothing in
        the framework.
    framework_relative : float, default=0.8
        A theme is also marked new when its best framework score is below this fraction of
        the median best score of all themes: it fits the framework clearly worse than the
        typical theme does. How similar a theme and a framework theme can be depends on the
        representation and on how much the framework says of each theme, so a fixed
        threshold alone marks nearly every theme new with one and none with another.
    framework_feedback : int, default=10
        Each framework theme is joined with the mean of this many entries that match it best
        (pseudo-relevance feedback) before themes and entries are matched to it: its name and
        description are a few of the words residents use for it. Whether a theme is new is
        still judged on the framework's own words. 0 turns it off.
    sample_size : int, default=20_000
        Distinct entries used to fit the theme centres; the rest are assigned to them.
    neighbours : int or "auto", default="auto"
        Before clustering, each entry's vector is averaged with those of this many nearest
        entries (see :class:`analysis.cluster.NeighbourSmoother`); 0 turns it off. "auto": 15
        for "embedding", where it adds 2-5 points of NMI, and 0 for "tfidf", where it does not
        pay for its time. The number of themes is always chosen on smoothed vectors (without
        smoothing, the 2,000 sampled entries are smoothed by 15 neighbours for the choice
        alone). The final UMAP clustering (``reduce``) is given the vectors before smoothing.
    reduce : {"auto", "umap"} or None, default="auto"
        The final themes are found by Euclidean k-means on UMAP coordinates of the vectors
        (:class:`analysis.manifold.UmapReducer`; the number of themes and the term weights are
        still found on the vectors themselves). "auto": "umap" for "embedding" (from 0.798 to
        0.822 NMI on banking77, 0.482 to 0.529 on newport_seeclickfix) and None for "tfidf"
        (no better there, and slower). It is skipped below 60 distinct entries, and when the
        median theme holds fewer than 40 entries: UMAP's neighbourhoods of 15 entries then
        merge the smaller themes (tweet, 89 themes in 2,472 entries: ARI 0.586 without,
        0.496 with).
    reweight_rounds : int, default=2
        After the first clustering, every term is weighted by how concentrated its use is in
        the themes found (:func:`analysis.representation.theme_term_weights`) and the entries
        are clustered again from the same centres, this many times; 0 turns it off. Words all
        themes use alike stop pulling entries together. Skipped for a representation without
        ``set_term_weights``.
    n_jobs : int or None, default=1
        Threads for the numerical libraries (BLAS, OpenMP) while fitting; None leaves them
        as they are (all cores). One is the default because the matrices here are small
        enough that threads mostly wait for each other, and on a busy server they wait for
        the other processes too: on 2 shared cores 10,000 entries took 2.4 s with one thread
        and 10.7 s with two, a million 25 s and 48 s. The MiniLM encoding of "embedding" is
        not limited: a neural network's matrices do profit from threads (203 texts/s on two
        threads, 95 on one).
    show_progress : bool, default=False

    Attributes
    ----------
    labels_ : ndarray of shape (n_entries,)
        Primary theme id of every entry (-1 only for empty entries).
    scores_ : ndarray of shape (n_entries,)
        Cosine similarity of each entry to its theme's centre.
    themes_ : list of Theme
    ids_ : list
    n_themes_ : int
    selection_ : list of Candidate
        Numbers of themes tried with their stability, the one chosen marked ``chosen``
        (empty when ``n_themes`` was given).
    centres_ : ndarray of shape (n_themes_, d)
        Unit mean vector of each theme's entries.
    partition_ : dict
        How the final themes were drawn: ``{"method": "k-means" or "average linkage",
        "silhouette": {method: score}}``. k-means' themes are compared with those of average
        linkage (on a sample of 3,000 entries, every entry then placed at its nearest
        centre), and the partition with the higher cosine silhouette is kept. Empty when not
        compared: themes found on UMAP coordinates, a grown set, a single theme, or average
        linkage chaining most entries into one theme.
    reducer_ : UmapReducer or None
    coord_centres_ : ndarray of shape (n_themes_, n_components)
        With a reducer, the k-means centres in its coordinates: an entry's primary theme is
        the nearest of them.
    representation_ : fitted representation stage
    """

    def __init__(
        self,
        n_themes: int | None = None,
        representation="tfidf",
        random_state=0,
        max_themes: int = 100,
        min_theme_size: int | str = "auto",
        area_name=None,
        extra_stop_words=None,
        steps=None,
        n_keywords: int = 8,
        n_representatives: int = 5,
        secondary_distinct: float = 0.15,
        secondary_min: float = 0.3,
        framework=None,
        framework_threshold: float = 0.3,
        framework_relative: float = 0.8,
        framework_feedback: int = 10,
        sample_size: int = 20_000,
        neighbours: int | str = "auto",
        reduce: str | None = "auto",
        reweight_rounds: int = 2,
        n_jobs: int | None = 1,
        show_progress: bool = False,
    ):
        self.n_themes = n_themes
        self.representation = representation
        self.random_state = random_state
        self.max_themes = max_themes
        self.min_theme_size = min_theme_size
        self.area_name = area_name
        self.extra_stop_words = extra_stop_words
        self.steps = steps
        self.n_keywords = n_keywords
        self.n_representatives = n_representatives
        self.secondary_distinct = secondary_distinct
        self.secondary_min = secondary_min
        self.framework = framework
        self.framework_threshold = framework_threshold
        self.framework_relative = framework_relative
        self.framework_feedback = framework_feedback
        self.sample_size = sample_size
        self.neighbours = neighbours
        self.reduce = reduce
        self.reweight_rounds = reweight_rounds
        self.n_jobs = n_jobs
        self.show_progress = show_progress

    # ------------------------------------------------------------------ fitting
    def __setstate__(self, state):
        """A model saved by an earlier version gets the defaults of parameters added since."""
        for name, p in inspect.signature(type(self).__init__).parameters.items():
            if p.default is not inspect.Parameter.empty:
                state.setdefault(name, p.default)
        if "terms_" in state:  # fitted before phrases were shown as written
            state.setdefault("phrase_forms_", {})
        super().__setstate__(state)

    def fit(
        self, texts: Sequence[str], ids: Sequence | None = None, embeddings=None, previous=None
    ):
        """Find the themes of ``texts``.

        Parameters
        ----------
        texts : sequence of str
            The entries; empty ones (or None) are kept but get theme -1.
        ids : sequence, optional
            One unique id per entry (default: positions 0..n-1).
        embeddings : array of shape (n_entries, 384), optional
            Precomputed normalised MiniLM embeddings for ``representation="embedding"``.
        previous : ThemeModel, optional
            A model fitted on earlier entries of the same consultation. Its representation
            is reused and its theme centres start k-means, so the themes that still hold
            keep their members when the data grows (the theme ids may change order; with
            ``n_themes=None`` the previous number of themes is kept).

        Returns
        -------
        self : ThemeModel
        """
        with threadpool_limits(limits=self.n_jobs) as limiter:
            # The sentence encoder's matrices are large enough to profit from every
            # thread: MiniLM encodes about twice as fast on two threads as on one.
            with warnings.catch_warnings():
                # scikit-learn's and torch's OpenMP runtimes set to different thread counts
                # make threadpoolctl warn and take the lower: the limit that was asked.
                warnings.filterwarnings("ignore", "Multiple values possible", UserWarning)
                encoder_threads = limiter.get_original_num_threads()
            return self._fit(texts, ids, embeddings, previous, encoder_threads)

    def _fit(self, texts, ids, embeddings, previous, encoder_threads):
        if previous is not None:
            check_is_fitted(previous, "centres_")
        self.previous_centres_ = None if previous is None else previous.centres_
        self.previous_coord_centres_ = getattr(previous, "coord_centres_", None)
        texts, ids = _check_input(texts, ids)
        self._check_params()
        self.ids_ = ids
        empty = np.array([not t.strip() for t in texts])
        if empty.all():
            raise ValueError("every entry is empty: nothing to find themes in")
        distinct, first, inverse, counts = _distinct(texts, empty)
        emb = None if embeddings is None else np.asarray(embeddings, np.float32)[first]
        tokens = self._tokenize(distinct)
        stages = _Stages(self.show_progress)
        stages.next("representing")
        if previous is not None:
            self.representation_ = previous.representation_
        else:
            self.representation_ = self._make_representation().fit(distinct, tokens, emb)
        if emb is None and hasattr(self.representation_, "embed"):
            with threadpool_limits(limits=encoder_threads):
                emb = self.representation_.embed(distinct)  # once: the rounds below reuse it
        self.smoother_ = None if previous is None else previous.smoother_
        # The number of themes, the centres and the term weights are learnt on at most
        # sample_size distinct entries; every entry is placed once they are settled.
        part = self._structure_sample(distinct, tokens, emb, counts)
        sampled, part_counts = part[0] is not distinct, part[3]
        vectors, usable = self._represent(*part, previous is None)
        stages.next("clustering" if self.n_themes else "choosing the number of themes")
        centres = self._cluster(vectors[usable], part_counts[usable])
        weighable = hasattr(self.representation_, "set_term_weights")
        if previous is None and weighable and self.reweight_rounds and len(centres) > 1:
            vectors, centres = self._reweight(*part, vectors, centres)
        primary = None
        self.reducer_ = None if previous is None else getattr(previous, "reducer_", None)
        per_theme = median_theme_size(vectors[usable], part_counts[usable], centres)
        if sampled:  # the sample stands for the whole set
            per_theme *= counts.sum() / len(part_counts)
        if self._reducing(previous, per_theme, int(usable.sum()), len(centres)):
            stages.next("clustering the UMAP coordinates")
            # UMAP makes its own neighbourhoods: it is given the vectors before smoothing.
            self.smoother_ = None
            vectors, usable = self._represent(distinct, tokens, emb, counts, False)
            centres, primary = self._cluster_coords(vectors, usable, counts, len(centres))
        elif sampled:
            vectors, usable = self._represent(distinct, tokens, emb, counts, False)
            if len(centres) == 0 and usable.any():  # no usable entry was drawn
                centres = self._cluster(vectors[usable], counts[usable])
        centres = self._best_partition(vectors[usable], counts[usable], centres, primary)
        stages.next("labelling")
        self._finish(distinct, first, inverse, counts, tokens, vectors, usable, centres, primary)
        stages.close()
        return self

    def _represent(self, distinct, tokens, emb, counts, refit_smoother: bool):
        """Vectors of the distinct entries (smoothed by their neighbours if enabled)."""
        vectors = self.representation_.transform(distinct, tokens, emb)
        usable = np.linalg.norm(vectors, axis=1) > 0
        if refit_smoother and self._neighbours():
            self.smoother_ = cluster.NeighbourSmoother(
                self._neighbours(), max_reference=self.sample_size, random_state=self.random_state
            ).fit(vectors[usable], counts[usable])
        if self.smoother_ is not None:
            vectors = self.smoother_.transform(vectors)
        return vectors, usable

    def _structure_sample(self, distinct, tokens, emb, counts):
        """(texts, tokens, embeddings, weights) of the entries the structure is learnt on.

        Every distinct entry when there are at most ``sample_size`` of them; otherwise a
        sample drawn in proportion to their counts, each then weighing one.
        """
        if len(distinct) <= self.sample_size:
            return distinct, tokens, emb, counts
        rows = cluster.sample_rows(len(distinct), self.sample_size, self.random_state, counts)
        return (
            [distinct[i] for i in rows],
            [tokens[i] for i in rows],
            None if emb is None else emb[rows],
            np.ones(len(rows)),
        )

    def _check_params(self) -> None:
        if self.n_themes is not None and (int(self.n_themes) != self.n_themes or self.n_themes < 1):
            raise ValueError(f"n_themes must be a positive integer or None, got {self.n_themes!r}")
        if self.reduce not in ("auto", "umap", None):
            raise ValueError(f'reduce must be "auto", "umap" or None, got {self.reduce!r}')
        for name in ("area_name", "extra_stop_words"):
            value = getattr(self, name)
            if value is None or isinstance(value, str):
                continue
            if not isinstance(value, (list, tuple, set, frozenset)) or not all(
                isinstance(word, str) for word in value
            ):
                raise ValueError(f"{name} must be a string or a list of strings, got {value!r}")
        if isinstance(self.representation, str) and self.representation not in REPRESENTATIONS:
            raise ValueError(
                f"representation must be one of {sorted(REPRESENTATIONS)}, "
                f"got {self.representation!r}"
            )

    def _steps(self):
        if self.steps is not None:
            return self.steps
        return default_steps(self.area_name, self.extra_stop_words)

    def _tokenize(self, texts: Sequence[str]) -> list[list[str]]:
        def bar(items):
            return _progress(items, self.show_progress, desc="preprocessing", unit=" entries")

        tokens, self.surface_ = tokenize_all(texts, self._steps(), progress=bar)
        return tokens

    def _make_representation(self):
        if not isinstance(self.representation, str):
            from sklearn.base import clone

            return clone(self.representation)
        cls = REPRESENTATIONS[self.representation]
        if cls is EmbeddingRepresentation:
            return cls(random_state=self.random_state, show_progress=self.show_progress)
        return cls(random_state=self.random_state)

    def _finish(self, distinct, first, inverse, counts, tokens, vectors, usable, centres, primary):
        lab = np.full(len(distinct), -1)
        score = np.zeros(len(distinct), np.float32)
        if len(centres):
            if primary is None:
                lab[usable], score[usable] = cluster.assign(vectors[usable], centres)
            else:
                lab[usable] = primary
                score[usable] = np.einsum("ij,ij->i", vectors[usable], centres[primary])
            sizes = np.bincount(lab[usable], weights=counts[usable], minlength=len(centres))
            # Biggest theme first; the stable sort keeps ties in k-means order.
            order = np.argsort(-sizes, kind="stable")
            order = order[sizes[order] > 0]
            rank = np.full(len(sizes), -1)
            rank[order] = np.arange(len(order))
            centres = centres[order]
            if primary is not None:
                self.coord_centres_ = self.coord_centres_[order]
            lab[usable] = rank[lab[usable]]
        self.has_other_ = bool((~usable).any())
        lab[~usable] = len(centres)
        self.centres_ = centres
        self.n_themes_ = len(centres) + int(self.has_other_)
        self.vectors_, self.distinct_texts_, self.first_index_ = vectors, distinct, first
        self.distinct_labels_, self.distinct_counts_ = lab, counts
        self.entry_index_ = inverse
        self.labels_ = np.where(inverse >= 0, lab[np.maximum(inverse, 0)], -1)
        self.scores_ = np.where(inverse >= 0, score[np.maximum(inverse, 0)], 0.0)
        self._label_themes(tokens)

    # --------------------------------------------------------------- new entries
    def _vectorise(self, texts: Sequence[str], embeddings=None, smooth=True) -> np.ndarray:
        """Vectors of texts as the fitted entries' are made; ``smooth=False`` leaves out the
        averaging with their nearest entries (for texts that are not entries)."""
        tokens = [apply_steps(t, self._steps()) for t in texts]
        vectors = self.representation_.transform(list(texts), tokens, embeddings)
        if not smooth or self.smoother_ is None:
            return vectors
        return self.smoother_.transform(vectors)

    def _neighbours(self) -> int:
        if self.neighbours != "auto":
            return int(self.neighbours)
        return 15 if isinstance(self.representation_, EmbeddingRepresentation) else 0

    def report(self) -> Report:
        """All themes and how their number was chosen, ready for :func:`analysis.to_json`."""
        check_is_fitted(self, "themes_")
        name = self.representation if isinstance(self.representation, str) else "custom"
        params = {k: v for k, v in self.get_params().items() if k not in {"steps", "framework"}}
        params["representation"] = name
        for key in ("area_name", "extra_stop_words"):  # JSON has lists, not sets
            if isinstance(params[key], (set, frozenset)):
                params[key] = sorted(params[key])
        return Report(
            n_entries=len(self.ids_),
            representation=name,
            n_themes=self.n_themes_,
            n_themes_chosen_automatically=self.n_themes is None,
            selection=tuple(
                {"n_themes": c.n_themes, "stability": c.score, "view": c.view, "chosen": c.chosen}
                for c in self.selection_
            ),
            themes=tuple(self.themes_),
            parameters=params,
        )
