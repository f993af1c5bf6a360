"""A rule set: every rule file of a folder, merged and cross-checked, with a content hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Iterable

import yaml

from impact.errors import Problem, RuleError
from impact.ruleset.checks import run_checks
from impact.ruleset.index import RuleIndex, Where, where_of
from impact.ruleset.loader import load_rule_file, locate
from impact.ruleset.problems import problem
from impact.ruleset.schema import Asset, Event, Lexicon, Rule, RuleFile
from impact.ruleset.terms import term_key

RULE_SUFFIXES = (".yaml", ".yml")


class ReadOnlyDict(dict):
    """A dict that refuses changes (a rule set's assets, lexicons, events): an engine's rules
    cannot be edited in place behind its compiled form, or differ from its pickled copy."""

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a rule set is immutable; load the edited rule files into a new Engine")

    __setitem__ = __delitem__ = pop = popitem = clear = update = setdefault = __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self):
        return (ReadOnlyDict, (dict(self),))

    def __copy__(self) -> "ReadOnlyDict":
        return self

    def __deepcopy__(self, memo: dict) -> "ReadOnlyDict":
        return self


@dataclass(frozen=True)
class RuleSet:
    """The validated content of a rule folder. Immutable (its mappings refuse changes) and picklable."""

    assets: dict[str, Asset]
    lexicons: dict[str, Lexicon]
    events: dict[str, Event]
    rules: tuple[Rule, ...]
    hash: str
    rule_where: dict[str, Where] = field(default_factory=dict)
    example_where: dict[tuple[str, int], Where] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()
    root: str = ""  # the folder (or file) as it was given: every location's path starts with it

    def __post_init__(self) -> None:
        for name in ("assets", "lexicons", "events", "rule_where", "example_where"):
            value = getattr(self, name)
            if not isinstance(value, ReadOnlyDict):
                object.__setattr__(self, name, ReadOnlyDict(value))

    def relocated(self, root: str | Path) -> "RuleSet":
        """The same rules as read from ``root``, another copy of the folder: locations follow.

        A rule set cached by content (impact.ruleset.cache) may have been loaded from another copy;
        its file:line locations must name the files the user is looking at.
        """
        new = str(root)
        if new == self.root or not self.root:
            return self
        old_root = Path(self.root)

        def move(path: str) -> str:
            p = Path(path)
            if p == old_root:
                return new
            try:
                return str(Path(new) / p.relative_to(old_root))
            except ValueError:
                return path

        def where(w: Where) -> Where:
            return Where(move(w.path), w.line, w.col)

        return replace(
            self,
            rule_where={k: where(w) for k, w in self.rule_where.items()},
            example_where={k: where(w) for k, w in self.example_where.items()},
            warnings=tuple(replace(p, path=move(p.path)) for p in self.warnings),
            root=new,
        )

    @property
    def active_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.status not in ("disabled", "deprecated"))

    def rule(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    @cached_property
    def _by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}


def default_rules_path() -> Path:
    """The bundled rule pack: inside the installed wheel, or the repository's ``rules/``."""
    here = Path(__file__).resolve().parents[1]  # the package: impact/
    packaged = here / "default_rules"
    if packaged.is_dir():
        return packaged
    return here.parent / "rules"


def rule_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix in RULE_SUFFIXES and p.is_file())


