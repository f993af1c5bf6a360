"""``impact rules new ID``: a new rule file with its metadata, an event and example stubs.

The file loads and lints clean except for its TODO placeholders (W409), so ``impact rules lint``
is the author's checklist: each TODO is listed with its line. The rule starts ``status: disabled``:
a half-written rule must not give live signals explained by 'TODO ...' (``experimental`` rules
are evaluated like active ones); its examples run once the author sets it active.

A folder that does not exist yet starts as a copy of the bundled assets and modifier lexicons,
so its first rule can name gold or copper and use negation and hedging at once. The editor schema
is written next to the rule files (``rules.schema.json``) if the folder has none.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from impact.ruleset.collection import check_ruleset, default_rules_path, rule_files
from impact.errors import ImpactError, Problem
from impact.ruleset.loader import suggest
from impact.ruleset.schema import ID_PATTERN, json_schema

SCHEMA_FILE = "rules.schema.json"


class ScaffoldError(ImpactError):
    """The rule cannot be scaffolded here (a bad id, an existing rule, an unknown asset or event)."""


@dataclass(frozen=True)
class Scaffolded:
    path: Path
    created: tuple[Path, ...]  # every file written, the rule file last
    todo: tuple[Problem, ...]  # what the author has to fill in (W409), in file order


EVENT_TEMPLATE = """\
events:
  {event}:
    description: TODO what happened, in one line
    kind: {kind}  # driver: a cause | view: an analyst's stated view | report: a reported price move
    terms:  # trigger terms, any of them starts a candidate; en terms match whole words, 'sanction*' any ending
      zh: [TODO-zh-term]
      en: [TODO-en-term]
    # all:  # further term groups that must all occur in the scope
    #   - {{zh: [解除, 取消], en: [lift, lifted]}}
    # none: {{zh: [保留], en: [retain*]}}  # terms that veto the event in its scope
    scope: clause  # clause | sentence
"""

RULE_TEMPLATE = """\
rules:
  - id: {rule_id}
    version: 1
    status: disabled  # off until its TODOs are filled in; then active or experimental (both evaluate)
    description: TODO one line on what the rule says
    references: []  # research notes, articles
    tags: []
    basis: {basis}  # explicit: an analyst's view | inferred: from a driver | reported: a price move
    when: {{all: [{event}]}}
    then:
      - {{asset: {asset}, direction: {direction}, strength: 0.5, horizon: short}}
    rationale: TODO why the event moves {asset}, in one or two sentences
    explain: 'TODO what the reader is told, e.g. A strike ("{{trigger}}") is {{direction}} for {{asset}}.'
    examples:  # run by `impact rules test` and by pytest; expect {{}} means the rule must stay silent
      - text: 'TODO: a Chinese sentence where the rule fires'
        expect: {{{asset}: {direction}}}
      - text: 'TODO: an English sentence where the rule fires'
        expect: {{{asset}: {direction}}}
      - text: 'TODO: a near miss where it must not fire (denied, withdrawn, another event)'
        expect: {{}}
