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
only if a rule file changed (its name, size, modification time or content: an edit that keeps
the size and the modification time is seen by the SHA-256 of the bytes) and the change has
settled: the folder looked the same on two checks at least ``settle`` seconds apart, so a file
being written is not loaded half way (the watcher calls ``check()``).

A set that loads but looks like a file caught half written is held, not swapped in: a file that
had definitions is now empty (or removed), or a file lost more than ``max_drop`` (default: half)
of its rules. The result says why (``ReloadResult.held``), a warning is logged and the old set
stays in use; ``reload(force=True)`` takes such a set anyway. Editors and tools should save rule
files atomically (write a temporary file in the same folder, then rename it over the old one):
a reader then sees the old file or the new one, never a part.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from impact.ruleset.collection import RulePath, RuleSet, check_ruleset, rule_files, rule_stack
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
    held: str = ""  # why a set that loads was not swapped in: a file emptied, many rules dropped

    def __str__(self) -> str:
        if self.held:
            return f"rules not reloaded, still using {self.ruleset}: {self.held} (reload(force=True) takes it)"
        if not self.ok:
            errors = [str(p) for p in self.problems if p.severity == "error"]
            return f"rules not reloaded, still using {self.ruleset}:\n" + "\n".join(errors)
        return f"rules reloaded: now {self.ruleset}" if self.changed else f"rules unchanged ({self.ruleset})"


def _has_definitions(data: bytes) -> bool:
    """Whether a rule file holds anything but blank lines, comments and document markers."""
    for line in data.splitlines():
        text = line.strip()
        if text and not text.startswith(b"#") and text not in (b"---", b"..."):
            return True
    return False


def _fingerprint(roots: list[Path]) -> dict[str, tuple[int, int, bytes, bool]]:
    """Per rule file of every folder: (mtime, size, SHA-256 of the bytes, whether it holds definitions)."""
    out = {}
    for f in [f for root in roots if root.exists() for f in rule_files(root)]:
        try:
            st = f.stat()
            data = f.read_bytes()
        except OSError:
            continue
        out[os.path.normpath(str(f))] = (st.st_mtime_ns, st.st_size, hashlib.sha256(data).digest(), _has_definitions(data))
    return out


def _rules_per_file(ruleset: RuleSet) -> Counter:
    return Counter(os.path.normpath(where.path) for where in ruleset.rule_where.values())


class ReloadingEngine:
    """An engine that follows its rule folder. Evaluate through it from any number of threads."""

    def __init__(
        self,
        path: RulePath = None,
        *,
        interval: float | None = None,
        on_reload: Callable[[ReloadResult], None] | None = None,
        settle: float = 1.0,
        max_drop: float = 0.5,
    ):
        """``settle``: seconds a change must stay unchanged before ``check()`` loads it;
        ``max_drop``: the share of a file's rules a reload may drop before it is held.
        ``path`` may be a stack of folders (``["bundled", "my_rules/"]``): every folder is followed."""
        self._path = path
        self._roots = rule_stack(path)
        self._root = self._roots[-1]  # the top folder: the one a user edits
        self._fingerprint = _fingerprint(self._roots)
        self._accepted = self._fingerprint  # the files as the set in use was read from them
        self._pending: tuple[dict, float] | None = None  # a change seen, waiting to settle
        self._settle = settle
        self._max_drop = max_drop
        self._engine = Engine.from_path(self._path)  # the first set must load: RuleError otherwise
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

    def _held(self, current: RuleSet, fresh: RuleSet, files: dict) -> str:
        """Why ``fresh`` looks like files caught half written ("" if it does not)."""
        reasons = []
        for path, (_, _, _, had) in self._accepted.items():
            if not had:
                continue
            if path not in files:
                reasons.append(f"{path} was removed")
            elif not files[path][3]:
                reasons.append(f"{path} is now empty")
        after = _rules_per_file(fresh)
        for path, before in sorted(_rules_per_file(current).items()):
            dropped = before - after.get(path, 0)
            if dropped > self._max_drop * before and path in files and files[path][3]:
                reasons.append(f"{path} dropped {dropped} of its {before} rules")
        return "; ".join(reasons)

    def reload(self, force: bool = False) -> ReloadResult:
        """Load, validate and compile the folder now; swap it in only if all of that worked and,
        unless ``force``, it does not look half written (a file emptied or most of its rules gone)."""
        with self._reload_lock:
            fingerprint = _fingerprint(self._roots)
            current = self._engine
            ruleset, problems = check_ruleset(self._path)
            held = "" if ruleset is None or force else self._held(current.ruleset, ruleset, fingerprint)
            if ruleset is None:
                result = ReloadResult(False, False, current.ruleset_hash, tuple(problems))
            elif ruleset.hash == current.ruleset_hash:
                result = ReloadResult(True, False, current.ruleset_hash, tuple(problems))
                self._accepted = fingerprint
            elif held:
                result = ReloadResult(False, False, current.ruleset_hash, tuple(problems), held=held)
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
                    self._accepted = fingerprint
                    result = ReloadResult(True, True, fresh.ruleset_hash, tuple(problems))
            self._fingerprint = fingerprint
            self._pending = None
            self.last = result
        if result.held:
            log.warning("%s", result)
        elif not result.ok:
            log.error("%s", result)
        elif result.changed:
            log.info("%s", result)
        if self._on_reload is not None:
            self._on_reload(result)
        return result

    def check(self) -> ReloadResult | None:
        """Reload if a rule file was added, removed or modified since the last reload and has
        stayed as it is for ``settle`` seconds, over two checks at least; None if nothing was
        reloaded (no change, or one still settling)."""
        fingerprint = _fingerprint(self._roots)
        if fingerprint == self._fingerprint:
            self._pending = None
            return None
        now = time.monotonic()
        pending = self._pending
        if pending is None or pending[0] != fingerprint:
            self._pending = (fingerprint, now)  # new: wait for it to settle
            return None
        if now - pending[1] < self._settle:
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
