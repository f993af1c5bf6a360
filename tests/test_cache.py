"""The rule-set cache: keyed on what the code reads rules with, never on where that code sits."""

import shutil
from pathlib import Path

import impact
from impact.ruleset import cache as cache_module
from impact.ruleset.cache import MEANING_PACKAGES, code_digest, load_cached

from conftest import RULES

PACKAGE = Path(impact.__file__).parent


def copy_of_the_code(tmp_path: Path) -> Path:
    root = tmp_path / "impact"
    for name in MEANING_PACKAGES:
        shutil.copytree(PACKAGE / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_moving_or_renaming_a_module_keeps_the_key_and_editing_one_changes_it(tmp_path):
    root = copy_of_the_code(tmp_path)
    before = code_digest(root)
    assert before == code_digest(PACKAGE)
    (root / "ruleset" / "terms.py").rename(root / "ruleset" / "term_reading.py")  # a rename
    (root / "ruleset" / "checks" / "options.py").rename(root / "lint" / "options.py")  # a move
    assert code_digest(root) == before
    loader = root / "ruleset" / "loader.py"
    loader.write_text(loader.read_text(encoding="utf-8") + "\n# a change of meaning\n", encoding="utf-8")
    assert code_digest(root) != before


def test_the_second_load_is_served_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("IMPACT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("IMPACT_CACHE", raising=False)
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    first = load_cached(rules)
    assert len(list((tmp_path / "cache").glob("*.entry"))) == 1
    loads = []
    monkeypatch.setattr(cache_module, "load_ruleset", lambda path: loads.append(path))
    second = load_cached(rules)
    assert loads == []  # no file was parsed: the entry was a hit
    assert second.hash == first.hash and second.rules == first.rules


def test_without_a_folder_set_the_cache_is_the_platforms_user_cache(monkeypatch):
    import platformdirs

    monkeypatch.delenv("IMPACT_CACHE_DIR", raising=False)
    monkeypatch.delenv("IMPACT_CACHE", raising=False)
    assert cache_module.cache_dir() == Path(platformdirs.user_cache_dir("asset-impact", appauthor=False))
