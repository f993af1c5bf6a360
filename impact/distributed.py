"""Scale out on Dask: evaluate a Dask DataFrame of documents, one engine build per worker process.

An Engine pickles as its rule set only (about 150 KB for the bundled pack); the compiled automaton
and the inference host are rebuilt on first use. Passing the engine inside every task (the plain
``ddf.map_partitions(engine.evaluate_frame, meta=...)``) therefore rebuilds them once per
*partition*. :func:`evaluate_dask` instead ships the engine to every worker with
``Client.scatter(..., broadcast=True)`` once per client session and rule set: the scattered
engine is kept (keyed by the client, the rule-set hash and the inference mode), so later calls
with the same rules reuse the copy the workers hold and build nothing (a build costs 14 ms warm,
140-230 ms on a fresh worker). Each worker process keeps the engine it built per rule set, and
all its tasks share it (the Engine is thread-safe), also when the scheduler has dropped and
fetched again its replica of the scattered copy. :func:`forget_engines` releases both. Without a
distributed client (threaded or synchronous scheduler) the engine object is simply shared.

Partitions: a pandas DataFrame given to :func:`evaluate_dask` is split into about as many
partitions as the cluster has worker threads (``partitions=`` to choose): each partition costs a
task's scheduling and transfer, so many small partitions of a frame already in memory only add
overhead. A Dask DataFrame keeps its partitions unless ``partitions=`` is given.

The worker profiler: Dask's workers sample every running task's stack (``distributed.worker.
profile.enabled``, on by default), which costs worker CPU on short tasks such as these. For
throughput, start the cluster with it off: ``dask.config.set({"distributed.worker.profile.
enabled": False})`` before ``LocalCluster(...)``, or ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=
False`` in the workers' environment (``benchmarks/dask_speedup.py --profiler on|off`` measures
both).

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


# in a worker process: the engine of each rule set it has run, (rule-set hash, inference) -> Engine
_WORKER_ENGINES: dict[tuple[str, str], "Engine"] = {}
_WORKER_KEEP = 4


def _worker_engine(engine: "Engine", key: tuple[str, str] | None) -> "Engine":
    """The engine this process already built for ``key``, else ``engine`` (kept for the next
    task). The scheduler may drop a worker's replica of the scattered engine (the active memory
    manager reduces replicas) and fetch it again later: the copy it fetches is a new object, and
    without this look-up it would be compiled again."""
    if key is None:
        return engine
    kept = _WORKER_ENGINES.get(key)
    if kept is None:
        while len(_WORKER_ENGINES) >= _WORKER_KEEP:
            _WORKER_ENGINES.pop(next(iter(_WORKER_ENGINES)))
        kept = _WORKER_ENGINES[key] = engine
    return kept


def _forget_worker_engines() -> int:
    n = len(_WORKER_ENGINES)
    _WORKER_ENGINES.clear()
    return n


def _evaluate_partition(part: "pd.DataFrame", engine: "Engine", text: str, id: str, time: str | None, per: str,
                        id_dtype: Any = None, key: tuple[str, str] | None = None) -> "pd.DataFrame":
    engine = _worker_engine(engine, key)
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


# the engines scattered per client session: (client id, rule-set hash, inference) -> future
_SHIPPED: dict[tuple[str, str, str], Any] = {}
_KEEP_PER_CLIENT = 4  # rule sets kept scattered per client; the oldest is released first


def _ship(active: Any, engine: "Engine") -> Any:
    """The future of ``engine`` on the workers of ``active``: scattered once per client session
    and rule set, reused while it is alive."""
    key = (str(active.id), engine.ruleset_hash, engine.inference)
    future = _SHIPPED.get(key)
    if future is not None and future.status == "finished":
        return future
    # hash=False: the key is ours, kept alive by _SHIPPED (hash=True raced with the release of an
    # earlier call's copy)
    future = _SHIPPED[key] = active.scatter(engine, broadcast=True, hash=False)
    mine = [k for k in _SHIPPED if k[0] == key[0]]
    for old in mine[: max(0, len(mine) - _KEEP_PER_CLIENT)]:
        _release(_SHIPPED.pop(old))
    return future


def _release(future: Any) -> None:
    try:
        future.release()
    except Exception:  # noqa: BLE001 - a closed client has released it already
        pass


def forget_engines(client: Any = None) -> int:
    """Release the engines :func:`evaluate_dask` keeps scattered and its workers keep built (on
    ``client``'s workers, default: the current client's); returns how many were scattered. The
    next call ships and builds its engine anew."""
    active = _client(client)
    if active is None:
        return 0
    gone = [k for k in _SHIPPED if k[0] == str(active.id)]
    for key in gone:
        _release(_SHIPPED.pop(key))
    active.run(_forget_worker_engines)
    return len(gone)


def _worker_threads(active: Any) -> int:
    """Worker threads of the cluster (this machine's cores without a client)."""
    import os

    if active is not None:
        try:
            threads = sum(active.nthreads().values())
        except Exception:  # noqa: BLE001 - no workers known yet
            threads = 0
        if threads:
            return threads
    return os.cpu_count() or 1


def evaluate_dask(
    engine: "Engine",
    ddf: "dd.DataFrame | pd.DataFrame",
    text: str = "text",
    id: str = "id",
    time: str | None = "published_at",
    per: str = "signal",
    client: Any = None,
    partitions: int | None = None,
) -> "dd.DataFrame":
    """A lazy Dask DataFrame with the columns of :func:`impact.io.frames.evaluate_frame`.

    Each partition's rows keep their input order; every partition's index starts at 0, so
    ``.compute().reset_index(drop=True)`` gives exactly ``engine.evaluate_frame(df)`` for the
    same documents in the same order, but for the ``id`` column's dtype (see the module doc:
    the input's id dtype, or text; ``cast_ids(frame["id"], id_dtype_of(ddf))`` gives the same).
    The result writes to Parquet (``.to_parquet(path)``). ``client`` defaults to the current
    distributed client. ``ddf`` may be a pandas DataFrame: it is split into ``partitions``
    (default: the cluster's worker threads); a Dask DataFrame is repartitioned only when
    ``partitions`` is given.
    """
    from impact.extras import require

    require("dask", "evaluate_dask")
    import dask.dataframe as dd
    import pandas as pd

    active = _client(client)
    if isinstance(ddf, pd.DataFrame):
        n = partitions or _worker_threads(active)
        ddf = dd.from_pandas(ddf, npartitions=max(1, min(n, len(ddf) or 1)), sort=False)
    elif partitions is not None and partitions != ddf.npartitions:
        ddf = ddf.repartition(npartitions=partitions)
    shipped: Any = engine
    key = None
    if active is not None:
        shipped = _ship(active, engine)
        key = (engine.ruleset_hash, engine.inference)
    id_dtype = id_dtype_of(ddf, id)
    meta = empty_frame(per)
    meta["id"] = cast_ids(meta["id"], id_dtype)
    return ddf.map_partitions(_evaluate_partition, shipped, text, id, time, per, id_dtype, key, meta=meta,
                              enforce_metadata=False)


def matcher_builds() -> tuple[int, int]:
    """(process id, automatons built in it): run it on every worker with ``client.run`` to see
    that an engine was built once per worker process."""
    import os

    from impact.pipeline.matcher import Matcher

    return os.getpid(), Matcher.builds
