"""``impact serve``: the HTTP API and the rule playground (the ``[serve]`` extra)."""

from __future__ import annotations

import ipaddress
from typing import Optional

import typer

from impact.cli.common import fail, handle_errors

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


def _loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@handle_errors
def serve(
    rules: Optional[list[str]] = typer.Option(
        None, "--rules", "-r", metavar="DIR", help="rule folder to serve and edit; repeat to stack folders on 'bundled', "
                                    "bottom first (default: the bundled pack, read-only)"),
    host: str = typer.Option("127.0.0.1", "--host", help="address to bind; other than loopback needs --token"),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="port to bind (0: any free port)"),
    token: Optional[str] = typer.Option(
        None, "--token", envvar="IMPACT_TOKEN",
        help="bearer token every request must carry (also read from IMPACT_TOKEN)"),
    reload_interval: float = typer.Option(1.0, "--reload-interval", min=0.0,
                                          help="seconds between looks at the rule folder (0: only on save)"),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks"),
) -> None:
    """Serve the HTTP API (/v1/evaluate, /v1/explain, /v1/rules, /healthz, /docs) and the playground at /.

    Rule files edited on disk or saved from the playground are reloaded atomically; a broken edit
    keeps the working rules and shows its problems at file:line:col.
    """
    from impact.extras import require

    require("serve", "impact serve")
    if not _loopback(host) and not token:
        raise fail(f"binding {host} exposes the API beyond this machine: give --token (or IMPACT_TOKEN)")
    import uvicorn

    from impact.serve import create_app

    allowed = None if not _loopback(host) else ("localhost", "127.0.0.1", "[::1]", "::1")
    app = create_app(rules or None, token=token, reload_interval=reload_interval or None, allowed_hosts=allowed)
    typer.echo(f"impact serve: http://{host if ':' not in host else f'[{host}]'}:{port}/ "
               f"(rule set {app.state.engine.ruleset_hash}; API docs at /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, timeout_graceful_shutdown=5)
