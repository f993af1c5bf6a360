"""Reading rule files: YAML with positions, duplicate keys refused, errors located to line:col."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from impact.errors import Problem
from impact.ruleset.problems import problem
from impact.ruleset.schema import RuleFile

# YAML 1.1 reads these unquoted words as booleans; in a string field that is almost never meant.
YAML11_BOOLEANS = frozenset(
    w for b in ("yes", "no", "on", "off", "true", "false") for w in (b, b.upper(), b.capitalize())
)


class _NoDuplicateKeys:
    """Constructor mixin that reports duplicate keys (PyYAML keeps the last one silently)."""

    problems: list[Problem]
    path: str

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # merge keys first (`<<: *common`): a key written here overrides a merged one, no duplicate
        written = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
        self.flatten_mapping(node)  # type: ignore[attr-defined]
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if id(key_node) not in written:
                continue
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            try:
                hash(key)
            except TypeError:
                continue
            if key in seen:
                first = seen[key].start_mark.line + 1
                self.problems.append(
                    _problem(self.path, key_node, "duplicate-key", f"duplicate key {key!r} (first defined on line {first})")
                )
            else:
                seen[key] = key_node
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class _Loader(_NoDuplicateKeys, yaml.SafeLoader):
    """The pure-Python loader: its syntax error messages are the ones users (and fixtures) see."""


# libyaml parses several times faster (a 10,000-rule folder loads in seconds, not half a minute);
# its nodes carry the same line and column. A file it refuses is parsed again by _Loader, so a
# syntax error reads the same with or without libyaml.
_FastLoader: Any = (
    type("_FastLoader", (_NoDuplicateKeys, yaml.CSafeLoader), {}) if getattr(yaml, "__with_libyaml__", False) else None
)


def _problem(path: str, node: yaml.Node, name: str, message: str) -> Problem:
    mark = node.start_mark
    return problem(name, path, mark.line + 1, mark.column + 1, message)


def parse_yaml(text: str, path: str) -> tuple[Any, yaml.Node | None, list[Problem]]:
    """Parse one YAML document; returns (data, root node, problems)."""
    if _FastLoader is not None:
        try:
            return _parse(_FastLoader, text, path)
        except yaml.YAMLError:
            pass  # parse again below, for the pure-Python loader's located message
    try:
        return _parse(_Loader, text, path)
    except RecursionError:  # the pure-Python composer recurses once per level of nesting
        return None, None, [_too_deep(text, path)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        opened = exc.context_mark
        if exc.problem and exc.context and opened and (opened.line, opened.column) != (line - 1, col - 1):
            # the mistake is often where the construct began ('[reversal' never closed), not where it was noticed
            what += f" ({exc.context} opened at line {opened.line + 1}:{opened.column + 1})"
        return None, None, [problem("yaml-syntax", path, line, col, f"YAML syntax error: {what}")]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: located by position
        pos = exc.position if isinstance(exc.position, int) and 0 <= exc.position <= len(text) else 0
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return None, None, [
            problem("yaml-syntax", path, line, col, f"YAML error: character U+{ord(char):04X} is not allowed ({exc.reason})")
        ]
    except yaml.YAMLError as exc:
        return None, None, [problem("yaml-syntax", path, 1, 1, f"YAML error: {' '.join(str(exc).split())}")]


MAX_DEPTH = 100  # levels of nesting in one rule file (a rule needs fewer than ten)
MAX_ALIASED = 100_000  # nodes YAML aliases may add to a file once expanded (beyond those written)


def _too_deep(text: str, path: str) -> Problem:
    """The located problem of a file nested deeper than MAX_DEPTH, found on the parser's events
    (a state machine: no recursion, whatever the depth)."""
    depth = 0
    mark = None
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    break
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return problem("yaml-syntax", path, line, col, f"YAML error: nested deeper than {MAX_DEPTH} levels")


def _node_limits(root: yaml.Node, path: str) -> Problem | None:
    """A problem when the document nests deeper than MAX_DEPTH or its aliases add more than
    MAX_ALIASED nodes once expanded (one alias repeated: a few KB read as gigabytes); walked
    without recursion, each node once (its expanded size memoised)."""
    size: dict[int, int] = {}
    refs: dict[int, int] = {}
    nodes: dict[int, yaml.Node] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        if depth > MAX_DEPTH:
            return _problem(path, node, "yaml-syntax", f"YAML error: nested deeper than {MAX_DEPTH} levels")
        if done:
            children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else node.value
            size[id(node)] = 1 + sum(size[id(c)] for c in children)
            continue
        key = id(node)
        refs[key] = refs.get(key, 0) + 1
        if key in size:
            continue
        nodes[key] = node
        if isinstance(node, yaml.ScalarNode):
            size[key] = 1
            continue
        size[key] = 0  # an alias of a node being walked (a cycle) adds nothing
        children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else node.value
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in reversed(children))
    if size[id(root)] - len(size) <= MAX_ALIASED:
        return None
    worst = max((k for k in refs if refs[k] > 1), key=lambda k: (refs[k] - 1) * size[k])
    return _problem(
        path, nodes[worst], "yaml-syntax",
        f"YAML error: aliases of this node repeat it {refs[worst] - 1:,} times, {size[id(root)]:,} nodes in all "
        f"where {len(size):,} are written (at most {MAX_ALIASED:,} more); write the lists out or share terms "
        "with a lexicon (@name)",
    )


def _parse(loader_class: Any, text: str, path: str) -> tuple[Any, yaml.Node | None, list[Problem]]:
    loader = loader_class(text)
    loader.problems = []
    loader.path = path
    try:
        node = loader.get_single_node()
        refused = _node_limits(node, path) if node is not None else None
        if refused is not None:
            return None, node, [refused]
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node, list(loader.problems)


def _same_key(key_node: yaml.ScalarNode, step: Any) -> bool:
    if isinstance(step, bool):  # an unquoted on/off/yes/no key was read as a boolean
        return not key_node.style and key_node.value.lower() in (_TRUE if step else _FALSE)
    return key_node.value == str(step)


_TRUE = frozenset({"yes", "on", "true"})
_FALSE = frozenset({"no", "off", "false"})


def locate(node: yaml.Node | None, loc: tuple[Any, ...], *, key: bool = False) -> yaml.Node | None:
    """The node at a pydantic error location; with ``key`` the mapping key of the last step."""
    current = node
    for i, step in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                if isinstance(k, yaml.ScalarNode) and _same_key(k, step):
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


def _added_steps(loc: tuple[Any, ...]) -> frozenset[int]:
    """Positions of the steps pydantic adds to a location that are not in the document.

    Found by walking the models along the location: a union's branch tag (``str``, ``EventRef``)
    and the ``[key]`` after a dict key. A key the author wrote is never one of them, whatever it
    looks like ('Sanctions-Y', 'str').
    """
    import types
    from typing import Annotated, Union, get_args, get_origin

    added: set[int] = set()
    annotation: Any = RuleFile
    after_key = False
    for i, step in enumerate(loc):
        if after_key and step == "[key]":
            added.add(i)
            after_key = False
            continue
        after_key = False
        while get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
        if get_origin(annotation) in (Union, types.UnionType):
            branches = [a for a in get_args(annotation) if a is not type(None)]
            if len(branches) > 1:
                annotation = next((b for b in branches if getattr(b, "__name__", str(b)) == step), None)
                if annotation is not None:
                    added.add(i)
                continue
            annotation = branches[0]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(step) if isinstance(step, str) else None
            annotation = field.annotation if field is not None else None
        elif get_origin(annotation) is list and isinstance(step, int):
            annotation = get_args(annotation)[0]
        elif get_origin(annotation) is dict:
            annotation, after_key = get_args(annotation)[1], True
        else:
            annotation = None
    return frozenset(added)


def _wrong_branch(err: Any) -> bool:
    """For a ``str | Model`` union, the error of the branch the author clearly did not mean."""
    loc, value = err["loc"], err.get("input")
    if not loc or len(loc) - 1 not in _added_steps(loc) or loc[-1] == "[key]":
        return False
    if loc[-1] == "str":
        return isinstance(value, dict)
    return err["type"] in ("model_type", "dict_type", "model_attributes_type") and not isinstance(value, dict)


def _yaml11_boolean(node: yaml.Node | None) -> str | None:
    """The word as written when a plain scalar is one YAML 1.1 reads as a boolean (NO, on, Yes)."""
    if isinstance(node, yaml.ScalarNode) and not node.style and node.value in YAML11_BOOLEANS:
        return node.value
    return None


def _yaml_type(value: Any) -> str:
    import datetime

    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return "date"
    return "null" if value is None else type(value).__name__


def _key_node(mapping: yaml.Node | None, key: Any) -> yaml.Node | None:
    if isinstance(mapping, yaml.MappingNode):
        for k, _ in mapping.value:
            if isinstance(k, yaml.ScalarNode) and _same_key(k, key):
                return k
    return None


def validation_problems(exc: ValidationError, node: yaml.Node | None, path: str) -> list[Problem]:
    """pydantic's errors as located problems: E201 unknown key, E202 missing, E203 type, E204 YAML 1.1."""
    errors = [e for e in exc.errors() if not _wrong_branch(e)]
    # a misspelt required key is one mistake: report "unknown key 'descripton' (did you mean ...)" only
    misspelt = set()
    for err in errors:
        loc = _document_loc(err)
        if err["type"] == "extra_forbidden":
            close = difflib.get_close_matches(str(loc[-1]), _known_fields(RuleFile, loc), n=1, cutoff=0.6)
            misspelt.update((loc[:-1], c) for c in close)
    # one problem per position and code: unions report each branch, a node reused through a YAML
    # alias is reported once; the keys missing from one mapping are listed in one problem
    found: dict[tuple[int, int, str], Problem] = {}
    missing: dict[tuple[int, int, str], list[str]] = {}
    for err in errors:
        loc = _document_loc(err)
        if err["type"] == "missing" and (loc[:-1], loc[-1]) in misspelt:
            continue
        target, code, msg = _describe(err, loc, node)  # code: a catalogue name
        located = _problem(path, target, code, msg) if target is not None else problem(code, path, 1, 1, msg)
        at = (located.line, located.col, located.code)
        if err["type"] == "missing" and at in missing and repr(loc[-1]) not in missing[at]:
            missing[at].append(repr(loc[-1]))
            found[at] = problem(code, path, located.line, located.col, f"missing required keys {', '.join(missing[at])}")
        elif at not in found:
            found[at] = located
            if err["type"] == "missing":
                missing[at] = [repr(loc[-1])]
    return list(found.values())


