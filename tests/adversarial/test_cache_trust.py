"""The rule-set cache cannot be made to run code or hang a load: entries are unpickled only under
a valid HMAC of this user's secret key, only regular files are read, a folder others can write
to is not used, and the folder's size is bounded."""

from __future__ import annotations

import logging
import os
import pickle
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import write_rules
from impact.ruleset import cache as cache_module
from impact.ruleset.cache import evict, keys, load_cached

RULES = """events:
  e.a: {{description: A., terms: {{en: [alpha{n}]}}}}
rules:
  - id: a{n}
    description: A test rule.
    when: {{all: [e.a]}}
    then: [{{asset: gold, direction: bullish}}]
    rationale: A test rule.
    explain: 'A test ("{{trigger}}").'
"""

unix_only = pytest.mark.skipif(os.name == "nt", reason="file modes, FIFOs and O_NOFOLLOW are POSIX")


def folder(tmp_path: Path, n: int = 0) -> Path:
    (tmp_path / f"pack{n}").mkdir()
    return write_rules(tmp_path / f"pack{n}", a=RULES.format(n=n))


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("IMPACT_CACHE_DIR", str(where))
    monkeypatch.delenv("IMPACT_CACHE", raising=False)
    monkeypatch.delenv("IMPACT_CACHE_MAX_ENTRIES", raising=False)
    monkeypatch.delenv("IMPACT_CACHE_MAX_BYTES", raising=False)
    return where


class Payload:
    """A pickle that runs code when loaded: it writes a marker file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').write('ran')",))


@unix_only
def test_a_planted_pickle_under_the_predictable_key_is_never_unpickled(tmp_path, cache):
    rules = folder(tmp_path)
    key = keys(rules)[0]
    marker = tmp_path / "marker"
    evil = pickle.dumps(Payload(marker))
    cache.mkdir(mode=0o700)
    (cache / f"{key}.pickle").write_bytes(evil)  # where format 1 looked
    (cache / f"{key}.entry").write_bytes(cache_module.MAGIC + b"\0" * 32 + evil)  # a forged MAC
    loaded = load_cached(rules)
    assert not marker.exists()
    assert [rule.id for rule in loaded.rules] == ["a0"]
    (cache / f"{key}.entry").write_bytes(evil)  # no MAC at all
    assert [rule.id for rule in load_cached(rules).rules] == ["a0"]
    assert not marker.exists()
    # the bad entry was rebuilt: an authenticated one is served next time, without parsing
    load_cached(rules)
    assert (cache / f"{key}.entry").read_bytes().startswith(cache_module.MAGIC)
    assert not (cache / f"{key}.pickle").exists()  # format 1 entries are swept away
    parsed = []
    real = cache_module.load_ruleset
    cache_module.load_ruleset = lambda path: parsed.append(path) or real(path)
    try:
        assert [rule.id for rule in load_cached(rules).rules] == ["a0"] and parsed == []
    finally:
        cache_module.load_ruleset = real
    key_file = cache / cache_module.KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(key_file.read_bytes()) == 32


@unix_only
def test_a_fifo_or_a_symlink_entry_does_not_hang_or_redirect_a_load(tmp_path, cache):
    rules = folder(tmp_path)
    key = keys(rules)[0]
    cache.mkdir(mode=0o700)
    os.mkfifo(cache / f"{key}.pickle")
    os.mkfifo(cache / f"{key}.entry")
    script = "import sys; from impact.ruleset.cache import load_cached; print(load_cached(sys.argv[1]).rules[0].id)"
    # a reader of a FIFO without a writer waits forever: the timeout only turns a hang into a failure
    done = subprocess.run([sys.executable, "-c", script, str(rules)], capture_output=True, timeout=120,
                          env={**os.environ, "IMPACT_CACHE_DIR": str(cache)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().strip() == "a0"
    assert stat.S_ISREG(os.lstat(cache / f"{key}.entry").st_mode)  # replaced by a real entry
    entry = cache / f"{key}.entry"
    elsewhere = tmp_path / "elsewhere.entry"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)  # a valid entry, reached through a symlink: not followed
    parsed = []
    real = cache_module.load_ruleset
    cache_module.load_ruleset = lambda path: parsed.append(path) or real(path)
    try:
        load_cached(rules)
    finally:
        cache_module.load_ruleset = real
    assert parsed == [rules]


@unix_only
def test_a_folder_others_can_write_to_turns_the_cache_off_with_one_warning(tmp_path, cache, caplog):
    cache.mkdir()
    os.chmod(cache, 0o775)  # group-writable: someone else could plant entries or a key
    rules = folder(tmp_path)
    with caplog.at_level(logging.WARNING, logger="impact.cache"):
        assert [rule.id for rule in load_cached(rules).rules] == ["a0"]
        assert [rule.id for rule in load_cached(rules).rules] == ["a0"]
    warnings = [r.getMessage() for r in caplog.records if r.name == "impact.cache"]
    assert len(warnings) == 1 and "\n" not in warnings[0]
    assert "writable by group or others" in warnings[0] and str(cache) in warnings[0]
    assert sorted(p.name for p in cache.iterdir()) == []  # nothing read, nothing written


@unix_only
def test_a_key_file_others_can_read_turns_the_cache_off(tmp_path, cache, caplog):
    rules = folder(tmp_path)
    load_cached(rules)
    os.chmod(cache / cache_module.KEY_FILE, 0o644)
    (cache / f"{keys(rules)[0]}.entry").unlink()
    with caplog.at_level(logging.WARNING, logger="impact.cache"):
        assert [rule.id for rule in load_cached(rules).rules] == ["a0"]
    assert "readable or writable by group or others" in caplog.text
    assert not (cache / f"{keys(rules)[0]}.entry").exists()


def test_the_cache_keeps_the_most_recently_used_entries_within_its_bounds(tmp_path, cache, monkeypatch):
    monkeypatch.setenv("IMPACT_CACHE_MAX_ENTRIES", "2")
    packs = [folder(tmp_path, n) for n in range(4)]
    for rules in packs:
        load_cached(rules)
    entries = sorted(cache.glob("*.entry"))
    assert len(entries) == 2
    assert cache / f"{keys(packs[-1])[0]}.entry" in entries  # the newest stays

    # least recently used first: a hit counts as a use
    now = time.time()
    for age, rules in enumerate(reversed(packs)):
        path = cache / f"{keys(rules)[0]}.entry"
        if path.exists():
            os.utime(path, (now - 100 * (age + 1), now - 100 * (age + 1)))
    older = min(entries, key=lambda p: p.stat().st_mtime)
    monkeypatch.setenv("IMPACT_CACHE_MAX_ENTRIES", "16")
    hit = [rules for rules in packs if cache / f"{keys(rules)[0]}.entry" == older][0]
    load_cached(hit)  # a hit: now the most recent
    assert evict(cache, max_entries=1) != [] and sorted(cache.glob("*.entry")) == [older]

    # a byte cap: the most recent entry always stays, older ones go once the total passes the cap
    for rules in packs:
        load_cached(rules)
    assert len(list(cache.glob("*.entry"))) == 4
    size = max(p.stat().st_size for p in cache.glob("*.entry"))
    evict(cache, max_bytes=2 * size + 1)
    assert len(list(cache.glob("*.entry"))) == 2
    assert (cache / cache_module.KEY_FILE).exists()  # the key is no entry
