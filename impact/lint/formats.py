"""Output formats of ``impact rules lint``: one function per format, problems in, stdout text out.

A new format is one function here and its row in ``FORMATS``; ``--format`` offers every row.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from impact.errors import Problem


def text(problems: list[Problem]) -> str:
    """``path:line:col: CODE message``, one a line, as compilers print them."""
    return "".join(f"{p}\n" for p in problems)


def json_(problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    return json.dumps({"problems": [p.to_dict() for p in problems], "errors": errors,
                       "warnings": len(problems) - errors}, ensure_ascii=False, indent=2) + "\n"


def github(problems: list[Problem]) -> str:
    """GitHub Actions workflow commands: each problem an annotation on its file and line."""

    def escaped(value: str, prop: bool = False) -> str:
        value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return value.replace(":", "%3A").replace(",", "%2C") if prop else value

    return "".join(
        f"::{p.severity} file={escaped(p.path, True)},line={p.line},col={p.col},title={p.code}::"
        f"{escaped(p.message)}\n"
        for p in problems
    )


def sarif(problems: list[Problem]) -> str:
    """SARIF 2.1.0 (code-scanning upload, editors): one run, the catalogue's codes as its rules."""
    from impact.ruleset.problems import BY_CODE

    codes = sorted({p.code for p in problems})
    level = {"error": "error", "warning": "warning"}
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "impact rules lint",
                "rules": [
                    {"id": c, "name": BY_CODE[c].name, "shortDescription": {"text": BY_CODE[c].summary},
                     "defaultConfiguration": {"level": level[BY_CODE[c].severity]}}
                    for c in codes
                ],
            }},
            "results": [
                {
                    "ruleId": p.code,
                    "ruleIndex": codes.index(p.code),
                    "level": level[p.severity],
                    "message": {"text": p.message},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": Path(p.path).as_posix()},
                        "region": {"startLine": p.line, "startColumn": p.col},
                    }}],
                }
                for p in problems
            ],
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, Callable[[list[Problem]], str]] = {
    "text": text,
    "json": json_,
    "github": github,
    "sarif": sarif,
}
