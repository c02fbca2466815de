"""Sublinear TF-IDF of words and adjacent word pairs, counted with integer arrays.

scikit-learn's ``TfidfVectorizer`` with a callable analyzer gives the same matrix, but builds
a string for every word pair of every entry and counts them one by one in Python; at a
million entries that is most of the analysis. Here each word becomes an integer once, a pair
is the integer ``(a + 1) * 2**31 + b``, and counting is done by numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

_PAIR = np.int64(2**31)


class PhraseTfidf:
    """TF-IDF of words and phrases (adjacent pairs) of token lists.

    Weights are scikit-learn's with ``sublinear_tf=True`` and ``smooth_idf=True``:
    ``(1 + log tf) * (log((1 + n) / (1 + df)) + 1)``, rows L2-normalised.

    Parameters
    ----------
    min_df : int, default=1
        Minimum number of entries a term must appear in.
    max_features : int or None, default=None
        Keep only the most frequent terms (by count over the corpus).
    dtype : numpy dtype, default=np.float32

    Attributes
    ----------
    idf_ : ndarray of shape (n_terms,)
    words_ : dict of str to int
        Every word seen in fitting and its integer code.
    keys_ : ndarray of int64
        The sorted integer key of each column (a word code, or a pair code).
    """

    def __init__(self, min_df: int = 1, max_features: int | None = None, dtype=np.float32):
        self.min_df = min_df
        self.max_features = max_features
        self.dtype = dtype

    def fit_transform(self, docs: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """Learn the vocabulary and IDF from ``docs`` and return their TF-IDF."""
        self.words_: dict[str, int] = {}
        doc, keys = self._keys(docs, grow=True)
        uniq, column = np.unique(keys, return_inverse=True)
        n_docs = len(docs)
        pair, tf = np.unique(doc * len(uniq) + column, return_counts=True)
        rows, cols = pair // len(uniq), pair % len(uniq)
        df = np.bincount(cols, minlength=len(uniq))
        keep = df >= self.min_df
        if self.max_features is not None and keep.sum() > self.max_features:
            total = np.bincount(column, minlength=len(uniq))
            ranked = np.flatnonzero(keep)[np.argsort(-total[keep], kind="stable")]
            keep = np.zeros(len(uniq), bool)
            keep[ranked[: self.max_features]] = True
        if not keep.any():
            raise ValueError("empty vocabulary: no term is in enough entries")
        new_index = np.cumsum(keep) - 1
        self.keys_ = uniq[keep]
        self.idf_ = (np.log((1 + n_docs) / (1 + df[keep])) + 1).astype(self.dtype)
        mask = keep[cols]
        return self._weigh(rows[mask], new_index[cols[mask]], tf[mask], n_docs)

    def transform(self, docs: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """TF-IDF of ``docs`` over the fitted vocabulary (unknown terms are left out)."""
        doc, keys = self._keys(docs, grow=False)
        col = np.searchsorted(self.keys_, keys)
        col = np.minimum(col, len(self.keys_) - 1)
        known = self.keys_[col] == keys
        doc, col = doc[known], col[known]
        pair, tf = np.unique(doc * len(self.keys_) + col, return_counts=True)
        return self._weigh(pair // len(self.keys_), pair % len(self.keys_), tf, len(docs))

    def get_feature_names_out(self) -> np.ndarray:
        """The term of each column: a word, or two words joined by a space."""
        words = np.empty(len(self.words_), dtype=object)
        for word, code in self.words_.items():
            words[code] = word
        first, second = self.keys_ // _PAIR - 1, self.keys_ % _PAIR
        return np.array(
            [
                words[s] if f < 0 else f"{words[f]} {words[s]}"
                for f, s in zip(first, second, strict=True)
            ],
            dtype=object,
        )

    def _keys(self, docs, grow: bool) -> tuple[np.ndarray, np.ndarray]:
        """The entry and integer key of every word and every adjacent pair in ``docs``."""
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        flat = chain.from_iterable(docs)
        words = self.words_
        if grow:
            codes = [words.setdefault(t, len(words)) for t in flat]
        else:
            codes = [words.get(t, -1) for t in flat]
        code = np.array(codes, dtype=np.int64)
        doc = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        same = doc[:-1] == doc[1:]
        a, b = code[:-1][same], code[1:][same]
        pairs_ok = (a >= 0) & (b >= 0)
        words_ok = code >= 0
        keys = np.concatenate([code[words_ok], (a[pairs_ok] + 1) * _PAIR + b[pairs_ok]])
        docs_of = np.concatenate([doc[words_ok], doc[:-1][same][pairs_ok]])
        return docs_of, keys

    def _weigh(self, rows, cols, tf, n_docs) -> sp.csr_matrix:
        data = (1 + np.log(tf)).astype(self.dtype) * self.idf_[cols]
        x = sp.csr_matrix((data, (rows, cols)), shape=(n_docs, len(self.keys_)))
        return normalize(x)
