"""Advice on rule folders: checks by family, ``# noqa`` handling and output formats."""
