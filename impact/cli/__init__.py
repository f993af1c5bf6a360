"""The ``impact`` command line: explain, evaluate, rules ... (results on stdout, the rest on stderr)."""

from __future__ import annotations

import sys

from impact.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
