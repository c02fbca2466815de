"""The library's boundaries: no web imports, the command line, framework mapping."""

import csv
import json
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analysis import ThemeModel, load_framework
from analysis.cli import main
from analysis.framework import expand
from analysis.preprocess import apply_steps, default_steps, stop_words

ROOT = Path(__file__).resolve().parents[2]

FRAMEWORK_YAML = """
themes:
  - id: transport
    name: Getting around
    description: buses, bus routes and fares, public transport to work and the station
  - id: roads
    name: Roads and pavements
    description: potholes, road surface repairs, resurfacing
  - id: green
    name: Green spaces
    description: parks, trees, playgrounds and play equipment
  - id: clean
    name: Clean streets
    description: litter, bins, fly tipping, recycling collections
"""


def test_library_never_imports_the_web_app_or_torch():
    code = (
        "import sys, analysis\n"
        "from analysis import ThemeModel\n"
        "ThemeModel(n_themes=2).fit(['more buses', 'bus routes', 'park trees', 'trees'])\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'sqlalchemy', 'engage', 'torch', 'sentence_transformers'}]\n"
        "print(bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_preprocessing_is_composable():
    steps = default_steps(area_name="Newport")
    (token,) = apply_steps("More BUSES in Newport, please!", steps)
    assert token.startswith("bus")
    assert "would" in stop_words() and "newport" in stop_words("Newport")
    assert apply_steps("the council's parks", steps) == ["council", "park"]
    petitions = default_steps(extra_stop_words=["ban", "Stop"])
    assert apply_steps("Banning dogs, stop STOPPING bans; a bank stops", petitions) == [
        "dog",
        "bank",
    ]


def test_command_line(tmp_path, wishes):
    texts, _ = wishes
    source = tmp_path / "wishes.csv"
    with source.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "text"])
        writer.writerows([[f"r{i}", t] for i, t in enumerate(texts)])
    framework = tmp_path / "framework.yaml"
    framework.write_text(FRAMEWORK_YAML)
    out, assigned = tmp_path / "themes.json", tmp_path / "assignments.csv"
    code = main(
        [
            "themes",
            str(source),
            "--text-column",
            "text",
            "--id-column",
            "ref",
            "--themes",
            "6",
            "--framework",
            str(framework),
            "--out",
            str(out),
            "--assignments",
            str(assigned),
            "--quiet",
        ]
    )
    assert code == 0
    report = json.loads(out.read_text())
    assert report["n_themes"] == 6 and len(report["themes"]) == 6
    rows = list(csv.DictReader(assigned.read_text().splitlines()))
    assert list(rows[0]) == ["id", "theme_id", "theme_label", "score"] + [
        "framework_id",
        "framework_name",
        "framework_score",
    ]
    assert [r["id"] for r in rows] == [f"r{i}" for i in range(len(texts))]
    # Each entry's best framework theme, for a spreadsheet to sort by.
    pothole = rows[texts.index("Fix the potholes on Main Road")]
    bus = rows[texts.index("More buses to the town centre in the evening")]
    assert (pothole["framework_id"], pothole["framework_name"]) == ("roads", "Roads and pavements")
    assert bus["framework_id"] == "transport" and float(bus["framework_score"]) > 0.3


def test_command_line_leaves_out_the_stop_words_given(tmp_path):
    source = tmp_path / "petitions.csv"
    rows = ["Ban puppy farms", "Stop dog fouling", "Ban dogs on beaches", "Stop puppy sales"]
    rows += ["Ban lorries on our road", "Stop speeding traffic", "Ban road parking"]
    source.write_text("text\n" + "\n".join(rows) + "\n")
    out, assigned = tmp_path / "themes.json", tmp_path / "assignments.csv"
    args = ["themes", str(source), "--themes", "2", "--out", str(out), "--quiet"]
    args += ["--assignments", str(assigned)]
    assert main([*args, "--stop-word", "ban", "--stop-word", "stop"]) == 0
    # Without a framework, the assignments have no framework columns.
    assert assigned.read_text().splitlines()[0] == "id,theme_id,theme_label,score"
    report = json.loads(out.read_text())
    assert report["parameters"]["extra_stop_words"] == ["ban", "stop"]
    keywords = {k.lower() for theme in report["themes"] for k in theme["keywords"]}
    assert {"dog", "puppy", "road"} <= keywords and not keywords & {"ban", "stop"}


def test_command_line_says_how_it_chose_the_number_of_themes(tmp_path, wishes, capsys):
    texts, _ = wishes
    source = tmp_path / "wishes.csv"
    source.write_text("text\n" + "\n".join(texts) + "\n")
    out = tmp_path / "themes.json"
    assert main(["themes", str(source), "--out", str(out)]) == 0
    said = capsys.readouterr().err
    (chosen,) = [c for c in json.loads(out.read_text())["selection"] if c["chosen"]]
    assert f"{chosen['n_themes']} themes chosen of 4-" in said
    assert f"stability ({chosen['stability']:.2f})" in said
    # The progress bar names each stage once (tqdm redraws it at most every 0.1 s, so only
    # the last state is sure to be shown).
    assert "labelling: 4/4" in said and ": :" not in said