def load_ruleset(path: str | Path | None = None) -> RuleSet:
    """Load a rule folder (or one file); raise RuleError listing every problem found."""
    ruleset, problems = check_ruleset(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors or ruleset is None:
        raise RuleError(errors or [problem("unreadable", str(path), 1, 1, "no rules loaded")])
    return ruleset


def check_ruleset(path: str | Path | None = None, enable: Iterable[str] = ()) -> tuple[RuleSet | None, list[Problem]]:
    """Load a rule folder and return it with every problem found, errors and warnings.

    Each file is read once: the bytes that are hashed are the bytes that are parsed, so a file
    being saved while it is read can never give a rule set whose hash belongs to other content.
    The rule set is None when any problem is an error.
    """
    root = Path(path) if path is not None else default_rules_path()
    if not root.exists():
        return None, [problem("unreadable", str(root), 1, 1, "no such rule file or folder")]
    files = rule_files(root)
    if not files:
        return None, [problem("unreadable", str(root), 1, 1, "no .yaml rule files in this folder")]
    problems: list[Problem] = []
    loaded: list[tuple[str, RuleFile, yaml.Node | None]] = []
    digest = hashlib.sha256()
    for f in files:
        shown = str(f)
        try:
            raw = f.read_bytes()
        except OSError as exc:
            problems.append(problem("unreadable", shown, 1, 1, f"cannot read file: {exc.strerror or exc}"))
            continue
        digest.update(str(f.relative_to(root) if root.is_dir() else f.name).encode())
        digest.update(raw)
        model, node, found = load_rule_file(f, shown, raw=raw)
        problems.extend(found)
        if model is not None:
            loaded.append((shown, model, node))
    every_file_loaded = len(loaded) == len(files)
    index = _merge(loaded, problems)
    problems.extend(run_checks(index, every_file_loaded, enable))
    problems.sort(key=lambda p: (files_order(files, p.path), p.line, p.col, p.code))
    if any(p.severity == "error" for p in problems):
        return None, problems
    ruleset = RuleSet(
        assets=index.assets,
        lexicons=index.lexicons,
        events=index.events,
        rules=tuple(index.rules),
        hash=digest.hexdigest()[:16],
        rule_where={r.id: index.at("rules", r.id, "id") for r in index.rules},
        example_where={
            (r.id, j): index.at("rules", r.id, "examples", j) for r in index.rules for j in range(len(r.examples))
        },
        warnings=tuple(p for p in problems if p.severity == "warning"),
        root=str(root),
    )
    return ruleset, problems


def files_order(files: list[Path], shown: str) -> int:
    for i, f in enumerate(files):
        if str(f) == shown:
            return i
    return len(files)


def _items(root: yaml.Node | None, section: str) -> tuple[dict[str, tuple[yaml.Node, yaml.Node]], list[yaml.Node]]:
    """The nodes of one top-level section: a mapping's (key node, value node) by key, a sequence's items."""
    section_node = None
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if isinstance(k, yaml.ScalarNode) and k.value == section:
                section_node = v
    if isinstance(section_node, yaml.MappingNode):
        return {k.value: (k, v) for k, v in section_node.value if isinstance(k, yaml.ScalarNode)}, []
    if isinstance(section_node, yaml.SequenceNode):
        return {}, list(section_node.value)
    return {}, []


def _merge(loaded: list[tuple[str, RuleFile, yaml.Node | None]], problems: list[Problem]) -> RuleIndex:
    """Merge the files' sections; a second definition of an id is E301 and is not merged."""
    index = RuleIndex()
    for path, model, node in loaded:
        for section, items, target in (
            ("assets", model.assets, index.assets),
            ("lexicons", model.lexicons, index.lexicons),
            ("events", model.events, index.events),
        ):
            located, _ = _items(node, section)
            for key, value in items.items():
                key_node, value_node = located.get(key, (node, node))
                w = where_of(key_node, path)
                if (section, key) in index.nodes:
                    first = index.at(section, key, on_key=True)
                    problems.append(problem("defined-twice", w.path, w.line, w.col,
                                            f"{section[:-1]} {key!r} is already defined at {first.path}:{first.line}"))
                    continue
                target[key] = value  # type: ignore[index]
                index.nodes[(section, key)] = (path, value_node, key_node)
        _, rule_nodes = _items(node, "rules")
        for i, rule in enumerate(model.rules):
            rule_node = rule_nodes[i] if i < len(rule_nodes) else node
            w = where_of(locate(rule_node, ("id",)), path)
            if ("rules", rule.id) in index.nodes:
                first = index.at("rules", rule.id, "id")
                problems.append(problem("defined-twice", w.path, w.line, w.col,
                                        f"rule id {rule.id!r} is already used at {first.path}:{first.line}"))
                continue
            index.rules.append(rule)
            index.nodes[("rules", rule.id)] = (path, rule_node, None)
    return index


def canonical_asset(name: str, ruleset: RuleSet) -> str:
    """``gold``, ``XAU``, ``黄金`` -> ``gold``: a canonical asset name or one of its aliases in the rules."""
    from impact.errors import InputError

    key = term_key(name)
    assets = ruleset.assets
    if key in assets:
        return key
    for asset, spec in assets.items():
        if key in {term_key(t) for t in [*spec.names.zh, *spec.names.en]}:
            return asset
    raise InputError(f"unknown asset {name!r}; the rules know {', '.join(sorted(assets))}")
