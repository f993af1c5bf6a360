"""Inference on durable_rules: event facts in, fired impact rules out.

durable_rules has sharp edges (measured, see the README's design notes); this wrapper keeps
inside them:

* rulesets are JSON definitions registered on a private ``Host``, never the global
  ``durable.lang`` registry, and the host's background dispatch timers are not started;
* native rulesets are shared by content and live as long as an engine uses them: engines whose
  definitions are equal (rebuilds, hot reloads of an unchanged pack, Dask's per-partition
  unpickling) use one host, and when the last of them is collected its native rulesets are
  deleted (``delete_ruleset``). durable_rules allows 131,072 rulesets per process and never frees
  one by itself: without this, every engine build leaked its rulesets;
* every fact of a document carries a unique id and one state id (``sid``) per document, whose
  state is deleted in ``finally`` (live sids are capped around 1,024);
* one lock serialises all calls into the host (the library is not thread-safe);
* an exception raised inside an action is recorded and raised to the caller as InferenceError
  (durable_rules itself swallows it into the state's ``exception`` field);
* rules are split into rulesets below the measured limits (about 512 rules per ruleset, 64
  rules matching one fact) and the split is checked when the engine is built;
* a join fires once per combination of its facts, so each join ruleset is given at most the
  first 64 facts of one (event, flags) per document (16 for three conditions, ...): at most
  JOIN_FIRINGS firings of a rule, however often a document repeats itself;
* a rule of more than MAX_DURABLE_ARITY conditions is refused by durable_rules (error 304 on
  every document satisfying it, measured with 2.0.28), so such rules, in rulesets of their own,
  run in pure Python (impact.pipeline.joins: the same firings) in every mode; and a ruleset that
  durable_rules refuses at run time for any other reason is evaluated in pure Python for that
  document and from then on (logged once): a rule that cannot run on durable_rules never takes
  down the other rules' evidence on the document.

What durable_rules is given (``mode``):

* ``"joins"`` (the default): the rules whose condition joins two or more facts (``all`` of
  several events) run on durable_rules. A rule with one condition, or an ``any`` rule, fires once
  per fact whose (event, modifier flags) equals one of its conditions: that is the alpha-memory
  lookup of a Rete network, done here as one dict lookup per fact, with no JSON round trip, no
  state and no per-firing callback through the C engine (which cost about 60 µs a firing);
* ``"durable"``: every rule runs on durable_rules;
* ``"python"``: no durable_rules at all: the joins run in pure Python (impact.pipeline.joins), the
  default where durable_rules does not import (Python >= 3.13).

All modes give the same firings (tests/test_inference.py runs them all over the fixtures and a
generated corpus and compares the reports); the firings are handed to ``on_fire`` in one
canonical order, by the facts they bind and then by rule, whatever order the engine fired in.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import threading
import weakref
from collections import Counter
from typing import Callable, Sequence

from impact.errors import InferenceError
from impact.pipeline.facts import Fact
from impact.pipeline.joins import BACKENDS, durable_available, in_text_order, join_firings, repeated_conditions
from impact.ruleset.modifiers import ASSERTED, asserted_key
from impact.ruleset.schema import EventRef, Rule

if durable_available():
    from durable import engine as durable_engine
else:  # Python >= 3.13: the joins run in pure Python (impact.pipeline.joins)
    durable_engine = None

MAX_RULES_PER_RULESET = 128
MAX_RULES_PER_EVENT = 48
JOIN_FIRINGS = 4096  # firings of one join rule per document at most (64 x 64 for two events)
# the most conditions of one join durable_rules evaluates: 17 fail with error 304 (2.0.28)
MAX_DURABLE_ARITY = 16

log = logging.getLogger("impact.inference")


if durable_engine is not None:

    class _PrivateHost(durable_engine.Host):
        """A durable_rules host without its timer threads: we only assert facts synchronously."""

        def _run(self) -> None:  # noqa: D401 - overriding the library's thread start
            return

        def release(self) -> None:
            """Delete the native rulesets of this host and forget them (its last user is gone)."""
            for ruleset in self._ruleset_list:
                try:  # the library has no public way to this: the handle of create_ruleset
                    durable_engine.durable_rules_engine.delete_ruleset(ruleset._handle)  # noqa: SLF001
                except Exception:  # pragma: no cover - an invalid handle: nothing left to free
                    pass
            self._ruleset_list.clear()
            self._ruleset_directory.clear()


class _Sink:
    """Where the actions of a native host put their firings: held by the actions, holding nothing."""

    __slots__ = ("fired", "errors")

    def __init__(self) -> None:
        self.fired: list[tuple[int, list[int]]] = []
        self.errors: list[tuple[int, BaseException]] = []


def _action(sink: _Sink, idx: int, arity: int, join: bool) -> Callable:
    aliases = [f"e{k}" for k in range(arity)]

    def action(c) -> None:
        try:
            ids = []
            for alias in aliases:
                fact = getattr(c, alias)
                if fact is not None:
                    ids.append(int(fact["id"]))
            if join:
                sink.fired.append((idx, ids))
            else:
                # an `any` frame keeps the facts of earlier firings in its other aliases: each
                # fact is one firing of its own (duplicates are dropped in _run_durable)
                sink.fired += [(idx, [i]) for i in ids]
        except BaseException as exc:
            sink.errors.append((idx, exc))
            raise

    return action


class _Native:
    """The durable_rules rulesets of one set of definitions, shared by every engine whose
    definitions are equal, deleted when the last of them lets go (see ``_native``)."""

    def __init__(self, definitions: dict[str, dict]):
        self.lock = threading.Lock()  # the library is not thread-safe: one call at a time per host
        self.sids = itertools.count()
        self.sink = _Sink()
        self.broken: set[str] = set()  # rulesets durable_rules refused: pure Python from then on
        self.count = len(definitions)
        host = _PrivateHost()
        self.host = host
        # the actions hold the sink, not this object: when no engine holds it, it is freed at once
        self._finalizer = weakref.finalize(self, host.release)
        runnable = {
            name: {rule: {**body, "run": _action(self.sink, int(rule[1:]), len(next(iter(body.values()))),
                                                 "all" in body and len(body["all"]) > 1)}
                   for rule, body in ruleset.items()}
            for name, ruleset in definitions.items()
        }
        try:
            host.set_rulesets(runnable)
        except BaseException:
            host.release()
            raise


_NATIVE: "weakref.WeakValueDictionary[str, _Native]" = weakref.WeakValueDictionary()
_NATIVE_LOCK = threading.Lock()


def _native(definitions: dict[str, dict]) -> _Native:
    """The native rulesets of ``definitions``: the live ones if an engine already has them."""
    key = hashlib.sha256(json.dumps(definitions, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    with _NATIVE_LOCK:
        native = _NATIVE.get(key)
        if native is None:
            native = _Native(definitions)
            _NATIVE[key] = native
        return native


def native_ruleset_count() -> int:
    """How many native durable_rules rulesets the engines of this process hold now."""
    with _NATIVE_LOCK:
        return sum(native.count for native in list(_NATIVE.values()))


def partition(rules: Sequence[Rule], events_of: Sequence[set[str]] | None = None) -> list[list[int]]:
    """Split rule indexes into rulesets within the per-ruleset and per-event limits."""
    if events_of is None:
        events_of = [{ref.event for ref in rule.when.refs()} for rule in rules]
    bins: list[list[int]] = []
    counts: list[dict[str, int]] = []
    first_open = 0  # bins before this one are full: skipping them keeps 10,000 rules linear
    for idx, events in enumerate(events_of):
        while first_open < len(bins) and len(bins[first_open]) >= MAX_RULES_PER_RULESET:
            first_open += 1
        for b in range(first_open, len(bins)):
            per_event = counts[b]
            if len(bins[b]) < MAX_RULES_PER_RULESET and all(per_event.get(e, 0) < MAX_RULES_PER_EVENT for e in events):
                break
        else:
            bins.append([])
            counts.append({})
            b = len(bins) - 1
        bins[b].append(idx)
        for e in events:
            counts[b][e] = counts[b].get(e, 0) + 1
    return bins


def ref_key(ref: EventRef) -> int:
    """The modifiers a rule's event asks for, packed in one field as a fact's are (fewer tests per fact)."""
    return asserted_key({name: getattr(ref, name) for name in ASSERTED})


def condition(ref: EventRef) -> dict:
    return {"$and": [{"event": ref.event}, {"m": ref_key(ref)}]}


OnFire = Callable[[int, list[int]], None]

MODES = BACKENDS  # "python": the joins in pure Python, see impact.pipeline.joins


def _is_join(rule: Rule, refs: Sequence) -> bool:
    return rule.when.mode == "all" and len(refs) > 1


class Inference:
    """The impact rules of one engine: joins compiled into durable_rules rulesets on a private host,
    single-condition rules into a lookup table (``mode="durable"``: every rule on durable_rules)."""

    def __init__(self, rules: Sequence[Rule], mode: str = "joins"):
        if mode not in MODES:
            raise ValueError(f"inference mode must be one of {MODES}, not {mode!r}")
        if mode != "python" and durable_engine is None:
            from impact.pipeline.joins import resolve_backend

            resolve_backend(mode)  # raises InferenceError: durable_rules does not import here
        self.mode = mode
        self._rules = list(rules)
        self._routes: dict[str, list[str]] = {}
        # (event, flags) -> the single-condition and `any` rules it fires, in rule order
        self._direct: dict[tuple[str, int], list[int]] = {}
        # (event, negated, reversed, conditional) combinations that some rule of a ruleset accepts:
        # a batch holding one fact that no rule matches is refused whole by durable_rules.
        self._accepts: dict[str, set[tuple[str, int]]] = {}
        # Per ruleset, what it takes for at least one of its rules to fire: a ruleset that is given
        # facts and fires nothing (half of an `all` join) crashes durable_rules in delete_state
        # (free(): invalid pointer, seen with 2.0.28), so such a ruleset is not asserted at all.
        self._any_keys: dict[str, set[tuple[str, int]]] = {}
        self._joins: dict[str, dict[tuple[str, int], list[Counter]]] = {}
        # per join ruleset, its joins as (rule index, keys of its conditions): mode "python"
        self._conditions: dict[str, list[tuple[int, list[tuple[str, int]]]]] = {}
        self._repeated: dict[int, list[list[int]]] = {}  # joins asking twice for one (event, flags)
        # per non-join ruleset of mode "durable", its rules as (rule index, keys): the pure-Python
        # evaluation of a ruleset that durable_rules refused
        self._singles: dict[str, list[tuple[int, set[tuple[str, int]]]]] = {}
        all_refs = [rule.when.refs() for rule in self._rules]  # refs() builds models: once per rule
        on_durable: list[int] = []
        for idx, (rule, refs) in enumerate(zip(self._rules, all_refs)):
            if mode == "durable" or _is_join(rule, refs):
                on_durable.append(idx)
                continue
            for key in dict.fromkeys((r.event, ref_key(r)) for r in refs):
                self._direct.setdefault(key, []).append(idx)
        definitions: dict[str, dict] = {}
        # joins and single-condition rules in rulesets of their own, so that a join's fact budget
        # (below) applies to joins only, in both modes; joins too wide for durable_rules in
        # rulesets of their own too, run in pure Python in every mode
        def kind(i: int) -> int:  # 0, 1: single-condition or `any` rules, joins; 2, 3: the same, too wide
            wide = len(all_refs[i]) > MAX_DURABLE_ARITY
            return (1 if _is_join(self._rules[i], all_refs[i]) else 0) + 2 * wide

        bins: list[list[int]] = []
        wide: set[int] = set()  # the bins of too wide rules
        for k in (0, 1, 3, 2):
            chosen = [i for i in on_durable if kind(i) == k]
            parts = partition([self._rules[i] for i in chosen], [{r.event for r in all_refs[i]} for i in chosen])
            if k >= 2:
                wide.update(range(len(bins), len(bins) + len(parts)))
            bins += [[chosen[m] for m in b] for b in parts]
        self._python: set[str] = set()  # rulesets evaluated in pure Python whatever the mode
        # A join fires once per combination of its facts: a document repeating one sentence 800
        # times would make 160,000 firings of a two-event join. Each join ruleset sees at most
        # `cap` facts per (event, flags), the first in the text, so that a rule of n conditions
        # fires at most JOIN_FIRINGS times per document.
        self._cap: dict[str, int] = {}
        for b, members in enumerate(bins):
            name = f"impact_{b}"
            arity = max((len(all_refs[i]) for i in members if _is_join(self._rules[i], all_refs[i])), default=0)
            if arity:
                self._cap[name] = max(1, int(round(JOIN_FIRINGS ** (1 / arity), 6)))
            ruleset: dict[str, dict] = {}
            per_event: dict[str, int] = {}
            if b in wide:
                self._python.add(name)
            for idx in members:
                rule = self._rules[idx]
                refs = all_refs[idx]
                conds = [
                    {f"e{k}": condition(r)} for k, r in enumerate(refs)
                ]
                ruleset[f"r{idx}"] = {rule.when.mode: conds}
                accepts = self._accepts.setdefault(name, set())
                keys = [(r.event, ref_key(r)) for r in refs]
                accepts.update(keys)
                if not _is_join(rule, refs):
                    self._any_keys.setdefault(name, set()).update(keys)
                    self._singles.setdefault(name, []).append((idx, set(keys)))
                else:
                    need = Counter(keys)
                    self._conditions.setdefault(name, []).append((idx, keys))
                    if len(need) < len(keys):
                        self._repeated[idx] = repeated_conditions(keys)
                    for key in need:
                        self._joins.setdefault(name, {}).setdefault(key, []).append(need)
                for r in {r.event for r in refs}:
                    per_event[r] = per_event.get(r, 0) + 1
                    routes = self._routes.setdefault(r, [])
                    if name not in routes:
                        routes.append(name)
            if len(ruleset) > MAX_RULES_PER_RULESET or any(v > MAX_RULES_PER_EVENT for v in per_event.values()):
                raise InferenceError(f"internal: ruleset {name} exceeds durable_rules limits")
            definitions[name] = ruleset
        native = {name: ruleset for name, ruleset in definitions.items() if name not in self._python}
        self._native: _Native | None = None
        if mode != "python" and native:
            self._native = _native(native)
        self.ruleset_count = len(definitions)
        # rules that run on durable_rules (in mode "python": that would)
        self.durable_rule_count = len(on_durable) - sum(len(bins[b]) for b in wide)

    def _fires(self, name: str, payload: list[dict]) -> bool:
        """Whether some rule of ruleset ``name`` completes on these facts (conditions are plain
        equalities, so a rule whose every condition has a fact fires)."""
        present = Counter((f["event"], f["m"]) for f in payload)
        any_keys = self._any_keys.get(name, ())
        if any(key in any_keys for key in present):
            return True
        joins = self._joins.get(name, {})
        return any(
            all(present[k] >= n for k, n in need.items()) for key in present for need in joins.get(key, ())
        )

    def run(self, facts: Sequence[Fact], on_fire: OnFire) -> None:
        """Fire the rules on one document's facts; ``on_fire(rule_index, fact_ids)`` is called per
        firing, ordered by the facts bound (their ids follow the text) and then by rule."""
        fired: list[tuple[int, list[int]]] = []
        by_ruleset: dict[str, list[dict]] = {}
        direct, routes_of, accepts, caps = self._direct, self._routes, self._accepts, self._cap
        given: Counter | None = None  # (ruleset, key) -> facts given to a join ruleset so far
        for fact in facts:
            mods = fact.modifiers
            key = (fact.event, asserted_key(mods) if mods else 0)
            for idx in direct.get(key, ()):
                fired.append((idx, [fact.id]))
            for name in routes_of.get(fact.event, ()):
                if key in accepts[name]:
                    cap = caps.get(name)
                    if cap is not None:
                        if given is None:
                            given = Counter()
                        if given[name, key] >= cap:
                            continue
                        given[name, key] += 1
                    by_ruleset.setdefault(name, []).append({"sid": "", "id": str(fact.id), "event": fact.event, "m": key[1]})
        if by_ruleset:
            by_ruleset = {name: payload for name, payload in by_ruleset.items() if self._fires(name, payload)}
        if by_ruleset:
            native = self._native
            on_durable = {}
            for name, payload in by_ruleset.items():
                if native is None or name in self._python or name in native.broken:
                    fired += self._in_python(name, payload)
                else:
                    on_durable[name] = payload
            if on_durable:
                repeated = self._repeated
                fired += [(idx, in_text_order(ids, repeated[idx]) if idx in repeated else ids)
                          for idx, ids in self._run_durable(native, on_durable)]
        fired.sort(key=lambda f: (sorted(f[1]), f[0]))
        for idx, ids in fired:
            try:
                on_fire(idx, ids)
            except Exception as exc:
                raise InferenceError(
                    f"rule {self._rules[idx].id!r} failed in its action: {type(exc).__name__}: {exc}"
                ) from exc

    def _in_python(self, name: str, payload: list[dict]) -> list[tuple[int, list[int]]]:
        """The firings of ruleset ``name`` on its (capped) facts, without durable_rules."""
        facts = [(int(f["id"]), (f["event"], f["m"])) for f in payload]
        fired = join_firings(self._conditions.get(name, ()), facts)
        for idx, keys in self._singles.get(name, ()):
            fired += list({fid: (idx, [fid]) for fid, key in facts if key in keys}.values())
        return fired

    def _run_durable(self, native: _Native, by_ruleset: dict[str, list[dict]]) -> list[tuple[int, list[int]]]:
        fired: list[tuple[int, list[int]]] = []
        with native.lock:
            sid = str(next(native.sids))
            sink = native.sink
            sink.fired = []
            sink.errors = []
            # delete_state on a state that was never created crashes durable_rules: track them
            created: list[str] = []
            try:
                for name, payload in by_ruleset.items():
                    for fact in payload:
                        fact["sid"] = sid
                    before = len(sink.fired)
                    try:
                        native.host.assert_facts(name, payload)
                        created.append(name)
                    except Exception as exc:
                        if sink.errors:
                            break  # an action failed: raised below
                        # durable_rules refused this ruleset's facts (error 304 on a join beyond its
                        # limits, MessageNotHandledException, ...): its half-recorded state is left
                        # in place (deleting it may crash the process, seen with 2.0.28) and the
                        # ruleset runs in pure Python, now and from then on; the others are untouched
                        del sink.fired[before:]
                        native.broken.add(name)
                        log.warning("durable_rules refused the facts of ruleset %s (%s): it runs in pure "
                                    "Python from now on", name, exc)
                        fired += self._in_python(name, [{**f, "sid": ""} for f in payload])
                        continue
                    if sink.errors:
                        break
                if sink.errors:
                    idx, exc = sink.errors[0]
                    raise InferenceError(
                        f"rule {self._rules[idx].id!r} failed in its action: {type(exc).__name__}: {exc}"
                    ) from exc
                durable = list({(idx, tuple(sorted(ids))): (idx, ids) for idx, ids in sink.fired}.values())
            finally:
                for name in created:
                    native.host.delete_state(name, sid)
                sink.fired = []
                sink.errors = []
        return durable + fired
