"""Name detection for residents' text (used by engage.services.flags).

Only where a simple detector can tell: an introduction ("my name is ...", "I'm Jane Smith"),
a title ("Mrs Patel", "Cllr Jones"), a sign-off ("Thanks, Sarah"), or a first name from
zxcvbn's name lists followed by a surname from its surname list ("John Smith").
"""

import re
from functools import cache

Offsets = tuple[int, int]

# A capitalised name word: "Smith", "McDonald", "O'Brien", "Smith-Jones".
_WORD = r"(?:[A-Z]['’])?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:[-'’][A-Z][a-z]+)?"
_NAME_WORD = re.compile(_WORD)

_INTRO_STRONG = re.compile(
    r"\b(?i:my\s+name\s+is|my\s+name's|my\s+name’s|i\s+am\s+called|i'm\s+called|name:)\s+"
    r"(" + _WORD + r"(?:\s+" + _WORD + r")?)"
)
_INTRO_WEAK = re.compile(r"\b(?i:i\s+am|i'm|i’m)\s+(" + _WORD + r")(?:\s+(" + _WORD + r"))?")
_TITLE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Cllr|Councillor|Prof|Professor|Sir|Dame|Rev|Revd)\.?\s+"
    r"(" + _WORD + r")(?:\s+(" + _WORD + r"))?"
)
_SIGN_OFF = re.compile(
    r"(?i:thanks|thank\s+you|regards|cheers|best\s+wishes|many\s+thanks|yours\s+sincerely|"
    r"yours\s+faithfully|love|from)[,.!]?\s+(" + _WORD + r")(?:\s+(" + _WORD + r"))?[\s.!]*$"
)

# Words that make a "name" a place or an organisation: "Victoria Park", "Rose Hill",
# "Derby County", "Frank Whittle Road". Several are real surnames (Hill, Green, Wood, Hall):
# those names are missed unless a title or an introduction says they are names.
_PLACE_WORDS = frozenset(
    """road rd street st lane avenue ave park hill hills green wood woods hall close way gate
    bridge field fields centre center station school academy college university church chapel
    cathedral hospital library market square gardens garden court place terrace walk row drive
    crescent grove mews abbey common moor heath vale valley brook wharf cross leisure stadium
    arena museum house tower estate county city town council island lake ward surgery clinic
    primary junior infant nursery college shopping retail industrial business hotel pub inn
    arms bus buses tram train line lines rovers united athletic football club""".split()
)
# Lower-case words after a famous name that show it is a reference, not a resident:
# "Brian Clough statue", "Florence Nightingale mural".
_REFERENCE_WORDS = frozenset(
    """statue mural memorial plaque tribute exhibition film books fans pool gallery road street
    lane avenue park school centre stadium museum hospital""".split()
)
# Title words that are also ordinary words in English when capitalised at a sentence start.
_NOT_AFTER_INTRO = frozenset(
    """not a an the very so really just also sure here there from in at on glad happy sorry
    writing asking disabled retired unemployed""".split()
)


# "Dr Who", "Mrs May": after a title, one of this many most common words is not a surname.
_COMMON = 1000
# Characters and brands with a title: "Mr Whippy" vans, "Mr Blobby".
_NOT_PEOPLE = frozenset(
    {"whippy", "blobby", "bean", "men", "kipling", "motivator", "freeze", "saigon", "martens"}
)
_ANY_WORD = re.compile(r"[A-Za-z]+(?:['’]s)?")
# "St Mary Smith's" is rarer than a church or street called after a saint.
_SAINT_BEFORE = re.compile(r"\b(?:St\.?|Saint)\s+$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s$")


# zxcvbn's lists are American and each word sits in one list only, so common British,
# Irish, Welsh, South Asian and Polish names went to its password or Wikipedia lists instead.
_MORE_FIRST_NAMES = frozenset(
    """gareth callum rhys kieran liam aiden alfie oliver isla poppy sophie chloe niamh aoife
    priya raj muhammad mohammad zainab tomasz piotr agnieszka hannah connor declan ciaran sian
    cerys kirsty bev kath jo harvey archie freddie theo evie ellie millie lily amelia olivia
    ava jamie darren wayne nigel gavin graham trevor shaun stacey leanne gemma siobhan bethany
    megan lauren jessica charlotte emily harriet imogen phoebe rosie tilly zara aisha ayesha
    fatima amina maryam hamza bilal imran tariq asif sajid nadia samina shazia parveen harpreet
    gurpreet manpreet jaspreet sunita anita rajesh sanjay vikram arjun rohan anil ravi deepak
    kasia magda marek krzysztof pawel jakub ewa joanna""".split()
)
_MORE_SURNAMES = frozenset(
    "kaur begum ahmed ali akhtar iqbal mahmood chaudhry kelly ryan lloyd owen nowak".split()
)


