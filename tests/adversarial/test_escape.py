"""File names are printed with their control characters escaped: a name holding an escape
sequence (or a bidi control) cannot rewrite the terminal that shows a diagnostic."""

from __future__ import annotations

import subprocess
import sys

from impact.errors import Problem, printable


def impact(*args: str):
    return subprocess.run([sys.executable, "-m", "impact.cli", *args], capture_output=True, timeout=300)


def test_printable_escapes_control_and_bidi_characters():
    assert printable("a\x1b[2Jb\u202ec\x00") == "a\\x1b[2Jb\\u202ec\\x00"
    assert printable("金价\nrose", keep="\n") == "金价\nrose"


def test_a_problem_escapes_its_path():
    shown = str(Problem("rules/x\x1b[31m\n.yaml", 3, 1, "E101", "bad"))
    assert shown == "rules/x\\x1b[31m\\x0a.yaml:3:1: E101 bad"


def test_lint_and_explain_print_no_raw_escape(tmp_path):
    folder = tmp_path / "r\x1b[2J"
    folder.mkdir()
    (folder / "bad\x1b]0;x\x07.yaml").write_text("events: [\n", encoding="utf-8")
    out = impact("rules", "lint", str(folder))
    assert out.returncode != 0
    assert b"\x1b" not in out.stdout + out.stderr and b"\x07" not in out.stdout + out.stderr
    assert b"\\x1b" in out.stdout + out.stderr
    out = impact("explain", str(tmp_path / "missing\x1b[2J.txt"))
    assert out.returncode == 2 and b"\x1b[2J" not in out.stderr and b"\\x1b[2J" in out.stderr