def _document_loc(err: Any) -> tuple[Any, ...]:
    added = _added_steps(err["loc"])
    return tuple(step for i, step in enumerate(err["loc"]) if i not in added)


def _is_key_error(err: Any) -> bool:
    return len(err["loc"]) > 1 and err["loc"][-1] == "[key]" and len(err["loc"]) - 1 in _added_steps(err["loc"])


# what yes/on/true and no/off/false most likely mean among a key's allowed words
_MEANS_YES = ("required", "yes", "on", "true", "active", "all", "any")
_MEANS_NO = ("none", "no", "off", "false", "disabled")


def _choices(err: Any) -> list[str]:
    """The words a Literal field allows, from pydantic's error ("'none' or 'required'")."""
    import re

    expected = (err.get("ctx") or {}).get("expected", "")
    return re.findall(r"'([^']*)'", expected) if isinstance(expected, str) else []


def _describe(err: Any, loc: tuple[Any, ...], node: yaml.Node | None) -> tuple[yaml.Node | None, str, str]:
    """(node to point at, problem name, message) for one pydantic error."""
    kind, value = err["type"], err.get("input")
    if kind == "extra_forbidden":
        target = locate(node, loc, key=True)
        written = _yaml11_boolean(target)
        if written is not None:
            return target, "yaml11-boolean", f"key {written} is read as the boolean {loc[-1]} (YAML 1.1); quote it: '{written}'"
        name = str(loc[-1])
        return target, "unknown-key", f"unknown key {name!r}{suggest(name, _known_fields(RuleFile, loc))}"
    if kind == "invalid_key" or _is_key_error(err):
        parent = locate(node, loc[:-1])
        target = _key_node(parent, value) or parent
        written = _yaml11_boolean(target)
        if written is not None and isinstance(value, bool):
            return target, "yaml11-boolean", f"key {written} is read as the boolean {value} (YAML 1.1); quote it: '{written}'"
        if kind == "string_pattern_mismatch":
            what = {"assets": "asset", "lexicons": "lexicon", "events": "event"}.get(str(loc[0]), "an")
            return target, "wrong-value", (f"{what} id {value!r} must be dotted lower case: letters, digits and _, "
                                    f"parts joined by '.' (e.g. sanctions.lifted)")
        return target, "wrong-value", f"key {value!r} is not a string; quote it"
    if kind == "missing":
        return locate(node, loc[:-1]), "missing-key", f"missing required key {loc[-1]!r}"
    target = locate(node, loc)
    where = ".".join(str(p) for p in loc)
    written = _yaml11_boolean(target)
    if written is not None and isinstance(value, bool):
        choices = _choices(err) if kind == "literal_error" else []
        if choices:  # a key with a few allowed words (subject: none | required): name the one meant
            meant = next((c for c in choices if c in (_MEANS_YES if value else _MEANS_NO)), None)
            allowed = " or ".join(repr(c) for c in choices)
            return target, "yaml11-boolean", (
                f"{where}: {written} is read as the boolean {value} (YAML 1.1); {loc[-1]} takes {allowed}"
                + (f": write {loc[-1]}: {meant}" if meant else ""))
        return target, "yaml11-boolean", (f"{where}: {written} is read as the boolean {value} (YAML 1.1 reads yes/no/on/off "
                                f"as booleans); quote it: '{written}'")
    if kind == "string_type" and isinstance(target, yaml.ScalarNode) and not target.style:
        return target, "wrong-value", (f"{where}: {target.value} is not read as text (YAML reads it as a "
                                f"{_yaml_type(value)}); quote it: '{target.value}'")
    return target, "wrong-value", f"{where}: {err['msg']}"


def load_rule_file(
    path: Path, display: str | None = None, raw: bytes | None = None
) -> tuple[RuleFile | None, yaml.Node | None, list[Problem]]:
    """Load and validate one rule file (``raw``: its bytes, already read). Problems are returned, never raised."""
    shown = display or str(path)
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            return None, None, [problem("unreadable", shown, 1, 1, f"cannot read file: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, None, [problem("unreadable", shown, line, col, f"invalid UTF-8 (byte 0x{raw[exc.start]:02x})")]
    data, node, problems = parse_yaml(text, shown)
    if problems and data is None:
        return None, node, problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, node, problems + [problem("wrong-value", shown, 1, 1, "a rule file must be a mapping at the top level")]
    try:
        model = RuleFile.model_validate(data)
    except ValidationError as exc:
        found = validation_problems(exc, node, shown)
        if not found:  # never drop a file silently (an id such as 'N gold' reads like a type tag)
            first = exc.errors()[0]
            where = ".".join(str(step) for step in first["loc"])
            found = [problem("wrong-value", shown, 1, 1, f"{where}: {first['msg']}")]
        return None, node, problems + found
    return model, node, problems
