from __future__ import annotations

from pathlib import Path

import pytest

from impact import Engine

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
RULES = ROOT / "rules"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.from_path(RULES)


@pytest.fixture(scope="session")
def page() -> str:
    return (FIXTURES / "2025-07-02-news-page-zh.txt").read_text(encoding="utf-8")


def article(name: str) -> str:
    return (FIXTURES / "articles" / f"{name}.txt").read_text(encoding="utf-8")


def write_rules(tmp_path: Path, **files: str) -> Path:
    """A rule folder with the bundled assets and modifiers plus the given files."""
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    for name in ("assets.yaml", "modifiers.yaml"):
        (folder / name).write_text((RULES / name).read_text(encoding="utf-8"), encoding="utf-8")
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder
