"""Equalities monitoring: optional answers to the national census questions, kept with no link
to what a resident said.

Design (see also README, "Privacy"): each set of answers is one row keyed by a random pseudonym
(``secrets.token_hex``) that appears nowhere else in the database. The row holds the
consultation and the kind of journey it came from (wish, photo or comment), so reports can be
made per consultation; it holds no submission id, no reference, no timestamp and no
auto-increment id, so neither a free-text export nor the insertion order can join it back to
an entry. The resident's browser keeps the pseudonym in its signed session cookie for a while,
so they can change their answers; nothing on the server can. Only aggregate reports, with small
counts suppressed, read this table.
"""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db

PREFER_NOT = ("prefer_not", "Prefer not to say")

# The census 2021 (England and Wales) categories, each with "Prefer not to say".
EQUALITIES_QUESTIONS: dict[str, dict] = {
    "age_band": {
        "label": "What is your age?",
        "choices": {
            "under_16": "Under 16",
            "16_24": "16 to 24",
            "25_34": "25 to 34",
            "35_44": "35 to 44",
            "45_54": "45 to 54",
            "55_64": "55 to 64",
            "65_74": "65 to 74",
            "75_plus": "75 or over",
        },
    },
    "sex": {
        "label": "What is your sex?",
        "hint": "A question about gender identity follows.",
        "choices": {"female": "Female", "male": "Male"},
    },
    "gender_identity": {
        "label": "Is the gender you identify with the same as your sex registered at birth?",
        "choices": {"yes": "Yes", "no": "No"},
    },
    "disability": {
        "label": "Are your day-to-day activities limited because of a health problem or "
        "disability which has lasted, or is expected to last, at least 12 months?",
        "hint": "Include problems related to old age.",
        "choices": {
            "limited_a_lot": "Yes, limited a lot",
            "limited_a_little": "Yes, limited a little",
            "no": "No",
        },
    },
    "ethnic_group": {
        "label": "What is your ethnic group?",
        "choices": {
            "asian_bangladeshi": "Asian or Asian British: Bangladeshi",
            "asian_chinese": "Asian or Asian British: Chinese",
            "asian_indian": "Asian or Asian British: Indian",
            "asian_pakistani": "Asian or Asian British: Pakistani",
            "asian_other": "Asian or Asian British: any other Asian background",
            "black_african": "Black, Black British, Caribbean or African: African",
            "black_caribbean": "Black, Black British, Caribbean or African: Caribbean",
            "black_other": "Black, Black British, Caribbean or African: any other Black background",
            "mixed_white_asian": "Mixed or multiple ethnic groups: White and Asian",
            "mixed_white_black_african": "Mixed or multiple ethnic groups: White and Black African",
            "mixed_white_black_caribbean": "Mixed or multiple ethnic groups: White and Black "
            "Caribbean",
            "mixed_other": "Mixed or multiple ethnic groups: any other Mixed background",
            "white_british": "White: English, Welsh, Scottish, Northern Irish or British",
            "white_irish": "White: Irish",
            "white_gypsy_traveller": "White: Gypsy or Irish Traveller",
            "white_roma": "White: Roma",
            "white_other": "White: any other White background",
            "other_arab": "Other ethnic group: Arab",
            "other_any": "Other ethnic group: any other ethnic group",
        },
    },
    "religion": {
        "label": "What is your religion?",
        "choices": {
            "none": "No religion",
            "christian": "Christian",
            "buddhist": "Buddhist",
            "hindu": "Hindu",
            "jewish": "Jewish",
            "muslim": "Muslim",
            "sikh": "Sikh",
            "other": "Any other religion",
        },
    },
    "sexual_orientation": {
        "label": "Which of the following best describes your sexual orientation?",
        "hint": "Only if you are 16 or over.",
        "choices": {
            "straight": "Straight or heterosexual",
            "gay_lesbian": "Gay or lesbian",
            "bisexual": "Bisexual",
            "other": "Other sexual orientation",
        },
    },
    "carer": {
        "label": "Do you look after, or give any help or support to, anyone because they have "
        "long-term physical or mental health conditions or illnesses, or problems related to "
        "old age?",
        "hint": "Exclude anything you do as part of your paid employment.",
        "choices": {
            "no": "No",
            "up_to_9": "Yes, 9 hours a week or less",
            "10_19": "Yes, 10 to 19 hours a week",
            "20_34": "Yes, 20 to 34 hours a week",
            "35_49": "Yes, 35 to 49 hours a week",
            "50_plus": "Yes, 50 or more hours a week",
        },
    },
}
for _question in EQUALITIES_QUESTIONS.values():
    _question["choices"][PREFER_NOT[0]] = PREFER_NOT[1]

SOURCES = {"wish": "Wishes", "photo": "Photo competition", "comment": "Comments on the draft"}


class EqualitiesResponse(db.Model):
    """One resident's optional equalities answers, under a random pseudonym (see above)."""

    __tablename__ = "equalities_responses"

    pseudonym: Mapped[str] = mapped_column(String(32), primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(16))
    age_band: Mapped[str | None] = mapped_column(String(32))
    sex: Mapped[str | None] = mapped_column(String(32))
    gender_identity: Mapped[str | None] = mapped_column(String(32))
    disability: Mapped[str | None] = mapped_column(String(32))
    ethnic_group: Mapped[str | None] = mapped_column(String(32))
    religion: Mapped[str | None] = mapped_column(String(32))
    sexual_orientation: Mapped[str | None] = mapped_column(String(32))
    carer: Mapped[str | None] = mapped_column(String(32))
