"""One policy for symbolic links in a rule folder: followed to files and folders alike, each real
folder read once (a link back up the tree cannot loop), hidden files left out."""

from __future__ import annotations

import shutil
from pathlib import Path

from impact import Engine
from impact.ruleset.collection import rule_files

ROOT = Path(__file__).resolve().parents[2]


def test_a_linked_folder_and_a_linked_file_are_both_read(tmp_path):
    shared = tmp_path / "shared"
    shutil.copytree(ROOT / "rules", shared)
    desk = tmp_path / "desk"
    desk.mkdir()
    (desk / "base").symlink_to(shared, target_is_directory=True)  # a folder linked in
    bundled_files = rule_files(shared)
    assert [f.name for f in rule_files(desk)] == [f.name for f in bundled_files]
    assert Engine.from_path(desk).evaluate("美元走弱提振金价。").signal("gold") is not None

    flat = tmp_path / "flat"
    flat.mkdir()
    for f in bundled_files:  # every file linked one by one
        (flat / f.name).symlink_to(f)
    assert len(rule_files(flat)) == len(bundled_files)
    assert Engine.from_path(flat).ruleset.hash == Engine.from_path(shared).ruleset.hash


def test_a_link_back_up_the_tree_does_not_loop(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    assert len(rule_files(folder)) == len(rule_files(ROOT / "rules"))


def test_hidden_files_and_folders_are_left_out(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    (folder / ".backup.yaml").write_text("not: [a rule file\n")
    (folder / ".git").mkdir()
    (folder / ".git" / "x.yaml").write_text("broken: [\n")
    assert Engine.from_path(folder).ruleset.hash == Engine.from_path(ROOT / "rules").ruleset.hash
