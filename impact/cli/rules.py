"""``impact rules ...``: the rule authors' tools."""

from __future__ import annotations

import json
from enum import Enum
from typing import Optional

import typer
from rich.console import Console

from impact.cli.app import handle_errors, rules_app, stderr


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


@rules_app.command("lint")
@handle_errors
def lint(
    path: Optional[str] = typer.Argument(None, help="rule folder or file (default: the bundled pack)"),
    format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f"),
    ignore: Optional[list[str]] = typer.Option(None, "--ignore", help="codes to leave out, e.g. W401 or W* (repeatable)"),
    strict: bool = typer.Option(False, "--strict", help="warnings fail too (exit 1)"),
    codes: bool = typer.Option(False, "--codes", help="list every code with what it checks, and exit"),
    debug: bool = typer.Option(False, "--debug"),
) -> None:
    """Check rule files: every problem as path:line:col: CODE message. Exit 1 on errors."""
    from impact.lint import CODES, lint_path

    if codes:
        for code, summary in CODES.items():
            typer.echo(f"{code}  {summary}")
        return
    skip = [c for item in ignore or [] for c in item.split(",") if c.strip()]
    problems = lint_path(path, skip)
    errors = [p for p in problems if p.severity == "error"]
    warnings = len(problems) - len(errors)
    if format is TextOrJson.json:
        typer.echo(json.dumps({"problems": [p.to_dict() for p in problems], "errors": len(errors),
                               "warnings": warnings}, ensure_ascii=False, indent=2))
    else:
        for p in problems:
            typer.echo(str(p))
        stderr().print(f"{len(errors)} errors, {warnings} warnings", style="dim")
    if errors or (strict and problems):
        raise typer.Exit(1)


@rules_app.command("test")
@handle_errors
def test(
    path: Optional[str] = typer.Argument(None, help="rule folder or file (default: the bundled pack)"),
    format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f"),
    rule: Optional[list[str]] = typer.Option(None, "--rule", help="only these rule ids"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="list passing examples too"),
    debug: bool = typer.Option(False, "--debug"),
) -> None:
    """Run every rule's examples; per failing example what was expected and what came out."""
    from impact.engine import Engine
    from impact.examples import run_examples

    engine = Engine.from_path(path)
    results = list(run_examples(engine, engine.ruleset, set(rule) if rule else None))
    failed = [r for r in results if not r.passed]
    if format is TextOrJson.json:
        typer.echo(json.dumps({"results": [r.to_dict() for r in results], "passed": len(results) - len(failed),
                               "failed": len(failed)}, ensure_ascii=False, indent=2))
    else:
        con = Console(highlight=False)
        for r in results:
            if r.passed and not verbose:
                continue
            status = "[green]PASS[/]" if r.passed else "[red]FAIL[/]"
            con.print(f"{status} {r.where.path}:{r.where.line}: {r.rule} example {r.index}: {r.describe()}")
            if not r.passed:
                con.print(f"     text: {r.text}", markup=False)
        con.print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(1)


@rules_app.command("schema")
@handle_errors
def schema(debug: bool = typer.Option(False, "--debug")) -> None:
    """Print the JSON Schema of rule files (for editors: yaml-language-server)."""
    from impact.schema import RuleFile

    doc = RuleFile.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "asset-impact rule file"
    typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
