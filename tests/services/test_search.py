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


def test_fold_drops_greek_and_cyrillic_accents():
    assert fold("Αθήνα ΚΑΦΈ Ёлка") == "αθηνα καφε елка"


def test_fold_keeps_the_cyrillic_letters_written_with_a_mark():
    # й, ў and ї are letters of their own: "мой" (my) is not "мои" (my, of many).
    assert fold("Мой Йогурт Україна Ўзбек") == "мой йогурт україна ўзбек"
    assert fold("мой") != fold("мои")


def test_fold_keeps_the_marks_other_scripts_spell_letters_with():
    for word in ["ガス", "स्कूल", "سأل", "ใหม่", "中文"]:
        assert fold(word) == word
    assert fold("ガス") != fold("カス")


def test_fold_drops_the_vowel_marks_arabic_and_hebrew_writers_mostly_leave_out():
    assert fold("جداً") == fold("جدا") == "جدا"  # "very", with and without its tanween
    assert fold("שָׁלוֹם") == "שלום"  # Hebrew points
    assert fold("سأل") != fold("سال")  # the hamza is a letter


def test_fold_composes_what_it_decomposed():
    assert fold("ｶﾞｽ") == "ガス"  # half-width katakana, the voicing mark typed apart
    assert fold("한국") == "한국"  # Hangul syllables, not their letters one by one


def test_fold_drops_marks_that_belong_to_no_letter_or_only_choose_a_glyph():
    assert fold("1\ufe0f\u20e3 葛\U000e0100飾") == "1 葛飾"


def test_a_word_keeps_its_marks():
    assert search_key("गाँव में स्कूल") == " गाँव में स्कूल "
    assert query_terms("पीना") == ["पीना"]
