"""Offensive-language detection for residents' text (used by engage.services.flags).

Two signals: alt-profanity-check's linear SVM (which generalises, but was trained on mostly
American comments and misses British words such as "shite", "twat" or "bollocks"), and a short
list of unambiguous British swear words and slurs matched as whole words (so "Scunthorpe",
"Arsenal" and "Dick Turpin" are left alone).
"""

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

# alt-profanity-check's probability at or above which text is flagged. Measured with
# benchmarks/flags_recall.py (20 offensive, ~520 benign texts): at 0.7 the model plus the word
# list catches 19 of 20 but raises 8 false alarms ("kill the weeds", "a bloody nightmare");
# at 0.9 it catches 17 with 2 ("kill the weeds on the pavement please", "sick of the
# roadworks"). Every entry is read by a moderator anyway, so the flag is tuned to be trusted
# rather than to catch everything.
OFFENSIVE_THRESHOLD = 0.9

# Long texts dilute one bad word in the model's TF-IDF, so sentences are scored too.
_SENTENCE = re.compile(r"[^.!?\n]+")
_MAX_SENTENCES = 40

_WORDS = (
    r"fuck\w*|motherfuck\w*|shit|shits|shite|shitty|shithole|shithead|bullshit|twats?|"
    r"wank|wanks|wanker|wankers|wanking|bollocks|arsehole|arseholes|pissed|piss\s+off|"
    r"bellends?|knobheads?|tossers?|dickheads?|cunts?|bastards?|bitch|bitches|slags?|sluts?|"
    r"retards?|retarded|spaz|spastics?|nonces?|scumbags?|pakis?|nigg\w*|faggots?|poofs?|"
    r"trann(?:y|ies)|wogs?|pikeys?|gyppos?|kikes?"
)
_WORD_LIST = re.compile(r"(?<![\w-])(?:" + _WORDS + r")(?![\w-])", re.IGNORECASE)


def has_listed_word(text: str) -> bool:
    """True when the text contains a word from the short list of swear words and slurs."""
    return _WORD_LIST.search(text) is not None


@dataclass(frozen=True)
class _LinearModel:
    """alt-profanity-check's TF-IDF and calibrated linear SVMs as plain Python numbers."""

    analyzer: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: list[float]
    weights: list[tuple[float, ...]]  # per feature, one weight per classifier
    intercepts: tuple[float, ...]
    slopes: tuple[float, ...]  # of the sigmoid calibrations
    offsets: tuple[float, ...]


# The TF-IDF settings the arithmetic below reproduces.
_EXPECTED_TFIDF = {"analyzer": "word", "ngram_range": (1, 1), "norm": "l2", "use_idf": True}
_EXPECTED_TFIDF |= {"sublinear_tf": False, "binary": False}


@cache
def _model() -> _LinearModel | None:
    """The package's model as plain numbers, or None if a release is built differently."""
    # Imported late: loading scikit-learn and the model takes seconds, and most users of the
    # flags (redaction, personal data) never need it.
    from profanity_check import profanity_check as package

    vectorizer, parts = package.vectorizer, package.model.calibrated_classifiers_
    params = vectorizer.get_params()
    if any(params.get(key) != value for key, value in _EXPECTED_TFIDF.items()):
        return None
    svms = [part.estimator for part in parts]
    sigmoids = [part.calibrators[0] for part in parts]
    return _LinearModel(
        analyzer=vectorizer.build_analyzer(),
        vocabulary=vectorizer.vocabulary_,
        idf=vectorizer.idf_.tolist(),
        weights=list(zip(*(svm.coef_[0].tolist() for svm in svms), strict=True)),
        intercepts=tuple(float(svm.intercept_[0]) for svm in svms),
        slopes=tuple(float(sigmoid.a_) for sigmoid in sigmoids),
        offsets=tuple(float(sigmoid.b_) for sigmoid in sigmoids),
    )


def _probability(model: _LinearModel, text: str) -> float:
    """One text: L2-normalised TF-IDF, each SVM's decision, its sigmoid, then the mean."""
    counts = Counter(
        j for token in model.analyzer(text) if (j := model.vocabulary.get(token)) is not None
    )
    weighted = {j: n * model.idf[j] for j, n in counts.items()}
    norm = math.sqrt(sum(w * w for w in weighted.values())) or 1.0
    decisions = list(model.intercepts)
    for j, w in weighted.items():
        for k, coef in enumerate(model.weights[j]):
            decisions[k] += w / norm * coef
    sigmoids = [
        1.0 / (1.0 + math.exp(a * d + b))
        for a, d, b in zip(model.slopes, decisions, model.offsets, strict=True)
    ]
    return sum(sigmoids) / len(sigmoids)


def model_probabilities(texts: list[str]) -> list[float]:
    """alt-profanity-check's probabilities for the texts.

    Its predict_prob spends ~25 ms per call in scikit-learn's input checks; this is the same
    arithmetic (the mean of five sigmoid-calibrated linear SVMs over TF-IDF) in ~50 µs a text.
    """
    model = _model()
    if model is None:
        from profanity_check import predict_prob

        return [float(p) for p in predict_prob(texts)]
    return [_probability(model, text) for text in texts]


def offensive_probability(text: str) -> float:
    """The highest alt-profanity-check probability over the text and its sentences."""
    if not text.strip():
        return 0.0
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    pieces = [text, *sentences[:_MAX_SENTENCES]] if len(sentences) > 1 else [text]
    return max(model_probabilities(pieces))


def is_offensive(text: str) -> bool:
    """True for a listed word, or when the model's probability reaches the threshold."""
    if not text.strip():
        return False
    return has_listed_word(text) or offensive_probability(text) >= OFFENSIVE_THRESHOLD
