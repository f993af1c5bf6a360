"""``# noqa`` comments: a warning on a line ending in ``# noqa: W407`` (or a bare ``# noqa``) is
left out of ``impact rules lint``; errors never are, since the folder does not load with them."""

from __future__ import annotations

import re

from impact.errors import Problem

_NOQA = re.compile(r"#\s*noqa\b(?::\s*([A-Z0-9, ]+))?", re.IGNORECASE)


class _All(frozenset):
    def __contains__(self, item: object) -> bool:
        return True


_ALL = _All()


class Noqa:
    """The ``# noqa`` comments of the files problems point at, each file read once."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str]] = {}

    def codes(self, path: str, line: int) -> frozenset[str]:
        """The codes a ``# noqa`` comment on that line of that file silences."""
        if path not in self._lines:
            try:
                with open(path, encoding="utf-8") as handle:
                    self._lines[path] = handle.read().splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[path] = []
        lines = self._lines[path]
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        match = _NOQA.search(text)
        if match is None:
            return frozenset()
        if not match.group(1):
            return _ALL
        return frozenset(c.strip().upper() for c in match.group(1).split(",") if c.strip())

    def silenced(self, problem: Problem) -> bool:
        return problem.severity == "warning" and problem.code in self.codes(problem.path, problem.line)