def test_command_line_summary_places_each_theme_in_the_framework(tmp_path, wishes, capsys):
    texts, _ = wishes
    source, framework = tmp_path / "wishes.csv", tmp_path / "framework.yaml"
    source.write_text("text\n" + "\n".join(texts) + "\n")
    framework.write_text(FRAMEWORK_YAML)
    out = tmp_path / "themes.json"
    args = ["themes", str(source), "--themes", "6", "--framework", str(framework)]
    assert main([*args, "--out", str(out)]) == 0
    lines = capsys.readouterr().err.splitlines()
    report = json.loads(out.read_text())
    for theme in report["themes"]:
        (line,) = [x for x in lines if x.startswith(f"  {theme['id']:3d}  ")]
        if theme["is_new"]:
            assert line.endswith("(new: no framework theme fits it well)")
        else:
            assert line.endswith(f"-> {theme['framework'][0]['name']}")
    assert any(line.endswith("-> Roads and pavements") for line in lines)


def test_command_line_reports_a_missing_column(tmp_path):
    source = tmp_path / "x.csv"
    source.write_text("id,body\n1,buses\n")
    with pytest.raises(SystemExit, match="no column 'text'"):
        main(["themes", str(source), "--out", str(tmp_path / "o.json"), "--quiet"])


WISHES_WITH_ACCENTS = [
    "More buses to the café quarter",
    "Bus routes past the café",
    "Later buses on Sundays",
    "Cheaper bus fares",
    "Trees in the park",
    "A cleaner park with more trees",
    "Park benches and trees",
    "Safer park at night",
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_command_line_reads_csv_as_spreadsheets_save_it(tmp_path, encoding, capsys):
    source = tmp_path / "wishes.csv"
    source.write_bytes(("text\r\n" + "\r\n".join(WISHES_WITH_ACCENTS)).encode(encoding))
    out, assigned = tmp_path / "themes.json", tmp_path / "assignments.csv"
    args = ["themes", str(source), "--themes", "2", "--out", str(out), "--quiet"]
    assert main([*args, "--assignments", str(assigned)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    shown = {r["text"] for theme in report["themes"] for r in theme["representatives"]}
    assert "Bus routes past the café" in shown or "More buses to the café quarter" in shown
    assert len(assigned.read_text(encoding="utf-8").splitlines()) == 1 + len(WISHES_WITH_ACCENTS)
    said = capsys.readouterr().err
    assert ("read as Windows-1252" in said) == (encoding == "cp1252")


def test_command_line_says_what_is_wrong_with_its_files(tmp_path):
    good = tmp_path / "wishes.csv"
    good.write_text("text\n" + "\n".join(WISHES_WITH_ACCENTS) + "\n", encoding="utf-8")
    out = tmp_path / "themes.json"

    def error(*args):
        with pytest.raises(SystemExit) as stopped:
            main(["themes", *args, "--themes", "2", "--quiet"])
        return str(stopped.value.code)

    assert error(str(tmp_path / "none.csv"), "--out", str(out)) == (
        f"error: cannot read {tmp_path / 'none.csv'}: No such file or directory"
    )
    assert "cannot read" in error(str(tmp_path), "--out", str(out))
    picture = tmp_path / "photo.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "not a CSV file" in error(str(picture), "--out", str(out))
    assert "is a folder" in error(str(good), "--out", str(tmp_path))
    assert "no folder" in error(str(good), "--out", str(tmp_path / "missing" / "t.json"))
    assert "no folder" in error(
        str(good), "--out", str(out), "--assignments", str(tmp_path / "missing" / "a.csv")
    )
    bad_yaml, bad_json = tmp_path / "framework.yaml", tmp_path / "framework.json"
    bad_yaml.write_text("themes: [transport\n")
    bad_json.write_text('{"themes": [')
    said = error(str(good), "--out", str(out), "--framework", str(bad_yaml))
    assert said.startswith(f"error: framework {bad_yaml} is not valid YAML at line 2")
    said = error(str(good), "--out", str(out), "--framework", str(bad_json))
    assert said.startswith(f"error: framework {bad_json} is not valid JSON")
    assert "cannot read" in error(str(good), "--out", str(out), "--framework", str(out))
    assert not out.exists()


def test_framework_mapping(wishes, tmp_path):
    texts, _ = wishes
    path = tmp_path / "framework.yaml"
    path.write_text(FRAMEWORK_YAML)
    model = ThemeModel(n_themes=6, framework=path).fit(texts)
    best = {}
    for theme in model.themes_:
        assert theme.is_new is not None
        if theme.framework and not theme.is_new:
            best[theme.label.split()[0].lower()] = theme.framework[0].framework_id
    assert best.get("bus") == "transport"
    assert best.get("potholes") == "roads"
    new = [t.label for t in model.themes_ if t.is_new]
    assert any("light" in n.lower() or "youth" in n.lower() for n in new)
    (a,) = model.transform(["buses to the station"])
    assert a.framework and a.framework[0].framework_id == "transport"


def test_entries_are_matched_to_the_framework_by_what_they_say(wishes):
    # The strategy is finer than the themes: two of its themes are about buses.
    texts, _ = wishes
    framework = [
        {"id": "fares", "name": "Bus fares", "description": "cheaper fares and tickets"},
        {"id": "routes", "name": "Bus routes", "description": "routes to the hospital"},
        {"id": "parks", "name": "Parks", "description": "trees, benches, playgrounds"},
    ]
    model = ThemeModel(n_themes=6, framework=framework, random_state=0).fit(texts)
    fares, route = (
        texts.index("Cheaper bus fares for young people"),
        texts.index("A bus route to the hospital would help older residents"),
    )
    assert model.labels_[fares] == model.labels_[route]
    found = {a.id: a for a in model.assignments()}
    assert found[fares].framework[0].framework_id == "fares"
    assert found[route].framework[0].framework_id == "routes"
    (new,) = model.transform(["cheaper fares on the buses"])
    assert new.framework[0].framework_id == "fares"
    assert new.framework[0].score > new.framework[1].score
    # An entry with no usable word, and an empty one, match nothing.
    emoji, empty = model.transform(["🙂🙂", "  "])
    assert emoji.framework == () and empty.framework == ()


def test_a_theme_that_fits_the_framework_far_worse_than_the_others_is_new(wishes, tmp_path):
    # How high similarities run depends on the representation and on how much the framework
    # says, so no fixed threshold is needed to tell the themes it does not cover.
    texts, _ = wishes
    path = tmp_path / "framework.yaml"
    path.write_text(FRAMEWORK_YAML)
    model = ThemeModel(n_themes=6, framework=path, framework_threshold=0.0).fit(texts)
    new = {t.label.split()[0].lower() for t in model.themes_ if t.is_new}
    assert new == {"street", "youth"}
    typical = statistics.median(t.framework[0].score for t in model.themes_)
    assert max(t.framework[0].score for t in model.themes_ if t.is_new) < 0.8 * typical
    model.set_params(framework_relative=0.0).fit(texts)
    assert not any(t.is_new for t in model.themes_)


def test_framework_themes_take_in_the_words_of_their_best_matching_entries():
    rng = np.random.RandomState(0)
    lights, buses = np.eye(8, dtype=np.float32)[0], np.eye(8, dtype=np.float32)[1]
    entries = np.vstack(
        [lights + 0.3 * rng.rand(20, 8).astype(np.float32), buses + 0.3 * rng.rand(20, 8)]
    )
    entries /= np.linalg.norm(entries, axis=1, keepdims=True)
    # "Street lights" in the framework's few words: near the lights entries, not on them.
    said = np.array([[0.6, 0.1, 0, 0, 0, 0, 0, 0.79], [0, 0, 0, 0, 0, 0, 0, 0]], np.float32)
    expanded = expand(said, entries, 10)
    centre = entries[:20].mean(axis=0)
    assert expanded[0] @ centre > said[0] @ centre + 0.2
    assert np.linalg.norm(expanded[0]) == pytest.approx(1.0)
    # A framework theme that shares nothing with the entries stays as it is, and 0 turns
    # the feedback off.
    assert not expanded[1].any()
    assert np.array_equal(expand(said, entries, 0), said)


def test_whether_a_theme_is_new_is_judged_on_what_the_framework_says(wishes):
    # A framework about something else, sharing a few words with the wishes ("broken",
    # "late", "service"). Its themes take in the wishes nearest to them, and may then match
    # a theme well; the themes are still new when the framework's own words fit them badly.
    texts, _ = wishes
    unrelated = [
        {"id": "card", "name": "Card arrival", "description": "my new card is late"},
        {"id": "atm", "name": "Cash machine", "description": "the cash machine is broken"},
        {"id": "fees", "name": "Service charges", "description": "fees for the service"},
    ]
    model = ThemeModel(n_themes=6, framework=unrelated).fit(texts)
    without = ThemeModel(n_themes=6, framework=unrelated, framework_feedback=0).fit(texts)
    assert [t.is_new for t in model.themes_] == [t.is_new for t in without.themes_]
    lights = next(t for t in model.themes_ if t.label.startswith("Street lights"))
    assert lights.is_new and lights.framework[0].score > 0.3
    assert sum(t.is_new for t in model.themes_) >= 5


def test_framework_formats(tmp_path):
    as_json = tmp_path / "f.json"
    as_json.write_text(json.dumps({"Parks": "trees and grass", "Buses": "routes"}))
    assert [t.name for t in load_framework(as_json)] == ["Parks", "Buses"]
    assert load_framework([{"name": "Parks"}])[0].id == "0"
    with pytest.raises(ValueError):
        load_framework([])
    with pytest.raises(ValueError):
        load_framework([{"description": "no name"}])
