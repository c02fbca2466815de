"""Reading a draft strategy from a YAML or Markdown file (the formats are in the README).

Both give a list of ThemeSpec; every problem found is reported with where it is, and nothing
is saved unless the whole file is right.
"""

import re

import yaml

from engage.errors import ImportError_
from engage.services.strategy import MAX_TEXT, MAX_TITLE, PrioritySpec, ThemeSpec
from engage.services.text import clean_text

MAX_FILE_BYTES = 512 * 1024
MAX_THEMES = 30
MAX_PRIORITIES = 60
MAX_ITEMS = 40
MAX_ERRORS = 10
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")

THEME_FIELDS = {"title", "summary", "priorities"}
PRIORITY_FIELDS = {"key", "title", "statement", "why", "outcome_measures", "activities"}
MD_SECTIONS = {
    "why this is a priority": "why",
    "outcome measures": "outcome_measures",
    "partnership activity": "activities",
    "examples of partnership activity": "activities",
}


class _Problems(list):
    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")


def parse_strategy_file(filename: str, data: bytes) -> list[ThemeSpec]:
    """Themes and priorities from an uploaded .yaml/.yml or .md file; ImportError_ if not."""
    name = (filename or "").lower()
    if not name.endswith((".yaml", ".yml", ".md", ".markdown")):
        raise ImportError_("Choose a YAML (.yaml or .yml) or Markdown (.md) file")
    if not data:
        raise ImportError_("The file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise ImportError_(f"The file is larger than {MAX_FILE_BYTES // 1024} KB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportError_("The file is not UTF-8 text") from error
    if "\x00" in text:
        raise ImportError_("The file is not a text file")
    themes = parse_yaml(text) if name.endswith((".yaml", ".yml")) else parse_markdown(text)
    return themes


def _finish(themes: list[ThemeSpec], problems: _Problems) -> list[ThemeSpec]:
    if not themes and not problems:
        problems.append("The file has no themes")
    if len(themes) > MAX_THEMES:
        problems.append(f"The file has more than {MAX_THEMES} themes")
    keys = [p.key for t in themes for p in t.priorities if p.key]
    duplicated = sorted({k for k in keys if keys.count(k) > 1})
    if duplicated:
        problems.append(f"Priority keys must be different: {', '.join(duplicated)}")
    if problems:
        shown = problems[:MAX_ERRORS]
        more = len(problems) - len(shown)
        raise ImportError_("; ".join(shown) + (f"; and {more} more" if more else ""))
    return themes


# YAML


MAX_DEPTH = 20  # the format needs 7 levels; far deeper would exhaust PyYAML's recursion


class _TooDeep(yaml.MarkedYAMLError):
    pass


class _KeyTwice(yaml.MarkedYAMLError):
    pass


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice (PyYAML keeps the last one,
    silently dropping the rest) and nesting deeper than the format needs."""

    depth = 0

    def compose_node(self, parent, index):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise _TooDeep(
                problem=f"it is nested more than {MAX_DEPTH} levels deep", problem_mark=mark
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            if (
                not isinstance(key_node, yaml.ScalarNode)
                or key_node.tag == "tag:yaml.org,2002:merge"
            ):
                continue
            key = self.construct_object(key_node)
            if key in seen:
                raise _KeyTwice(problem=f"{key}: is given twice", problem_mark=key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def parse_yaml(text: str) -> list[ThemeSpec]:
    try:
        # _StrictLoader is a SafeLoader that refuses keys given twice: no object is built.
        document = yaml.load(text, Loader=_StrictLoader)  # noqa: S506  # nosec B506
    except _KeyTwice as error:
        line = error.problem_mark.line + 1
        raise ImportError_(f"line {line}: {error.problem}, so one would be lost") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        why = f": {error.problem}" if isinstance(error, _TooDeep) else ""
        raise ImportError_(f"The file is not valid YAML{where}{why}") from error
    except RecursionError as error:
        raise ImportError_("The file is not valid YAML: it is nested too deeply") from error
    if not isinstance(document, dict) or not isinstance(document.get("themes"), list):
        raise ImportError_("The file needs a top-level 'themes:' list")
    problems = _Problems()
    themes = [
        theme
        for n, raw in enumerate(document["themes"][: MAX_THEMES + 1], start=1)
        if (theme := _yaml_theme(raw, f"theme {n}", problems))
    ]
    return _finish(themes, problems)


def _yaml_theme(raw, where: str, problems: _Problems) -> ThemeSpec | None:
    if not isinstance(raw, dict):
        problems.add(where, "each theme needs title: and priorities:")
        return None
    _unknown(raw, THEME_FIELDS, where, problems)
    title = _text(raw.get("title"), where, "title", problems, MAX_TITLE, required=True)
    summary = _text(raw.get("summary"), where, "summary", problems, MAX_TEXT)
    listed = raw.get("priorities") or []
    if not isinstance(listed, list):
        problems.add(where, "priorities: must be a list")
        listed = []
    if len(listed) > MAX_PRIORITIES:
        problems.add(where, f"more than {MAX_PRIORITIES} priorities")
    priorities = [
        p
        for n, item in enumerate(listed[:MAX_PRIORITIES], start=1)
        if (p := _yaml_priority(item, f"{where}, priority {n}", problems))
    ]
    return ThemeSpec(title, summary, priorities) if title else None


def _yaml_priority(raw, where: str, problems: _Problems) -> PrioritySpec | None:
    if not isinstance(raw, dict):
        problems.add(where, "each priority needs title: and statement:")
        return None
    _unknown(raw, PRIORITY_FIELDS, where, problems)
    count = len(problems)
    title = _text(raw.get("title"), where, "title", problems, MAX_TITLE, required=True)
    statement = _text(raw.get("statement"), where, "statement", problems, MAX_TEXT, True)
    why = _text(raw.get("why"), where, "why", problems, MAX_TEXT)
    measures = _items(raw.get("outcome_measures"), where, "outcome_measures", problems)
    activities = _items(raw.get("activities"), where, "activities", problems)
    key = _key(raw.get("key"), where, problems)
    if len(problems) > count:
        return None
    return PrioritySpec(title, statement, why, measures, activities, key)


def _unknown(raw: dict, allowed: set[str], where: str, problems: _Problems) -> None:
    extra = sorted(str(k) for k in raw if k not in allowed)
    if extra:
        problems.add(
            where, f"unknown field {', '.join(extra)} (allowed: {', '.join(sorted(allowed))})"
        )


def _text(value, where, name, problems, limit, required=False) -> str:
    if value is None or value == "":
        if required:
            problems.add(where, f"{name} is missing")
        return ""
    if not isinstance(value, str):
        problems.add(where, f"{name} must be text")
        return ""
    cleaned = clean_text(value)
    if required and not cleaned:
        problems.add(where, f"{name} is missing")
    if len(cleaned) > limit:
        problems.add(where, f"{name} must be {limit} characters or fewer")
    return cleaned


def _items(value, where, name, problems) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add(where, f"{name} must be a list of text items")
        return []
    if len(value) > MAX_ITEMS:
        problems.add(where, f"{name} has more than {MAX_ITEMS} items")
    items = [clean_text(v).replace("\n", " ") for v in value[:MAX_ITEMS]]
    if any(len(i) > 500 for i in items):
        problems.add(where, f"{name}: each item must be 500 characters or fewer")
    return [i for i in items if i]


def _key(value, where, problems) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not KEY_PATTERN.match(value):
        problems.add(where, "key must be lower-case letters, digits and hyphens")
        return None
    return value


# Markdown

_HEADING = re.compile(r"^(#{1,3})\s+(.*?)\s*(?:\{#([^}]*)\})?\s*$")
_ITEM = re.compile(r"^[-*]\s+(.*)$")


def parse_markdown(text: str) -> list[ThemeSpec]:
    problems = _Problems()
    themes: list[dict] = []
    priority: dict | None = None
    section = "statement"
    for number, line in enumerate(text.split("\n"), start=1):
        where = f"line {number}"
        heading = _HEADING.match(line.strip())
        if heading:
            level, title, key = len(heading.group(1)), heading.group(2), heading.group(3)
            if level == 1:
                themes.append({"title": title, "summary": [], "priorities": []})
                priority, section = None, "summary"
            elif level == 2 and themes:
                priority = {"title": title, "key": key, "line": number}
                themes[-1]["priorities"].append(priority)
                section = "statement"
            elif level == 2:
                problems.add(where, "a priority (##) must come after its theme (#)")
            elif priority is None:
                problems.add(where, "a section (###) must come after its priority (##)")
            elif title.lower() not in MD_SECTIONS:
                allowed = "Why this is a priority, Outcome measures, Partnership activity"
                problems.add(where, f"unknown section '{title}' (use {allowed})")
            else:
                section = MD_SECTIONS[title.lower()]
            continue
        if not themes:
            if line.strip():
                problems.add(where, "the file must start with a theme heading (# Theme)")
            continue
        target = themes[-1] if priority is None else priority
        target.setdefault(section, []).append(line)
    specs = [_md_theme(theme, n, problems) for n, theme in enumerate(themes, start=1)]
    return _finish([s for s in specs if s], problems)


def _md_theme(theme: dict, n: int, problems: _Problems) -> ThemeSpec | None:
    raw = {
        "title": theme["title"],
        "summary": _paragraphs(theme["summary"]),
        "priorities": [_md_priority(p, problems) for p in theme["priorities"]],
    }
    raw["priorities"] = [p for p in raw["priorities"] if p is not None]
    return _yaml_theme(raw, f"theme {n} ({theme['title'][:40]})", problems)


def _md_priority(priority: dict, problems: _Problems) -> dict | None:
    raw = {"title": priority["title"], "statement": _paragraphs(priority.get("statement", []))}
    raw["why"] = _paragraphs(priority.get("why", []))
    if priority.get("key") is not None:
        raw["key"] = priority["key"]
    for name in ("outcome_measures", "activities"):
        lines = [line.strip() for line in priority.get(name, []) if line.strip()]
        items = [_ITEM.match(line) for line in lines]
        if not all(items):
            problems.add(f"line {priority['line']}", f"{name.replace('_', ' ')}: use '- ' items")
            return None
        raw[name] = [m.group(1) for m in items]
    return raw


def _paragraphs(lines: list[str]) -> str:
    paragraphs, current = [], []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return "\n\n".join(paragraphs)
