"""The demo consultation, "3 wishes for Derby in 2026", so a new install shows a living platform.

The wishes are composed from short phrases written for the demo, in the voice of residents'
wish cards, across the themes a community strategy usually hears about.
"""

import random
from datetime import timedelta

from engage.extensions import db
from engage.models import ModerationStatus, Submission, Wish
from engage.models._types import utcnow
from engage.services.consultations import get_consultation, upsert_area
from engage.services.references import new_reference
from engage.services.search import search_key

SLUG = "3-wishes-derby-2026"

AREAS = [
    ("E05001768", "Abbey", ["DE22"]),
    ("E05001769", "Allestree", ["DE3"]),
    ("E05001770", "Alvaston", ["DE24"]),
    ("E05001771", "Arboretum", ["DE1", "DE23"]),
    ("E05001773", "Chaddesden", ["DE21"]),
    ("E05001774", "Chellaston", ["DE73"]),
    ("E05001777", "Littleover", ["DE65"]),
    ("E05001781", "Spondon", ["DE72"]),
]

THEMES = {
    "transport": (
        [
            "more frequent buses in the evenings",
            "a bus that goes straight to the Royal Derby Hospital",
            "safe cycle lanes that join up across the city",
            "cheaper parking in the city centre",
            "fewer potholes on our estate roads",
            "a tram or light rail link to East Midlands Airport",
            "buses that run on Sundays",
            "proper crossings outside the schools",
        ],
        [
            "so older people are not stuck at home",
            "so I can get to work without a car",
            "so children can cycle to school safely",
            "because the traffic at rush hour is terrible",
        ],
    ),
    "parks": (
        [
            "cleaner parks with working toilets",
            "more trees along the main roads",
            "a better play area in the local park",
            "the river path kept clear and lit",
            "more allotments for families",
            "wildflower meadows instead of mown grass",
            "benches in the park for older people",
            "the Arboretum looked after like it used to be",
        ],
        [
            "so everyone has somewhere green to go",
            "because nature is good for our health",
            "so children have somewhere to play outside",
            "so the city feels cared for",
        ],
    ),
    "young_people": (
        [
            "a youth club open every night of the week",
            "more things for teenagers to do",
            "apprenticeships with local firms for school leavers",
            "free sports sessions for young people",
            "a skate park that is looked after",
            "music and drama clubs that are free to join",
            "mentoring for young people leaving care",
            "somewhere safe for young people to meet",
        ],
        [
            "so they are not hanging around on the streets",
            "so young people want to stay in Derby",
            "because there is nothing for them at the moment",
            "so every child gets a good start",
        ],
    ),
    "safety": (
        [
            "more police officers walking the beat",
            "better street lighting on the way home",
            "an end to antisocial behaviour in the city centre",
            "CCTV that actually works in the shopping areas",
            "less drug dealing near the parks",
            "speed cameras on the roads where people race",
            "neighbourhood wardens we can talk to",
            "action on fly-tipping in the alleys",
        ],
        [
            "so people feel safe walking at night",
            "so older residents are not afraid to go out",
            "because reporting it never seems to change anything",
            "so the area is somewhere to be proud of",
        ],
    ),
    "health": (
        [
            "shorter waits to see a GP",
            "more support for people with mental health problems",
            "a walk-in centre that is open late",
            "help for carers looking after family at home",
            "free swimming for children and pensioners",
            "healthy food that is affordable on every estate",
            "more dentists taking NHS patients",
            "support groups for people who are lonely",
        ],
        [
            "so people get help before it is too late",
            "because everyone deserves a long healthy life",
            "so nobody has to cope on their own",
            "because the gap between areas is too big",
        ],
    ),
    "jobs": (
        [
            "more well paid jobs in the city",
            "support for small local businesses",
            "training for adults who want to change career",
            "help for people out of work to get back into it",
            "more shops and cafes instead of empty units",
            "a thriving market hall again",
            "local firms employing local people",
            "cheap business space for start-ups",
        ],
        [
            "so young people do not have to move away",
            "so families can make ends meet",
            "because the high street is dying",
            "so Derby keeps its engineering skills",
        ],
    ),
    "housing": (
        [
            "more affordable homes for young families",
            "empty buildings turned into homes",
            "landlords made to repair damp and mould",
            "homes for older people close to shops",
            "help for people sleeping on the streets",
            "new estates built with schools and doctors",
            "warmer homes with better insulation",
            "council housing for people on the waiting list",
        ],
        [
            "so people can stay near their families",
            "because rents are far too high",
            "so nobody has to sleep rough",
            "so bills are lower in winter",
        ],
    ),
    "environment": (
        [
            "more recycling, including food waste",
            "less litter on the streets",
            "solar panels on every public building",
            "cleaner air near the ring road",
            "a ban on idling outside schools",
            "bins emptied every week",
            "electric car charging points on every street",
            "the river cleaned up for wildlife",
        ],
        [
            "so we leave a better city for our grandchildren",
            "because the climate is changing",
            "so the streets look cared for",
            "because children breathe the fumes",
        ],
    ),
    "culture": (
        [
            "a new theatre and concert hall in the city centre",
            "more festivals and events for families",
            "the museums kept open and free",
            "a city centre that is lively in the evenings",
            "celebrations of all the communities that live here",
            "the library kept open in our area",
            "a music venue for local bands",
            "more public art and murals",
        ],
        [
            "so people have a reason to come into town",
            "so Derby is proud of its history",
            "because culture brings people together",
            "so visitors come and spend money here",
        ],
    ),
    "community": (
        [
            "neighbours looking out for each other",
            "a community centre on every estate",
            "more volunteering opportunities for all ages",
            "people from different backgrounds mixing more",
            "a voice for residents in how the council spends money",
            "help for older people living alone",
            "community events in the park every summer",
            "local groups given money to run activities",
        ],
        [
            "so nobody feels left out",
            "because we are stronger together",
            "so people get to know their neighbours",
            "so residents feel listened to",
        ],
    ),
}

