"""Speed-up of evaluate_dask on a local two-process cluster against one process, same rows.

    python benchmarks/dask_speedup.py                       # the repository's fixtures (small)
    python benchmarks/dask_speedup.py a.jsonl b.jsonl ...   # JSONL of {id, text, published_at?}
        [--workers 2] [--partitions 16] [--repeat 5] [--per signal|evidence] [--scale 1]
        [--source parquet|memory] [--profiler on|off]

``--source parquet`` (the default) first writes the corpus to Parquet (``--partitions`` files)
that the workers read with ``dd.read_parquet``, as a cluster reads a corpus from shared storage;
``--source memory`` gives evaluate_dask the pandas frame itself, which it splits into about as many
partitions as the cluster has worker threads. The local run evaluates the frame in memory.
``--profiler off`` starts the cluster with Dask's worker profiler off
(``distributed.worker.profile.enabled``). One untimed call first ships the engine and builds it
on the workers (once per client session); then local and Dask runs alternate and the best wall
time of each counts. CPU per document: the CPU seconds of this process over the local runs, and
of every worker process over the Dask runs (``time.process_time`` in each, through
``client.run``), each divided by the documents evaluated; their ratio is the overhead of a
worker (``worker_cpu_vs_local``, 1.0: none). The load average is printed, because on a shared
machine other processes take cores from both.
Prints: documents, the best-of-``repeat`` wall time of ``engine.evaluate_frame`` in this process,
the same for ``evaluate_dask`` on a LocalCluster (worker processes, one thread each; the cluster's
start-up is timed apart and left out), the speed-up, whether the rows are identical, and how many
times each worker process built the engine's compiled parts (helper vs. the plain
``map_partitions(engine.evaluate_frame)``).
"""

from __future__ import annotations

import argparse
import json
import warnings
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def load(paths: list[str]) -> pd.DataFrame:
    rows = []
    if not paths:
        for path in [ROOT / "fixtures" / "2025-07-02-news-page-zh.txt", *sorted((ROOT / "fixtures" / "articles").glob("*.txt"))]:
            rows += [{"text": p} for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            rows += [json.loads(line) for line in handle if line.strip()]
    df = pd.DataFrame(rows)
    df["id"] = [f"{i}:{x}" for i, x in enumerate(df.get("id", pd.Series(range(len(df)))))]
    if "published_at" not in df.columns:
        df["published_at"] = None
    return df[["id", "text", "published_at"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="*")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--per", choices=["signal", "evidence"], default="signal")
    parser.add_argument("--scale", type=int, default=1, help="repeat the corpus this many times (distinct ids)")
    parser.add_argument("--source", choices=["parquet", "memory"], default="parquet")
    parser.add_argument("--profiler", choices=["on", "off"], default="on", help="Dask's worker profiler")
    args = parser.parse_args()

    import dask
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from impact import Engine
    from impact.distributed import cast_ids, evaluate_dask, id_dtype_of, matcher_builds

    from impact.timezones import NaiveTimeWarning

    warnings.simplefilter("ignore", NaiveTimeWarning)  # the corpora's times are naive: read as UTC on both sides
    df = load(args.inputs)
    if args.scale > 1:
        df = pd.concat([df.assign(id=df["id"] + f"#{k}") for k in range(args.scale)], ignore_index=True)
    # both sides read the same Parquet files, as a cluster would read a corpus from storage
    folder = Path(tempfile.mkdtemp(prefix="impact-dask-"))
    dd.from_pandas(df, npartitions=args.partitions).to_parquet(folder, write_index=False)
    engine = Engine.from_path()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"documents: {len(df):,} ({df['text'].str.len().sum():,} characters); cores: {os.cpu_count()}; "
          f"workers: {args.workers} processes x 1 thread; partitions: {args.partitions}; per={args.per}")

    dask.config.set({"distributed.worker.profile.enabled": args.profiler == "on"})
    print(f"source: {args.source}; worker profiler: {args.profiler}")
    t = time.perf_counter()
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=40) as cluster, Client(cluster) as client:
        print(f"cluster start-up:     {time.perf_counter() - t:.2f} s (not counted)")
        start_builds = dict(client.run(matcher_builds).values())
        ddf = dd.read_parquet(folder) if args.source == "parquet" else df
        t = time.perf_counter()
        evaluate_dask(engine, ddf, per=args.per).compute()  # ships the engine, builds it on the workers
        print(f"first call:           {time.perf_counter() - t:.2f} s (not counted: ships and builds the engine)")
        # local and Dask runs alternate, so that a burst of other work on a shared machine hits both
        local_times, dask_times = [], []
        local_cpu = worker_cpu = 0.0
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            local = engine.evaluate_frame(df, per=args.per)
            local_times.append(time.perf_counter() - t)
            local_cpu += time.process_time() - c
            before_cpu = client.run(time.process_time)
            t = time.perf_counter()
            remote = evaluate_dask(engine, ddf, per=args.per).compute().reset_index(drop=True)
            dask_times.append(time.perf_counter() - t)
            after_cpu = client.run(time.process_time)
            worker_cpu += sum(after_cpu[w] - before_cpu[w] for w in after_cpu)
        local_best = min(local_times)
        print(f"local, one process:   best {local_best:.2f} s of {args.repeat} ({len(df) / local_best:,.0f} docs/s), {len(local):,} rows")
        dask_best = min(dask_times)
        helper_builds = dict(client.run(matcher_builds).values())
        # a Dask result's ids have the input's id dtype, or text (impact.distributed): compare so
        expected = local.assign(id=cast_ids(local["id"], id_dtype_of(dd.from_pandas(df, npartitions=1) if args.source == "memory" else ddf)))
        identical = remote.equals(expected)
        try:
            pd.testing.assert_frame_equal(remote, expected)
        except AssertionError as exc:
            identical = False
            print(f"DIFFERENT: {exc}", file=sys.stderr)
        print(f"dask, {args.workers} workers:      best {dask_best:.2f} s of {args.repeat} ({len(df) / dask_best:,.0f} docs/s), {len(remote):,} rows")
        print(f"speed-up:             {local_best / dask_best:.2f}x")
        runs = len(df) * args.repeat
        print(f"CPU per document:     local {local_cpu / runs * 1e6:.0f} us, workers {worker_cpu / runs * 1e6:.0f} us; "
              f"worker_cpu_vs_local {worker_cpu / local_cpu:.2f}")
        print(f"identical rows:       {identical}")
        print(f"engine builds per worker pid, evaluate_dask x{args.repeat + 1}: "
              + ", ".join(f"{pid}: {n - start_builds.get(pid, 0)}" for pid, n in helper_builds.items()))
        before = dict(client.run(matcher_builds).values())
        t = time.perf_counter()
        plain_src = ddf if args.source == "parquet" else dd.from_pandas(df, npartitions=args.partitions)
        plain = plain_src.map_partitions(engine.evaluate_frame, per=args.per, meta=engine.evaluate_frame(df.iloc[:0], per=args.per)).compute()
        plain_time = time.perf_counter() - t
        after = dict(client.run(matcher_builds).values())
        print(f"plain map_partitions(engine.evaluate_frame): {plain_time:.2f} s, builds per worker pid: "
              + ", ".join(f"{pid}: {after[pid] - before.get(pid, 0)}" for pid in after)
              + f"; rows identical: {plain.reset_index(drop=True).equals(local)}")
    shutil.rmtree(folder, ignore_errors=True)
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
