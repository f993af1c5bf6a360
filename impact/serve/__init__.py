"""``impact serve``: the HTTP API and the rule playground, on Starlette (the ``[serve]`` extra).

    from impact.serve import create_app
    app = create_app("my_rules/")            # an ASGI app: uvicorn, hypercorn, or the test client

The app evaluates with a :class:`~impact.reload.ReloadingEngine`: an edit to a rule file on disk
(or saved from the playground) swaps a new rule set in atomically, and a broken edit keeps the
working rules and reports its problems at file:line:col.
"""

from __future__ import annotations

from impact.serve.app import Settings, create_app

__all__ = ["Settings", "create_app"]
