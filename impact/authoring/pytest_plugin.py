"""pytest plugin: a rule author's ``pytest`` runs the examples inside their YAML rules.

Registered through the ``pytest11`` entry point, so it is loaded by every pytest session in an
environment where asset-impact is installed, and it does nothing until a project opts in:

    # pytest.ini, or [tool.pytest.ini_options] in pyproject.toml
    [pytest]
    impact_rules = rules          # one or more rule folders, relative to the ini file

or ``pytest --impact-rules rules``. A folder of rules written on top of the bundled pack (or of
other folders) names what lies beneath it, bottom first; only its own examples are collected,
run on the whole stack:

    impact_rules_base = bundled   # one a line; "bundled" is the bundled pack (--impact-rules-base)

Then every ``*.yaml`` / ``*.yml`` file below those folders
is collected (a single file given instead is loaded with its folder, only its examples run): one test item per example, named ``<rule id>[<n>]``, reported at the example's
line. The folder is loaded once (all its files make one rule set); a folder that does not load
is a collection error listing each problem as path:line:col. When ``testpaths`` does not name
the rule folders, a plain ``pytest`` still collects them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

# Nothing of impact is imported here: this module loads in every pytest session of the
# environment, and one that has not opted in must not pay for pydantic, YAML or the engine.

RULE_FOLDERS = pytest.StashKey[list[Path]]()
BASE = pytest.StashKey[list[str]]()  # folders beneath every rule folder, bottom first ("bundled" as it is)
_LOADED = pytest.StashKey[dict[Path, Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("impact", "asset-impact rule examples")
    group.addoption(
        "--impact-rules",
        action="append",
        default=[],
        metavar="DIR",
        help="collect the examples of the YAML rules in DIR (or in one rule file, read with its folder) as tests (repeatable)",
    )
    parser.addini("impact_rules", type="paths", default=[], help="rule folders whose YAML examples are tests")
    group.addoption(
        "--impact-rules-base",
        action="append",
        default=[],
        metavar="DIR",
        help="a rule folder beneath the rule folders, bottom first; 'bundled' is the bundled pack (repeatable)",
    )
    parser.addini("impact_rules_base", type="linelist", default=[],
                  help="rule folders beneath impact_rules, bottom first ('bundled': the bundled pack)")


def pytest_configure(config: pytest.Config) -> None:
    folders = [Path(d).resolve() for d in config.getoption("impact_rules") or []]
    folders += [Path(p).resolve() for p in config.getini("impact_rules")]
    folders = list(dict.fromkeys(folders))
    config.stash[RULE_FOLDERS] = folders
    base = [*(config.getoption("impact_rules_base") or []), *config.getini("impact_rules_base")]
    config.stash[BASE] = [b if b == "bundled" else str(Path(config.rootpath, b).resolve()) for b in base]
    config.stash[_LOADED] = {}
    if folders and config.args_source is pytest.Config.ArgsSource.TESTPATHS:
        # `testpaths = tests` would never reach the rule folders: add the ones it does not cover
        covered = [Path(config.rootpath, a).resolve() for a in config.args]
        for folder in folders:
            if not any(folder == c or c in folder.parents for c in covered):
                config.args.append(str(folder))


def _folder_of(config: pytest.Config, path: Path) -> Path | None:
    """The folder to load for a collected file: a configured folder above it, or, for a configured
    single file, that file's folder (its events and assets may live in the other files, as with
    ``impact rules test FILE``)."""
    for target in config.stash.get(RULE_FOLDERS, []):
        if path == target and not target.is_dir():
            return target.parent
        if target in path.parents:
            return target
    return None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if not parent.config.stash.get(RULE_FOLDERS, []):
        return None
    from impact.ruleset.collection import RULE_SUFFIXES

    if file_path.suffix not in RULE_SUFFIXES:
        return None
    folder = _folder_of(parent.config, file_path.resolve())
    if folder is None:
        return None
    return RuleFileCollector.from_parent(parent, path=file_path, folder=folder)


def _load(config: pytest.Config, folder: Path) -> Any:
    """(engine, ruleset, rule ids per file) of a rule folder, or its RuleError; loaded once per session."""
    loaded = config.stash[_LOADED]
    if folder not in loaded:
        from impact.errors import RuleError
        from impact.authoring.examples import authoring_engine

        try:
            base = config.stash.get(BASE, [])
            engine = authoring_engine([*base, folder] if base else folder)
            by_file: dict[Path, list[str]] = {}
            for rule in engine.ruleset.rules:
                by_file.setdefault(Path(engine.ruleset.rule_where[rule.id].path).resolve(), []).append(rule.id)
            for key, indicator in engine.ruleset.indicators.items():  # economic releases, as rules
                rule_id = indicator.rule_id(key)
                by_file.setdefault(Path(engine.ruleset.rule_where[rule_id].path).resolve(), []).append(rule_id)
            loaded[folder] = (engine, engine.ruleset, by_file)
        except RuleError as exc:
            loaded[folder] = exc
    return loaded[folder]


class RuleFileError(Exception):
    """The rule folder did not load; the problems located in this file."""


class RuleFileCollector(pytest.File):
    def __init__(self, *, folder: Path, **kwargs: Any):
        super().__init__(**kwargs)
        self.folder = folder

    def collect(self):
        from impact.errors import RuleError

        loaded = _load(self.config, self.folder)
        here = self.path.resolve()
        if isinstance(loaded, RuleError):
            mine = [p for p in loaded.problems if Path(p.path).resolve() == here]
            if not mine and self.folder not in self.config.stash[RULE_FOLDERS]:
                mine = loaded.problems  # a file given alone: no other file of the folder reports these
            if mine:
                raise RuleFileError("\n".join(str(p) for p in mine))
            return
        _, ruleset, by_file = loaded
        for rule_id in by_file.get(here, []):
            key = rule_id.removeprefix("release.")
            examples = ruleset.indicators[key].examples if key in ruleset.indicators else ruleset.rule(rule_id).examples
            for i in range(len(examples)):
                yield ExampleItem.from_parent(self, name=f"{rule_id}[{i}]", rule_id=rule_id, index=i)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, RuleFileError):
            return f"the rule folder {self.folder} does not load:\n{excinfo.value}"
        return super().repr_failure(excinfo)


class ExampleFailed(AssertionError):
    pass


class ExampleItem(pytest.Item):
    def __init__(self, *, rule_id: str, index: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.rule_id = rule_id
        self.index = index
        self.result: Any = None

    def _where(self) -> Any:
        _, ruleset, _ = _load(self.config, self.parent.folder)  # type: ignore[attr-defined]
        return ruleset.example_where.get((self.rule_id, self.index), ruleset.rule_where[self.rule_id])

    def runtest(self) -> None:
        from impact.authoring.examples import run_example

        engine, ruleset, _ = _load(self.config, self.parent.folder)  # type: ignore[attr-defined]
        result = run_example(engine, ruleset, self.rule_id, self.index)
        self.result = result
        if result.skipped:
            pytest.skip(result.skipped)
        if result.failed:
            raise ExampleFailed(result.describe())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        if not isinstance(excinfo.value, ExampleFailed) or self.result is None:
            return super().repr_failure(excinfo)
        from impact.authoring.examples import show_views
        from impact.explain.trace import why_not

        r = self.result
        engine, _, _ = _load(self.config, self.parent.folder)  # type: ignore[attr-defined]
        return "\n".join([
            f"{r.where.path}:{r.where.line}:{r.where.col}: {r.rule} example {r.index}",
            f"    text:     {r.text.strip()}",
            f"    expected: {show_views(r.expected)}",
            f"    got:      {show_views(r.got)}",
            f"    why:      {why_not(engine, r.rule, r.text)}",
        ])

    def reportinfo(self) -> tuple[Path, int, str]:
        where = self._where()
        return self.path, where.line - 1, f"{self.rule_id} example {self.index}"
