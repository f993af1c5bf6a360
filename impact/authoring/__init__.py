"""Tools for rule authors: examples run as tests, scaffolding, dev-set statistics, the pytest plugin."""
