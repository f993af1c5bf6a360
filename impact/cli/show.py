"""``impact rules show ID``: one rule as an analyst reads it: where it is, when it fires, what it says."""

from __future__ import annotations

import json
from typing import Optional

import typer

from impact.cli.common import RULES_OPTION, fail, handle_errors, write_out


def _terms(terms: dict[str, list[str]], most: int = 12) -> str:
    parts = []
    for lang in ("zh", "en"):
        words = terms.get(lang) or []
        if words:
            more = f", ... (+{len(words) - most})" if len(words) > most else ""
            parts.append(f"{lang}: {', '.join(words[:most])}{more}")
    return "; ".join(parts) or "-"


@handle_errors
def show(
    rule_id: str = typer.Argument(..., help="the rule's id, e.g. sanctions.lifted.gold"),
    rules: Optional[list[str]] = RULES_OPTION,
    as_json: bool = typer.Option(False, "--json", help="the rule and its events as JSON"),
) -> None:
    """Show one rule: its file and line, status and basis, the events it needs with their trigger
    terms, the views it gives, its rationale and its examples."""
    from impact.ruleset.collection import load_ruleset
    from impact.ruleset.loader import suggest

    ruleset = load_ruleset(rules)
    known = [r.id for r in ruleset.rules]
    if rule_id not in known:
        raise fail(f"no rule {rule_id!r}{suggest(rule_id, known)}")
    rule = ruleset.rule(rule_id)
    where = ruleset.rule_where.get(rule_id)
    events = {ref.event: ruleset.events[ref.event] for ref in rule.when.refs() if ref.event in ruleset.events}
    if as_json:
        data = {
            "rule": rule.model_dump(mode="json"),
            "where": None if where is None else {"path": where.path, "line": where.line, "col": where.col},
            "events": {name: ev.model_dump(mode="json") for name, ev in events.items()},
        }
        write_out(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    lines = [
        f"{rule.id} (version {rule.version}, {rule.status}, basis {rule.basis})"
        + (f"  {where.path}:{where.line}" if where else ""),
        f"  {rule.description.strip()}",
        f"  when {rule.when.mode} of:",
    ]
    for ref in rule.when.refs():
        flags = [f for f in ("negated", "reversed", "conditional") if getattr(ref, f)]
        ev = events.get(ref.event)
        lines.append(f"    {ref.event}{' (' + ', '.join(flags) + ')' if flags else ''}: "
                     f"{ev.description.strip() if ev else '(no such event)'}")
        if ev is not None:
            lines.append(f"      triggers  {_terms(ev.terms.model_dump())}")
            for g, group in enumerate(ev.all):
                lines.append(f"      all[{g}]    {_terms(group.model_dump())}")
            if not ev.none.is_empty():
                lines.append(f"      vetoes    {_terms(ev.none.model_dump())}")
    lines.append("  then:")
    for view in rule.then:
        lines.append(f"    {view.asset} {view.direction} (strength {view.strength:g}, {view.horizon})")
    lines.append(f"  why: {rule.rationale.strip()}")
    fires = sum(1 for ex in rule.examples if ex.expect)
    lines.append(f"  examples: {len(rule.examples)} ({fires} where it fires, {len(rule.examples) - fires} where it "
                 f"must not); run them with: impact rules test --rule {rule.id}")
    write_out("\n".join(lines) + "\n")
