from engage.services.search import query_terms, search_key


def test_lemmas_match_whole_words():
    key = search_key("More buses and safer parks for children")
    assert " bus " in key and " park " in key and " child " in key
    assert " business " not in key


def test_query_terms_are_distinct_and_capped():
    assert query_terms("Buses buses BUS") == ["bus"]
    assert len(query_terms(" ".join(f"word{n}" for n in range(30)))) == 10


def test_query_terms_ignore_markup_punctuation():
    assert query_terms("<script>alert(1)</script>") == ["script", "alert", "1"]
