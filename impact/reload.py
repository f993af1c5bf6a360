"""Hot reload for long-running processes: follow a rule folder, swap in edits atomically.

A reload loads the folder, validates it (every lint error refuses it), compiles a new
``Engine`` and only then replaces the current one, with a single reference assignment. An
evaluation takes the current engine once and runs on it to the end, so every report comes from
exactly one rule set, and says which: ``report.ruleset`` is that set's hash. A broken edit never
replaces a working set: the reload reports its problems (path:line:col: CODE message) and the
previous set stays in use.

    from impact.reload import ReloadingEngine

    with ReloadingEngine("my_rules/", interval=2.0) as engine:   # polls the folder every 2 s
        for doc in stream:
            report = engine.evaluate(doc.text, doc_id=doc.id)       # report.ruleset: which rules

``reload()`` reloads now (from a signal handler, an admin endpoint, a test); ``check()`` reloads
only if a rule file changed (its name, size or modification time).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from impact.ruleset.collection import check_ruleset, default_rules_path, rule_files
from impact.engine import Engine
from impact.errors import Problem
from impact.ruleset.problems import problem as catalogued
from impact.report import Report

log = logging.getLogger("impact.reload")


@dataclass(frozen=True)
class ReloadResult:
    """What one reload did: swapped a new set in, found nothing new, or kept the old set."""

    ok: bool
    changed: bool
    ruleset: str  # the hash of the rule set in use after this reload
    problems: tuple[Problem, ...] = ()

    def __str__(self) -> str:
        if not self.ok:
            errors = [str(p) for p in self.problems if p.severity == "error"]
            return f"rules not reloaded, still using {self.ruleset}:\n" + "\n".join(errors)
        return f"rules reloaded: now {self.ruleset}" if self.changed else f"rules unchanged ({self.ruleset})"


def _fingerprint(root: Path) -> tuple:
    out = []
    for f in rule_files(root) if root.exists() else []:
        try:
            st = f.stat()
        except OSError:
            continue
        out.append((str(f), st.st_mtime_ns, st.st_size))
    return tuple(out)


class ReloadingEngine:
    """An engine that follows its rule folder. Evaluate through it from any number of threads."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        interval: float | None = None,
        on_reload: Callable[[ReloadResult], None] | None = None,
    ):
        self._root = Path(path) if path is not None else default_rules_path()
        self._fingerprint = _fingerprint(self._root)
        self._engine = Engine.from_path(self._root)  # the first set must load: RuleError otherwise
        self._reload_lock = threading.Lock()
        self._on_reload = on_reload
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last: ReloadResult = ReloadResult(True, False, self._engine.ruleset_hash)
        if interval is not None:
            self.watch(interval)

    # -- the current engine --------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The engine in use now: a snapshot; keep it to run several calls on one rule set."""
        return self._engine

    @property
    def ruleset_hash(self) -> str:
        return self._engine.ruleset_hash

    def evaluate(self, text: str, doc_id: str | None = None, published_at: Any = None) -> Report:
        return self._engine.evaluate(text, doc_id=doc_id, published_at=published_at)

    def evaluate_many(self, records: Any) -> Any:
        return self._engine.evaluate_many(records)

    def evaluate_frame(self, df: Any, **kwargs: Any) -> Any:
        return self._engine.evaluate_frame(df, **kwargs)

    # -- reloading -----------------------------------------------------------------------

    def reload(self) -> ReloadResult:
        """Load, validate and compile the folder now; swap it in only if all of that worked."""
        with self._reload_lock:
            fingerprint = _fingerprint(self._root)
            current = self._engine
            ruleset, problems = check_ruleset(self._root)
            if ruleset is None:
                result = ReloadResult(False, False, current.ruleset_hash, tuple(problems))
            elif ruleset.hash == current.ruleset_hash:
                result = ReloadResult(True, False, current.ruleset_hash, tuple(problems))
            else:
                try:
                    fresh = Engine(ruleset)
                    fresh.evaluate("")  # compile (automaton, inference host) before anyone sees it
                except Exception as exc:  # a set that validates but does not compile keeps the old one
                    where = next(iter(ruleset.rule_where.values()), None)
                    problem = catalogued("unreadable", where.path if where else str(self._root), 1, 1,
                                         f"rules do not compile: {type(exc).__name__}: {exc}")
                    result = ReloadResult(False, False, current.ruleset_hash, (problem,))
                else:
                    self._engine = fresh  # the swap: one reference assignment
                    result = ReloadResult(True, True, fresh.ruleset_hash, tuple(problems))
            self._fingerprint = fingerprint
            self.last = result
        if not result.ok:
            log.error("%s", result)
        elif result.changed:
            log.info("%s", result)
        if self._on_reload is not None:
            self._on_reload(result)
        return result

    def check(self) -> ReloadResult | None:
        """Reload if a rule file was added, removed or modified since the last look."""
        if _fingerprint(self._root) == self._fingerprint:
            return None
        return self.reload()

    def watch(self, interval: float = 1.0) -> None:
        """Poll the folder every ``interval`` seconds on a daemon thread until ``stop()``."""
        if self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.wait(interval):
                try:
                    self.check()
                except Exception:  # the watcher must survive anything a half-written file does
                    log.exception("rule reload failed")

        self._thread = threading.Thread(target=loop, name="impact-rule-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> "ReloadingEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"ReloadingEngine({str(self._root)!r}, ruleset={self.ruleset_hash})"
