"""``impact rules ...``: the rule authors' tools."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

from impact.cli.common import handle_errors, plural, stderr, write_out
from impact.lint.formats import FORMATS


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


def _rule_path(paths: Optional[list[str]]) -> Optional[list[str]]:
    """Rule folders, 'bundled', or files with a rule file's suffix: anything else is a usage error (exit 2)."""
    from impact.ruleset.collection import BUNDLED, RULE_SUFFIXES

    for path in paths or []:
        if path == BUNDLED:
            continue
        target = Path(path)
        if not target.exists():
            raise typer.BadParameter(f"{path}: no such rule file or folder")
        if target.is_file() and target.suffix.lower() not in RULE_SUFFIXES:
            raise typer.BadParameter(f"{path}: not a rule file (rule files end in {' or '.join(RULE_SUFFIXES)})")
    return paths


RULE_PATH_ARG = typer.Argument(
    None, metavar="PATH", callback=_rule_path,
    help="rule folder or file (default: the bundled pack); several stack, bottom first: bundled my_rules/",
)
RULES_STACK_OPT = typer.Option(
    None, "--rules", "-r", metavar="DIR", callback=_rule_path,
    help="a rule folder on top of the PATHs (repeatable): --rules bundled --rules my_rules/",
)


def _stack(paths: Optional[list[str]], rules: Optional[list[str]]) -> Optional[list[str]]:
    """The stack of rule folders the command reads, bottom first; None: the bundled pack."""
    stack = [*(paths or []), *(rules or [])]
    return stack or None


LintFormat = Enum("LintFormat", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]


@handle_errors
def lint(
    path: Optional[list[str]] = RULE_PATH_ARG,
    rules: Optional[list[str]] = RULES_STACK_OPT,
    format: LintFormat = typer.Option("text", "--format", "-f", help="text, json, github (Actions annotations) or sarif"),
    ignore: Optional[list[str]] = typer.Option(None, "--ignore", metavar="CODE", help="codes to leave out, e.g. W401 or W* (repeatable)"),
    enable: Optional[list[str]] = typer.Option(None, "--enable", metavar="CODE", help="run a check that is off by default, e.g. W412 (repeatable)"),
    strict: bool = typer.Option(False, "--strict", help="warnings fail too (exit 1)"),
    codes: bool = typer.Option(False, "--codes", help="list every code with what it checks, and exit"),
    explain: Optional[str] = typer.Option(None, "--explain", metavar="CODE", help="what CODE checks, bad and good"),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks"),
) -> None:
    """Check rule files: every problem as path:line:col: CODE message. Exit 1 on errors."""
    from impact.lint import lint_path
    from impact.ruleset.checks import all_checks
    from impact.ruleset.problems import BY_CODE, CATALOGUE

    if codes:
        for code in CATALOGUE:
            typer.echo(f"{code.code}  {code.summary}" + ("" if code.enabled else "  (off: --enable " + code.code + ")"))
        return
    if explain is not None:
        code = explain.strip().upper()
        if code not in BY_CODE:
            from impact.cli.common import fail
            from impact.ruleset.loader import suggest

            started = [c for c in BY_CODE if c.startswith(code)]  # E10 -> E100, before look-alikes such as E310
            hint = f" (did you mean {started[0]!r}?)" if started else suggest(code, list(BY_CODE))
            raise fail(f"no lint code {explain!r}{hint}")
        typer.echo(f"{code}  {BY_CODE[code].summary}")
        for check in all_checks():
            if check.code == code:
                typer.echo(f"  bad:  {check.bad}\n  good: {check.good}")
        return
    skip = [c for item in ignore or [] for c in item.split(",") if c.strip()]
    extra = [c for item in enable or [] for c in item.split(",") if c.strip()]
    if "W412" in extra:  # asked for by name: without its word list it cannot run, say so
        from impact.extras import require

        require("lint", "W412 (wildcards against common English words)")
    problems = lint_path(_stack(path, rules), skip, extra)
    errors = [p for p in problems if p.severity == "error"]
    warnings = len(problems) - len(errors)
    write_out(FORMATS[LintFormat(format).value](problems))
    if LintFormat(format).value in ("text", "github"):
        stderr().print(f"{plural(len(errors), 'error')}, {plural(warnings, 'warning')}", style="dim")
    if errors or (strict and problems):
        raise typer.Exit(1)


