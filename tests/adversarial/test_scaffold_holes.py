"""``impact rules new`` takes only an id of one line and writes no file through a symbolic link."""

from __future__ import annotations

import os

import pytest

from impact.authoring.scaffold import ScaffoldError, new_rule


@pytest.mark.parametrize("bad", ["gold.x\n", "gold.x\r\n", "gold.\nx", "gold.x\t"])
def test_an_id_with_a_line_break_or_control_character_is_refused(tmp_path, bad):
    with pytest.raises(ScaffoldError, match="dotted lower case"):
        new_rule(bad, tmp_path / "rules")
    assert not (tmp_path / "rules").exists()


def test_a_dangling_link_in_the_folder_is_not_followed_out_of_it(tmp_path):
    folder, outside = tmp_path / "rules", tmp_path / "outside"
    outside.mkdir()
    new_rule("gold.first", folder)
    os.symlink(outside / "planted.yaml", folder / "gold.second.yaml")
    with pytest.raises(ScaffoldError, match="symbolic link"):
        new_rule("gold.second", folder)
    (folder / "rules.schema.json").unlink()
    os.symlink(outside / "schema.json", folder / "rules.schema.json")
    with pytest.raises(ScaffoldError, match="symbolic link"):
        new_rule("gold.third", folder)
    assert list(outside.iterdir()) == []
    assert not (folder / "gold.third.yaml").exists()
