"""Write the README's table of lint codes from the catalogue (impact/ruleset/problems.py).

    .venv/bin/python tools/lint_codes.py          # rewrite the table in README.md
    .venv/bin/python tools/lint_codes.py --check  # exit 1 if the README's table is not the catalogue's
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from impact.ruleset.problems import markdown_table

README = Path(__file__).resolve().parent.parent / "README.md"
TABLE = re.compile(r"^\| code \| what it finds \|\n\|---\|---\|\n(?:\|.*\|\n)+", re.M)


def main() -> int:
    text = README.read_text(encoding="utf-8")
    match = TABLE.search(text)
    if match is None:
        print("README.md has no table of lint codes", file=sys.stderr)
        return 1
    if "--check" in sys.argv[1:]:
        return 0 if match.group() == markdown_table() else 1
    README.write_text(text[: match.start()] + markdown_table() + text[match.end():], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
