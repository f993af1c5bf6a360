"""Output formats of ``impact rules lint``: one function per format, problems in, stdout text out.

A new format is one function here and its row in ``FORMATS``; ``--format`` offers every row.
"""

from __future__ import annotations

import json
from typing import Callable

from impact.errors import Problem


def text(problems: list[Problem]) -> str:
    """``path:line:col: CODE message``, one a line, as compilers print them."""
    return "".join(f"{p}\n" for p in problems)


def json_(problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    return json.dumps({"problems": [p.to_dict() for p in problems], "errors": errors,
                       "warnings": len(problems) - errors}, ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, Callable[[list[Problem]], str]] = {
    "text": text,
    "json": json_,
}
