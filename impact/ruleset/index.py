"""The merged sections of a rule folder, each item with where it is written (what checks read)."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from impact.ruleset.loader import locate
from impact.ruleset.schema import Asset, Economy, Event, Indicator, Lexicon, Rule


@dataclass(frozen=True, slots=True)
class Where:
    path: str
    line: int
    col: int


def where_of(node: yaml.Node | None, path: str) -> Where:
    if node is None:
        return Where(path, 1, 1)
    return Where(path, node.start_mark.line + 1, node.start_mark.column + 1)


@dataclass
class RuleIndex:
    """The merged sections of a rule folder and where each item sits in its file (for validators)."""

    assets: dict[str, Asset] = field(default_factory=dict)
    lexicons: dict[str, Lexicon] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    economies: dict[str, Economy] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    # (kind, key) -> (path, the item's node, its key node): located once, so lookups stay O(depth)
    nodes: dict[tuple[str, str], tuple[str, yaml.Node | None, yaml.Node | None]] = field(default_factory=dict)
    # a stack of rule folders: (kind, key) -> the folder (0 = bottom) whose definition holds, and
    # the one that first defined it; rule id -> where a later folder's ``disable`` turned it off
    layer: dict[tuple[str, str], int] = field(default_factory=dict)
    first_layer: dict[tuple[str, str], int] = field(default_factory=dict)
    disabled: dict[str, Where] = field(default_factory=dict)

    def at(self, kind: str, key: str, *sub: object, on_key: bool = False) -> Where:
        """Where ``kind`` item ``key`` (or a part of it, by path ``sub``) is written."""
        path, node, key_node = self.nodes[(kind, key)]
        if not sub:
            return where_of(key_node if on_key and key_node is not None else node, path)
        return where_of(locate(node, tuple(sub), key=on_key), path)
