"""Assigning entries to fitted themes: scores, secondary themes, explanations.

A mixin of :class:`analysis.ThemeModel`, kept apart from fitting.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.utils.validation import check_is_fitted

from analysis import framework
from analysis.cluster import assign_coords
from analysis.entries import check_input as _check_input
from analysis.preprocess import apply_steps
from analysis.results import Assignment, Explanation, SecondaryTheme


class AssignmentsMixin:
    """``decision_function``, ``predict``, ``transform``, ``assignments`` and ``explain``.

    Relies on the fitted attributes of :class:`analysis.ThemeModel` (``centres_``,
    ``themes_``, ``vectors_``, ...) and its ``_vectorise``.
    """

    def decision_function(self, texts: Sequence[str], embeddings=None) -> np.ndarray:
        """Cosine similarity of each entry to every theme centre (the "other" theme: 0)."""
        return self._similarities(texts, embeddings)[0]

    def _similarities(self, texts: Sequence[str], embeddings=None):
        """Similarities to the centres, the nearest theme in the reducer's coordinates, and
        the entries' vectors."""
        check_is_fitted(self, "centres_")
        texts, _ = _check_input(texts, None)
        vectors = self._vectorise(texts, embeddings)
        sims = vectors @ self.centres_.T
        nearest = None
        if getattr(self, "reducer_", None) is not None and len(self.centres_):
            coords = self.reducer_.transform(vectors)
            nearest, _ = assign_coords(coords, self.coord_centres_)
        if self.has_other_:
            sims = np.hstack([sims, np.zeros((len(sims), 1), np.float32)])
        return sims, nearest, vectors

    def predict(self, texts: Sequence[str], embeddings=None) -> np.ndarray:
        """Primary theme id of each entry (-1 for empty entries)."""
        sims, nearest, _ = self._similarities(texts, embeddings)
        return self._predict(sims, nearest, texts)[0]

    def _predict(self, sims: np.ndarray, nearest, texts: Sequence[str]):
        """Primary theme and score: the most similar centre, or the nearest in coordinates."""
        if not sims.shape[1]:
            lab, score = np.zeros(len(sims), int), np.zeros(len(sims))
        else:
            lab = sims.argmax(axis=1) if nearest is None else nearest
            score = sims[np.arange(len(sims)), lab]
        no_words = score <= 0
        lab = np.where(no_words, self.n_themes_ - 1 if self.has_other_ else -1, lab)
        empty = np.array([not str(t or "").strip() for t in texts], dtype=bool)
        return np.where(empty, -1, lab), np.where(empty | no_words, 0.0, score)

    def transform(self, texts: Sequence[str], ids: Sequence | None = None, embeddings=None):
        """Assign new entries to the fitted themes.

        Parameters
        ----------
        texts : sequence of str
        ids : sequence, optional
        embeddings : array, optional
            Precomputed MiniLM embeddings (``representation="embedding"``).

        Returns
        -------
        list of Assignment
            One per entry, in order, with primary theme, score and secondary themes.
        """
        texts, ids = _check_input(texts, ids)
        sims, nearest, vectors = self._similarities(texts, embeddings)
        lab, score = self._predict(sims, nearest, texts)
        overlap, fw = self._centre_overlap(), self._framework_scores(vectors)
        return [
            self._assignment(ids[i], lab[i], score[i], sims[i], overlap, fw[i])
            for i in range(len(ids))
        ]

    def _assignment(self, entry_id, theme: int, score, sims, overlap, fw) -> Assignment:
        label = self.themes_[theme].label if theme >= 0 else "(empty)"
        return Assignment(
            id=entry_id,
            theme_id=int(theme),
            theme_label=label,
            score=round(float(score), 4),
            secondary=self._secondary(theme, score, sims, overlap),
            framework=self._entry_fw(theme, fw),
        )

    def _centre_overlap(self) -> np.ndarray:
        """Cosine similarity of every pair of theme centres."""
        return self.centres_ @ self.centres_.T

    def _secondary(self, theme: int, score: float, sims, overlap) -> tuple[SecondaryTheme, ...]:
        """Themes the entry also raises, by what each says that its primary theme does not.

        With unit centres c_p (primary) and c_j, the entry x's similarity to the part of c_j
        orthogonal to c_p is (x·c_j − (c_j·c_p)(x·c_p)) / √(1 − (c_j·c_p)²): computed from
        the similarities alone. Its score is its similarity to the theme itself.
        """
        n = len(overlap)
        if theme < 0 or theme >= n or score <= 0:
            return ()
        shared = overlap[theme]
        own = sims[:n] - shared * sims[theme]
        distinct = own / np.sqrt(np.maximum(1 - shared**2, 1e-6))
        distinct[theme] = -np.inf
        order = np.argsort(-distinct, kind="stable")[:4]
        return tuple(
            SecondaryTheme(int(j), self.themes_[j].label, round(float(sims[j]), 4))
            for j in order
            if distinct[j] >= self.secondary_distinct and sims[j] >= self.secondary_min
        )

    def _framework_scores(self, vectors: np.ndarray) -> np.ndarray:
        """Each entry's similarity to every framework theme (no columns without one)."""
        if self.framework_themes_ is None:
            return np.zeros((len(vectors), 0), np.float32)
        return framework.match_scores(vectors, self.framework_vectors_)

    def _entry_fw(self, theme: int, scores: np.ndarray):
        """The framework themes closest to what the entry itself says.

        An entry is matched on its own words, not its theme's: a theme holds more than one
        framework theme's entries when the framework is finer than the themes found.
        """
        if theme < 0 or self.framework_themes_ is None:
            return ()
        return framework.top_matches(scores, self.framework_themes_)

    def assignments(self) -> list[Assignment]:
        """The assignment of every fitted entry, in input order (computed on demand)."""
        check_is_fitted(self, "labels_")
        out, overlap = [], self._centre_overlap()
        for start in range(0, len(self.ids_), 10_000):
            idx = np.arange(start, min(start + 10_000, len(self.ids_)))
            d = self.entry_index_[idx]
            vectors = self.vectors_[np.maximum(d, 0)]
            sims, fw = vectors @ self.centres_.T, self._framework_scores(vectors)
            if self.has_other_:
                sims = np.hstack([sims, np.zeros((len(sims), 1), np.float32)])
            out += [
                self._assignment(
                    self.ids_[i], self.labels_[i], self.scores_[i], sims[r], overlap, fw[r]
                )
                for r, i in enumerate(idx)
            ]
        return out

    def _term_shown(self, term: str) -> str:
        """A term as residents write it: a phrase in their words where they wrote it so."""
        written = self.phrase_forms_.get(term)
        return written or " ".join(self.surface_.get(p, p) for p in term.split())

    def explain(self, index: int, n_terms: int = 5, n_nearest: int = 3) -> Explanation:
        """Why fitted entry ``index`` (a position) has its theme.

        Returns
        -------
        Explanation
            The entry's terms weighted by how distinctive they are of its theme, and the
            theme's members nearest to it.
        """
        check_is_fitted(self, "labels_")
        n = len(self.labels_)
        if not isinstance(index, int | np.integer) or not -n <= index < n:
            raise IndexError(f"no entry {index!r}: the model was fitted on {n} entries")
        theme, d = int(self.labels_[index]), int(self.entry_index_[index])
        if theme < 0:
            return Explanation(self.ids_[index], -1, "(empty)", 0.0, (), ())
        tokens = [apply_steps(self.distinct_texts_[d], self._steps())]
        row = self.representation_.tfidf(tokens).tocsr()
        weights = row.data * self.term_scores_[theme, row.indices]
        order = np.argsort(-weights, kind="stable")[:n_terms]
        terms = tuple(
            (self._term_shown(self.terms_[row.indices[j]]), round(float(weights[j]), 4))
            for j in order
            if weights[j] > 0
        )
        members = np.flatnonzero(self.distinct_labels_ == theme)
        members = members[members != d]
        sims = self.vectors_[members] @ self.vectors_[d]
        near = [(members[j], float(sims[j])) for j in np.argsort(-sims, kind="stable")[:n_nearest]]
        score = round(float(self.scores_[index]), 4)
        return Explanation(
            self.ids_[index],
            theme,
            self.themes_[theme].label,
            score,
            terms,
            tuple(self._representative(i, s) for i, s in near),
        )