@handle_errors
def test(
    path: Optional[list[str]] = RULE_PATH_ARG,
    rules: Optional[list[str]] = RULES_STACK_OPT,
    format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f"),
    rule: Optional[list[str]] = typer.Option(None, "--rule", metavar="ID", help="only these rule ids (repeatable)"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="list passing rules and examples too"),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks"),
) -> None:
    """Run every rule's examples: per rule what was expected and what came out. Exit 1 on failure."""
    from impact.authoring.examples import authoring_engine, run_examples, show_views
    from impact.explain.trace import why_not

    wanted = set(rule) if rule else None
    stack = _stack(path, rules)
    target = Path(stack[0]) if stack is not None and len(stack) == 1 and stack[0] != "bundled" else None
    if target is not None and target.is_file():
        # one file is tested in the context of its folder: its events and assets may live elsewhere
        engine = authoring_engine(target.parent)
        here = target.parent / target.name
        in_file = {r.id for r in engine.ruleset.rules if Path(engine.ruleset.rule_where[r.id].path) == here}
        in_file |= {i.rule_id(k) for k, i in engine.ruleset.indicators.items()
                    if Path(engine.ruleset.rule_where[i.rule_id(k)].path) == here}  # economic releases
        wanted = in_file & wanted if wanted else in_file
    else:
        engine = authoring_engine(stack)
    if rule:
        known = {r.id for r in engine.ruleset.rules} | {i.rule_id(k) for k, i in engine.ruleset.indicators.items()}
        unknown = sorted(set(rule) - known)
        if unknown:
            from impact.cli.common import fail
            from impact.ruleset.loader import suggest

            ids = [r.id for r in engine.ruleset.rules]
            raise fail(f"no rule {unknown[0]!r}{suggest(unknown[0], ids)}")
    results = list(run_examples(engine, engine.ruleset, wanted))
    by_rule: dict[str, list] = {}
    for r in results:
        by_rule.setdefault(r.rule, []).append(r)
    why = {(r.rule, r.index): why_not(engine, r.rule, r.text) for r in results if r.failed}
    passed = sum(r.passed for r in results)
    failed = sum(r.failed for r in results)
    skipped = len(results) - passed - failed
    if format is TextOrJson.json:
        rules_out = []
        for rule_id, rs in by_rule.items():
            where = engine.ruleset.rule_where[rule_id]
            examples = [dict(r.to_dict(), why=why.get((r.rule, r.index))) for r in rs]
            rules_out.append({"rule": rule_id, "path": where.path, "line": where.line,
                              "passed": sum(r.passed for r in rs), "failed": sum(r.failed for r in rs),
                              "examples": examples})
        write_out(json.dumps({"rules": rules_out, "passed": passed, "failed": failed, "skipped": skipped,
                              "ruleset": engine.ruleset_hash}, ensure_ascii=False, indent=2) + "\n")
    else:
        con = Console(highlight=False, soft_wrap=True)
        for rule_id, rs in by_rule.items():
            bad = [r for r in rs if r.failed]
            if not bad and not verbose:
                continue
            where = engine.ruleset.rule_where[rule_id]
            mark = "[red]FAIL[/]" if bad else "[green]PASS[/]"
            ok = sum(r.passed for r in rs)
            con.print(f"{mark} {escape(f'{rule_id} ({where.path}:{where.line})')}: {ok} of {len(rs)} examples pass")
            for r in rs:
                if r.passed and not verbose:
                    continue
                loc = f"{r.where.path}:{r.where.line}:{r.where.col}"
                if r.skipped:
                    con.print(f"  {loc}: example {r.index} skipped ({r.skipped})", markup=False)
                    continue
                status = "ok  " if r.passed else "FAIL"
                con.print(f"  {loc}: {status} example {r.index}", markup=False)
                if r.failed:
                    con.print(f"      text:     {r.text.strip()}", markup=False)
                    con.print(f"      expected: {show_views(r.expected)}", markup=False)
                    con.print(f"      got:      {show_views(r.got)}", markup=False)
                    con.print(f"      why:      {why[(r.rule, r.index)]}", markup=False)
        if skipped:
            con.print(f"{skipped} skipped (disabled or deprecated rules)")
        con.print(f"{passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


@handle_errors
def schema(
    output: Optional[str] = typer.Option(None, "--output", "-o", help="write to this file instead of stdout"),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks"),
) -> None:
    """Print the JSON Schema of rule files (for editors: yaml-language-server)."""
    from impact.ruleset.schema import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        write_out(text)
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        from impact.cli.common import fail

        raise fail(f"{output}: {exc.strerror or exc}") from None
    stderr().print(f"wrote {output}; put  # yaml-language-server: $schema=<path to it>  at the top of a rule file",
                   style="dim", markup=False)


@handle_errors
def new(
    rule_id: str = typer.Argument(..., metavar="ID", help="the new rule's id, e.g. copper.strike.bullish"),
    dir: str = typer.Option("rules", "--dir", "-d", help="rule folder (created from the bundled assets if missing)"),
    event: Optional[str] = typer.Option(None, "--event", help="an existing event (default: a new event stub)"),
    asset: Optional[str] = typer.Option(
        None, "--asset", help="the asset of the view (default: the asset the id names, as tin in metals.tin_strike, else gold)"),
    direction: Optional[str] = typer.Option(
        None, "--direction", help="bullish, bearish or neutral (default: the id's last part if it is one, else bullish)"),
    basis: str = typer.Option("inferred", "--basis", help="explicit, inferred or reported"),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks"),
) -> None:
    """Scaffold a rule file with metadata and example stubs; prints what is left to fill in."""
    from impact.authoring.scaffold import ScaffoldError, new_rule

    try:
        done = new_rule(rule_id, dir, event=event, asset=asset, direction=direction, basis=basis)
    except ScaffoldError as exc:
        from impact.cli.common import fail

        raise fail(str(exc)) from None
    for path in done.created:
        typer.echo(f"created {path}")
    con = stderr()
    con.print(
        f"fill in these {len(done.todo)} places, set 'status: active' (the rule starts disabled: no signals, "
        f"examples skipped), then run: impact rules test {dir}",
        markup=False,
        soft_wrap=True,
    )
    for p in done.todo:
        con.print(f"  {p}", markup=False, soft_wrap=True)
