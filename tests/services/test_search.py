from engage.services.search import fold, query_terms, search_key


def test_lemmas_match_whole_words():
    key = search_key("More buses and safer parks for children")
    assert " bus " in key and " park " in key and " child " in key
    assert " business " not in key


def test_query_terms_are_distinct_and_capped():
    assert query_terms("Buses buses BUS") == ["bus"]
    assert len(query_terms(" ".join(f"word{n}" for n in range(30)))) == 10


def test_query_terms_ignore_markup_punctuation():
    assert query_terms("<script>alert(1)</script>") == ["script", "alert", "1"]


def test_fold_drops_accents_and_case():
    assert fold("Crèche CAFÉ naïve Straße ﬁsh cafe\u0301") == "creche cafe naive strasse fish cafe"


def test_keys_and_queries_fold_alike():
    assert search_key("Two Cafés and a CRÈCHE") == " two cafe and a creche "
    assert query_terms("cafe crèches") == ["cafe", "creche"]
