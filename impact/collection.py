"""A rule set: every rule file of a folder, merged and cross-checked, with a content hash."""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from impact.errors import Problem, RuleError
from impact.loader import load_rule_file, locate, suggest
from impact.regexes import RegexError, compile_regex
from impact.schema import EXPLAIN_FIELDS, Asset, Event, Lexicon, Rule, RuleFile

RULE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Where:
    path: str
    line: int
    col: int


@dataclass(frozen=True)
class RuleSet:
    """The validated content of a rule folder. Immutable and picklable."""

    assets: dict[str, Asset]
    lexicons: dict[str, Lexicon]
    events: dict[str, Event]
    rules: tuple[Rule, ...]
    hash: str
    rule_where: dict[str, Where] = field(default_factory=dict)
    example_where: dict[tuple[str, int], Where] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()

    @property
    def active_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.status not in ("disabled", "deprecated"))

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


def default_rules_path() -> Path:
    """The bundled rule pack: inside the installed wheel, or the repository's ``rules/``."""
    here = Path(__file__).resolve().parent
    packaged = here / "default_rules"
    if packaged.is_dir():
        return packaged
    return here.parent / "rules"


def rule_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix in RULE_SUFFIXES and p.is_file())


def _where(node: yaml.Node | None, path: str) -> Where:
    if node is None:
        return Where(path, 1, 1)
    return Where(path, node.start_mark.line + 1, node.start_mark.column + 1)


