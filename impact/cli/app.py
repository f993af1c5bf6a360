"""The Typer application and the error handling every command shares."""

from __future__ import annotations

import functools
import sys
from typing import Any, Callable, TypeVar

import typer
from rich.console import Console

from impact.errors import ImpactError, RuleError

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Explained, directional views on gold, the US dollar and base metals from financial news.",
)
rules_app = typer.Typer(no_args_is_help=True, help="Rule authors' tools: lint, test, schema, stats, new.")
app.add_typer(rules_app, name="rules")

F = TypeVar("F", bound=Callable[..., Any])


def stderr() -> Console:
    return Console(stderr=True, highlight=False)


def fail(message: str, code: int = 2) -> typer.Exit:
    stderr().print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    return typer.Exit(code)


def handle_errors(func: F) -> F:
    """Library errors become a message on stderr and exit 2; --debug shows the traceback instead."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(kwargs.get("debug"))
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except RuleError as exc:
            if debug:
                raise
            con = stderr()
            for problem in exc.problems:
                con.print(str(problem), markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2)
        except ImpactError as exc:
            if debug:
                raise
            raise fail(str(exc))
        except KeyboardInterrupt:
            raise typer.Exit(130)
        except Exception as exc:
            if debug:
                raise
            raise fail(f"internal error: {type(exc).__name__}: {exc} (run again with --debug for the traceback)")

    return wrapper  # type: ignore[return-value]


def read_text_arg(path: str) -> str:
    """Read a document from a path or '-' as strict UTF-8."""
    from impact.errors import InputError

    if path == "-":
        raw = sys.stdin.buffer.read()
        shown = "standard input"
    else:
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            raise InputError(f"{path}: {exc.strerror or exc}") from None
        shown = path
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{shown}: invalid UTF-8 at byte {exc.start} (line {line}); the input must be UTF-8 text"
        ) from None


# command modules register themselves on import
from impact.cli import explain as _explain  # noqa: E402,F401
from impact.cli import evaluate as _evaluate  # noqa: E402,F401
from impact.cli import rules as _rules  # noqa: E402,F401
from impact.cli import strategy as _strategy  # noqa: E402,F401
from impact.cli import stats as _stats  # noqa: E402,F401
