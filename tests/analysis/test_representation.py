"""The lexical representation's parts: theme-informed term weights, contractions."""

import numpy as np
import pytest
import scipy.sparse as sp

from analysis import ThemeModel
from analysis.labels import headline_words, make_label, written_form
from analysis.preprocess import apply_steps, cased_forms, default_steps
from analysis.representation import TfidfRepresentation, theme_term_weights


def test_terms_one_theme_owns_weigh_most():
    # Columns: "bus" (theme 0 only), "road" (theme 1 only), "issue" (every entry alike),
    # "late" (mostly theme 0).
    x = sp.csr_matrix(
        np.array(
            [
                [1, 0, 1, 1],
                [1, 0, 1, 1],
                [1, 0, 1, 0],
                [0, 1, 1, 1],
                [0, 1, 1, 0],
                [0, 1, 1, 0],
            ],
            dtype=np.float32,
        )
    )
    labels = np.array([0, 0, 0, 1, 1, 1])
    weights = theme_term_weights(x, labels, 2, floor=0.05)
    bus, road, issue, late = weights
    assert bus == pytest.approx(1) and road == pytest.approx(1)
    assert issue == pytest.approx(0.05)
    assert 0.05 < late < 1
    # Multiplicities count: the same rows weighted differently move "late".
    heavier = theme_term_weights(x, labels, 2, weights=np.array([1, 5, 1, 1, 1, 1]))
    assert heavier[3] > late
    # One theme: nothing to tell apart, every term keeps its weight.
    assert np.array_equal(theme_term_weights(x, np.zeros(6, int), 1), np.ones(4, np.float32))


def test_term_weights_change_the_vectors_and_can_be_cleared(wishes):
    texts, _ = wishes
    tokens = [apply_steps(t, default_steps()) for t in texts]
    rep = TfidfRepresentation(random_state=0).fit(texts, tokens)
    plain = rep.transform(texts, tokens)
    n_terms = len(rep.vocabulary())
    rep.set_term_weights(np.linspace(0.05, 1, n_terms))
    weighted = rep.transform(texts, tokens)
    assert not np.allclose(plain, weighted)
    assert np.allclose(np.linalg.norm(weighted, axis=1), 1, atol=1e-5)
    rep.set_term_weights(None)
    assert np.allclose(rep.transform(texts, tokens), plain)


def test_fitted_model_weighs_words_every_theme_uses_least(wishes):
    texts, _ = wishes
    model = ThemeModel(n_themes=6, random_state=0).fit(texts)
    weights = model.representation_.term_weights_
    terms = list(model.representation_.vocabulary())
    assert weights is not None and len(weights) == len(terms)
    # "broken" is said of lights, roads and play equipment alike; "pothole" of roads only.
    assert weights[terms.index("broken")] < 0.5 < weights[terms.index("pothol")]
    off = ThemeModel(n_themes=6, random_state=0, reweight_rounds=0).fit(texts)
    assert off.representation_.term_weights_ is None


def test_contractions_leave_no_fragments():
    steps = default_steps()
    assert apply_steps("My card hasn't arrived and it doesn't work", steps) == [
        "card",
        "arriv",
        "work",
    ]
    assert apply_steps("Why does it take so long? Did you send it?", steps) == ["long", "send"]


def test_ordinal_numbers_leave_no_fragments():
    steps = default_steps()
    # "th", "st" and "nd" of "25th", "21st" and "2nd" name nothing; "St" (Saint) does.
    assert apply_steps("Bank holiday on the 25th, the 2nd and the 21ST", steps) == [
        "bank",
        "holiday",
    ]
    assert apply_steps("St Mary's church, a 12th-century landmark", steps) == [
        "st",
        "mari",
        "church",
        "centuri",
        "landmark",
    ]
    assert apply_steps("20mph on the M4", steps) == ["mph", "m4"]


