from engage.services.text import clean_text


def test_keeps_ordinary_text_and_emoji():
    assert (
        clean_text("  More parks 🌳 for families 👨‍👩‍👧  ") == "More parks 🌳 for families 👨‍👩‍👧"
    )


def test_removes_bidi_overrides_and_zero_width_characters():
    assert clean_text("safe\u202eroads\u200b\u2066 here\ufeff") == "saferoads here"


def test_removes_control_characters_but_keeps_lines():
    assert clean_text("one\x00\x07\r\ntwo\x1b") == "one\ntwo"


def test_caps_stacked_combining_marks():
    zalgo = "a" + "\u0301" * 50
    assert clean_text(zalgo) == "\u00e1" + "\u0301" * 4  # NFC composes the first mark


def test_nfc_normalises():
    assert clean_text("cafe\u0301") == "caf\u00e9"


def test_only_invisible_characters_is_empty():
    assert clean_text("\u200b\u200c \u202e\n\t") == ""
