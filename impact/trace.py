"""``impact explain --trace``: every matched term, event fact, near miss, fired rule and vote."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from impact.engine import Engine, Trace
from impact.render import table


def trace_dict(tr: Trace, engine: Engine) -> dict[str, Any]:
    def orig(a: int, b: int) -> dict[str, Any]:
        s, e = tr.offsets.start(a), tr.offsets.end(b)
        return {"start": s, "end": e, "text": tr.text[s:e]}

    def sentence(i: int) -> dict[str, Any]:
        s = tr.sentences[i]
        return orig(s.start, s.end)

    return {
        "report": tr.report.to_dict(),
        "terms": [dict(orig(a, b), term=t) for a, b, t in tr.hits],
        "facts": [
            {"id": f.id, "event": f.event, "subject": f.subject, "trigger": orig(*f.trigger),
             "modifiers": sorted(k for k, v in f.modifiers.items() if v), "contrast": f.contrast,
             "sentence": sentence(f.sentence)}
            for f in tr.facts
        ],
        "near_misses": [
            {"event": m.event, "trigger": orig(*m.trigger), "reason": m.reason, "sentence": sentence(m.sentence)}
            for m in tr.near_misses
        ],
        "fired": [{"rule": rule, "facts": ids} for rule, ids in tr.fired],
        "not_fired": _not_fired(tr, engine),
    }


def _not_fired(tr: Trace, engine: Engine) -> list[dict[str, Any]]:
    """Rules one of whose events was found (or nearly) but which did not fire, and why."""
    fired = {r for r, _ in tr.fired}
    found: dict[str, list] = {}
    for f in tr.facts:
        found.setdefault(f.event, []).append(f)
    near = {m.event for m in tr.near_misses}
    out = []
    for rule in engine.ruleset.active_rules:
        if rule.id in fired:
            continue
        refs = rule.when.refs()
        if not any(r.event in found or r.event in near for r in refs):
            continue
        reasons = []
        for r in refs:
            facts = found.get(r.event, [])
            want = {"negated": r.negated, "reversed": r.reversed, "conditional": r.conditional}
            ok = [f for f in facts if all(f.flag(k) == v for k, v in want.items())]
            if ok:
                reasons.append(f"{r.event}: found")
            elif facts:
                got = sorted({k for f in facts for k in want if f.flag(k) != want[k]})
                reasons.append(f"{r.event}: found but {', '.join(got)} does not match the rule")
            elif r.event in near:
                why = next(m.reason for m in tr.near_misses if m.event == r.event)
                reasons.append(f"{r.event}: trigger found, but {why}")
            else:
                reasons.append(f"{r.event}: not found")
        out.append({"rule": rule.id, "when": rule.when.mode, "reasons": reasons})
    return out


def render_trace(tr: Trace, engine: Engine, console: Console, fmt: str = "table") -> None:
    data = trace_dict(tr, engine)
    if fmt == "json":
        console.print_json(json.dumps(data, ensure_ascii=False))
        return
    console.print(table(tr.report))
    facts = Table(title="event facts", title_justify="left")
    for col in ("event", "subject", "trigger", "modifiers", "sentence"):
        facts.add_column(col)
    for f in data["facts"]:
        facts.add_row(f["event"], f["subject"] or "", f["trigger"]["text"], ", ".join(f["modifiers"]),
                      Text(f["sentence"]["text"][:80].replace("\n", " ")))
    console.print(facts)
    if data["near_misses"] or data["not_fired"]:
        misses = Table(title="near misses: rules that did not fire, and why", title_justify="left")
        misses.add_column("rule / event")
        misses.add_column("why not")
        for m in data["not_fired"]:
            misses.add_row(m["rule"], "; ".join(m["reasons"]))
        for m in data["near_misses"]:
            misses.add_row(f"event {m['event']} at {m['trigger']['text']!r}", m["reason"])
        console.print(misses)
    votes = Table(title="votes per asset", title_justify="left")
    for col in ("asset", "bullish", "bearish", "neutral", "net", "score"):
        votes.add_column(col)
    for s in tr.report.signals:
        votes.add_row(s.asset, f"{s.votes['bullish']:.3f}", f"{s.votes['bearish']:.3f}", f"{s.votes['neutral']:.3f}",
                      s.direction, f"{s.score:+.3f}")
    console.print(votes)
