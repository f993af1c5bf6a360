"""The ``impact`` command line: explain, evaluate, rules ... (results on stdout, the rest on stderr)."""

from __future__ import annotations

import os
import sys

from impact.cli.app import app
from impact.cli.common import silence_stdout
from impact.cli.version import main_options

app.callback()(main_options)  # impact --version


def main() -> None:
    _usable_streams()
    try:
        app()
    except SystemExit as exc:
        # click ends `impact --help | head -1` with 1 when the pipe closes; head got what it asked for
        if exc.code == 1 and isinstance(exc.__context__, BrokenPipeError):
            silence_stdout()
            raise SystemExit(0) from None
        raise


def _usable_streams() -> None:
    """A closed stdout or stderr (``impact ... >&-``) writes nowhere, as /dev/null would, and a
    closed stdin reads as empty; a stdout whose encoding lacks a character shows ``?`` for it
    rather than stopping the command (results in JSON, CSV and Markdown are written as UTF-8
    whatever the encoding: impact.cli.common.write_out)."""
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if not encoding.startswith("utf") and hasattr(sys.stdout, "reconfigure"):  # stderr already backslash-escapes
        sys.stdout.reconfigure(errors="replace")


__all__ = ["app", "main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
