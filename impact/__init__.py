"""asset-impact: explained, directional views on gold, the US dollar and base metals from news.

>>> from impact import Engine
>>> engine = Engine.from_path()
>>> report = engine.evaluate("锌:美元走弱提振价格,短期观点为震荡;")

Names are imported on first use, so that ``import impact`` (e.g. by the pytest plugin in a
project that never opts in) costs nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "DocumentFailure": "impact.pipeline.document",
    "DocumentInfo": "impact.report",
    "Engine": "impact.engine",
    "Evidence": "impact.report",
    "ImpactError": "impact.errors",
    "InferenceError": "impact.errors",
    "InputError": "impact.errors",
    "Problem": "impact.errors",
    "Report": "impact.report",
    "RuleError": "impact.errors",
    "RuleSet": "impact.ruleset.collection",
    "Signal": "impact.report",
    "Span": "impact.report",
    "Trace": "impact.engine",
    "Undecided": "impact.report",
    "load_ruleset": "impact.ruleset.collection",
}

__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'impact' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)


if TYPE_CHECKING:  # for type checkers and IDEs
    from impact.ruleset.collection import RuleSet, load_ruleset
    from impact.engine import Engine, Trace
    from impact.pipeline.document import DocumentFailure
    from impact.errors import ImpactError, InferenceError, InputError, Problem, RuleError
    from impact.report import DocumentInfo, Evidence, Report, Signal, Span, Undecided
