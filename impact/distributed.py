"""Scale out on Dask: evaluate a Dask DataFrame of documents, one engine build per worker process.

An Engine pickles as its rule set only (about 150 KB for the bundled pack); the compiled automaton
and the inference host are rebuilt on first use. Passing the engine inside every task (the plain
``ddf.map_partitions(engine.evaluate_frame, meta=...)``) therefore rebuilds them once per
*partition*. :func:`evaluate_dask` instead ships the engine to every worker once with
``Client.scatter(..., broadcast=True)``: each worker process holds one Engine object that all its
tasks share (the Engine is thread-safe), so it is compiled once per worker process. Without a
distributed client (threaded or synchronous scheduler) the engine object is simply shared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from impact.io.frames import empty_frame

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd

    from impact.engine import Engine


def _evaluate_partition(part: "pd.DataFrame", engine: "Engine", text: str, id: str, time: str | None, per: str) -> "pd.DataFrame":
    return engine.evaluate_frame(part, text=text, id=id, time=time, per=per)


def _client(client: Any) -> Any:
    if client is not None:
        return client
    try:
        from distributed import default_client

        return default_client()
    except (ImportError, ValueError):  # no distributed installed, or no client running
        return None


def evaluate_dask(
    engine: "Engine",
    ddf: "dd.DataFrame",
    text: str = "text",
    id: str = "id",
    time: str | None = "published_at",
    per: str = "signal",
    client: Any = None,
) -> "dd.DataFrame":
    """A lazy Dask DataFrame with the columns of :func:`impact.io.frames.evaluate_frame`.

    Each partition's rows keep their input order; every partition's index starts at 0, so
    ``.compute().reset_index(drop=True)`` gives exactly ``engine.evaluate_frame(df)`` for the
    same documents in the same order. ``client`` defaults to the current distributed client.
    """
    active = _client(client)
    shipped: Any = engine
    if active is not None:
        shipped = active.scatter(engine, broadcast=True, hash=False)  # hash=True races with the release of an earlier call's copy
    return ddf.map_partitions(_evaluate_partition, shipped, text, id, time, per, meta=empty_frame(per),
                              enforce_metadata=False)


def matcher_builds() -> tuple[int, int]:
    """(process id, automatons built in it): run it on every worker with ``client.run`` to see
    that an engine was built once per worker process."""
    import os

    from impact.pipeline.matcher import Matcher

    return os.getpid(), Matcher.builds
