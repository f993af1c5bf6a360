"""A run stopped by SIGTERM or SIGHUP leaves no ``.partial`` file beside its output, and the old
output as it was (a stop by the default handler skipped the clean-up)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest


def _default_dispositions() -> None:
    # a run under nohup inherits SIGHUP ignored, which the program rightly keeps: start from the defaults
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_leaves_no_partial_file(tmp_path, sig):
    output = tmp_path / "out.jsonl"
    output.write_text("old\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "impact.cli", "evaluate", "-", "-o", str(output), "-q"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_default_dispositions)
    try:
        proc.stdin.write('{"id": 1, "text": "美元走弱提振金价。"}\n'.encode())
        proc.stdin.flush()
        for _ in range(600):  # wait for the run to open its partial file (the rules load first)
            if list(tmp_path.glob("*.partial")):
                break
            time.sleep(0.1)
        assert list(tmp_path.glob("*.partial")), "the run never started writing"
        proc.send_signal(sig)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 128 + sig
    assert list(tmp_path.glob("*.partial")) == []
    assert output.read_text(encoding="utf-8") == "old\n"
