"""Scale out on Dask: evaluate a Dask DataFrame of documents, one engine build per worker process.

An Engine pickles as its rule set only (about 150 KB for the bundled pack); the compiled automaton
and the inference host are rebuilt on first use. Passing the engine inside every task (the plain
``ddf.map_partitions(engine.evaluate_frame, meta=...)``) therefore rebuilds them once per
*partition*. :func:`evaluate_dask` instead ships the engine to every worker once with
``Client.scatter(..., broadcast=True)``: each worker process holds one Engine object that all its
tasks share (the Engine is thread-safe), so it is compiled once per worker process. Without a
distributed client (threaded or synchronous scheduler) the engine object is simply shared.

The ``id`` column of a Dask result has a dtype Parquet can write: the dtype of the input's id
column (or index) when it has one (``str``, ``string``, ``int64`` ...), else text (ids of an
``object`` column are written as text, as the CLI's flat outputs do). An ``object`` column in the
meta cannot be written: pandas 3 gives Dask no sample value for it, and ``to_parquet`` failed
(``ArrowInvalid``). Every partition is cast to the meta, so the meta is true of every partition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from impact.io.frames import empty_frame

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd

    from impact.engine import Engine


def _evaluate_partition(part: "pd.DataFrame", engine: "Engine", text: str, id: str, time: str | None, per: str,
                        id_dtype: Any = None) -> "pd.DataFrame":
    out = engine.evaluate_frame(part, text=text, id=id, time=time, per=per)
    if id_dtype is not None:
        out["id"] = cast_ids(out["id"], id_dtype)
    return out


def id_dtype_of(ddf: Any, id: str = "id") -> Any:
    """The dtype of the output's ``id`` column for this input: the input's id dtype, or text for
    an ``object`` one (Parquet needs to know the type)."""
    import pandas as pd

    dtype = ddf[id].dtype if id in ddf.columns else ddf.index.dtype
    return pd.StringDtype() if pd.api.types.is_object_dtype(dtype) else dtype


def cast_ids(ids: "pd.Series", dtype: Any) -> "pd.Series":
    """The id column in ``dtype`` (ids as text when ``dtype`` is a string dtype)."""
    import pandas as pd

    if isinstance(dtype, pd.StringDtype) and ids.dtype == object:
        ids = ids.map(lambda v: v if v is None or isinstance(v, str) else (None if _missing(v) else str(v)))
    return ids.astype(dtype)


def _missing(value: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array: not a scalar, not missing
        return False


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
    same documents in the same order, but for the ``id`` column's dtype (see the module doc:
    the input's id dtype, or text; ``cast_ids(frame["id"], id_dtype_of(ddf))`` gives the same).
    The result writes to Parquet (``.to_parquet(path)``). ``client`` defaults to the current
    distributed client.
    """
    from impact.extras import require

    require("dask", "evaluate_dask")
    active = _client(client)
    shipped: Any = engine
    if active is not None:
        shipped = active.scatter(engine, broadcast=True, hash=False)  # hash=True races with the release of an earlier call's copy
    id_dtype = id_dtype_of(ddf, id)
    meta = empty_frame(per)
    meta["id"] = cast_ids(meta["id"], id_dtype)
    return ddf.map_partitions(_evaluate_partition, shipped, text, id, time, per, id_dtype, meta=meta,
                              enforce_metadata=False)


def matcher_builds() -> tuple[int, int]:
    """(process id, automatons built in it): run it on every worker with ``client.run`` to see
    that an engine was built once per worker process."""
    import os

    from impact.pipeline.matcher import Matcher

    return os.getpid(), Matcher.builds
