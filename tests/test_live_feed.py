"""A live feed: ``tail -f feed.jsonl | impact evaluate -`` answers each record as it is read.

The records are written into the pipe one at a time, and each result line is read BEFORE the
next record is written: a reader that waited for the end of its input (or a writer that buffered
its output) would never answer, and the read times out. No wall-clock limit is measured; the
timeouts are generous and only stop a hung run.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys

import pytest

from conftest import RULES

FEED = [
    ("f1", "美元走弱提振金价。", "gold"),
    ("f2", "Copper slips as LME stocks rise to a six-month high.", "copper"),
    ("f3", "not json at all", None),  # a malformed line is answered in its turn too
    ("f4", "The dollar firmed and gold slipped ahead of the Fed decision.", "usd"),
    ("f5", "地缘局势紧张，避险需求推动金价走高。", "gold"),
]


def read_line(proc: subprocess.Popen, pending: bytearray, timeout: float) -> bytes:
    """One line of the process's stdout, waiting at most ``timeout`` seconds for it."""
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    try:
        while b"\n" not in pending:
            if not selector.select(timeout):
                raise AssertionError(f"no result line within {timeout:.0f} s (stdout so far: {bytes(pending)!r})")
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                raise AssertionError(f"stdout ended early; stderr: {proc.stderr.read()!r}")
            pending.extend(chunk)
    finally:
        selector.close()
    line, _, rest = bytes(pending).partition(b"\n")
    pending[:] = rest
    return line


@pytest.mark.parametrize("stack", [[], ["--rules", "bundled", "--rules", str(RULES / "assets.yaml")]],
                         ids=["bundled", "layered"])
def test_each_record_is_answered_before_the_next_is_written(stack, tmp_path):
    if stack:  # a second folder on top of the bundled pack: a user's asset
        mine = tmp_path / "mine"
        mine.mkdir()
        (mine / "oil.yaml").write_text("assets:\n  crude_oil:\n    names: {zh: [原油], en: [crude oil]}\n", encoding="utf-8")
        stack = ["--rules", "bundled", "--rules", str(mine)]
    proc = subprocess.Popen([sys.executable, "-m", "impact.cli", "evaluate", "-", "-q", *stack],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    pending = bytearray()
    try:
        for n, (rid, text, asset) in enumerate(FEED):
            line = text if rid == "f3" else json.dumps({"id": rid, "text": text}, ensure_ascii=False)
            proc.stdin.write(line.encode("utf-8") + b"\n")
            proc.stdin.flush()
            result = json.loads(read_line(proc, pending, 120.0 if n == 0 else 60.0))
            assert proc.poll() is None, "the command ended while its input was still open"
            if asset is None:
                assert "error" in result and result.get("line") == n + 1
            else:
                assert result["id"] == rid and asset in [s["asset"] for s in result["signals"]]
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
        assert bytes(pending) == b"" and proc.stdout.read() == b""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