OPENERS = ["", "I wish for ", "I would like ", "My wish is for ", "Please can we have ", "We need "]


def demo_wish(rng: random.Random) -> str:
    """One wish as a resident might write it on a card."""
    asks, reasons = THEMES[rng.choice(sorted(THEMES))]
    ask = rng.choice(asks)
    opener = rng.choice(OPENERS)
    text = f"{opener}{ask}" if opener else ask[0].upper() + ask[1:]
    if rng.random() < 0.6:
        text += f" {rng.choice(reasons)}"
    return text + rng.choice([".", ".", "!", ""])


def seed_demo(approved_wishes: int = 300, seed: int = 2026):
    """Create the demo consultation (once) with its areas and approved wishes."""
    existing = get_consultation(SLUG)
    if existing is not None:
        return existing, False
    from engage.models import Consultation

    now = utcnow()
    consultation = Consultation(
        slug=SLUG,
        title="3 wishes for Derby in 2026",
        place_name="Derby",
        summary="Tell us your three wishes for Derby in 2026. Your answers will shape the "
        "city's community strategy for the next fifteen years.",
        description="Derby City Partnership brings together the council, the police, the NHS, "
        "schools, businesses and voluntary groups. Together we are writing a new community "
        "strategy that sets out what the city should be like in 2026.\n\n"
        "Before we write a word of it, we want to hear from you. What would make Derby a better "
        "place to live, work, grow up and grow old? Give us up to three wishes.",
        how_answers_are_used="Every wish is read. We check wishes before publishing them on the "
        "wish wall, and remove anything that could identify someone.\n\n"
        "When the consultation closes we group all the wishes into themes. The themes become the "
        "priorities of the draft strategy, which we will publish for comment. Afterwards we will "
        "show what you said and what we did about it.",
        opens_at=now - timedelta(days=30),
        closes_at=now + timedelta(days=90),
    )
    consultation.areas = [upsert_area(code, name, districts) for code, name, districts in AREAS]
    db.session.add(consultation)
    _add_wishes(consultation, approved_wishes, random.Random(seed))
    db.session.flush()
    from engage.demo_strategy import seed_demo_strategy

    seed_demo_strategy(consultation)
    from engage.demo_photos import seed_demo_competition
    from engage.storage import get_storage

    seed_demo_competition(consultation, get_storage())
    from engage.demo_workspace import seed_demo_workspace

    seed_demo_workspace(consultation)
    return consultation, True


def _approved_wish(position: int, text: str, received) -> Wish:
    return Wish(
        position=position,
        text=text,
        search_key=search_key(text),
        status=ModerationStatus.APPROVED,
        created_at=received,
    )


def _add_wishes(consultation, count: int, rng: random.Random) -> None:
    channels = ["online"] * 5 + ["paper_card"] * 3 + ["wish_tree", "workshop"]
    added = 0
    while added < count:
        received = consultation.opens_at + timedelta(minutes=rng.randint(0, 29 * 24 * 60))
        submission = Submission(
            consultation=consultation,
            channel=rng.choice(channels),
            received_at=received,
            reference=new_reference("W"),
            area=rng.choice([*consultation.areas, None]),
        )
        n = min(rng.choice([1, 2, 3, 3]), count - added)
        submission.wishes = [_approved_wish(i, demo_wish(rng), received) for i in range(1, n + 1)]
        db.session.add(submission)
        added += n
