"""Reading rule files: YAML with positions, duplicate keys refused, errors located to line:col."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from impact.errors import Problem
from impact.schema import RuleFile

# YAML 1.1 reads these unquoted words as booleans; in a string field that is almost never meant.
YAML11_BOOLEANS = frozenset(
    w for b in ("yes", "no", "on", "off", "y", "n", "true", "false") for w in (b, b.upper(), b.capitalize())
)


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (PyYAML keeps the last one silently)."""

    problems: list[Problem]
    path: str

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue
            if key in seen:
                first = seen[key].start_mark.line + 1
                self.problems.append(
                    _problem(self.path, key_node, "E102", f"duplicate key {key!r} (first defined on line {first})")
                )
            else:
                seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


def _problem(path: str, node: yaml.Node, code: str, message: str) -> Problem:
    mark = node.start_mark
    return Problem(path, mark.line + 1, mark.column + 1, code, message)


def parse_yaml(text: str, path: str) -> tuple[Any, yaml.Node | None, list[Problem]]:
    """Parse one YAML document; returns (data, root node, problems)."""
    loader = _Loader(text)
    loader.problems = []
    loader.path = path
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        return None, None, [Problem(path, line, col, "E101", f"YAML syntax error: {what}")]
    except yaml.YAMLError as exc:  # reader errors (bad characters) carry no mark
        return None, None, [Problem(path, 1, 1, "E101", f"YAML error: {exc}")]
    finally:
        loader.dispose()
    return data, node, list(loader.problems)


def locate(node: yaml.Node | None, loc: tuple[Any, ...], *, key: bool = False) -> yaml.Node | None:
    """The node at a pydantic error location; with ``key`` the mapping key of the last step."""
    current = node
    for i, step in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(step):
                    current = k if (key and last) else v
                    break
            else:
                return current
        elif isinstance(current, yaml.SequenceNode) and isinstance(step, int):
            if step >= len(current.value):
                return current
            current = current.value[step]
        else:
            return current
    return current


def _known_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model that an error location points into (for 'did you mean')."""
    from typing import get_args

    def models_in(annotation: Any) -> list[type[BaseModel]]:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return [annotation]
        return [m for arg in get_args(annotation) for m in models_in(arg)]

    current: type[BaseModel] | None = model
    for step in loc[:-1]:
        if current is None:
            return []
        if isinstance(step, int) or step not in current.model_fields:
            continue  # a list index or a dict key: stay on the element model
        found = models_in(current.model_fields[step].annotation)
        current = found[-1] if found else None
    return list(current.model_fields) if current is not None else []


def suggest(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def validation_problems(exc: ValidationError, node: yaml.Node | None, path: str) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            target = locate(node, loc, key=True)
            name = str(loc[-1])
            hint = suggest(name, _known_fields(RuleFile, loc))
            code, msg = "E201", f"unknown key {name!r}{hint}"
        elif kind == "missing":
            target = locate(node, loc[:-1])
            code, msg = "E202", f"missing required key {loc[-1]!r}"
        else:
            # drop union-branch markers such as 'str' / 'EventRef' that are not in the document
            target = locate(node, loc)
            where = ".".join(str(p) for p in loc)
            value = err.get("input")
            if kind == "string_type" and isinstance(value, bool):
                code = "E204"
                msg = f"{where}: got the boolean {value}; YAML 1.1 reads yes/no/on/off as booleans, quote it"
            else:
                code = "E203"
                msg = f"{where}: {err['msg']}"
        if target is None:
            problems.append(Problem(path, 1, 1, code, msg))
        else:
            problems.append(_problem(path, target, code, msg))
    # one problem per position and code is enough (unions report each branch)
    seen: set[tuple[int, int, str]] = set()
    unique = []
    for p in problems:
        if (p.line, p.col, p.code) not in seen:
            seen.add((p.line, p.col, p.code))
            unique.append(p)
    return unique


def load_rule_file(path: Path, display: str | None = None) -> tuple[RuleFile | None, yaml.Node | None, list[Problem]]:
    """Load and validate one rule file. Never raises for bad content: problems are returned."""
    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, None, [Problem(shown, 1, 1, "E100", f"cannot read file: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, None, [Problem(shown, line, col, "E100", f"invalid UTF-8 (byte 0x{raw[exc.start]:02x})")]
    data, node, problems = parse_yaml(text, shown)
    if problems and data is None:
        return None, node, problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, node, problems + [Problem(shown, 1, 1, "E203", "a rule file must be a mapping at the top level")]
    try:
        model = RuleFile.model_validate(data)
    except ValidationError as exc:
        return None, node, problems + validation_problems(exc, node, shown)
    return model, node, problems
