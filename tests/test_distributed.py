"""Dask: a real two-process LocalCluster gives exactly the local frame, one engine build per worker."""

from __future__ import annotations


import pandas as pd
import pytest

from conftest import FIXTURES

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


def documents() -> pd.DataFrame:
    """Real text: every paragraph of the fixture page and articles, one document each."""
    paragraphs = []
    for path in [FIXTURES / "2025-07-02-news-page-zh.txt", *sorted((FIXTURES / "articles").glob("*.txt"))]:
        paragraphs += [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    n = len(paragraphs)
    times = pd.date_range("2025-07-01 01:00", periods=n, freq="37min", tz="Asia/Shanghai").astype(str).tolist()
    times[3] = None  # Dask turns these into pd.NA: still no time, not an error
    paragraphs[5] = None  # a record without text: the same error row on both sides
    return pd.DataFrame({"id": [f"p{i}" for i in range(n)], "text": paragraphs, "published_at": times})


def with_ids_of(local: pd.DataFrame, news) -> pd.DataFrame:
    """The local frame with its id column in the dtype a Dask result gives it."""
    from impact.distributed import cast_ids, id_dtype_of

    return local.assign(id=cast_ids(local["id"], id_dtype_of(news)))


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=40) as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.mark.parametrize("per", ["signal", "evidence"])
def test_two_worker_processes_give_exactly_the_local_frame(engine, client, per):
    from impact.distributed import evaluate_dask

    df = documents()
    local = engine.evaluate_frame(df, per=per)
    assert len(local) > 20
    news = dd.from_pandas(df, npartitions=8)
    remote = evaluate_dask(engine, news, per=per).compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(remote, with_ids_of(local, news))


def test_the_engine_is_built_once_per_worker_process_and_client_session(engine, client):
    from impact import Engine
    from impact.distributed import evaluate_dask, forget_engines, matcher_builds

    forget_engines(client)  # what earlier tests shipped and built: this one counts its own builds
    before = dict(client.run(matcher_builds).values())
    for _ in range(3):  # three calls, then one with another Engine object of the same rules
        evaluate_dask(engine, dd.from_pandas(documents(), npartitions=12)).compute()
    evaluate_dask(Engine.from_path(), dd.from_pandas(documents(), npartitions=12)).compute()
    after = dict(client.run(matcher_builds).values())
    assert len(after) == 2  # two worker processes (keyed by pid)
    assert {pid: after[pid] - before.get(pid, 0) for pid in after} == {pid: 1 for pid in after}


def test_an_in_memory_frame_is_split_by_the_worker_threads(engine, client):
    from impact.distributed import evaluate_dask

    df = documents()
    out = evaluate_dask(engine, df)
    assert out.npartitions == 2  # two workers of one thread each
    assert evaluate_dask(engine, df, partitions=5).npartitions == 5
    assert evaluate_dask(engine, dd.from_pandas(df, npartitions=7)).npartitions == 7  # a Dask frame keeps its own
    local = with_ids_of(engine.evaluate_frame(df), dd.from_pandas(df, npartitions=2))
    pd.testing.assert_frame_equal(out.compute().reset_index(drop=True), local)


def test_without_a_client_the_engine_object_is_shared(engine):
    from impact.distributed import evaluate_dask

    from impact.pipeline.matcher import Matcher

    df = documents()
    engine.compiled  # compiled before: a copy of the engine per partition would compile again
    before = Matcher.builds
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(distributed, "default_client", lambda: (_ for _ in ()).throw(ValueError("no client")))
        out = evaluate_dask(engine, dd.from_pandas(df, npartitions=3)).compute(scheduler="sync")
    assert Matcher.builds == before
    pd.testing.assert_frame_equal(out.reset_index(drop=True), with_ids_of(engine.evaluate_frame(df), dd.from_pandas(df, npartitions=3)))


@pytest.mark.parametrize("per", ["signal", "evidence"])
@pytest.mark.parametrize("ids", ["text", "int", "mixed"])
def test_a_dask_result_writes_to_parquet_on_a_real_cluster_and_reads_back(engine, client, tmp_path, per, ids):
    """The README's Dask block: evaluate_dask(...).to_parquet(...) on a LocalCluster, read back."""
    from impact.distributed import evaluate_dask

    df = documents()
    if ids == "int":
        df["id"] = range(1000, 1000 + len(df))
    elif ids == "mixed":  # an object column: ids are written as text
        df["id"] = pd.Series([i if i % 2 else f"p{i}" for i in range(len(df))], dtype=object)
    news = dd.from_pandas(df, npartitions=5)
    signals = evaluate_dask(engine, news, per=per)
    signals.to_parquet(str(tmp_path / "signals"))
    back = dd.read_parquet(str(tmp_path / "signals")).compute().reset_index(drop=True)
    local = engine.evaluate_frame(df, per=per)
    assert len(back) == len(local) > 20
    assert list(back.columns) == list(local.columns)
    expected = local["id"].map(str) if ids == "mixed" else local["id"]
    assert back["id"].tolist() == expected.tolist()
    if ids == "int":
        assert back["id"].dtype == "int64"
    assert back["published_at"].dtype == local["published_at"].dtype or str(back["published_at"].dtype).endswith("UTC]")
    pd.testing.assert_frame_equal(back.drop(columns="id"), local.drop(columns="id"), check_dtype=False)
    assert back["error"].notna().sum() == local["error"].notna().sum() == 1
