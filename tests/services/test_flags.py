"""Automatic moderation flags: personal data, redaction, offensive language and spam.

No database or app: the flags are pure functions.
"""

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from engage.services.flags import (
    FoundFlag,
    Span,
    detect_flags,
    find_personal_data,
    redact_personal_data,
)
from engage.services.flags_offensive import model_probabilities
from engage.services.flags_spam import near_duplicate_of

DATA = Path(__file__).parents[1] / "data"
PAYLOADS = DATA / "payloads"
KINDS = ("email", "phone", "postcode", "ni_number", "url", "street_address", "name")


def _load_cases() -> list[tuple[str, str, str]]:
    with (DATA / "pii_cases.csv").open(encoding="utf-8", newline="") as f:
        return [(row["text"], row["kind"], row["expected"]) for row in csv.DictReader(f)]


CASES = _load_cases()
# Texts the simple detectors get wrong on purpose (documented limits, not regressions):
# strict xfail, so fixing one makes the suite say so.
KNOWN_WRONG = {
    "My post code is D E 2 2 3 A B": "postcode spelled out letter by letter",
    "MY NAME IS PAUL": "names in capitals are not detected",
    "Joseph Wright painted Derby, celebrate him": "a historical figure looks like a person",
}


def _overlaps(span: Span, text: str, expected: str) -> bool:
    start = text.find(expected)
    return span.start < start + len(expected) and start < span.end


def _labels_by_text() -> dict[str, list[tuple[str, str]]]:
    labels: dict[str, list[tuple[str, str]]] = {}
    for text, kind, expected in CASES:
        labels.setdefault(text, [])
        if kind != "none":
            labels[text].append((kind, expected))
    return labels


LABELS = _labels_by_text()


def _case_id(case: tuple[str, str, str]) -> str:
    return f"{case[1]}:{case[0][:40]}"


def _marked(case: tuple[str, str, str]):
    reason = KNOWN_WRONG.get(case[0])
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(*case, marks=marks, id=_case_id(case))


# --- the labeled set ---------------------------------------------------------------------


def test_labeled_set_is_big_enough_and_well_formed():
    kinds = Counter(kind for _, kind, _ in CASES)
    assert len(CASES) >= 300
    assert kinds["email"] + kinds["phone"] + kinds["postcode"] >= 200
    assert kinds["none"] >= 80
    assert set(kinds) <= {*KINDS, "none"}
    for text, kind, expected in CASES:
        assert (kind == "none") == (expected == "") and expected in text


@pytest.mark.parametrize(("text", "kind", "expected"), [_marked(c) for c in CASES])
def test_labeled_case(text, kind, expected):
    spans = find_personal_data(text)
    if kind == "none":
        assert spans == []
    else:
        assert any(s.kind == kind and _overlaps(s, text, expected) for s in spans), spans
        labels = LABELS[text]
        for span in spans:  # and nothing found in this text that is not labeled
            assert any(k == span.kind and _overlaps(span, text, e) for k, e in labels), span


def test_recall_and_precision_thresholds():
    found, missed, wrong = Counter(), Counter(), Counter()
    for text, labels in LABELS.items():
        spans = find_personal_data(text)
        for kind, expected in labels:
            hit = any(s.kind == kind and _overlaps(s, text, expected) for s in spans)
            (found if hit else missed)[kind] += 1
        for span in spans:
            if not any(k == span.kind and _overlaps(span, text, e) for k, e in labels):
                wrong[span.kind] += 1
    for kind in ("email", "phone", "postcode"):
        assert found[kind] / (found[kind] + missed[kind]) >= 0.95, kind
    for kind in KINDS:
        assert found[kind] / (found[kind] + missed[kind]) >= 0.85, kind
    total_found, total_wrong = sum(found.values()), sum(wrong.values())
    assert total_found / (total_found + total_wrong) >= 0.9


# --- personal data details ---------------------------------------------------------------


def test_spans_are_sorted_non_overlapping_and_carry_their_text():
    text = (
        "Mrs Patel at 12 Duffield Road, DE22 1AA (jane@example.com, 07700 900123, "
        "QQ 12 34 56 C) see www.example.co.uk"
    )
    spans = find_personal_data(text)
    assert [s.kind for s in spans] == [
        "name",
        "street_address",
        "postcode",
        "email",
        "phone",
        "ni_number",
        "url",
    ]
    for before, after in zip(spans, spans[1:], strict=False):
        assert before.end <= after.start
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_email_wins_over_the_domain_inside_it():
    assert [s.kind for s in find_personal_data("j.smith@example.co.uk")] == ["email"]


@pytest.mark.parametrize(
    "text",
    ["£1.50", "10,000", "in 2026", "01/02/2026", "07:30", "the 38 bus", "W-7K3P-9Q", "DE22"],
)
def test_numbers_that_are_not_personal_data(text):
    assert find_personal_data(text) == []


def test_empty_text():
    assert find_personal_data("") == []
    assert redact_personal_data("") == ""
    assert detect_flags("") == []
    assert detect_flags("   \n ") == []


# --- redaction ---------------------------------------------------------------------------


def test_redaction_placeholders():
    text = (
        "I'm John Smith of Flat 3, 45 London Rd, DE1 1AA. Email john@example.com or ring "
        "020 7946 0123. NI QQ123456C. Photos at example.co.uk/potholes"
    )
    assert redact_personal_data(text) == (
        "I'm [name removed] of [address removed], [postcode removed]. Email [email removed] or "
        "ring [phone number removed]. NI [National Insurance number removed]. "
        "Photos at [link removed]"
    )


