"""``impact timeline --out`` is written beside the target and moved over it: a run that fails
while the image is written leaves the old image as it was and no partial file."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("matplotlib")

from matplotlib.figure import Figure  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from conftest import FIXTURES  # noqa: E402
from impact.cli import app  # noqa: E402


def run(tmp_path, out):
    news = tmp_path / "news.jsonl"
    news.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": 1, "text": "分析师认为金价有望走高。", "published_at": "2025-09-17T02:00:00Z"},
        {"id": 2, "text": "美元走强，金价承压。", "published_at": "2025-09-24T02:00:00Z"},
    ]) + "\n", encoding="utf-8")
    return CliRunner().invoke(app, ["timeline", str(news), "--prices", str(FIXTURES / "prices" / "au-daily.csv"),
                                    "--asset", "gold", "--out", str(out), "-q"])


def test_a_failure_while_saving_keeps_the_old_image(tmp_path, monkeypatch):
    out = tmp_path / "gold.png"
    out.write_bytes(b"old image")
    real = Figure.savefig

    def half_then_fail(self, fname, *args, **kwargs):
        if hasattr(fname, "write"):
            fname.write(b"\x89PNG half")
        else:
            with open(fname, "wb") as handle:
                handle.write(b"\x89PNG half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", half_then_fail)
    result = run(tmp_path, out)
    assert result.exit_code != 0
    assert out.read_bytes() == b"old image"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []
    monkeypatch.setattr(Figure, "savefig", real)
    assert run(tmp_path, out).exit_code == 0 and out.read_bytes()[:4] == b"\x89PNG"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []
