"""Work counted, not timed: the lines of impact's own modules that a call executes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import impact

PACKAGE = str(Path(impact.__file__).resolve().parent)


def lines_executed(fn: Callable[..., Any], *args: Any) -> int:
    """Lines of impact's own modules executed by ``fn(*args)`` (a line trace over ``impact/``)."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def call(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    sys.settrace(call)
    try:
        fn(*args)
    finally:
        sys.settrace(None)
    return count
