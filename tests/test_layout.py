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


def test_no_module_of_the_package_imports_itself_back_through_others():
    """Zero import cycles between modules (lint-imports checks the layers between packages)."""
    import grimp

    graph = grimp.build_graph("impact")
    # a module of a package imports its package's __init__ on the way: only edges between
    # modules that are not one another's ancestors make a cycle worth reporting
    def edges(m):
        return [n for n in graph.find_modules_directly_imported_by(m) if not m.startswith(n + ".")]

    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(m):  # Tarjan's strongly connected components
        index[m] = low[m] = len(index)
        stack.append(m)
        on_stack.add(m)
        for n in edges(m):
            if n not in index:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in on_stack:
                low[m] = min(low[m], index[n])
        if low[m] == index[m]:
            component = []
            while True:
                n = stack.pop()
                on_stack.discard(n)
                component.append(n)
                if n == m:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for m in sorted(graph.modules):
        if m not in index:
            visit(m)
    assert cycles == []
