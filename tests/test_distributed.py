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
    remote = evaluate_dask(engine, dd.from_pandas(df, npartitions=8), per=per).compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(remote, local)


def test_the_engine_is_built_once_per_worker_process(engine, client):
    from impact.distributed import evaluate_dask, matcher_builds

    before = dict(client.run(matcher_builds).values())
    evaluate_dask(engine, dd.from_pandas(documents(), npartitions=12)).compute()
    after = dict(client.run(matcher_builds).values())
    assert len(after) == 2  # two worker processes (keyed by pid)
    assert {pid: after[pid] - before.get(pid, 0) for pid in after} == {pid: 1 for pid in after}


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
    pd.testing.assert_frame_equal(out.reset_index(drop=True), engine.evaluate_frame(df))
