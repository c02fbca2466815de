"""Recall, precision and speed of the moderators' automatic flags.

Reads tests/data/pii_cases.csv (text, kind, expected), runs find_personal_data on each distinct
text and prints, per kind: cases, true positives, false negatives, false positives, recall and
precision, plus overall; then the time per 1,000 texts. A labeled case is found when a span of
its kind overlaps the expected substring; a span that overlaps no labeled substring of its kind
in that text is a false positive. Then the offensive-language model's scores on hand-written
wishes at a few thresholds, and near-duplicate speed against 2,000 other entries.

    .venv/bin/python benchmarks/flags_recall.py
"""

import csv
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engage.services.flags import detect_flags, find_personal_data  # noqa: E402
from engage.services.flags_offensive import (  # noqa: E402
    OFFENSIVE_THRESHOLD,
    has_listed_word,
    offensive_probability,
)

CASES = ROOT / "tests" / "data" / "pii_cases.csv"
KINDS = ("email", "phone", "postcode", "ni_number", "url", "street_address", "name")

# Hand-written wishes for the offensive-language threshold: what a moderator would reject...
OFFENSIVE = [
    "the roads are shite",
    "fuck the council",
    "this is a shit idea",
    "the bins smell like crap and nobody gives a damn",
    "councillors are useless wankers",
    "whoever designed this junction is a twat",
    "bastard cyclists on the pavement",
    "piss off with your parking charges",
    "what a load of bollocks",
    "the new mayor is a dick",
    "arsehole drivers speed down our road",
    "stupid bitch at the front desk was rude",
    "shut the fuck up about the tram",
    "this consultation is bullshit",
    "the estate is full of scum",
    # Added after the word list and threshold were chosen, as a check on both:
    "the planners are a bunch of pricks",
    "get these pikeys off the rec",
    "who gives a toss, the council never listens you muppets",
    "fucking disgrace of a bus service",
    "the lollipop lady is a stupid cow",
]
# ...and benign wishes that use words the model may not like.
BENIGN = [
    "kill the weeds in the park",
    "kill the weeds on the pavement please",
    "I hate the traffic on Kedleston Road",
    "the potholes are a bloody nightmare",
    "the pigeons leave a mess everywhere",
    "dog poo bins by the canal",
    "shoot a film in the market hall to promote the city",
    "the dead tree by the school should be cut down",
    "fight crime with better street lighting",
    "attack the litter problem with more bins",
    "the smell from the sewage works is awful",
    "drugs are dealt openly by the bus station",
    "Scunthorpe has better buses than us",
    "a cock-up with the bin collection dates",
    "Dick Turpin pub car park needs resurfacing",
    "the sex education talk at the community centre was useful",
    "more bins for dog mess",
    "the hooligans on match day damage cars",
    "stop the drunk and disorderly behaviour in town",
    "the toilets in the park are disgusting",
    "breast cancer screening bus should visit Sinfin",
    "the damn bus was late again",
    "I'm sick of the roadworks",
    "More buses in Derby",
    "Plant more trees on Duffield Road",
    # Added after the threshold was chosen, as a check on it:
    "the traffic lights are murder at rush hour",
    "the junction is an accident waiting to happen, someone will die",
    "please shoot down the plan for the incinerator",
    "Cockpit Hill market should come back",
    "the rats in the alley are horrible",
]


def load_cases() -> dict[str, list[tuple[str, str]]]:
    """Labeled (kind, expected) pairs per distinct text; negatives have none."""
    by_text: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with CASES.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            labels = by_text[row["text"]]
            if row["kind"] != "none":
                labels.append((row["kind"], row["expected"]))
    return by_text


def overlaps(span, text: str, expected: str) -> bool:
    """True when the span overlaps the first occurrence of expected in text."""
    start = text.find(expected)
    return span.start < start + len(expected) and start < span.end


def score(by_text: dict[str, list[tuple[str, str]]]) -> dict[str, Counter]:
    """True positives, false negatives and false positives per kind."""
    counts: dict[str, Counter] = {kind: Counter() for kind in KINDS}
    for text, labels in by_text.items():
        spans = find_personal_data(text)
        for kind, expected in labels:
            found = any(s.kind == kind and overlaps(s, text, e) for s in spans for e in [expected])
            counts[kind]["cases"] += 1
            counts[kind]["tp" if found else "fn"] += 1
        for span in spans:
            if not any(k == span.kind and overlaps(span, text, e) for k, e in labels):
                counts[span.kind]["fp"] += 1
                print(f"  false positive {span.kind}: {span.text!r} in {text[:70]!r}")
        for kind, expected in labels:
            if not any(s.kind == kind and overlaps(s, text, expected) for s in spans):
                print(f"  missed {kind}: {expected!r} in {text[:70]!r}")
    return counts


