"""The catalogue of rule problems: every code once, with its name, severity and summary.

E1xx a file cannot be read, E2xx it does not fit the schema (both found while reading one file,
``impact.ruleset.loader``); E3xx the merged folder does not load; W4xx it loads, but something is
probably a mistake (both found by the checks of ``impact.ruleset.checks``). Code raises a problem
by name (``problem("unknown-key", ...)``); ``impact rules lint --codes`` prints this table and the
README's table of lint codes is checked against it. A code that is ``enabled=False`` is known
and documented but not reported (a check waiting for the bundled pack to be cleaned up).
"""

from __future__ import annotations

from dataclasses import dataclass

from impact.errors import Problem


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str
    summary: str
    enabled: bool = True

    @property
    def severity(self) -> str:
        return "warning" if self.code.startswith("W") else "error"


CATALOGUE: tuple[Code, ...] = (
    Code("E100", "unreadable", "the file or folder cannot be read, is not UTF-8, or holds no .yaml files"),
    Code("E101", "yaml-syntax", "YAML syntax error"),
    Code("E102", "duplicate-key", "duplicate key in a mapping (PyYAML would silently keep the last one)"),
    Code("E201", "unknown-key", "unknown key, with the closest known key as a suggestion"),
    Code("E202", "missing-key", "missing required key"),
    Code("E203", "wrong-value", "wrong type or value (a number where a list is expected, an unknown direction, ...)"),
    Code("E204", "yaml11-boolean", "a YAML 1.1 boolean (NO, on, yes, off) where a string is meant: quote it"),
    Code("E301", "defined-twice", "an asset, lexicon or event id, or a rule id, is defined twice in the folder (or again in a later folder of the stack without `override: true`)"),
    Code("E302", "unknown-event", "a rule's `when` names an event no file defines"),
    Code("E303", "unknown-lexicon", "a term `@name` refers to a lexicon no file defines"),
    Code("E304", "regex-not-re2", "a regex does not compile in RE2 (no look-around, no backreferences)"),
    Code("E305", "subject-without-subject-events", "a view targets '{subject}' but one of the rule's events has no subject"),
    Code("E306", "explain-template", "the `explain` template is malformed, uses an unknown field, a conversion (`!r`) or a format spec (`:d`)"),
    Code("E307", "unknown-asset", "an event or a view names an asset no file declares"),
    Code("E308", "example-asset-undeclared", "an example expects a view on an asset no file declares"),
    Code("E309", "lexicon-cycle", "lexicons reference each other in a cycle (`@a` inside b, `@b` inside a); a lexicon may use another lexicon otherwise"),
    Code("E310", "override-unknown", "an item says `override: true` but no earlier rule folder of the stack defines its id"),
    Code("E311", "disable-unknown", "`disable` names a rule that no earlier rule folder of the stack defines"),
    Code("E320", "indicator-error", "an indicator names an unknown economy, asset or unit, has a malformed explain template, or its rule id (release.<id>) is a rule's"),
    Code("W401", "no-examples", "a rule has no examples, so nothing tests it"),
    Code("W402", "unused-event", "an event is defined but no rule uses it"),
    Code("W403", "no-positive-example", "a rule has examples but none where it fires"),
    Code("W404", "no-negative-example", "a rule has examples but none where it must stay silent"),
    Code("W405", "regex-backtracking", "a regex repeats a group that holds a repeat and no separator: catastrophic backtracking elsewhere"),
    Code("W406", "trigger-vetoed", "a veto (`none`) matches inside a trigger of the same event (`sanction*` in `sanctions`, 走强 in 美元走强): the event never fires on that trigger"),
    Code("W407", "duplicate-term", "a term list repeats a term (after case folding and NFKC)"),
    Code("W408", "example-unreachable", "an example expects a view the rule never asserts (another asset or direction)"),
    Code("W409", "todo-left", "a TODO placeholder (from `impact rules new`) is still in the file"),
    Code("W410", "subject-options-without-subject", "an event sets `assets` or `subject_side` without `subject: required`: they do nothing"),
    Code("W411", "others-options-without-others", "a view sets `exclude` or `fallback` but its asset is not '{others}': they do nothing"),
    Code("W412", "wildcard-matches-common-words", "an English wildcard term also matches common words outside its family (`eas*`: east, eastern)"),
    Code("W413", "indicator-examples", "an indicator lacks examples both ways (a print that gives views, one in line), or shares an alias in its economy"),
    Code("W414", "odd-term", "a term holds an invisible or direction character (zero-width space, soft hyphen, bidi control), or a `*` other than one at its end (`gold**`, `ga*s`)"),
)

BY_CODE: dict[str, Code] = {c.code: c for c in CATALOGUE}
BY_NAME: dict[str, Code] = {c.name: c for c in CATALOGUE}


def markdown_table() -> str:
    """The README's table of lint codes (``python tools/lint_codes.py`` writes it there)."""
    rows = [f"| `{c.code}` | {c.summary}{'' if c.enabled else f' (off by default: `--enable {c.code}`)'} |" for c in CATALOGUE]
    return "\n".join(["| code | what it finds |", "|---|---|", *rows]) + "\n"


def problem(name: str, path: str, line: int, col: int, message: str) -> Problem:
    """The problem ``name`` (a catalogue name such as ``unknown-key``) at ``path:line:col``."""
    code = BY_NAME[name]
    return Problem(path, line, col, code.code, message, code.severity)
