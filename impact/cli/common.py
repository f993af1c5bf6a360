"""What every command shares: error handling, output files, --fail-on, reading a document.

Exit codes: 0 ran; 1 lint/test failures or a ``--fail-on`` hit; 2 usage, configuration, rule or
input errors. A reader that closes standard output early (``impact evaluate big.jsonl | head -1``)
ends the command quietly with 0, as ``head`` got what it asked for; nothing is printed; but 1
when a ``--fail-on`` hit was already found (:func:`closed_pipe_keeps_hits`).

Results written to stdout in JSON, CSV or Markdown are UTF-8 whatever the locale (:func:`write_out`);
``-o`` files are replaced whole once the run succeeds (:func:`replacing_output`).
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, TypeVar

import typer
from rich.console import Console

from impact.errors import ImpactError, RuleError

F = TypeVar("F", bound=Callable[..., Any])


RULES_OPTION = typer.Option(
    None, "--rules", "-r", metavar="DIR",
    help="rule folder; repeat to stack folders, bottom first: --rules bundled --rules my_rules/ "
         "('bundled' is the bundled pack; default: the bundled pack)",
)


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``1 error``, ``2 errors``, ``1,234 records``: a count with its noun in the right number."""
    return f"{n:,} {noun if n == 1 else (many or noun + 's')}"


def stderr() -> Console:
    return Console(stderr=True, highlight=False)


def fail(message: str, code: int = 2) -> typer.Exit:
    """``error: message`` on stderr; the message is shown as it is (file names may hold ``[x]``)."""
    from rich.markup import escape

    from impact.errors import printable

    # control characters of a file name are escaped: printed raw, they could rewrite the terminal
    stderr().print(f"[bold red]error:[/] {escape(printable(message, keep=chr(10) + chr(9)))}", markup=True, soft_wrap=True)
    return typer.Exit(code)


def write_out(data: str | bytes) -> None:
    """Results on stdout as UTF-8, whatever the locale's encoding: JSON, CSV and Markdown are UTF-8
    text, and a latin-1 terminal setting must not stop a batch at its first Chinese character."""
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is None:  # a test's capture: text only
        out.write(data if isinstance(data, str) else data.decode("utf-8"))
        return
    out.flush()  # what was printed as text before comes first
    buffer.write(data.encode("utf-8") if isinstance(data, str) else data)


@contextmanager
def closed_pipe_keeps_hits(hits: Callable[[], str | None]) -> Iterator[None]:
    """Writing results to stdout: when the reader closes it early (``... | head``), exit 1 if
    ``hits()`` names a --fail-on hit already found, else let the quiet exit 0 of
    :func:`handle_errors` happen."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        found = hits()
        if found is None:
            raise
        silence_stdout()
        raise fail_on_hit(found) from None
    except SystemExit as exc:
        found = hits() if isinstance(exc.__context__, BrokenPipeError) else None  # rich exits 1 on a closed pipe
        if found is None:
            raise
        raise fail_on_hit(found) from None


def handle_errors(func: F) -> F:
    """Library errors become a message on stderr and exit 2; --debug shows the traceback instead."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(kwargs.get("debug"))
        try:
            result = func(*args, **kwargs)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
            return result
        except (typer.Exit, typer.BadParameter):  # click says what was wrong with the options, exit 2
            raise
        except BrokenPipeError:
            raise _stdout_closed() from None
        except SystemExit as exc:
            if isinstance(exc.__context__, BrokenPipeError):  # rich's Console exits 1 on a closed pipe
                raise _stdout_closed() from None
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


