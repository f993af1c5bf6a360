"""``impact rules lint``: every problem of a rule folder, less what the author silenced.

The checks themselves are in ``impact.ruleset.checks`` (by family) and the codes in
``impact.ruleset.problems``; here: which problems are shown (``--ignore``, ``# noqa``,
``impact.lint.noqa``) and how (``impact.lint.formats``: one function per output format).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from impact.errors import Problem
from impact.lint.noqa import Noqa
from impact.ruleset.collection import BUNDLED, check_ruleset


def lint_path(path: object = None, ignore: Iterable[str] = (), enable: Iterable[str] = ()) -> list[Problem]:
    """Every problem of a rule folder (default: the bundled pack), or of a stack of them (a list,
    bottom first, "bundled" for the bundled pack), less the ignored codes.

    A single file is checked in the context of its folder (its events and assets may live in
    the folder's other files) and only its own problems are reported. A warning on a line that
    ends with ``# noqa: W407`` (or a bare ``# noqa``) is left out; errors cannot be silenced,
    since the folder does not load with them. ``enable``: codes the catalogue leaves off to run too.
    """
    if isinstance(path, (list, tuple)):
        path = path[0] if len(path) == 1 else list(path)
    if isinstance(path, list):
        _, problems = check_ruleset(path, enable)
    else:
        target = Path(str(path)) if path is not None and path != BUNDLED else None
        if target is not None and target.is_file():
            _, problems = check_ruleset(target.parent, enable)
            problems = [p for p in problems if Path(p.path) == target.parent / target.name]
        else:
            _, problems = check_ruleset(target, enable)
    skip = {c.strip().upper() for c in ignore}
    kept = [p for p in problems if p.code not in skip and p.code[:1] + "*" not in skip]
    noqa = Noqa()
    return [p for p in kept if not noqa.silenced(p)]


__all__ = ["lint_path"]
