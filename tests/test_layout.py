"""The package tree: the import paths the README documents for users keep working after the move."""

import importlib

import pytest

DOCUMENTED = {
    "impact.frames": ("impact.io.frames", ["empty_frame", "evaluate_frame", "results_frame", "SIGNAL_COLUMNS"]),
    "impact.timeseries": ("impact.market.timeseries", ["net_view", "net_view_at", "NET_VIEW_COLUMNS"]),
    "impact.prices": ("impact.market.prices", ["read_prices", "session_closes", "align_sessions"]),
    "impact.study": ("impact.market.study", ["event_study", "forward_returns", "binomial_p_value"]),
    "impact.plot": ("impact.market.plot", ["timeline"]),
}


@pytest.mark.parametrize("path", sorted(DOCUMENTED))
def test_a_documented_import_path_gives_the_same_objects_as_their_home(path):
    home, names = DOCUMENTED[path]
    shown, real = importlib.import_module(path), importlib.import_module(home)
    for name in names:
        assert getattr(shown, name) is getattr(real, name)


def test_the_package_root_exports_what_it_lists():
    import impact

    for name in impact.__all__:
        assert getattr(impact, name) is not None
    for path in ("impact.report", "impact.reload", "impact.distributed", "impact.engine", "impact.errors"):
        importlib.import_module(path)
