"""Errors of asset-impact. Every rule problem knows the file, line and column it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass

# control characters (C0, DEL, C1) and bidi controls: a file name holding them could move the
# cursor, clear the screen or reorder what a terminal shows
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, keep: str = "") -> str:
    """``text`` with control and bidi characters escaped (``\\x1b``, ``\\u202e``), but those in ``keep``."""
    def escape(m: re.Match) -> str:
        c = m.group()
        if c in keep:
            return c
        return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"

    return _UNSAFE.sub(escape, text)


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
        return f"{printable(self.path)}:{self.line}:{self.col}: {self.code} {printable(self.message, keep=chr(10))}"

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
