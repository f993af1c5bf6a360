"""``impact explain --trace``: why each rule fired or did not, and how the votes became a view.

For every rule that had any of its terms in the text (a trigger, a term of an ``all`` group or a
``none`` veto of one of its events): the matched spans, the modifiers found, and either the facts
it fired on or the condition that failed (a near miss). Then, per asset, every vote with the
factors of its weight and the resolve formula that turned the votes into the net view.

``trace_dict`` is the data (``--format json``); ``render_trace`` prints it for people;
``why_not`` is the one-rule answer that ``impact rules test`` prints under a failing example.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Collection

from rich.console import Console
from rich.table import Table
from rich.text import Text

from impact.engine import Engine, Trace
from impact.pipeline.matcher import GROUP, MODIFIER, NONE, TRIGGER
from impact.pipeline.resolve import DOMINANCE
from impact.ruleset.modifiers import ASSERTED, vote_modifiers
from impact.ruleset.collection import RuleSet
from impact.ruleset.schema import Rule, expand_terms
from impact.pipeline.releases import release_trace, release_why


def _is_release(engine: Engine, rule_id: str) -> bool:
    """release.<indicator>: the votes of an economic release (impact.pipeline.releases)."""
    return rule_id.startswith("release.") and rule_id.removeprefix("release.") in engine.ruleset.indicators



def trace_dict(tr: Trace, engine: Engine, rules: Collection[str] | None = None) -> dict[str, Any]:
    """Everything ``--trace`` shows, as JSON-ready data; offsets are into the original text.

    ``rules``: list exactly these rules (by id), whether or not their terms occur.
    """

    def orig(a: int, b: int) -> dict[str, Any]:
        s, e = tr.offsets.start(a), tr.offsets.end(b)
        return {"start": s, "end": e, "text": tr.text[s:e]}

    def sentence(i: int) -> dict[str, Any]:
        s = tr.sentences[i]
        return orig(s.start, s.end)

    def fact(f: Any) -> dict[str, Any]:
        return {"id": f.id, "event": f.event, "subject": f.subject, "trigger": orig(*f.trigger),
                "modifiers": _modifiers(f), "sentence": sentence(f.sentence)}

    terms_by_event, modifier_spans = _term_uses(tr, engine)
    return {
        "report": tr.report.to_dict(),
        "terms": [dict(orig(a, b), term=t) for a, b, t in tr.hits],
        "modifiers": [dict(orig(a, b), lexicon=name) for a, b, name in modifier_spans],
        "facts": [fact(f) for f in tr.facts],
        "near_misses": [
            {"event": m.event, "trigger": orig(*m.trigger), "reason": m.reason, "sentence": sentence(m.sentence)}
            for m in tr.near_misses
        ],
        "fired": [{"rule": rule, "facts": ids} for rule, ids in tr.fired],
        "rules": [
            _rule_trace(tr, rule, terms_by_event, orig, fact, engine.ruleset)
            for rule in (engine.ruleset.active_rules if rules is None
                         else [engine.ruleset.rule(r) for r in rules if not _is_release(engine, r)])
            if rules is not None or any(ref.event in terms_by_event for ref in rule.when.refs())
        ],
        "not_fired": _not_fired(tr, engine),
        "weighing": _weighing(tr, engine),
        "releases": [release_trace(r, orig, engine.ruleset) for r in tr.releases],  # impact.pipeline.releases
    }


def _modifiers(f: Any) -> list[str]:
    # the flags in name order, then the contrast position (a vote lists the flags in table order)
    return sorted(k for k, v in f.modifiers.items() if v) + list(vote_modifiers({}, f.contrast))


def _term_uses(tr: Trace, engine: Engine) -> tuple[dict[str, list[tuple[int, int, str]]], list[tuple[int, int, str]]]:
    """Per event, the hits of its terms as (start, end, role); and the modifier terms found (the
    hits the engine's own automaton found, as the trace keeps them: no second scan)."""
    names = list(engine.ruleset.events)
    by_event: dict[str, list[tuple[int, int, str]]] = {}
    modifiers: list[tuple[int, int, str]] = []
    for a, b, uses in tr.term_uses:
        for use in uses:
            if use[0] == TRIGGER:
                by_event.setdefault(names[use[1]], []).append((a, b, "trigger"))
            elif use[0] == GROUP:
                by_event.setdefault(names[use[1]], []).append((a, b, f"all[{use[2]}]"))
            elif use[0] == NONE:
                by_event.setdefault(names[use[1]], []).append((a, b, "none"))
            elif use[0] == MODIFIER:
                modifiers.append((a, b, use[1]))
    return by_event, modifiers


def _rule_trace(tr: Trace, rule: Rule, terms_by_event: dict, orig: Any, fact: Any, ruleset: RuleSet) -> dict[str, Any]:
    fired_on = [ids for rid, ids in tr.fired if rid == rule.id]
    events = []
    for ref in rule.when.refs():
        want = {k: getattr(ref, k) for k in ASSERTED}
        facts = [f for f in tr.facts if f.event == ref.event]
        matching = [f for f in facts if all(f.flag(k) == v for k, v in want.items())]
        misses = [m for m in tr.near_misses if m.event == ref.event]
        events.append({
            "event": ref.event,
            "requires": {k: v for k, v in want.items() if v},
            "terms": [dict(orig(a, b), role=role) for a, b, role in terms_by_event.get(ref.event, [])],
            "facts": [dict(fact(f), matches_rule=f in matching) for f in facts],
            "near_misses": [{"trigger": orig(*m.trigger), "reason": m.reason} for m in misses],
            "verdict": _verdict(ref.event, want, facts, matching, misses, terms_by_event.get(ref.event, []), ruleset),
            "ok": bool(matching),
        })
    if rule.status in ("disabled", "deprecated"):
        why = f"not run: the rule is {rule.status}"
    elif not any(e["terms"] for e in events):
        why = "not fired: no term of its events is in the text"
    elif fired_on:
        counts = Counter(
            " + ".join(f"{tr.facts[i].event} at {orig(*tr.facts[i].trigger)['text']!r}" for i in ids) for ids in fired_on
        )
        why = "fired on " + "; ".join(f"{k} (x{n})" if n > 1 else k for k, n in counts.items())
        also = [e["verdict"] for e in events if e["facts"] and any(not f["matches_rule"] for f in e["facts"])]
        also += [f"{e['event']}: near miss, {_spelled_out(e['event'], m['reason'], ruleset)}"
                 for e in events for m in e["near_misses"]]
        if also:
            why += " (elsewhere: " + "; ".join(dict.fromkeys(also)) + ")"
    elif rule.when.mode == "all":
        failing = [e["verdict"] for e in events if not e["ok"]]
        why = "not fired: " + "; ".join(failing or ["every event found, but no fact combination fired"])
    else:
        why = "not fired: " + "; ".join(e["verdict"] for e in events)
    votes = [
        {"asset": v.asset, "direction": v.direction, "weight": v.weight, "counted": v.counted}
        for v in tr.votes
        if tr.rules[v.rule_index].id == rule.id
    ]
    return {"rule": rule.id, "when": rule.when.mode, "fired": bool(fired_on), "why": why, "events": events,
            "votes": votes}


def _verdict(
    event: str, want: dict[str, bool], facts: list, matching: list, misses: list, terms: list, ruleset: RuleSet
) -> str:
    if matching:
        return f"{event}: found"
    if facts:
        wrong = sorted({k for f in facts for k in want if f.flag(k) != want[k]})
        detail = ", ".join(f"it is {k}" if not want[k] else f"it is not {k}" for k in wrong)
        detail += " and the rule asks " + ", ".join(f"{k}: {str(want[k]).lower()}" for k in wrong)
        return f"{event}: found, but {detail}"
    if misses:
        reasons = list(dict.fromkeys(_spelled_out(event, m.reason, ruleset) for m in misses))
        return f"{event}: trigger found, but {'; '.join(reasons)}"
    if terms:
        roles = sorted({role for _, _, role in terms})
        return f"{event}: no trigger term in the text (only {', '.join(roles)} terms)"
    return f"{event}: not in the text"


def _spelled_out(event: str, reason: str, ruleset: RuleSet) -> str:
    """'condition all[0] has no term ...' with a few of that group's terms, so the author sees which."""
    spec = ruleset.events.get(event)
    if spec is None or not reason.startswith("condition all["):
        return reason
    g = int(reason[len("condition all["):].split("]", 1)[0])
    if g >= len(spec.all):
        return reason
    terms: list[str] = []
    for lang in ("zh", "en"):
        terms += expand_terms(ruleset.lexicons, getattr(spec.all[g], lang), lang)
    terms = list(dict.fromkeys(terms))
    shown = ", ".join(terms[:5]) + (", ..." if len(terms) > 5 else "")
    return reason.replace(f"all[{g}]", f"all[{g}] ({shown})", 1)


def _not_fired(tr: Trace, engine: Engine) -> list[dict[str, Any]]:
    """Rules one of whose events was found (or nearly) but which did not fire, and why."""
    fired = {r for r, _ in tr.fired}
    found = {f.event for f in tr.facts}
    near = {m.event for m in tr.near_misses}
    out = []
    for rule in engine.ruleset.active_rules:
        refs = rule.when.refs()
        if rule.id in fired or not any(r.event in found or r.event in near for r in refs):
            continue
        reasons = []
        for r in refs:
            want = {k: getattr(r, k) for k in ASSERTED}
            facts = [f for f in tr.facts if f.event == r.event]
            matching = [f for f in facts if all(f.flag(k) == v for k, v in want.items())]
            misses = [m for m in tr.near_misses if m.event == r.event]
            reasons.append(_verdict(r.event, want, facts, matching, misses, [], engine.ruleset))
        out.append({"rule": rule.id, "when": rule.when.mode, "reasons": reasons})
    return out


def _weighing(tr: Trace, engine: Engine) -> list[dict[str, Any]]:
    """Per asset: each vote with its weight's factors, the totals and the resolve formula."""
    rules = tr.rules
    out = []
    for signal in tr.report.with_evidence():
        votes = [v for v in tr.votes if v.asset == signal.asset]
        b, s, n = (signal.votes[d] for d in ("bullish", "bearish", "neutral"))
        # an undecided asset has no direction: "no call", and why
        direction = getattr(signal, "direction", None) or f"no call ({signal.reason})"
        total = b + s + n
        out.append({
            "asset": signal.asset,
            "votes": [
                {
                    "rule": rules[v.rule_index].id,
                    "direction": v.direction,
                    "factors": [{"name": k, "value": x} for k, x in v.factors],
                    "weight": v.weight,
                    "counted": v.counted,
                    "sentence_start": tr.offsets.start(tr.sentences[v.sentence].start),
                    "why_not_counted": v.why_not_counted,
                }
                for v in sorted(votes, key=lambda v: (v.trigger[0], v.rule_index))
            ],
            "totals": {"bullish": b, "bearish": s, "neutral": n},
            "direction": direction,
            "score": signal.score,
            "formula": (
                f"score = (B - S) / (B + S + N) x (1 - e^-(B + S + N)) = ({b:.3f} - {s:.3f}) / {total:.3f} "
                f"x (1 - e^-{total:.3f}) = {signal.score:+.3f}"
                if total
                else "score = 0: no vote counted"
            ),
            "direction_rule": (
                f"the largest of B, S, N (neutral, an explicit range view, wins ties); no call when B = S, "
                f"when the larger of B and S is less than {DOMINANCE:g} times the smaller, or when every vote "
                f"was set aside"
            ),
        })
    return out


def why_not(engine: Engine, rule_id: str, text: str) -> str:
    """One line on what rule ``rule_id`` made of ``text``: what it fired on, or what failed."""
    tr = engine.trace(text)
    if _is_release(engine, rule_id):
        return release_why(tr, rule_id.removeprefix("release."))
    terms_by_event, _ = _term_uses(tr, engine)
    rule = engine.ruleset.rule(rule_id)

    def orig(a: int, b: int) -> dict[str, Any]:
        s, e = tr.offsets.start(a), tr.offsets.end(b)
        return {"start": s, "end": e, "text": tr.text[s:e]}

    entry = _rule_trace(tr, rule, terms_by_event, orig, lambda f: {"id": f.id}, engine.ruleset)
    return entry["why"]


def render_trace(tr: Trace, engine: Engine, console: Console, rules: Collection[str] | None = None) -> None:
    """The trace as tables for people (``--format json`` is :func:`trace_dict`, written as it is)."""
    data = trace_dict(tr, engine, rules)
    from impact.explain.render import table

    console.print(table(tr.report))
    title = "the rules asked for" if rules is not None else "rules whose terms occur"
    table_ = Table(title=f"{title}: fired, or the condition that failed", title_justify="left",
                  show_lines=True)
    table_.add_column("rule")
    table_.add_column("terms found (role)")
    table_.add_column("facts: modifiers")
    table_.add_column("verdict")
    def triggered(r: dict[str, Any]) -> bool:
        return r["fired"] or any(e["facts"] or e["near_misses"] for e in r["events"])

    shown = sorted((r for r in data["rules"] if triggered(r) or rules is not None), key=lambda r: not r["fired"])
    for r in shown:
        terms = Text()
        facts = Text()
        for e in r["events"]:
            spans = list(dict.fromkeys(f"{t['text']} ({t['role']})" for t in e["terms"]))
            if not spans:
                continue
            terms.append(f"{e['event']}: ", style="dim")
            terms.append(", ".join(spans[:8]) + (" ..." if len(spans) > 8 else "") + "\n")
            for f in e["facts"]:
                mods = ", ".join(f["modifiers"]) or "-"
                subject = f" [{f['subject']}]" if f["subject"] else ""
                facts.append(f"{f['trigger']['text']}{subject}: {mods}\n", style=None if f["matches_rule"] else "dim")
        verdict = Text(r["why"], style="green" if r["fired"] else "yellow")
        terms.rstrip()
        facts.rstrip()
        table_.add_row(r["rule"], terms, facts, verdict)
    if shown:
        console.print(table_)
    else:  # an empty table says nothing: say what happened
        console.print(Text("No rule's terms occur in this text, so no rule could fire (--rule ID says why one "
                           "did not, even without its terms).", style="italic"))
    quiet = [r for r in data["rules"] if not triggered(r) and rules is None]
    if quiet:
        listed = "; ".join(
            f"{r['rule']} ({', '.join(dict.fromkeys(t['text'] + ' ' + t['role'] for e in r['events'] for t in e['terms']))})"
            for r in quiet
        )
        console.print(Text(f"no trigger in the text, only condition (all) or veto (none) terms: {listed}", style="dim"))
    for r in data["releases"]:
        console.print(Text(f"release {r['indicator']}: {r['text']}", style="cyan"))
    if data["modifiers"]:
        mods = ", ".join(f"{m['text']} ({m['lexicon']})" for m in data["modifiers"])
        console.print(Text(f"modifier terms in the text: {mods}", style="dim"))
    for w in data["weighing"]:
        votes = Table(title=f"{w['asset']}: how the votes were weighed", title_justify="left")
        for col in ("rule", "direction", "weight = factors", "counted"):
            votes.add_column(col)
        for v in w["votes"]:
            factors = " x ".join(f"{f['value']:g} {f['name']}" for f in v["factors"])
            votes.add_row(v["rule"], v["direction"], f"{v['weight']:.3f} = {factors}", "yes" if v["counted"] else "no")
        console.print(votes)
        for why in dict.fromkeys(v["why_not_counted"] for v in w["votes"] if v["why_not_counted"]):
            left_out = ", ".join(dict.fromkeys(v["rule"] for v in w["votes"] if v["why_not_counted"] == why))
            console.print(Text(f"  not counted ({left_out}): {why}", style="dim"))
        t = w["totals"]
        console.print(f"  B={t['bullish']:.3f} S={t['bearish']:.3f} N={t['neutral']:.3f} -> {w['direction']}; "
                      f"{w['formula']}", markup=False, highlight=False)