"""


DIRECTIONS = ("bullish", "bearish", "neutral")


def _default_event(rule_id: str, assets: Iterable[str] = ()) -> str:
    """The event a new rule fires on: its id less a last part naming a direction or an asset
    (copper.strike.bullish, sanctions.lifted.gold -> copper.strike, sanctions.lifted); any other
    id names its own event (metals.tin_strike), never a bare prefix such as ``metals``."""
    parts = rule_id.split(".")
    if len(parts) > 2 and (parts[-1] in DIRECTIONS or parts[-1] in set(assets)):
        return ".".join(parts[:-1])
    return rule_id if len(parts) > 1 else f"{rule_id}.event"


def _asset_in(rule_id: str, assets: Iterable[str]) -> str | None:
    """The first asset a rule id names in one of its words (metals.tin_strike -> tin)."""
    known = set(assets)
    return next((w for part in rule_id.split(".") for w in part.split("_") if w in known), None)


def new_rule(
    rule_id: str,
    folder: str | Path = "rules",
    *,
    event: str | None = None,
    asset: str | None = None,
    direction: str | None = None,
    basis: str = "inferred",
) -> Scaffolded:
    """Write ``<folder>/<rule_id>.yaml`` and return what to fill in. Raises ScaffoldError.

    Without ``asset`` the view is on the asset the id names (metals.tin_strike: tin), else gold;
    without ``direction`` it is the id's last part when that is one (copper.strike.bearish), else bullish.
    """
    if not re.fullmatch(ID_PATTERN, rule_id):  # fullmatch: "$" alone lets a trailing newline through
        raise ScaffoldError(f"rule id {rule_id!r} must be dotted lower case, e.g. copper.strike.bullish")
    if direction is None:
        last = rule_id.split(".")[-1]
        direction = last if last in DIRECTIONS else "bullish"
    if direction not in ("bullish", "bearish", "neutral"):
        raise ScaffoldError(f"direction {direction!r} must be bullish, bearish or neutral")
    if basis not in ("explicit", "inferred", "reported"):
        raise ScaffoldError(f"basis {basis!r} must be explicit, inferred or reported")
    root = Path(folder)
    created: list[Path] = []
    existed = root.exists()
    try:
        return _write(rule_id, root, created, event, asset, direction, basis)
    except BaseException:
        for path in reversed(created):  # a refused scaffold leaves nothing behind
            path.unlink(missing_ok=True)
        if not existed and root.is_dir() and not any(root.iterdir()):
            root.rmdir()
        raise


def _not_a_link(path: Path) -> None:
    """Refuse to write through a symbolic link the folder holds (a dangling one would be followed
    out of the folder, to wherever it points)."""
    if path.is_symlink():
        raise ScaffoldError(f"{path} is a symbolic link (to {os.readlink(path)}); the scaffold writes only files of its own")


def _write(
    rule_id: str, root: Path, created: list[Path], event: str | None, asset: str | None, direction: str, basis: str
) -> Scaffolded:
    if not root.exists() or (root.is_dir() and not rule_files(root)):
        root.mkdir(parents=True, exist_ok=True)
        for name in ("assets.yaml", "modifiers.yaml"):
            source = default_rules_path() / name
            if source.is_file():
                _not_a_link(root / name)
                shutil.copyfile(source, root / name)
                created.append(root / name)
    if not root.is_dir():
        raise ScaffoldError(f"{root} is not a folder")
    target = root / f"{rule_id}.yaml"
    if target.exists():
        raise ScaffoldError(f"{target} already exists")
    _not_a_link(target)

    ruleset, problems = check_ruleset(root)
    if ruleset is None:
        first = next(p for p in problems if p.severity == "error")
        raise ScaffoldError(f"the folder {root} does not load; fix it first:\n{first}")
    if any(r.id == rule_id for r in ruleset.rules):
        where = ruleset.rule_where[rule_id]
        raise ScaffoldError(f"rule {rule_id!r} already exists at {where.path}:{where.line}")
    if asset is None:
        asset = _asset_in(rule_id, ruleset.assets) or "gold"
    if asset not in ruleset.assets:
        raise ScaffoldError(f"unknown asset {asset!r}{suggest(asset, list(ruleset.assets))}")

    body = ""
    if event is not None:
        if event not in ruleset.events:
            raise ScaffoldError(f"unknown event {event!r}{suggest(event, list(ruleset.events))}")
    else:
        event = _default_event(rule_id, ruleset.assets)
        if event not in ruleset.events:
            kind = {"explicit": "view", "reported": "report"}.get(basis, "driver")
            body += EVENT_TEMPLATE.format(event=event, kind=kind)
    body += RULE_TEMPLATE.format(rule_id=rule_id, event=event, asset=asset, direction=direction, basis=basis)

    schema = root / SCHEMA_FILE
    if not schema.exists():
        _not_a_link(schema)
        schema.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        created.append(schema)
    header = (
        f"# yaml-language-server: $schema=./{SCHEMA_FILE}\n"
        f"# {rule_id}: scaffolded by `impact rules new`. Replace every TODO (`impact rules lint {root}`\n"
        f"# lists those left, W409), set `status: active`; then `impact rules test {root}` runs the examples.\n"
    )
    target.write_text(header + body, encoding="utf-8")
    created.append(target)
    _, after = check_ruleset(root)
    todo = tuple(p for p in after if Path(p.path) == target)
    return Scaffolded(target, tuple(created), todo)
