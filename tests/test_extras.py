"""The core install (engine, CLI, pandas frames) runs without the extras; a use of a missing extra
says in one line which to install and exits 2."""

import subprocess
import sys

import pytest

from conftest import FIXTURES, RULES

EXTRA_MODULES = ["pyarrow", "matplotlib", "dask", "distributed", "wordfreq"]


def run_without(modules, script: str) -> subprocess.CompletedProcess:
    """``script`` in a fresh interpreter where ``modules`` cannot be imported (as if not installed)."""
    block = "import sys\nfor m in %r: sys.modules[m] = None\n" % (modules,)
    return subprocess.run([sys.executable, "-c", block + script], capture_output=True, timeout=180, text=True)


def cli_without(modules, *args) -> subprocess.CompletedProcess:
    return run_without(modules, "sys.argv = ['impact', *%r]\nfrom impact.cli import main\nmain()" % (args,))


def test_the_engine_the_cli_and_frames_need_no_extra():
    article = FIXTURES / "articles" / "syria-sanctions-zh.txt"
    out = cli_without(EXTRA_MODULES, "explain", str(article))
    assert out.returncode == 0, out.stderr
    assert "gold" in out.stdout
    script = (
        "import pandas as pd\nfrom impact import Engine\n"
        "e = Engine.from_path()\n"
        "df = pd.DataFrame({'id': ['a', 'b'], 'text': ['美元走弱提振金价。', 'Copper rallied on supply fears.'],"
        " 'published_at': ['2025-07-01T03:31:00Z', None]})\n"
        "f = e.evaluate_frame(df)\nprint(sorted(set(f['asset'])))\n"
        "for m in %r: assert sys.modules[m] is None, m\n" % (EXTRA_MODULES,)
    )
    out = run_without(EXTRA_MODULES, script)
    assert out.returncode == 0, out.stderr
    assert "gold" in out.stdout
    out = cli_without(EXTRA_MODULES, "evaluate", str(FIXTURES / "batch" / "mixed.jsonl"), "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("id,")
    out = cli_without(EXTRA_MODULES, "rules", "lint", str(RULES))
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("args, extra", [
    (["evaluate", str(FIXTURES / "batch" / "mixed.jsonl"), "--format", "parquet", "-o", "{tmp}/out.parquet"], "parquet"),
    (["evaluate", "{tmp}/news.parquet"], "parquet"),
    (["aggregate", "{tmp}/results.parquet"], "parquet"),
    (["timeline", str(FIXTURES / "batch" / "mixed.jsonl"), "--prices", str(FIXTURES / "prices" / "au-daily.csv"),
      "--asset", "gold", "--out", "{tmp}/gold.png"], "plot"),
    (["rules", "lint", str(RULES), "--enable", "W412"], "lint"),
])
def test_a_command_that_needs_a_missing_extra_names_it_in_one_line(tmp_path, args, extra):
    for name in ("news.parquet", "results.parquet"):
        (tmp_path / name).write_bytes(b"PAR1 not really")
    out = cli_without(EXTRA_MODULES, *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert out.returncode == 2, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert f"pip install 'asset-impact[{extra}]'" in lines[0] and "Traceback" not in out.stderr
    assert not (tmp_path / "gold.png").exists() and not (tmp_path / "out.parquet").exists()


def test_the_library_raises_an_import_error_naming_the_extra():
    script = (
        "import pandas as pd\nfrom impact import Engine\nfrom impact.distributed import evaluate_dask\n"
        "from impact.extras import MissingExtra\n"
        "try:\n    evaluate_dask(Engine.from_path(), None)\n"
        "except ImportError as exc:\n    assert isinstance(exc, MissingExtra); print(exc)\n"
    )
    out = run_without(["dask", "distributed"], script)
    assert out.returncode == 0, out.stderr
    assert "evaluate_dask needs the 'dask' extra" in out.stdout and "asset-impact[dask]" in out.stdout