@contextmanager
def progress(total: int | None, quiet: bool = False) -> Iterator[Callable[..., None]]:
    """The one progress bar of the CLI: on stderr while the block runs, only when stderr is a
    terminal and not ``--quiet``; yields ``advance(n=1)``. ``total`` None: a count with a spinner."""
    if quiet or not sys.stderr.isatty():
        yield lambda n=1: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns: list[Any] = [SpinnerColumn()] if total is None else []
    columns += [TextColumn("evaluating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    if total is not None:
        columns.append(TimeRemainingColumn())
    with Progress(*columns, console=stderr(), transient=True) as bar:
        task = bar.add_task("evaluate", total=total)
        yield lambda n=1: bar.advance(task, n)


def silence_stdout() -> None:
    """The reader of stdout went away: point stdout at /dev/null, so that no later flush fails."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a file descriptor (a test's capture)
        pass


def _stdout_closed() -> typer.Exit:
    """The reader of stdout went away: exit 0, quietly."""
    silence_stdout()
    return typer.Exit(0)


def _new_file_mode() -> int:
    """The mode ``open()`` gives a new file: 0o666 less the umask (read by setting it, the only
    portable way; the CLI runs one thread)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _output_target(path: str) -> tuple[str, "os.stat_result | None"]:
    """The file an output path names and its status (None: a new file).

    A regular file, or a new one, is named by its real path (symbolic links followed), the one to
    replace; anything else by ``path`` itself: ``/dev/stdout`` on a pipe resolves to no path at all.
    """
    import stat

    from impact.errors import InputError

    try:
        status = os.stat(path)
    except FileNotFoundError:
        status = None
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    if status is not None and not stat.S_ISREG(status.st_mode):
        return path, status
    return os.path.realpath(path), status


@contextmanager
def replacing_output(path: str, binary: bool = False) -> Iterator[Any]:
    """A results file written beside ``path`` and moved over it only when the run succeeds: a
    failed run leaves an existing file as it was.

    A symbolic link keeps pointing where it did (the file it names is the one replaced); the new
    file keeps the old one's permissions, or gets those of any new file (the umask). What is not a
    regular file, such as a FIFO or ``/dev/stdout``, is written to directly: there is nothing to
    keep and nothing to replace.
    """
    import stat
    import tempfile

    from impact.errors import InputError

    target, existing = _output_target(path)
    mode, kwargs = ("wb", {}) if binary else ("w", {"encoding": "utf-8"})
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        try:
            direct = open(target, mode, **kwargs)
        except OSError as exc:
            raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
        with direct:
            yield direct
        return
    try:
        fd, partial = tempfile.mkstemp(dir=os.path.dirname(target), prefix=f".{os.path.basename(target)}.",
                                       suffix=".partial")
        os.chmod(partial, stat.S_IMODE(existing.st_mode) if existing is not None else _new_file_mode())
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    handle = os.fdopen(fd, mode, **kwargs)
    try:
        with _stop_signals_exit():
            yield handle
            handle.close()
            os.replace(partial, target)
    except OSError as exc:
        if exc.errno in _FULL:  # the disk or quota is full: say so, keep the old file, leave nothing
            raise InputError(f"cannot write {path}: {exc.strerror or exc}; the previous file is unchanged") from None
        raise
    finally:
        try:
            handle.close()  # a close whose flush fails (a full disk) must not skip the clean-up
        except OSError:
            pass
        if os.path.exists(partial):
            os.remove(partial)


_FULL = {getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG") if hasattr(errno, name)}


@contextmanager
def _stop_signals_exit() -> Iterator[None]:
    """SIGTERM and SIGHUP end the process through SystemExit(128 + signal) while an output is
    written, so that the partial file is removed on the way out (the default action ends the
    process at once and left it behind). Handlers set by the program are kept; only the main
    thread can set them."""
    import signal
    import threading

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    replaced = {}
    if threading.current_thread() is threading.main_thread():
        for name in ("SIGTERM", "SIGHUP"):
            sig = getattr(signal, name, None)
            if sig is not None and signal.getsignal(sig) == signal.SIG_DFL:
                replaced[sig] = signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, previous in replaced.items():
            signal.signal(sig, previous)


def check_writable(path: str) -> None:
    """Fail before the work when ``path`` cannot be written (for writers that open it themselves)."""
    import stat

    from impact.errors import InputError

    target, existing = _output_target(path)
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise InputError(f"cannot write {path}: it is a folder")
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        # opening a FIFO would wait for its reader and then hand it an early end of file
        if not os.access(target, os.W_OK):
            raise InputError(f"cannot write {path}: Permission denied")
        return
    try:
        open(target, "ab").close()  # appending truncates nothing
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    if existing is None:
        os.remove(target)


DIRECTIONS = ("bullish", "bearish", "neutral")
FAIL_ON_HELP = (
    "exit 1 (after writing the output) when a document has a matching signal; repeatable. "
    "SPEC: any (a bullish or bearish signal), ASSET (a bullish or bearish signal on it, e.g. gold), "
    "bullish|bearish|neutral (that direction on any asset), or ASSET:DIRECTION (e.g. usd:bearish)"
)


@dataclass(frozen=True, slots=True)
class FailOn:
    """The ``--fail-on`` specs: (asset or None for any, direction or None for bullish-or-bearish)."""

    specs: tuple[tuple[str | None, str | None], ...]

    @classmethod
    def parse(cls, specs: Iterable[str] | None, engine: Any) -> "FailOn | None":
        """None without specs; an unknown asset or direction is an input error naming the valid ones."""
        from impact.ruleset.collection import canonical_asset
        from impact.errors import InputError

        parsed: list[tuple[str | None, str | None]] = []
        known = ", ".join(sorted(engine.ruleset.assets))
        for spec in specs or ():
            key = spec.strip().lower()
            asset, sep, direction = key.partition(":")
            if sep:
                if direction not in DIRECTIONS:
                    raise InputError(f"--fail-on {spec!r}: unknown direction {direction!r}; "
                                     f"directions: {', '.join(DIRECTIONS)}")
                try:
                    parsed.append((canonical_asset(asset, engine.ruleset), direction))
                except InputError:
                    raise InputError(f"--fail-on {spec!r}: unknown asset {asset!r}; assets: {known}") from None
            elif key == "any":
                parsed.append((None, None))
            elif key in DIRECTIONS:
                parsed.append((None, key))
            else:
                try:
                    parsed.append((canonical_asset(key, engine.ruleset), None))
                except InputError:
                    raise InputError(f"--fail-on {spec!r}: not any, an asset or a direction; "
                                     f"assets: {known}; directions: {', '.join(DIRECTIONS)}") from None
        return cls(tuple(parsed)) if parsed else None

    def hits(self, signals: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """The (asset, direction) pairs among ``signals`` that some spec matches."""
        return [(a, d) for a, d in signals if any(
            (asset is None or asset == a) and (d == direction if direction else d in ("bullish", "bearish"))
            for asset, direction in self.specs)]


def fail_on_hit(message: str) -> typer.Exit:
    """The one stderr line of a --fail-on hit, and exit 1."""
    stderr().print(f"--fail-on hit: {message}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(1)


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

