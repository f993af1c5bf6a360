"""A full disk while an output file is written: a clear error, the old file kept, no .partial left."""

from __future__ import annotations

import errno

import pytest

from impact.cli.common import replacing_output
from impact.errors import InputError


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_disk_keeps_the_old_file_and_leaves_nothing(tmp_path, code):
    out = tmp_path / "signals.jsonl"
    out.write_text("the previous run\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot write .*previous file is unchanged"):
        with replacing_output(str(out)) as handle:
            handle.write("half a result")
            raise OSError(code, "No space left on device")
    assert out.read_text(encoding="utf-8") == "the previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["signals.jsonl"]


def test_other_errors_pass_through_and_clean_up(tmp_path):
    out = tmp_path / "signals.jsonl"
    with pytest.raises(PermissionError):
        with replacing_output(str(out)) as handle:
            handle.write("x")
            raise PermissionError(errno.EACCES, "denied")
    assert list(tmp_path.iterdir()) == []
