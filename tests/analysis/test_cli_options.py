"""The command line refuses meaningless options and framework files, and says when it found
fewer themes than asked for."""

import pytest

from analysis.cli import main
from analysis.framework import parse_framework
from tests.analysis.test_interface import WISHES_WITH_ACCENTS as WISHES


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "wishes.csv"
    path.write_text("text\n" + "\n".join(WISHES) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "option",
    [
        ["--max-themes", "0"],
        ["--max-themes", "-5"],
        ["--themes", "0"],
        ["--themes", "-3"],
        ["--themes", "two"],
    ],
)
def test_meaningless_numbers_of_themes_are_refused(tmp_path, source, capsys, option):
    out = tmp_path / "themes.json"
    with pytest.raises(SystemExit) as stopped:
        main(["themes", str(source), "--out", str(out), "--quiet", *option])
    assert stopped.value.code == 2
    said = capsys.readouterr().err.strip().splitlines()
    assert said[-1].startswith("python -m analysis themes: error: argument")
    assert option[0] in said[-1] and not out.exists()


def test_fewer_themes_than_asked_for_is_said(tmp_path, source, capsys):
    out = tmp_path / "themes.json"
    assert main(["themes", str(source), "--out", str(out), "--quiet", "--themes", "500"]) == 0
    said = capsys.readouterr().err
    assert "500 themes asked for" in said and "8 entries" in said


def test_as_many_themes_as_asked_for_says_nothing(tmp_path, source, capsys):
    out = tmp_path / "themes.json"
    assert main(["themes", str(source), "--out", str(out), "--quiet", "--themes", "2"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([{"id": "a", "name": ""}], "framework theme 0 needs a name"),
        ([{"id": "a", "name": "   "}], "framework theme 0 needs a name"),
        ([{"id": "a", "name": {"en": "Buses"}}], "framework theme 0: its name must be text"),
        ([{"id": "a", "name": ["Buses"]}], "framework theme 0: its name must be text"),
        ([{"id": {"x": 1}, "name": "Buses"}], "framework theme 0: its id must be text"),
        ([{"id": [1], "name": "Buses"}], "framework theme 0: its id must be text"),
        ([{"id": "", "name": "Buses"}], "framework theme 0: its id must be text"),
        ([""], "framework theme 0 needs a name"),
        ({"": "no name"}, "framework theme 0 needs a name"),
    ],
)
def test_framework_themes_need_a_name_and_an_id_in_words(data, message):
    with pytest.raises(ValueError, match=message):
        parse_framework(data)


def test_framework_numbers_are_names_and_ids(tmp_path):
    (theme,) = parse_framework([{"id": 7, "name": 2026, "description": "the year"}])
    assert (theme.id, theme.name) == ("7", "2026")


def test_a_framework_without_a_name_stops_the_command_line(tmp_path, source):
    framework = tmp_path / "framework.yaml"
    framework.write_text('themes:\n  - id: transport\n    name: ""\n')
    with pytest.raises(SystemExit) as stopped:
        main(
            [
                "themes",
                str(source),
                "--out",
                str(tmp_path / "o.json"),
                "--quiet",
                "--framework",
                str(framework),
            ]
        )
    assert str(stopped.value.code) == "error: framework theme 0 needs a name"
