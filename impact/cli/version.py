"""``impact --version``: the package, the Python and the inference backend that runs."""

from __future__ import annotations

import platform
import typer


def version_text() -> str:
    import impact
    from impact.pipeline.joins import describe

    return f"asset-impact {impact.__version__} (Python {platform.python_version()}); {describe()}"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(version_text())
        raise typer.Exit(0)


def main_options(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True,
        help="Print the version, the Python and the inference backend (durable_rules or pure Python), and exit.",
    ),
) -> None:
    """Explained, directional views on gold, the US dollar and base metals from financial news."""