@cache
def _first_names() -> frozenset[str]:
    """zxcvbn's male and female first names plus common British ones, lower case."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    listed = set(FREQUENCY_LISTS["male_names"]) | set(FREQUENCY_LISTS["female_names"])
    return frozenset(listed) | _MORE_FIRST_NAMES


@cache
def _surnames() -> frozenset[str]:
    """zxcvbn's surnames plus common British ones, lower case."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["surnames"]) | _MORE_SURNAMES


@cache
def common_words(limit: int) -> frozenset[str]:
    """The `limit` most frequent words of zxcvbn's two English lists (which hold no names)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    lists = ("english_wikipedia", "us_tv_and_film")
    return frozenset(word for name in lists for word in FREQUENCY_LISTS[name][:limit])


def _is_place(word: str | None) -> bool:
    """True when a word names a kind of place or organisation rather than a person."""
    return word is not None and _POSSESSIVE.sub("", word.lower()) in _PLACE_WORDS


def _followed_by_place(text: str, end: int) -> bool:
    """True when the word after offset end makes the name a place or a reference."""
    match = _ANY_WORD.match(text, end + 1) if text[end : end + 1] == " " else None
    if match is None:
        return False
    word = match.group()
    return _is_place(word) if word[0].isupper() else word in _REFERENCE_WORDS


def _span_of(match: re.Match[str], text: str, titled: bool = False) -> Offsets | None:
    """The name in a title, introduction or sign-off match, unless it is really a place."""
    first = match.group(1).split()[0]
    last = match.group(2) if match.re.groups > 1 else None
    # After a title even a place-like word is a surname: "Mrs Green", "Dr Hall".
    if first.lower() in _NOT_AFTER_INTRO or _is_place(last) or (_is_place(first) and not titled):
        return None
    end = match.end(2) if last else match.end(1)
    return None if _followed_by_place(text, end) else (match.start(1), end)


def _weak_intro(match: re.Match[str], text: str) -> Offsets | None:
    """ "I'm X (Y)" is a name only if X is a known first name."""
    if match.group(1).lower() not in _first_names():
        return None
    if match.group(2) and match.group(2).lower() not in _surnames():
        return None if _is_place(match.group(2)) else (match.start(1), match.end(1))
    return _span_of(match, text)


def _title(match: re.Match[str], text: str) -> Offsets | None:
    """ "Mrs Patel" or "Mrs Jane Patel": a second word counts only after a first name."""
    word = match.group(1).lower()
    if word in _NOT_PEOPLE or (word in common_words(_COMMON) and word not in _first_names()):
        return None
    if match.group(2) and match.group(1).lower() not in _first_names():
        return None if _is_place(match.group(2)) else (match.start(1), match.end(1))
    return _span_of(match, text, titled=True)


def _sign_off(match: re.Match[str], text: str) -> Offsets | None:
    """A sign-off counts when its first word is a known first name."""
    return _span_of(match, text) if match.group(1).lower() in _first_names() else None


def _first_and_surname(text: str) -> list[Offsets]:
    """A known first name straight followed by a known surname, outside place names."""
    words = list(_NAME_WORD.finditer(text))
    found = []
    for first, last in zip(words, words[1:], strict=False):
        if text[first.end() : last.start()] != " ":
            continue
        if first.group().lower() not in _first_names() or last.group().lower() not in _surnames():
            continue
        before = text[max(0, first.start() - 7) : first.start()]
        if _SAINT_BEFORE.search(before) or _is_place(last.group()):
            continue
        if not _followed_by_place(text, last.end()):
            found.append((first.start(), last.end()))
    return found


_CONTEXTS = (
    (_INTRO_STRONG, _span_of),
    (_INTRO_WEAK, _weak_intro),
    (_TITLE, _title),
    (_SIGN_OFF, _sign_off),
)


def find_names(text: str) -> list[Offsets]:
    """Offsets of likely personal names; may overlap each other."""
    found = _first_and_surname(text)
    for pattern, check in _CONTEXTS:
        found += [span for m in pattern.finditer(text) if (span := check(m, text))]
    return found
