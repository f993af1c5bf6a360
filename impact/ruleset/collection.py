"""A rule set: every rule file of a folder, merged and cross-checked, with a content hash."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Iterable, Sequence, Union

import yaml

from impact.errors import Problem, RuleError
from impact.ruleset.checks import run_checks
from impact.ruleset.index import RuleIndex, Where, where_of
from impact.ruleset.loader import load_rule_file, locate, suggest
from impact.ruleset.problems import problem
from impact.ruleset.schema import Asset, Economy, Event, Indicator, Lexicon, Rule, RuleFile
from impact.ruleset.terms import term_key

RULE_SUFFIXES = (".yaml", ".yml")
BUNDLED = "bundled"  # in a stack of rule folders, the string that names the bundled pack

# a rule folder or file, "bundled", or a stack of them (later ones on top); None: the bundled pack
RulePath = Union[str, Path, Sequence[Union[str, Path]], None]


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
    warnings: tuple[Problem, ...] = ()  # all of them from check_ruleset; none from load_ruleset (no advice checks)
    root: str = ""  # the folder (or file) as it was given: every location's path starts with it
    # economic releases (impact.pipeline.releases); their examples' locations are in example_where
    # under the id their evidence cites (release.<indicator>)
    economies: dict[str, Economy] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    # a stack of rule folders (bundled, then the user's): every folder as given, bottom first; the
    # layer that first declared each asset and that defined each rule (release.<id> too), and where
    # a later folder's ``disable`` turned a rule off. Empty for one folder: everything is layer 0.
    layers: tuple[str, ...] = ()
    asset_layer: dict[str, int] = field(default_factory=dict)
    rule_layer: dict[str, int] = field(default_factory=dict)
    disabled_at: dict[str, Where] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("assets", "lexicons", "events", "rule_where", "example_where", "economies", "indicators",
                     "asset_layer", "rule_layer", "disabled_at"):
            value = getattr(self, name)
            if not isinstance(value, ReadOnlyDict):
                object.__setattr__(self, name, ReadOnlyDict(value))

    def relocated(self, root: RulePath) -> "RuleSet":
        """The same rules as read from ``root``, another copy of the folder (or of each folder of a
        stack, in the same order): locations follow.

        A rule set cached by content (impact.ruleset.cache) may have been loaded from another copy;
        its file:line locations must name the files the user is looking at.
        """
        roots = [str(r) for r in rule_stack(root)]
        old = list(self.layers) if self.layers else [self.root]
        if roots == old or not all(old) or len(roots) != len(old):
            return self
        moves = sorted(zip(old, roots), key=lambda pair: -len(pair[0]))  # the deepest folder first

        def move(path: str) -> str:
            p = Path(path)
            for before, after in moves:
                if p == Path(before):
                    return after
                try:
                    return str(Path(after) / p.relative_to(before))
                except ValueError:
                    continue
            return path

        def where(w: Where) -> Where:
            return Where(move(w.path), w.line, w.col)

        return replace(
            self,
            rule_where={k: where(w) for k, w in self.rule_where.items()},
            example_where={k: where(w) for k, w in self.example_where.items()},
            disabled_at={k: where(w) for k, w in self.disabled_at.items()},
            warnings=tuple(replace(p, path=move(p.path)) for p in self.warnings),
            root=roots[0] if len(roots) == 1 else "",
            layers=tuple(roots) if self.layers else (),
        )

    def checked_assets(self, rule_id: str, exhaustive: bool = False) -> frozenset[str] | None:
        """The assets an example of rule ``rule_id`` is checked on: those of the rule's own pack
        (declared by its folder or one beneath it in the stack); None: every asset."""
        if exhaustive or not self.asset_layer:
            return None
        top = self.rule_layer.get(rule_id, 0)
        return frozenset(a for a in self.assets if self.asset_layer.get(a, 0) <= top)

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


def rule_stack(path: RulePath) -> list[Path]:
    """The folders of a rule path, bottom first: None (or an empty stack) is the bundled pack, and
    so is the string "bundled" anywhere in a stack (``["bundled", "my_rules/"]``)."""
    if path is None:
        return [default_rules_path()]
    items = [path] if isinstance(path, (str, Path)) else list(path)
    if not items:
        return [default_rules_path()]
    return [default_rules_path() if isinstance(p, str) and p == BUNDLED else Path(p) for p in items]


def stack_hash(digests: Sequence[bytes]) -> str:
    """The rule-set hash of a stack from each folder's digest (relative path, then bytes, per
    file), in order: one folder keeps the hash it has alone, so reports do not change."""
    if len(digests) == 1:
        return digests[0].hex()[:16]
    h = hashlib.sha256(b"impact-layers/1")
    for d in digests:
        h.update(d)
    return h.hexdigest()[:16]


def rule_files(root: Path) -> list[Path]:
    """The rule files of a folder, sorted, every sub-folder included.

    One policy for symbolic links: they are followed, to files and to folders alike, wherever
    they point (a desk may link a shared lexicon folder into its rule folder), and each real folder
    is read once, so a link back up the tree ends there instead of looping. Hidden files and
    folders (``.name``) are left out, as editors' backups and version control keep theirs there.
    """
    if root.is_file():
        return [root]
    found: list[Path] = []
    seen: set[str] = set()
    for folder, dirs, files in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(folder) / name
            if path.suffix in RULE_SUFFIXES and not name.startswith(".") and path.is_file():
                found.append(path)
    return sorted(found)


def load_ruleset(path: RulePath = None) -> RuleSet:
    """Load a rule folder (or one file, or a stack of them); raise RuleError listing every error found.

    Only what decides whether the folder loads is checked: the advice of ``impact rules lint``
    (W4xx: a rule without examples, a wildcard running into common words...) is left to lint, so
    loading 10,000 rules takes half the time and memory it would otherwise. The rule set's
    ``warnings`` are therefore empty (reading the files finds errors only); :func:`check_ruleset`
    gives every warning, and so does hot reload (impact.reload), which runs it."""
    ruleset, problems = check_ruleset(path, advice=False)
    errors = [p for p in problems if p.severity == "error"]
    if errors or ruleset is None:
        raise RuleError(errors or [problem("unreadable", str(path), 1, 1, "no rules loaded")])
    return ruleset


def check_ruleset(
    path: RulePath = None, enable: Iterable[str] = (), *, advice: bool = True
) -> tuple[RuleSet | None, list[Problem]]:
    """Load a rule folder (or a stack of them, bottom first) and return it with every problem
    found, errors and warnings (without ``advice``: the errors only, what decides whether it loads).

    Each file is read once: the bytes that are hashed are the bytes that are parsed, so a file
    being saved while it is read can never give a rule set whose hash belongs to other content.
    The rule set is None when any problem is an error.
    """
    roots = rule_stack(path)
    problems: list[Problem] = []
    stack: list[tuple[Path, list[Path]]] = []
    seen: dict[Path, Path] = {}
    for root in roots:
        if not root.exists():
            problems.append(problem("unreadable", str(root), 1, 1, "no such rule file or folder"))
            continue
        files = rule_files(root)
        if not files:
            problems.append(problem("unreadable", str(root), 1, 1, "no .yaml rule files in this folder"))
            continue
        same = seen.setdefault(root.resolve(), root)
        if same is not root:
            problems.append(problem("defined-twice", str(root), 1, 1,
                                    f"this rule folder is already in the stack (as {same}); give each folder once"))
            continue
        stack.append((root, files))
    if problems:
        return None, problems
    loaded: list[tuple[str, RuleFile, yaml.Node | None, int]] = []
    digests: list[bytes] = []
    files = [f for _, layer_files in stack for f in layer_files]
    for layer, (root, layer_files) in enumerate(stack):
        digest = hashlib.sha256()
        for f in layer_files:
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
                loaded.append((shown, model, node, layer))
        digests.append(digest.digest())
    every_file_loaded = len(loaded) == len(files)
    index = _merge(loaded, problems)
    problems.extend(run_checks(index, every_file_loaded, enable, advice=advice))
    problems.sort(key=lambda p: (files_order(files, p.path), p.line, p.col, p.code))
    if any(p.severity == "error" for p in problems):
        return None, problems
    layered = len(stack) > 1
    ruleset = RuleSet(
        assets=index.assets,
        lexicons=index.lexicons,
        events=index.events,
        rules=tuple(index.rules),
        hash=stack_hash(digests),
        rule_where={r.id: index.at("rules", r.id, "id") for r in index.rules},
        example_where={
            (r.id, j): index.at("rules", r.id, "examples", j) for r in index.rules for j in range(len(r.examples))
        },
        warnings=tuple(p for p in problems if p.severity == "warning"),
        root=str(stack[0][0]) if not layered else "",
        economies=index.economies,
        indicators=index.indicators,
        layers=tuple(str(root) for root, _ in stack) if layered else (),
        asset_layer={k: index.first_layer[("assets", k)] for k in index.assets} if layered else {},
        rule_layer=({r.id: index.layer[("rules", r.id)] for r in index.rules}
                    | {f"release.{k}": index.layer[("indicators", k)] for k in index.indicators}) if layered else {},
        disabled_at=index.disabled,
    )
    if index.indicators:  # releases: located like rules, under the rule id their evidence cites
        from impact.ruleset.releases import locate_indicators

        ruleset = locate_indicators(ruleset, index)
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


_WHAT = {"assets": "asset", "lexicons": "lexicon", "events": "event", "economies": "economy", "indicators": "indicator"}
_OVERRIDE_HINT = "in an earlier rule folder of the stack; add `override: true` to replace it"


def _merge(loaded: list[tuple[str, RuleFile, yaml.Node | None, int]], problems: list[Problem]) -> RuleIndex:
    """Merge the files' sections, folder by folder of the stack (``layer``): a second definition
    of an id is E301 and is not merged, unless it says ``override: true`` and an earlier folder
    made the first (then it replaces it, in its place); ``disable`` turns earlier rules off."""
    index = RuleIndex()
    position: dict[str, int] = {}  # rule id -> its place in index.rules
    for path, model, node, layer in loaded:
        for section, items, target in (
            ("assets", model.assets, index.assets),
            ("lexicons", model.lexicons, index.lexicons),
            ("events", model.events, index.events),
            ("economies", model.economies, index.economies),
            ("indicators", model.indicators, index.indicators),
        ):
            located, _ = _items(node, section)
            for key, value in items.items():
                key_node, value_node = located.get(key, (node, node))
                w = where_of(key_node, path)
                override = bool(getattr(value, "override", False))
                if (section, key) in index.nodes:
                    first = index.at(section, key, on_key=True)
                    earlier = index.layer[(section, key)] < layer
                    if earlier and override:
                        target[key] = value  # type: ignore[index]
                        index.nodes[(section, key)] = (path, value_node, key_node)
                        index.layer[(section, key)] = layer
                        continue
                    problems.append(problem("defined-twice", w.path, w.line, w.col,
                                            f"{_WHAT[section]} {key!r} is already defined at {first.path}:{first.line}"
                                            + (f" {_OVERRIDE_HINT}" if earlier else "")))
                    continue
                if override:
                    at = where_of(locate(value_node, ("override",), key=True), path)
                    problems.append(problem("override-unknown", at.path, at.line, at.col,
                                            f"{_WHAT[section]} {key!r} says `override: true` but no earlier rule "
                                            "folder of the stack defines it (stack this folder on the one it overrides: "
                                            "--rules bundled --rules DIR), or remove `override`"))
                target[key] = value  # type: ignore[index]
                index.nodes[(section, key)] = (path, value_node, key_node)
                index.layer[(section, key)] = index.first_layer[(section, key)] = layer
        _, rule_nodes = _items(node, "rules")
        for i, rule in enumerate(model.rules):
            rule_node = rule_nodes[i] if i < len(rule_nodes) else node
            w = where_of(locate(rule_node, ("id",)), path)
            if ("rules", rule.id) in index.nodes:
                first = index.at("rules", rule.id, "id")
                earlier = index.layer[("rules", rule.id)] < layer
                if earlier and rule.override:
                    index.rules[position[rule.id]] = rule
                    index.nodes[("rules", rule.id)] = (path, rule_node, None)
                    index.layer[("rules", rule.id)] = layer
                    index.disabled.pop(rule.id, None)  # the new definition says its own status
                    continue
                problems.append(problem("defined-twice", w.path, w.line, w.col,
                                        f"rule id {rule.id!r} is already used at {first.path}:{first.line}"
                                        + (f" {_OVERRIDE_HINT}" if earlier else "")))
                continue
            if rule.override:
                at = where_of(locate(rule_node, ("override",), key=True), path)
                problems.append(problem("override-unknown", at.path, at.line, at.col,
                                        f"rule {rule.id!r} says `override: true` but no earlier rule folder of the "
                                        "stack defines it (stack this folder on the one it overrides: --rules bundled "
                                        "--rules DIR), or remove `override`"))
            position[rule.id] = len(index.rules)
            index.rules.append(rule)
            index.nodes[("rules", rule.id)] = (path, rule_node, None)
            index.layer[("rules", rule.id)] = index.first_layer[("rules", rule.id)] = layer
        _disable(index, model.disable, node, path, layer, position, problems)
    return index


def _disable(index: RuleIndex, ids: list[str], node: yaml.Node | None, path: str, layer: int,
             position: dict[str, int], problems: list[Problem]) -> None:
    """A file's ``disable`` list: each rule (or release.<indicator>) of an earlier folder is
    kept with ``status: disabled``; an id no earlier folder defines is E311."""
    _, items = _items(node, "disable")
    for k, rule_id in enumerate(ids):
        w = where_of(items[k] if k < len(items) else node, path)
        indicator = rule_id.removeprefix("release.") if rule_id.startswith("release.") else None
        kind, key = ("indicators", indicator) if indicator is not None else ("rules", rule_id)
        found = index.layer.get((kind, key))
        if found is None or found >= layer:
            known = [r.id for r in index.rules if index.layer[("rules", r.id)] < layer]
            why = ("is defined in this same rule folder; set `status: disabled` on it instead" if found is not None
                   else f"is defined by no earlier rule folder of the stack{suggest(rule_id, known)}")
            problems.append(problem("disable-unknown", w.path, w.line, w.col, f"disable: rule {rule_id!r} {why}"))
            continue
        if indicator is not None:
            index.indicators[indicator] = index.indicators[indicator].model_copy(update={"status": "disabled"})
        else:
            pos = position[rule_id]
            index.rules[pos] = index.rules[pos].model_copy(update={"status": "disabled"})
        index.disabled[rule_id] = w


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
