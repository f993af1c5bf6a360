"""The ``impact`` Typer application: every command is registered here, one line each.

Commands are plain functions in their own modules (``impact.cli.explain`` ...); they never import
this module, so that the application imports its commands and nothing imports it back.
What they share (errors, output files, --fail-on) is in ``impact.cli.common``.
"""

from __future__ import annotations

import typer
from typer.core import TyperOption

from impact.cli import evaluate, explain, rules, serve, show, stats, strategy


def _flag_type(self: TyperOption, ctx):  # a flag takes no value: no "<bool>" beside it in --help
    return None if self.is_flag else _option_type(self, ctx)


_option_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Explained, directional views on gold, the US dollar and base metals from financial news.",
    epilog="Exit codes: 0 ran (also when the reader of stdout closes it early, as `| head` does); "
           "1 lint/test failures or a --fail-on hit; 2 usage, configuration, rule or input errors.",
)
rules_app = typer.Typer(no_args_is_help=True, help="Rule authors' tools: lint, test, schema, stats, new.")
app.add_typer(rules_app, name="rules")

app.command()(explain.explain)
app.command()(evaluate.evaluate)
rules_app.command("lint")(rules.lint)
rules_app.command("test")(rules.test)
rules_app.command("schema")(rules.schema)
rules_app.command("new")(rules.new)
app.command()(strategy.study)
app.command()(strategy.aggregate)
app.command()(strategy.timeline)
rules_app.command("stats")(stats.stats)
rules_app.command("show")(show.show)
app.command()(serve.serve)
