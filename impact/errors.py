"""Errors of asset-impact. Every rule problem knows the file, line and column it came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a rule file, printed like a compiler's: ``path:line:col: CODE message``."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "message": self.message,
            "severity": self.severity,
        }


class ImpactError(Exception):
    """Base class of the errors this library raises on purpose."""


class RuleError(ImpactError):
    """A rule folder could not be loaded; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InputError(ImpactError):
    """A document or a batch could not be read."""


class BudgetError(InputError):
    """A document exceeded the work one document may cost (its term hits or its facts): it is
    refused as a whole, so that one hostile document cannot stall a batch."""


class InferenceError(ImpactError):
    """A rule action failed inside the inference engine."""
