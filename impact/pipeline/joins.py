"""Which inference backend runs, and the joins of several facts in pure Python.

durable_rules 2.0.28 (the inference engine, see impact.inference) is a C extension last released
in 2020: it does not import on Python 3.13 or later (``undefined symbol: PyEval_CallObject``).
Where it cannot be imported, the rules whose condition joins two or more facts run here instead,
with the semantics measured on durable_rules:

* a join fires once per combination of distinct facts, one fact per condition; conditions are
  plain equalities on (event, modifier flags);
* conditions that ask for the same (event, flags) take a set of distinct facts once (not every
  permutation of it), bound in condition order from the earliest fact in the text to the latest.
  durable_rules binds such a set in an order that depends on when each fact reached its network
  (a Rete artifact); its firings are put in this order too (:func:`in_text_order`), so that
  every backend cites the facts of a firing in the same order;
* each join ruleset sees at most the first ``cap`` facts of one (event, flags) per document (the
  JOIN_FIRINGS budget), with the same rulesets and caps as on durable_rules;
* the firings are handed on in the same canonical order (facts bound, then rule).

Single-condition and ``any`` rules are dict lookups in every backend. tests/test_inference.py runs
every backend over the fixtures and a generated corpus and compares the reports byte for byte.

Backends (``Engine(..., inference=...)``, or the ``IMPACT_INFERENCE`` environment variable when the
argument is left to ``"auto"``):

* ``"joins"``: joins on durable_rules, the rest by lookup (the default where durable_rules imports);
* ``"durable"``: every rule on durable_rules;
* ``"python"``: joins in pure Python, the rest by lookup (the default where it does not).
"""

from __future__ import annotations

import functools
import itertools
import os
from typing import Iterable, Sequence

BACKENDS = ("joins", "durable", "python")
ENV = "IMPACT_INFERENCE"


@functools.cache
def durable_error() -> str | None:
    """Why durable_rules cannot be used here (None when it imports)."""
    try:
        from durable import engine  # noqa: F401
    except (ImportError, OSError) as exc:  # not installed (Python >= 3.13), or a broken C extension
        return f"{type(exc).__name__}: {exc}"
    return None


def durable_available() -> bool:
    return durable_error() is None


def resolve_backend(requested: str | None = "auto") -> str:
    """The backend that runs for ``requested`` ("auto", None or one of BACKENDS); "auto" reads
    IMPACT_INFERENCE, then takes "joins" where durable_rules imports and "python" elsewhere."""
    name = requested or "auto"
    if name == "auto":
        name = os.environ.get(ENV, "").strip().lower() or "auto"
        if name != "auto" and name not in BACKENDS:
            from impact.errors import InferenceError

            raise InferenceError(f"{ENV} must be one of {('auto',) + BACKENDS}, not {name!r}")
    if name == "auto":
        return "joins" if durable_available() else "python"
    if name not in BACKENDS:
        raise ValueError(f"inference must be one of {('auto',) + BACKENDS}, not {name!r}")
    if name != "python" and not durable_available():
        from impact.errors import InferenceError

        raise InferenceError(
            f"inference={name!r} needs durable_rules, which does not import on this Python "
            f"({durable_error()}); use inference='python' (the same firings)"
        )
    return name


def describe() -> str:
    """One line for ``impact --version``: the backend that runs by default and why."""
    from impact.errors import ImpactError

    try:
        backend = resolve_backend("auto")
    except ImpactError as exc:
        return f"inference: {exc}"
    if backend == "python":
        why = "durable_rules not importable" if not durable_available() else f"forced by {ENV}"
        return f"inference: python (joins in pure Python; {why})"
    import importlib.metadata

    try:
        version = importlib.metadata.version("durable-rules")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - imported but not installed?
        version = "?"
    what = "every rule" if backend == "durable" else "joins"
    return f"inference: {backend} ({what} on durable_rules {version})"


def join_firings(
    conditions: Sequence[tuple[int, Sequence[tuple[str, int]]]], facts: Iterable[tuple[int, tuple[str, int]]]
) -> list[tuple[int, list[int]]]:
    """The firings of the join rules ``conditions`` [(rule index, [(event, flags) per condition])]
    on ``facts`` [(fact id, (event, flags))] given in text order, already capped: a list of
    (rule index, fact ids in condition order)."""
    by_key: dict[tuple[str, int], list[int]] = {}
    for fid, key in facts:
        by_key.setdefault(key, []).append(fid)
    fired: list[tuple[int, list[int]]] = []
    for idx, keys in conditions:
        slots: dict[tuple[str, int], list[int]] = {}  # key -> the condition positions asking for it
        for pos, key in enumerate(keys):
            slots.setdefault(key, []).append(pos)
        choices = []
        for key, positions in slots.items():
            have = by_key.get(key, ())
            if len(have) < len(positions):
                break
            # a set of distinct facts once, the earliest bound to the first of its conditions
            choices.append([(positions, combo) for combo in itertools.combinations(have, len(positions))])
        else:
            width = len(keys)
            for picked in itertools.product(*choices):
                ids = [0] * width
                for positions, combo in picked:
                    for pos, fid in zip(positions, combo):
                        ids[pos] = fid
                fired.append((idx, ids))
    return fired


def repeated_conditions(keys: Sequence[tuple[str, int]]) -> list[list[int]]:
    """The groups of condition positions that ask for the same (event, flags), where there are any."""
    slots: dict[tuple[str, int], list[int]] = {}
    for pos, key in enumerate(keys):
        slots.setdefault(key, []).append(pos)
    return [positions for positions in slots.values() if len(positions) > 1]


def in_text_order(ids: list[int], groups: list[list[int]]) -> list[int]:
    """``ids`` with the facts of each group of same-key conditions bound in text order."""
    ids = list(ids)
    for positions in groups:
        for pos, fid in zip(positions, sorted(ids[p] for p in positions)):
            ids[pos] = fid
    return ids
