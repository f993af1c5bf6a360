"""The PyYAML floor admits no version whose merge keys expand exponentially (``<<: [*a, *a]``
doubling per level: 847 bytes, 22 levels, 8 million pairs; fixed in PyYAML 6.0.4)."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def floor() -> tuple[int, ...]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    spec = next(d for d in deps if d.lower().startswith("pyyaml"))
    return tuple(int(x) for x in re.search(r">=\s*([\d.]+)", spec).group(1).split("."))


def test_the_pyyaml_floor_is_past_the_exponential_merge_keys():
    assert floor() >= (6, 0, 4)
    assert tuple(int(x) for x in version("PyYAML").split(".")[:3]) >= floor()


def test_merge_keys_reached_twice_per_level_load_once():
    lines = ["l0: &l0 {k0: v0}"]
    lines += [f"l{i}: &l{i} {{<<: [*l{i - 1}, *l{i - 1}], k{i}: v{i}}}" for i in range(1, 23)]
    lines.append("target: {<<: [*l22, *l22]}")
    loader = yaml.SafeLoader("\n".join(lines))
    try:
        node = loader.get_single_node()
        loader.flatten_mapping(node.value[-1][1])  # what construct_mapping does first
        assert len(node.value[-1][1].value) == 23  # one pair per key, not 2^23
    finally:
        loader.dispose()
