"""Import files: the documented YAML and Markdown formats, and files malformed in many ways,
each refused with a message that says where the problem is."""

import pytest

from engage.errors import ImportError_
from engage.services.strategy_import import parse_strategy_file
from tests.strategy_factories import DEMO_FILE

MARKDOWN = """\
# Children & Young People

Every child gets a good start.

## Places for young people {#places}

We will open youth spaces in every part of the city.

### Why this is a priority

Wishes from every area asked for it.

### Outcome measures

- Youth sessions each week
- Young people who say there is enough to do

### Partnership activity

* Youth clubs four evenings a week

# Sustainable Development

## Cleaner streets

We will cut litter.
"""


def test_the_demo_yaml_file():
    themes = parse_strategy_file(DEMO_FILE.name, DEMO_FILE.read_bytes())
    assert [len(t.priorities) for t in themes] == [2, 2, 2, 2]
    first = themes[0].priorities[0]
    assert first.key == "places-for-young-people"
    assert first.outcome_measures[0] == "Number of youth sessions held each week"


def test_markdown_format():
    themes = parse_strategy_file("draft.md", MARKDOWN.encode())
    assert [t.title for t in themes] == ["Children & Young People", "Sustainable Development"]
    assert themes[0].summary == "Every child gets a good start."
    places = themes[0].priorities[0]
    assert (places.key, places.title) == ("places", "Places for young people")
    assert places.statement == "We will open youth spaces in every part of the city."
    assert places.why == "Wishes from every area asked for it."
    assert places.outcome_measures == [
        "Youth sessions each week",
        "Young people who say there is enough to do",
    ]
    assert places.activities == ["Youth clubs four evenings a week"]
    assert themes[1].priorities[0].key is None


GOOD_PRIORITY = "      - title: T\n        statement: S\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("draft.txt", b"themes: []", "Choose a YAML"),
        ("draft.yaml", b"", "The file is empty"),
        ("draft.yaml", b"\xff\xfe\x00t\x00h", "not UTF-8"),
        ("draft.yaml", b"themes: [\n  - title: x\n", "not valid YAML at line"),
        ("draft.yaml", b"just a string", "top-level 'themes:' list"),
        ("draft.yaml", b"- a\n- b\n", "top-level 'themes:' list"),
        ("draft.yaml", b"themes: {a: 1}", "top-level 'themes:' list"),
        ("draft.yaml", b"themes: []", "no themes"),
        ("draft.yaml", b"themes:\n  - just text\n", "theme 1: each theme needs title"),
        ("draft.yaml", b"themes:\n  - summary: s\n", "theme 1: title is missing"),
        ("draft.yaml", b"themes:\n  - title: 2026\n", "theme 1: title must be text"),
        ("draft.yaml", b"themes:\n  - title: A\n    colour: red\n", "unknown field colour"),
        ("draft.yaml", b"themes:\n  - title: A\n    priorities: many\n", "must be a list"),
        (
            "draft.yaml",
            b"themes:\n  - title: A\n    priorities:\n      - title: T\n",
            "theme 1, priority 1: statement is missing",
        ),
        (
            "draft.yaml",
            (
                "themes:\n  - title: A\n    priorities:\n"
                + GOOD_PRIORITY
                + "        outcome_measures: one\n"
            ).encode(),
            "outcome_measures must be a list of text items",
        ),
        (
            "draft.yaml",
            (
                "themes:\n  - title: A\n    priorities:\n"
                + GOOD_PRIORITY
                + "        key: Not A Key\n"
            ).encode(),
            "key must be lower-case",
        ),
        (
            "draft.yaml",
            (
                "themes:\n  - title: A\n    priorities:\n"
                + GOOD_PRIORITY
                + "        key: same\n"
                + GOOD_PRIORITY
                + "        key: same\n"
            ).encode(),
            "Priority keys must be different: same",
        ),
        ("draft.yaml", ("themes:\n  - title: " + "x" * 201 + "\n").encode(), "200 characters"),
        ("draft.yaml", b"themes: !!python/object/apply:os.system ['true']", "not valid YAML"),
        ("draft.yaml", b"x" * (512 * 1024 + 1), "larger than 512 KB"),
        ("draft.md", b"Some text before any heading\n# Theme\n", "line 1: the file must start"),
        ("draft.md", b"## A priority first\n", "line 1: a priority (##) must come after"),
        ("draft.md", b"# Theme\n### Why this is a priority\n", "line 2: a section (###)"),
        ("draft.md", b"# Theme\n## P\nS\n### Budget\n", "line 4: unknown section 'Budget'"),
        ("draft.md", b"# Theme\n## P\n### Outcome measures\n- m\n", "statement is missing"),
        ("draft.md", b"# Theme\n## P\nS\n### Outcome measures\nnot an item\n", "use '- ' items"),
        ("draft.md", b"# T\n## P {#BAD KEY}\nS\n", "key must be lower-case"),
        ("draft.md", b"\x00\x00", "not a text file"),
    ],
)
def test_malformed_files_are_refused_with_where_and_why(name, content, message):
    with pytest.raises(ImportError_) as error:
        parse_strategy_file(name, content)
    assert message in error.value.message


def test_many_problems_are_listed_together_up_to_a_limit():
    themes = "".join(f"  - title: T{n}\n    priorities:\n      - title: P\n" for n in range(15))
    with pytest.raises(ImportError_) as error:
        parse_strategy_file("draft.yml", f"themes:\n{themes}".encode())
    assert error.value.message.count("statement is missing") == 10
    assert error.value.message.endswith("and 5 more")


def test_the_readme_examples_import_to_the_same_strategy():
    import re

    from config import BASE_DIR

    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    yaml_example = re.search(r"```yaml\n(.*?)```", readme, re.S).group(1)
    markdown_example = re.search(r"```markdown\n(.*?)```", readme, re.S).group(1)
    from_yaml = parse_strategy_file("example.yaml", yaml_example.encode())
    assert from_yaml == parse_strategy_file("example.md", markdown_example.encode())
    assert from_yaml[0].priorities[0].key == "feeling-safe-at-night"


DEEP = ("themes: " + "[" * 3000 + "]" * 3000 + "\n").encode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (DEEP, "The file is not valid YAML at line 1: it is nested more than 20 levels deep"),
        (("themes:\n" + "  - [" * 40 + "\n").encode(), "not valid YAML"),
        (b"themes:\n  - title: A\nthemes:\n  - title: B\n", "line 3: themes: is given twice"),
        (
            (
                "themes:\n  - title: A\n    priorities:\n" + GOOD_PRIORITY + "        title: U\n"
            ).encode(),
            "line 6: title: is given twice, so one would be lost",
        ),
        (b"themes: [{title: A, title: B}]\n", "line 1: title: is given twice"),
    ],
)
def test_deep_nesting_and_keys_given_twice_are_refused(content, message):
    with pytest.raises(ImportError_) as error:
        parse_strategy_file("draft.yaml", content)
    assert message in error.value.message


def test_a_merge_key_is_not_a_key_given_twice():
    content = b"themes:\n  - &base\n    title: A\n    summary: S\n  - <<: *base\n    title: B\n"
    assert [t.title for t in parse_strategy_file("draft.yaml", content)] == ["A", "B"]