def test_redacted_text_has_nothing_left_to_redact():
    for text in LABELS:
        redacted = redact_personal_data(text)
        assert redact_personal_data(redacted) == redacted, text


def test_redaction_of_chosen_kinds_only():
    text = "Call Mrs Green on 07700 900123 about Park Road"
    assert redact_personal_data(text, frozenset({"phone"})) == (
        "Call Mrs Green on [phone number removed] about Park Road"
    )
    assert redact_personal_data(text, frozenset()) == text


def test_redaction_leaves_ordinary_wishes_alone():
    text = "More buses in Derby! Victoria Park and St Peter's Street need bins (Derby County)."
    assert redact_personal_data(text) == text


# --- detect_flags: personal data and offensive language -----------------------------------


def test_one_personal_data_flag_per_kind_with_a_masked_detail():
    flags = detect_flags("Email j.bloggs@example.com or jo@example.com, my name is John Smith")
    assert flags == [
        FoundFlag("personal_data", "email address: j***@example.com (and 1 more)"),
        FoundFlag("personal_data", "possible name: John Smith"),
    ]


def test_phone_detail_does_not_repeat_the_whole_number():
    [flag] = detect_flags("ring 07700 900123 please")
    assert flag == FoundFlag("personal_data", "phone number: 07*******23")


def test_clear_offensive_language_is_flagged():
    assert FoundFlag("offensive", "offensive language") in detect_flags("fuck the council")


def test_british_swear_words_the_model_misses_are_flagged():
    assert FoundFlag("offensive", "offensive language") in detect_flags("the roads are shite")


@pytest.mark.parametrize("text", ["More buses in Derby", "Scunthorpe has better buses"])
def test_benign_wish_is_not_offensive(text):
    assert detect_flags(text) == []


def test_kill_the_weeds_is_not_flagged_but_the_model_is_close():
    # The model scores this 0.77, below the 0.9 threshold; "kill the weeds on the pavement
    # please" scores 0.95 and IS flagged: a known false alarm the moderator dismisses.
    assert detect_flags("kill the weeds in the park") == []
    assert detect_flags("kill the weeds on the pavement please") == [
        FoundFlag("offensive", "offensive language")
    ]


def test_fast_model_matches_the_package_predict_prob():
    from profanity_check import predict_prob

    texts = [text for text, _, _ in CASES[::7]] + ["fuck", "", "kill the weeds", "the the"]
    assert model_probabilities(texts) == pytest.approx(list(predict_prob(texts)), abs=1e-9)


# --- detect_flags: spam ------------------------------------------------------------------


SPAM = FoundFlag("spam", "link to another site")
REPEATED = FoundFlag("spam", "repeated text")
DUPLICATE = FoundFlag("spam", "near-duplicate of another entry")


@pytest.mark.parametrize(
    "text", ["see www.example.com", "https://example.org/x", "Cheap pills at example.ru"]
)
def test_links_are_spam(text):
    assert SPAM in detect_flags(text)


@pytest.mark.parametrize(
    "text",
    ["Fix the potholes!!!!!!!!", "buy buy buy buy", "click here click here click here now"],
)
def test_repeated_text_is_spam(text):
    assert REPEATED in detect_flags(text)


@pytest.mark.parametrize("text", ["No no no to the new car park", "Very very long queues!!"])
def test_ordinary_emphasis_is_not_repeated_text(text):
    assert REPEATED not in detect_flags(text)


def test_mostly_symbols_is_spam():
    assert FoundFlag("spam", "mostly symbols or numbers") in detect_flags("$$$ 100% ### 555 +++")


def test_near_duplicate_despite_case_punctuation_and_a_typo():
    others = ["Something else entirely", "Please fix the potholes on Duffield Road, they're awful"]
    text = "please fix the pot holes on duffield road they're AWFUL!!"
    assert near_duplicate_of(text, others) == 1
    assert DUPLICATE in detect_flags(text, others)


def test_different_short_wishes_sharing_common_words_are_not_duplicates():
    others = ["More buses to the hospital", "More trees in the park", "More bins in the park"]
    assert DUPLICATE not in detect_flags("More buses to the city centre", others)
    assert DUPLICATE not in detect_flags("More benches in the park", others)


def test_near_duplicates_among_many_others():
    others = [f"Wish number {i}: plant {i} trees on street {i}" for i in range(2000)]
    others.append("We need a zebra crossing outside the primary school on Mill Lane")
    text = "We need a zebra crossing outside the primary school on Mill Lane please"
    assert near_duplicate_of(text, others) == 2000


# --- hostile input -----------------------------------------------------------------------


def _payload_lines() -> list[str]:
    lines = []
    for path in sorted(PAYLOADS.glob("*.txt")):
        lines += path.read_text(encoding="utf-8").split("\n")
    return lines + json.loads((PAYLOADS / "blns.json").read_text(encoding="utf-8"))


def test_every_payload_line_goes_through_without_errors():
    lines = list(dict.fromkeys(_payload_lines()))  # ~2,500 distinct of ~3,900
    assert len(lines) > 2000
    others = lines[:20]
    for line in lines:
        assert all(isinstance(f, FoundFlag) for f in detect_flags(line, others))
        assert isinstance(redact_personal_data(line), str)


def test_long_hostile_input_stays_linear():
    # Patterns with nested repetition could backtrack badly on inputs like these.
    for text in ("a." * 5000, "a@" + "b." * 5000, "0 " * 5000, "Aa " * 5000, "x" * 20000):
        find_personal_data(text)
        detect_flags(text)
