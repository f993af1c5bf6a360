"""The README runs: every ```python and ```bash block of README.md is executed, in order, in one
temporary folder (doctest-like: the Python blocks share one namespace, as a reader's session would).

A block is steered by an HTML comment on the line before its fence:

* ``<!-- readme-test: skip (why) -->``     - not run; the reason is part of the marker;
* ``<!-- readme-test: needs MOD ... -->``  - run only where these modules import (else skipped);
* ``<!-- readme-test: file PATH -->``      - a block of text written to PATH before anything runs
                                             (a rule file that the other blocks use).

Blocks of other languages (yaml, text, toml) are data, not run. Before the blocks run the folder
holds what they name: ``article.txt``, ``news.jsonl`` (and ``news.csv``, ``corpus.jsonl``, a
Parquet folder ``news/``), price files ``AU.csv``/``au.csv``/``XAU.csv``, a copy of the bundled
``rules/``; the Python namespace has ``text``, ``news_df`` and ``stream`` (the news as records).
Each shell line must exit 0 (1 for a line with ``--fail-on``: a hit is its purpose) and print no
traceback.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import FIXTURES, ROOT, RULES

README = ROOT / "README.md"
MARKER = re.compile(r"<!--\s*readme-test:\s*(skip|needs|file)\b\s*(.*?)\s*-->")
RUN = ("python", "bash")

# news of our own wording, dated inside the price fixtures (2025-09-15 .. 2025-10-24)
NEWS = [
    ("n1", "分析师表示，金价短期内有望继续上涨。", "2025-09-17T02:00:00Z"),
    ("n2", "美联储释放鹰派信号，美元走强，金价承压下跌。", "2025-09-23T09:00:00Z"),
    ("n3", "Gold climbed as the dollar weakened after soft US data.", "2025-09-24T03:00:00Z"),
    ("n4", "美元走弱提振金价。", "2025-09-30T01:00:00Z"),
    ("n5", "The dollar firmed and gold slipped ahead of the Fed decision.", "2025-10-02T12:00:00Z"),
    ("n6", "地缘局势紧张，避险需求推动金价走高。", "2025-10-08T04:00:00Z"),
    ("n7", "Copper slips as LME stocks rise to a six-month high.", "2025-10-09T08:00:00Z"),
    ("n8", "金价获得支撑，市场预期美联储降息。", "2025-10-14T02:30:00Z"),
]


@dataclass
class Block:
    lang: str
    line: int  # of the opening fence, 1-based
    code: str
    marker: tuple[str, str] | None

    @property
    def name(self) -> str:
        return f"README.md:{self.line} ({self.lang})"


def blocks(text: str) -> list[Block]:
    found: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        fence = re.match(r"^```(\w*)\s*$", lines[i])
        if fence is None:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        marker = MARKER.search(lines[i - 1]) if i > 0 else None
        found.append(Block(fence.group(1), i + 1, "\n".join(lines[i + 1 : j]) + "\n",
                           (marker.group(1), marker.group(2)) if marker else None))
        i = j + 1
    return found


def missing(modules: str) -> list[str]:
    return [m for m in modules.split() if importlib.util.find_spec(m) is None]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("readme")
    shutil.copy(FIXTURES / "articles" / "syria-sanctions-zh.txt", where / "article.txt")
    records = [{"id": i, "text": t, "published_at": p} for i, t, p in NEWS]
    (where / "news.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    shutil.copy(where / "news.jsonl", where / "corpus.jsonl")
    import pandas as pd

    frame = pd.DataFrame(records)
    frame.to_csv(where / "news.csv", index=False)
    if importlib.util.find_spec("pyarrow") is not None:
        (where / "news").mkdir()
        frame.to_parquet(where / "news" / "part.0.parquet", index=False)
    shutil.copy(FIXTURES / "prices" / "au-daily.csv", where / "AU.csv")
    shutil.copy(FIXTURES / "prices" / "au-daily.csv", where / "au.csv")
    shutil.copy(FIXTURES / "prices" / "xau-daily-semicolon.csv", where / "XAU.csv")
    shutil.copytree(RULES, where / "rules")
    return where


def shell_lines(code: str) -> list[str]:
    return [line for line in code.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def run_line(line: str, workdir: Path, env: dict) -> tuple[int, str]:
    """One shell line: a plain ``impact ...`` command runs in this process (Typer's runner: no
    interpreter start per line), anything with a pipe or a redirection in bash."""
    words = shlex.split(line, comments=True)
    if words and words[0] == "impact" and not set("|<>&;") & set(line.split("#")[0]):
        from typer.testing import CliRunner

        from impact.cli import app

        result = CliRunner().invoke(app, words[1:], catch_exceptions=False)
        return result.exit_code, result.stderr if hasattr(result, "stderr") else result.output
    out = subprocess.run(["bash", "-c", line], cwd=workdir, env=env, capture_output=True, timeout=300)
    return out.returncode, out.stderr.decode(errors="replace")


def test_the_readme_blocks_are_found_and_every_skip_says_why():
    found = blocks(README.read_text(encoding="utf-8"))
    runnable = [b for b in found if b.lang in RUN]
    assert len([b for b in runnable if b.lang == "python"]) >= 6 and len([b for b in runnable if b.lang == "bash"]) >= 5
    for b in found:
        if b.marker and b.marker[0] == "skip":
            assert re.fullmatch(r"\(.{10,}\)", b.marker[1]), f"{b.name}: a skip says why, in parentheses"


def test_every_readme_block_runs(workdir, monkeypatch):
    found = blocks(README.read_text(encoding="utf-8"))
    for b in found:  # files first: the blocks before them may use them
        if b.marker and b.marker[0] == "file":
            target = workdir / b.marker[1]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(b.code, encoding="utf-8")
    monkeypatch.chdir(workdir)
    import pandas as pd

    news = [json.loads(line) for line in (workdir / "news.jsonl").read_text(encoding="utf-8").splitlines()]
    namespace: dict = {
        "__name__": "readme",
        "text": (workdir / "article.txt").read_text(encoding="utf-8"),
        "news_df": pd.DataFrame(news),
        "stream": [SimpleNamespace(id=r["id"], text=r["text"]) for r in news],
    }
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               MPLBACKEND="Agg")
    ran, skipped = [], []
    for b in found:
        if b.lang not in RUN or (b.marker and b.marker[0] == "file"):
            continue
        if b.marker and b.marker[0] == "skip":
            skipped.append((b.name, b.marker[1]))
            continue
        absent = missing(b.marker[1]) if b.marker and b.marker[0] == "needs" else []
        if absent:
            skipped.append((b.name, f"needs {', '.join(absent)}"))
            continue
        if b.lang == "python":
            exec(compile(b.code, b.name, "exec"), namespace)  # noqa: S102 - the README's own code
        else:
            for line in shell_lines(b.code):
                if "impact timeline" in line and missing("matplotlib"):
                    skipped.append((f"{b.name}: {line.split('#')[0].strip()}", "needs matplotlib"))
                    continue
                code, err = run_line(line, workdir, env)
                allowed = (0, 1) if "--fail-on" in line else (0,)
                assert code in allowed, f"{b.name}: {line}\n exit {code}\n{err}"
                assert "Traceback" not in err and "internal error" not in err, f"{b.name}: {line}\n{err}"
        ran.append(b.name)
    print("\nran:", *ran, "\nskipped:", *(f"{n}: {why}" for n, why in skipped), sep="\n  ")
    assert len(ran) >= 8
    # what the blocks left behind is what they say
    assert (workdir / "signals.jsonl").read_text(encoding="utf-8").count("\n") == len(NEWS)
    assert (workdir / "out.csv").exists() and (workdir / "rules" / "metals.tin_strike.yaml").exists()
    if "back" in namespace:  # the Dask block wrote Parquet on a LocalCluster and read it back
        from impact import Engine

        local = Engine.from_path().evaluate_frame(pd.DataFrame(news))
        back = namespace["back"].sort_values(["id", "asset"]).reset_index(drop=True)
        assert len(back) == len(local) > 0
        assert list(back["asset"]) == list(local.sort_values(["id", "asset"])["asset"])
    if "at_close" in namespace:
        assert len(namespace["at_close"]) == 1
