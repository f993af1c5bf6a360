"""asset-impact: explained, directional views on gold, the US dollar and base metals from news.

>>> from impact import Engine
>>> engine = Engine.from_path()
>>> report = engine.evaluate("锌:美元走弱提振价格,短期观点为震荡;")
"""

from impact.collection import RuleSet, load_ruleset
from impact.engine import Engine, Trace
from impact.errors import ImpactError, InferenceError, InputError, Problem, RuleError
from impact.report import DocumentInfo, Evidence, Report, Signal, Span

__all__ = [
    "DocumentInfo",
    "Engine",
    "Evidence",
    "ImpactError",
    "InferenceError",
    "InputError",
    "Problem",
    "Report",
    "RuleError",
    "RuleSet",
    "Signal",
    "Span",
    "Trace",
    "load_ruleset",
]

__version__ = "0.1.0"
