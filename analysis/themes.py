"""Describing fitted themes: labels, keywords, representative entries, framework matches.

A mixin of :class:`analysis.ThemeModel`, kept apart from fitting.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.utils.validation import check_is_fitted

from analysis import framework, labels
from analysis.entries import unique_labels as _unique_labels
from analysis.preprocess import apply_steps
from analysis.results import Representative, Theme


class ThemesMixin:
    """Builds ``themes_`` (and ``terms_``, ``term_scores_``) once entries have themes.

    Relies on the attributes :class:`analysis.ThemeModel` sets in ``_finish``
    (``distinct_labels_``, ``vectors_``, ``centres_``, ...) and its ``_vectorise``.
    """

    def _label_themes(self, tokens) -> None:
        x = self.representation_.tfidf(tokens)
        self.terms_ = self.representation_.vocabulary()
        self.term_scores_ = labels.class_term_scores(
            x, self.distinct_labels_, self.n_themes_, self.distinct_counts_
        ).astype(np.float32)
        self.phrase_forms_, names, keywords = self._describe_terms(
            x, self.term_scores_, self.distinct_texts_, self.has_other_
        )
        fw = self._framework_matches()
        self.themes_ = [self._theme(j, names[j], keywords[j], fw) for j in range(self.n_themes_)]

    def describe(self, texts: Sequence[str], themes: Sequence[int]) -> list[tuple[str, list[str]]]:
        """A label and keywords for each theme of another grouping of entries.

        After a team moves entries between themes, each theme's description should follow
        the entries it holds now. They are described as ``fit`` describes its own themes (the
        same terms, weights and phrases as residents wrote them), from ``texts`` and the
        theme of each, numbered from 0.

        Returns
        -------
        list of (label, keywords), one per theme number up to the largest given; a theme
        with no entry, or none with a usable word, gets the label "Other" and no keywords.
        """
        check_is_fitted(self, "terms_")
        themes = np.asarray(themes, dtype=int)
        if len(themes) != len(texts) or (len(themes) and themes.min() < 0):
            raise ValueError("give one theme number (0 or more) for each text")
        n_themes = int(themes.max()) + 1 if len(themes) else 0
        x = self.representation_.tfidf([apply_steps(t, self._steps()) for t in texts])
        scores = labels.class_term_scores(x, themes, n_themes)
        _, names, keywords = self._describe_terms(x, scores, list(texts), has_other=False)
        return list(zip(names, keywords, strict=True))

    def _describe_terms(self, x, scores, texts, has_other: bool):
        """Phrase forms, a distinct label and the keywords of every row of ``scores``."""
        forms, chains = self._phrase_forms(x, scores, texts)
        is_phrase = np.array([" " in t for t in self.terms_], dtype=bool)
        found = [
            labels.top_keywords(
                s, self.terms_, self.surface_, self.n_keywords, forms, is_phrase, chains
            )
            for s in scores
        ]
        names = _unique_labels(found, has_other)
        return forms, names, [[k for k, _ in kws] for kws in found]

    def _phrase_forms(self, x, scores, texts, per_phrase: int = 100):
        """How residents wrote the phrases that could be keywords (``labels.written_form``).

        Returns the written form of each candidate phrase (None: not written as such), and
        the chains, as phrase -> (chain as written, the other phrase): two phrases among a
        theme's ``n_keywords`` best terms that run on from each other ("utility cut", "cut
        repair") and that most entries of each write as one ("utility cut repair").
        """
        top = np.argsort(-scores, axis=1, kind="stable")[:, : 3 * self.n_keywords]
        columns = [c for c in np.unique(top) if " " in self.terms_[c]]
        xc = x[:, columns].tocsc()
        entries = {
            self.terms_[c]: xc.indices[xc.indptr[i] : xc.indptr[i + 1]][:per_phrase]
            for i, c in enumerate(columns)
        }
        steps = self._steps()
        keys: dict[str, str | None] = {}
        headlines: dict[int, list[str]] = {}

        def key_of(word: str):
            if word not in keys:
                found = apply_steps(word, steps)
                keys[word] = found[0] if len(found) == 1 else None
            return keys[word]

        def written(phrase: str, of: str):
            """``phrase`` as written in the entries of the phrase term ``of``."""
            for i in entries[of]:
                if i not in headlines:  # an entry is read once, whatever uses it
                    headlines[i] = labels.headline_words(texts[i])
            rows = [headlines[i] for i in entries[of]]
            return labels.written_form(phrase, rows, key_of, self.surface_)

        forms = {phrase: written(phrase, phrase) for phrase in entries}
        best = [
            [self.terms_[c] for c in row if forms.get(self.terms_[c])]
            for row in top[:, : self.n_keywords]
        ]
        return forms, labels.phrase_chains(best, written)

    def _theme(self, j: int, name: str, keywords: list[str], fw) -> Theme:
        is_other = self.has_other_ and j == self.n_themes_ - 1
        members = np.flatnonzero(self.distinct_labels_ == j)
        reps = []
        if not is_other and len(members):
            texts = [self.distinct_texts_[i] for i in members]
            picks = labels.representatives(
                self.vectors_[members], self.centres_[j], texts, self.n_representatives
            )
            reps = [self._representative(members[i], s) for i, s in picks]
        else:
            reps = [self._representative(i, 0.0) for i in members[: self.n_representatives]]
        matches, is_new = (), None
        if fw is not None and not is_other:
            matches, is_new = fw[j]
        return Theme(
            id=j,
            label=name,
            keywords=tuple(keywords),
            size=int(np.sum(self.labels_ == j)),
            member_ids=tuple(self.ids_[i] for i in np.flatnonzero(self.labels_ == j)),
            representatives=tuple(reps),
            is_other=is_other,
            framework=matches,
            is_new=is_new,
        )

    def _representative(self, distinct_index: int, score: float) -> Representative:
        text = self.distinct_texts_[distinct_index]
        return Representative(self.ids_[self.first_index_[distinct_index]], text, round(score, 4))

    def _framework_matches(self):
        if self.framework is None:
            self.framework_themes_ = None
            return None
        self.framework_themes_ = framework.load_framework(self.framework)
        fw_texts = [t.text for t in self.framework_themes_]
        # What the framework says, in its own words: averaged with its nearest entries, as
        # entries are smoothed, a framework theme would become a small theme of the
        # consultation, near one of the found themes whatever it is about.
        said = self._vectorise(fw_texts, smooth=False)
        # Every k-th entry, at most about 20,000: enough to find entries that say it well.
        entries = self.vectors_[:: max(1, len(self.vectors_) // 20_000)]
        self.framework_vectors_ = framework.expand(said, entries, self.framework_feedback)
        # Which framework theme fits best: by the framework as the entries that match it
        # best say it too. Whether any fits: by what the framework itself says.
        scores = framework.match_scores(self.centres_, self.framework_vectors_)
        own = framework.match_scores(self.centres_, said)
        best = own.max(axis=1) if own.size else np.zeros(len(own))
        # New: fits nothing, or fits clearly worse than the typical theme does.
        typical = float(np.median(best)) if len(best) else 0.0
        threshold = max(self.framework_threshold, self.framework_relative * typical)
        return [
            (framework.top_matches(row, self.framework_themes_), bool(b < threshold))
            for row, b in zip(scores, best, strict=True)
        ]
