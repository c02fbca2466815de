"""Hand-written wishes with known groups: no data from outside the repository is needed."""

import pytest

WISHES = {
    "buses": [
        "More buses to the town centre in the evening",
        "The bus service is unreliable and buses are always late",
        "A bus route to the hospital would help older residents",
        "Cheaper bus fares for young people",
        "Buses on Sundays please, there is no service at all",
        "Bus shelters at every stop and real time bus information",
        "More frequent buses to the train station",
        "The number 12 bus was cut and now we cannot get to work",
    ],
    "potholes": [
        "Fix the potholes on Main Road",
        "The road surface is full of potholes and damages cars",
        "Potholes on our street have been reported many times",
        "Resurface the roads, the potholes are dangerous for cyclists",
        "Deep pothole outside the school needs repairing",
        "Roads are crumbling, fill the potholes properly",
        "Pothole repairs take months, the road is a mess",
        "Repair the broken road surface near the junction",
    ],
    "parks": [
        "More trees and flowers in the park",
        "The park needs new benches and a cafe",
        "Cleaner parks and better playgrounds for children",
        "Keep the park gates open later in summer",
        "A new playground in the park for toddlers",
        "Plant more trees in the park and along the river",
        "The park is overgrown, cut the grass more often",
        "Play equipment in the park is broken",
    ],
    "lighting": [
        "Street lights are broken on Elm Street and it feels unsafe at night",
        "Better street lighting on the path to the station",
        "The alley is dark at night, please add lights",
        "Street lamps keep going out near the shops",
        "More lighting in the underpass, it is scary after dark",
        "Fix the street lights outside the flats",
        "Dark streets at night make women feel unsafe, we need lights",
        "LED street lights on every road",
    ],
    "litter": [
        "More litter bins in the high street",
        "Litter everywhere, empty the bins more often",
        "Fly tipping in the lane is never cleared",
        "Overflowing bins attract rats",
        "Stop the litter and dog mess on pavements",
        "Recycling bins collected every week not every fortnight",
        "Fines for people who drop litter",
        "Bins are emptied too rarely and rubbish piles up",
    ],
    "youth": [
        "A youth club for teenagers with activities in the evening",
        "Nothing for young people to do, open a youth centre",
        "Free sports clubs and activities for teenagers",
        "Reopen the youth club that closed last year",
        "Activities for young people in the school holidays",
        "A skate park and youth activities would keep teenagers busy",
        "Youth workers and a youth centre on the estate",
        "Music and drama clubs for teenagers",
    ],
}


def flatten(groups):
    texts, truth = [], []
    for name, items in groups.items():
        texts += items
        truth += [name] * len(items)
    return texts, truth


@pytest.fixture(scope="session")
def wishes():
    return flatten(WISHES)


@pytest.fixture(scope="session")
def fitted(wishes):
    from analysis import ThemeModel

    texts, _ = wishes
    ids = [f"w{i:03d}" for i in range(len(texts))]
    return ThemeModel(n_themes=6, random_state=0).fit(texts, ids=ids)