def ratio(part: int, whole: int) -> str:
    """A ratio to three places, or n/a."""
    return f"{part / whole:.3f}" if whole else "n/a"


def print_table(counts: dict[str, Counter]) -> None:
    """The per-kind and overall table."""
    print(f"\n{'kind':<16}{'cases':>7}{'TP':>6}{'FN':>6}{'FP':>6}{'recall':>9}{'precision':>11}")
    total = Counter()
    for kind in (*KINDS, "overall"):
        c = total if kind == "overall" else counts[kind]
        if kind != "overall":
            total.update(c)
        rec, prec = ratio(c["tp"], c["tp"] + c["fn"]), ratio(c["tp"], c["tp"] + c["fp"])
        print(f"{kind:<16}{c['cases']:>7}{c['tp']:>6}{c['fn']:>6}{c['fp']:>6}{rec:>9}{prec:>11}")


def time_per_thousand(texts: list[str], rounds: int = 3) -> float:
    """Seconds for find_personal_data over 1,000 texts (best of a few rounds)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            find_personal_data(text)
        best = min(best, time.perf_counter() - started)
    return best / len(texts) * 1000


def offensive_report() -> None:
    """Model scores on hand-written wishes and the labeled set, at a few thresholds."""
    benign_set = BENIGN + list(load_cases())
    offensive = [offensive_probability(t) for t in OFFENSIVE]
    benign = [offensive_probability(t) for t in benign_set]
    listed = [has_listed_word(t) for t in OFFENSIVE]
    listed_benign = [has_listed_word(t) for t in benign_set]
    print(f"\noffensive: {len(OFFENSIVE)} offensive, {len(benign)} benign texts")
    print(f"{'':>9}{'model alone':>24}{'model + word list':>26}")
    print(
        f"{'threshold':>9}{'caught':>8}{'missed':>8}{'alarms':>8}{'caught':>10}{'missed':>8}{'alarms':>8}"
    )
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        caught = sum(p >= threshold for p in offensive)
        alarms = sum(p >= threshold for p in benign)
        both = sum(p >= threshold or w for p, w in zip(offensive, listed, strict=True))
        both_alarms = sum(p >= threshold or w for p, w in zip(benign, listed_benign, strict=True))
        mark = "  <- OFFENSIVE_THRESHOLD" if threshold == OFFENSIVE_THRESHOLD else ""
        print(
            f"{threshold:>9}{caught:>8}{len(offensive) - caught:>8}{alarms:>8}"
            f"{both:>10}{len(offensive) - both:>8}{both_alarms:>8}{mark}"
        )
    for text, p, w in zip(benign_set, benign, listed_benign, strict=True):
        if p >= 0.5 or w:
            print(f"  benign scored {p:.2f}{' (listed word)' if w else ''}: {text[:60]!r}")
    for text, p, w in zip(OFFENSIVE, offensive, listed, strict=True):
        if p < OFFENSIVE_THRESHOLD:
            print(f"  offensive scored {p:.2f}{' (listed word)' if w else ''}: {text!r}")


def duplicate_speed(texts: list[str]) -> None:
    """detect_flags on one entry against 2,000 others, first (cold) and then cached."""
    others = [f"{t} ({i})" for i, t in enumerate((texts * 10)[:2000])]
    for label in ("cold cache", "warm cache"):
        started = time.perf_counter()
        detect_flags("Please add more bins by the canal path near the bridge", others)
        print(f"detect_flags vs 2,000 others ({label}): {time.perf_counter() - started:.3f} s")


def main() -> None:
    """Print the recall/precision table, speed, and the offensive-language report."""
    by_text = load_cases()
    print(f"{sum(len(v) or 1 for v in by_text.values())} cases, {len(by_text)} distinct texts")
    print_table(score(by_text))
    texts = list(by_text)
    print(f"\nfind_personal_data: {time_per_thousand(texts) * 1000:.1f} ms per 1,000 texts")
    offensive_report()
    duplicate_speed(texts)


if __name__ == "__main__":
    main()