def load_ruleset(path: str | Path | None = None) -> RuleSet:
    """Load a rule folder (or one file); raise RuleError listing every problem found."""
    ruleset, problems = check_ruleset(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors or ruleset is None:
        raise RuleError(errors or [Problem(str(path), 1, 1, "E100", "no rules loaded")])
    return ruleset


def check_ruleset(path: str | Path | None = None) -> tuple[RuleSet | None, list[Problem]]:
    """Load a rule folder and return it with all problems (errors and warnings)."""
    root = Path(path) if path is not None else default_rules_path()
    if not root.exists():
        return None, [Problem(str(root), 1, 1, "E100", "no such rule file or folder")]
    files = rule_files(root)
    if not files:
        return None, [Problem(str(root), 1, 1, "E100", "no .yaml rule files in this folder")]
    problems: list[Problem] = []
    loaded: list[tuple[str, RuleFile, yaml.Node | None]] = []
    digest = hashlib.sha256()
    for f in files:
        shown = str(f)
        try:
            digest.update(str(f.relative_to(root) if root.is_dir() else f.name).encode())
            digest.update(f.read_bytes())
        except OSError:
            pass
        model, node, found = load_rule_file(f, shown)
        problems.extend(found)
        if model is not None:
            loaded.append((shown, model, node))
    ruleset, cross = _merge(loaded, digest.hexdigest()[:16])
    problems.extend(cross)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return ruleset, problems


def _merge(loaded: list[tuple[str, RuleFile, yaml.Node | None]], digest: str) -> tuple[RuleSet, list[Problem]]:
    problems: list[Problem] = []
    assets: dict[str, Asset] = {}
    lexicons: dict[str, Lexicon] = {}
    events: dict[str, Event] = {}
    rules: list[Rule] = []
    rule_where: dict[str, Where] = {}
    example_where: dict[tuple[str, int], Where] = {}
    defined: dict[tuple[str, str], Where] = {}
    nodes: dict[tuple[str, str], tuple[str, yaml.Node | None, tuple]] = {}

    def err(w: Where, code: str, msg: str, severity: str = "error") -> None:
        problems.append(Problem(w.path, w.line, w.col, code, msg, severity))

    for path, model, node in loaded:
        for section, items, target in (
            ("assets", model.assets, assets),
            ("lexicons", model.lexicons, lexicons),
            ("events", model.events, events),
        ):
            for key, value in items.items():
                w = _where(locate(node, (section, key), key=True), path)
                if (section, key) in defined:
                    first = defined[(section, key)]
                    err(w, "E301", f"{section[:-1]} {key!r} is already defined at {first.path}:{first.line}")
                    continue
                defined[(section, key)] = w
                target[key] = value  # type: ignore[index]
                nodes[(section, key)] = (path, node, (section, key))
        for i, rule in enumerate(model.rules):
            w = _where(locate(node, ("rules", i, "id")), path)
            if rule.id in rule_where:
                first = rule_where[rule.id]
                err(w, "E301", f"rule id {rule.id!r} is already used at {first.path}:{first.line}")
                continue
            rule_where[rule.id] = w
            rules.append(rule)
            nodes[("rules", rule.id)] = (path, node, ("rules", i))
            for j in range(len(rule.examples)):
                example_where[(rule.id, j)] = _where(locate(node, ("rules", i, "examples", j)), path)

    def at(kind: str, key: str, *sub: object) -> Where:
        path, node, prefix = nodes[(kind, key)]
        return _where(locate(node, prefix + tuple(sub)), path)

    # lexicon references (@name) and regexes
    def check_terms(kind: str, key: str, terms: dict[str, list[str]], sub: tuple) -> None:
        for lang, words in terms.items():
            for k, word in enumerate(words):
                if word.startswith("@"):
                    name = word[1:]
                    if name not in lexicons:
                        err(at(kind, key, *sub, lang, k), "E303",
                            f"unknown lexicon {name!r}{suggest(name, list(lexicons))}")

    def check_regex(kind: str, key: str, patterns: list[str], sub: tuple) -> None:
        for k, pattern in enumerate(patterns):
            try:
                compile_regex(pattern)
            except RegexError as exc:
                err(at(kind, key, *sub, k), "E304", f"regex {pattern!r} does not compile in RE2: {exc}")

    for name, asset in assets.items():
        check_terms("assets", name, {"zh": asset.names.zh, "en": asset.names.en}, ("names",))
        check_regex("assets", name, asset.not_regex, ("not_regex",))
    for name, event in events.items():
        check_terms("events", name, {"zh": event.terms.zh, "en": event.terms.en}, ("terms",))
        for g, group in enumerate(event.all):
            check_terms("events", name, {"zh": group.zh, "en": group.en}, ("all", g))
        check_terms("events", name, {"zh": event.none.zh, "en": event.none.en}, ("none",))
        check_regex("events", name, event.regex, ("regex",))
        for k, a in enumerate(event.assets):
            if a not in assets:
                err(at("events", name, "assets", k), "E302", f"unknown asset {a!r}{suggest(a, list(assets))}")

    used_events: set[str] = set()
    formatter = string.Formatter()
    for rule in rules:
        refs = rule.when.refs()
        subject_ok = True
        for k, ref in enumerate(refs):
            used_events.add(ref.event)
            if ref.event not in events:
                err(at("rules", rule.id, "when", rule.when.mode, k), "E302",
                    f"unknown event {ref.event!r}{suggest(ref.event, list(events))}")
                subject_ok = False
            elif events[ref.event].subject != "required":
                subject_ok = False
        for k, view in enumerate(rule.then):
            if view.asset == "{subject}":
                if not subject_ok:
                    err(at("rules", rule.id, "then", k, "asset"), "E305",
                        "'{subject}' needs every event of the rule to have `subject: required`")
            elif view.asset != "{others}" and view.asset not in assets:
                err(at("rules", rule.id, "then", k, "asset"), "E302",
                    f"unknown asset {view.asset!r}{suggest(view.asset, list(assets))}")
            for field_name in ("exclude", "fallback"):
                for m, a in enumerate(getattr(view, field_name)):
                    if a not in assets:
                        err(at("rules", rule.id, "then", k, field_name, m), "E302",
                            f"unknown asset {a!r}{suggest(a, list(assets))}")
        try:
            fields = [f for _, f, _, _ in formatter.parse(rule.explain) if f is not None]
        except ValueError as exc:
            err(at("rules", rule.id, "explain"), "E306", f"explain template is malformed: {exc}")
            fields = []
        for f in fields:
            if f not in EXPLAIN_FIELDS:
                err(at("rules", rule.id, "explain"), "E306",
                    f"explain template uses unknown field {{{f}}}{suggest(f, list(EXPLAIN_FIELDS))}; "
                    f"known: {', '.join(EXPLAIN_FIELDS)}")
        for j, example in enumerate(rule.examples):
            for asset in example.expect:
                if asset not in assets:
                    err(at("rules", rule.id, "examples", j, "expect", asset), "E302",
                        f"example expects undeclared asset {asset!r}{suggest(asset, list(assets))}")
        if not rule.examples:
            err(at("rules", rule.id, "id"), "W401", f"rule {rule.id!r} has no examples", "warning")
    for name in events:
        if name not in used_events:
            err(at("events", name), "W402", f"event {name!r} is not used by any rule", "warning")

    ruleset = RuleSet(
        assets=assets,
        lexicons=lexicons,
        events=events,
        rules=tuple(rules),
        hash=digest,
        rule_where=rule_where,
        example_where=example_where,
        warnings=tuple(p for p in problems if p.severity == "warning"),
    )
    return ruleset, problems

