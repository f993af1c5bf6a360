"""Which inference backend runs is visible (`impact --version`) and can be forced: the CLI gives the
same results on every backend this Python has."""

import os
import platform
import subprocess
import sys

import pytest

from impact.pipeline.joins import durable_available

from conftest import FIXTURES


def impact(*args, env=None):
    full = {k: v for k, v in os.environ.items() if k != "IMPACT_INFERENCE"}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "impact.cli", *args], capture_output=True, timeout=120, env=full)


def test_version_names_the_python_and_the_backend_that_runs():
    out = impact("--version")
    assert out.returncode == 0, out.stderr
    line = out.stdout.decode().strip()
    assert line.startswith("asset-impact ") and f"Python {platform.python_version()}" in line
    if durable_available():
        assert "inference: joins (joins on durable_rules 2.0.28)" in line
    else:
        assert "inference: python (joins in pure Python; durable_rules not importable)" in line
    forced = impact("--version", env={"IMPACT_INFERENCE": "python"}).stdout.decode()
    assert "inference: python" in forced


@pytest.mark.parametrize("backend", ["python", "durable"])
def test_the_cli_gives_the_same_report_on_a_forced_backend(backend):
    path = str(FIXTURES / "articles" / "us-budget-bill-zh.txt")
    default = impact("explain", path, "--format", "json")
    assert default.returncode == 0, default.stderr
    forced = impact("explain", path, "--format", "json", env={"IMPACT_INFERENCE": backend})
    if backend != "python" and not durable_available():
        assert forced.returncode == 2 and b"durable_rules, which does not import" in forced.stderr
        assert forced.stderr.count(b"\n") == 1
        return
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout == default.stdout


def test_a_bad_backend_name_in_the_environment_is_a_usage_error():
    out = impact("explain", "-", env={"IMPACT_INFERENCE": "rete"})
    assert out.returncode == 2
    assert b"IMPACT_INFERENCE must be one of" in out.stderr and b"Traceback" not in out.stderr
