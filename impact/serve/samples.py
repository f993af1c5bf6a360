"""The articles the playground offers to try: the repository's ``fixtures/articles``, which the
wheel ships as ``impact/serve/samples`` (real news passages, their sources in fixtures/README.md)."""

from __future__ import annotations

from pathlib import Path


def samples_path() -> Path:
    here = Path(__file__).resolve().parent
    packaged = here / "samples"
    if packaged.is_dir():
        return packaged
    return here.parents[1] / "fixtures" / "articles"  # a source checkout


def sample_names() -> list[str]:
    root = samples_path()
    return sorted(p.name for p in root.glob("*.txt") if p.is_file()) if root.is_dir() else []


def sample_text(name: str) -> str | None:
    """The text of one sample by its file name; None for any name that is not one of them."""
    if name not in sample_names():
        return None
    return (samples_path() / name).read_text(encoding="utf-8")
