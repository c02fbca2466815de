"""Pattern detectors for personal data in residents' text (used by engage.services.flags).

Each finder takes a text and returns (start, end) character offsets; they may overlap each
other, and engage.services.flags decides which one wins.
"""

import re
from collections.abc import Callable
from functools import cache

from engage.services.flags_names import common_words

Offsets = tuple[int, int]

# ASCII classes on purpose: \w would let an address swallow neighbouring non-Latin text.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+'-]*"
    r"(?:@|\s?[\[(]at[\])]\s?)"
    r"[A-Za-z0-9-]+(?:(?:\.|\s?[\[(]dot[\])]\s?)[A-Za-z0-9-]+)*"
    r"(?:\.|\s?[\[(]dot[\])]\s?)[A-Za-z]{2,24}(?![A-Za-z0-9-])",
    re.IGNORECASE,
)
# "info at example dot com": spelled out, so only with a common top-level domain at the end.
_EMAIL_WORDS = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][\w.+-]* at [A-Za-z0-9-]+(?: dot [A-Za-z0-9-]+)*"
    r" dot (?:com|net|org|info|io|uk)\b",
    re.IGNORECASE,
)

# Bare domains only count with a known top-level domain, so "e.g." or "report.pdf" do not;
# short ones that are also words ("road.Us residents", a missing space) are left out.
_TLDS = (
    r"co\.uk|org\.uk|gov\.uk|ac\.uk|nhs\.uk|ltd\.uk|me\.uk|com|net|org|info|biz|io|uk|eu|"
    r"xyz|online|ru|cn|ly"
)
_URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"'`]+"
    r"|(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,62})\.)+(?:" + _TLDS + r")\b(?![.-]\w)"
    r"(?:[/?#][^\s<>\"'`]*)?",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?)]}'\""

# A run that starts like a UK number (+44, 0044, (0 or 0) with single spaces, dashes or brackets
# between digits; the digits are then checked against the numbering plan. Slashes, dots and
# colons are not separators, so dates ("01/02/2026"), times and prices never start one.
_PHONE = re.compile(
    r"(?<![\w+£$€.,/-])(?:(?:\+|00)\s?44[ \-]?(?:\(0\)[ \-]?)?\(?\d|\(?0)"
    r"(?:\)?(?:[ \u00a0]?-[ \u00a0]?|[ \u00a0])?\(?\d){7,11}(?![\d\w])"
)
_PHONE_NATIONAL = re.compile(r"0(?:7\d{9}|[123]\d{8,9}|8\d{8,9}|9\d{9})")

_OUTWARD = r"(?:[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?))"
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(" + _OUTWARD + r")[ \u00a0]{0,2}([0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# "the A38 2nd exit" or "m1 4th junction" has the shape of a postcode; real ones are upper case.
_ORDINAL = re.compile(r"^(?:1st|2nd|3rd|[0-9]th)$", re.IGNORECASE)

# HMRC prefix rules: first letter not D, F, I, Q, U, V; second not D, F, I, O, Q, U, V; some
# pairs never issued. QQ is HMRC's own specimen prefix: people copy it, and test data uses it.
_NI = re.compile(
    r"(?<![A-Za-z0-9])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]|QQ)"
    r"((?:[ \-]?\d){6})[ \-]?([A-D])(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_NI_NOT_ISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})

_STREET_TYPES = (
    r"Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Crescent|Cres|Grove|Terrace|Tce|"
    r"Place|Pl|Court|Ct|Gardens|Gdns|Hill|Walk|Row|Square|Sq|Mews|Parade|Rise|View|Green|Vale|"
    r"Gate|Yard|Wharf|Boulevard|Hollow|Croft|Fields|Meadow|Meadows"
)
# A house number, then one to four capitalised words and a street type: "12 Duffield Road",
# "Flat 3, 45 London Rd", "7a St Peter's Street". Without a number a street is not an address.
_ADDRESS = re.compile(
    r"(?:\b(?:Flat|Apartment|Apt|Unit|Room)\.?\s+\d{1,4}[A-Za-z]?,?\s+)?"
    r"(?<![\w£$€.,/-])(\d{1,4}[A-Za-z]?)(?:-\d{1,4}[A-Za-z]?)?,?[ \u00a0]+"
    r"(?:[A-Z][A-Za-z'’-]*\.?[ \u00a0]+){1,4}?(?i:" + _STREET_TYPES + r")\b"
)
# The same in lower case ("12 duffield road"), only with one or two words that are not common
# English ("2 more road", "20 mph road" would otherwise count) and a common street type.
_ADDRESS_LOWER = re.compile(
    r"(?<![\w£$€.,/-])(\d{1,4}[a-z]?),?[ \u00a0]+((?:[a-z][a-z'’-]+[ \u00a0]+){1,2}?)"
    r"(?:road|rd|street|lane|avenue|close|drive|crescent|grove|terrace|gardens)\b"
)
# zxcvbn keeps each word in one list only, so some everyday words are missing from the top
# of its English lists ("bus" sits with the passwords).
_NOT_STREET_NAMES = frozenset(
    """mph kph km kms miles mile mins minutes hours yards metres bus buses bike bikes cycle
    car cars taxi tram van lorry hgv""".split()
)
_COMMON = 5000
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")


def find_emails(text: str) -> list[Offsets]:
    """Email addresses, including "name (at) example (dot) com" spellings."""
    return [m.span() for pattern in (_EMAIL, _EMAIL_WORDS) for m in pattern.finditer(text)]


def find_urls(text: str) -> list[Offsets]:
    """Web addresses with a scheme, www. or a bare domain with a known top-level domain."""
    found = []
    for match in _URL.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _URL_TRAILING:
            end -= 1
        found.append((start, end))
    return found


def phone_digits(candidate: str) -> str:
    """The national form of a phone number's digits: "+44 (0)20 7946 0000" -> "02079460000"."""
    digits = re.sub(r"\D", "", candidate)
    for prefix in ("0044", "44"):
        if digits.startswith(prefix) and candidate.lstrip().startswith(("+", "00")):
            digits = digits[len(prefix) :]
            return digits if digits.startswith("0") else "0" + digits
    return digits


def find_phones(text: str) -> list[Offsets]:
    """UK phone numbers whose digits fit the national numbering plan."""
    return [
        m.span()
        for m in _PHONE.finditer(text)
        if _PHONE_NATIONAL.fullmatch(phone_digits(m.group()))
    ]


def find_postcodes(text: str) -> list[Offsets]:
    """Full UK postcodes in any case and spacing; lower or mixed case ordinals are skipped."""
    found = []
    for match in _POSTCODE.finditer(text):
        if _ORDINAL.match(match.group(2)) and not match.group().isupper():
            continue
        if not (match.group().isupper() or match.group().islower()):
            continue  # "De1 1aa" is more likely a typo'd word pair than a postcode
        found.append(match.span())
    return found


def find_ni_numbers(text: str) -> list[Offsets]:
    """National Insurance numbers: two prefix letters, six digits, suffix A-D."""
    return [m.span() for m in _NI.finditer(text) if m.group(1).upper() not in _NI_NOT_ISSUED]


@cache
def _not_street_names() -> frozenset[str]:
    """The most frequent English words, units and vehicles."""
    return common_words(_COMMON) | _NOT_STREET_NAMES


def _uncommon_words(words: str) -> bool:
    """True when none of the words is a common English word, a unit or a vehicle."""
    return not any(word in _not_street_names() for word in words.split())


def find_street_addresses(text: str) -> list[Offsets]:
    """A house number followed by a street name and type; years are not house numbers."""
    found = [m.span() for m in _ADDRESS.finditer(text) if not _YEAR.match(m.group(1))]
    lower = _ADDRESS_LOWER.finditer(text)
    return found + [
        m.span() for m in lower if not _YEAR.match(m.group(1)) and _uncommon_words(m.group(2))
    ]


FINDERS: dict[str, Callable[[str], list[Offsets]]] = {
    "email": find_emails,
    "url": find_urls,
    "ni_number": find_ni_numbers,
    "phone": find_phones,
    "postcode": find_postcodes,
    "street_address": find_street_addresses,
}