def test_cased_forms_keep_acronyms_and_names_only():
    texts = [
        "More NHS dentists please",
        "the NHS needs staff",
        "Potholes on Broadway again",
        "fix broadway potholes",
        "Lights on Broadway",
        "Parks are great",
        "Parks need benches. Parks close early",
        "FIX THE ROADS NOW",  # shouted: says nothing about any word
        "Better Parks For Everyone Here",  # a title: likewise
    ]
    assert cased_forms(texts) == {"nhs": "NHS", "broadway": "Broadway"}


def test_labels_and_keywords_write_acronyms_and_names_as_residents_do():
    health = [
        "Shorter NHS waiting lists for a GP appointment",
        "More NHS dentists taking new patients",
        "The NHS walk-in centre should open at weekends",
        "Easier to see a GP, the NHS surgery is always full",
        "nhs mental health support for young people",
        "Faster NHS ambulance response times",
    ]
    roads = [
        "Fix the potholes on Broadway",
        "Resurface Broadway, it is full of potholes",
        "The potholes near Broadway damage bikes",
        "potholes everywhere on the ring road",
        "Fill in the potholes on Broadway before winter",
        "Deep potholes on Broadway by the school",
    ]
    nhs, broadway = two_themes(health, roads)
    assert "NHS" in nhs.label and "nhs" not in nhs.label
    assert "Broadway" in broadway.keywords and "broadway" not in broadway.keywords


def two_themes(first: list[str], second: list[str]):
    """The themes of ``first[0]`` and ``second[-1]`` when both lists are themed together."""
    model = ThemeModel(n_themes=2, random_state=0).fit(first + second)
    one, other = model.labels_[0], model.labels_[-1]
    assert one != other
    return model.themes_[one], model.themes_[other]


class Unweighable:
    """A custom representation with the required methods only (no set_term_weights)."""

    def __init__(self):
        self.inner = TfidfRepresentation(random_state=0)

    def fit(self, texts, tokens, embeddings=None):
        self.inner.fit(texts, tokens)
        return self

    def transform(self, texts, tokens, embeddings=None):
        return self.inner.transform(texts, tokens)

    def tfidf(self, tokens):
        return self.inner.tfidf(tokens)

    def vocabulary(self):
        return self.inner.vocabulary()

    def get_params(self, deep=True):
        return {}

    def set_params(self, **params):
        return self


def test_a_representation_without_term_weights_still_fits(wishes):
    texts, _ = wishes
    model = ThemeModel(n_themes=6, representation=Unweighable(), random_state=0).fit(texts)
    assert len(model.labels_) == len(texts)
    assert model.representation_.inner.term_weights_ is None


def test_keyword_phrases_are_words_residents_wrote_together():
    money = [
        "Better paid jobs so families can make ends meet",
        "Cheaper childcare so families can make ends meet",
        "Help with bills so families can make ends meet",
        "Lower rents so families can make ends meet",
        "A living wage so families can make ends meet",
        "Free school meals so families can make ends meet",
    ]
    streets = [
        "Action on fly tipping in the alleys",
        "Fly tipping cleared within a week",
        "Cameras where fly tipping happens",
        "Fines for fly tipping so the streets look cared for",
        "Report fly tipping online so the streets look cared for",
        "Stop the fly tipping behind the shops so the streets look cared for",
    ]
    money_theme, streets_theme = two_themes(money, streets)
    shown = [*money_theme.keywords, *streets_theme.keywords]
    # "families ends" is left adjacent once "can make" is dropped; nobody wrote it.
    assert "ends meet" in money_theme.keywords
    assert not any(k.startswith("families ") for k in shown)
    # A phrase exactly as distinctive as its word comes before it, in the words written.
    assert streets_theme.keywords[0] == "fly tipping"
    assert streets_theme.label.startswith("Fly tipping")
    assert "streets look cared" in streets_theme.keywords
    assert not any("looking" in k for k in shown)


def test_written_form_is_the_one_most_entries_wrote():
    texts = {
        "street light": ["Street lights out", "the street light is out", "STREET LIGHTS off"],
        "park toilet": ["parks with toilets", "park toilets open", "toilets in parks"],
        "activ card": ["activate my card", "how do I activate the card?", "card to activate"],
    }
    surface = {"street": "street", "light": "light", "park": "park", "toilet": "toilet"}

    def key_of(word):
        return {"with": None, "in": None, "is": None, "activate": "activ"}.get(
            word, word.rstrip("s")
        )

    forms = {
        phrase: written_form(phrase, [headline_words(t) for t in entries], key_of, surface)
        for phrase, entries in texts.items()
    }
    # Two of three wrote "street lights"; one of three wrote "park toilets": not kept.
    # "my" and "the" are left out as a headline leaves them out.
    assert forms == {
        "street light": "street lights",
        "park toilet": None,
        "activ card": "activate card",
    }


def test_two_phrases_written_as_one_are_one_keyword():
    roads = [
        "Utility cut repair sinking on Elm Street",
        "The utility cut repair has sunk again",
        "Utility cut repair below grade",
        "Another utility cut repair failing",
        "This utility cut repair needs redoing",
        "Sunken utility cut repair by the school",
    ]
    parks = [
        "Benches in the park are broken",
        "New benches for the park please",
        "Park benches need painting",
        "More benches near the park pond",
        "The park needs benches and bins",
        "Broken benches at the park gate",
    ]
    road_theme, _ = two_themes(roads, parks)
    assert road_theme.keywords[0] == "utility cut repair"
    assert road_theme.label.startswith("Utility cut repair")
    assert not {"utility cut", "cut repair"} & set(road_theme.keywords)


@pytest.mark.parametrize(
    ("keywords", "label"),
    [
        # A phrase names one idea: a second keyword joins only if nearly as distinctive.
        ([("blocking", 2.2), ("blocking sidewalk", 1.7), ("place", 0.6)], "Blocking sidewalk"),
        ([("sign", 1.5), ("stop sign", 1.3), ("post", 1.0)], "Stop sign & post"),
        # A word alone always gets a second.
        ([("bus", 2.0), ("fares", 0.3)], "Bus & fares"),
        # Words compared by stem: the phrase holds the top word.
        (
            [("park", 2.0), ("cleaner parks", 1.5), ("working toilets", 1.2)],
            "Cleaner parks & working toilets",
        ),
    ],
)
def test_labels_name_one_idea_or_two(keywords, label):
    assert make_label(keywords) == label


@pytest.mark.parametrize(
    ("keywords", "label"),
    [
        # Words that say how, when or where name nothing alone (seen on the demo wishes).
        ([("come", 2.0), ("library kept open", 1.8), ("town", 1.0)], "Library kept open & town"),
        ([("support", 2.0), ("late", 1.9), ("mental health", 1.5)], "Support & mental health"),
        ([("trash", 2.0), ("weeks", 1.5), ("cans", 1.2)], "Trash & cans"),
        # "don't cull badgers": the tokenizer keeps "don" of "don't".
        ([("don", 2.0), ("cull", 1.9), ("badgers", 1.5)], "Cull & badgers"),
        # What a petition or request asks somebody to do is not what it is about.
        ([("government", 2.0), ("urge", 1.9), ("funding", 1.5)], "Government & funding"),
        # ... nor end a name, but nouns of time do ("half hour", "time frame").
        ([("arboretum looked", 2.0), ("children", 1.9)], "Arboretum & children"),
        (
            [("wildflower meadows instead", 2.0), ("mown grass", 1.9)],
            "Wildflower meadows & mown grass",
        ),
        ([("topping", 2.0), ("half hour", 1.5)], "Topping & half hour"),
        # A theme with nothing else keeps its weak words: a weak name is better than none.
        ([("come", 2.0), ("later", 1.0)], "Come & later"),
    ],
)
def test_labels_leave_out_words_that_name_nothing(keywords, label):
    assert make_label(keywords) == label
