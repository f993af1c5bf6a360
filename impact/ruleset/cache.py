"""Rule-set cache: a rule folder's validated RuleSet, pickled, keyed by the bytes of its files.

Parsing and validating 10,000 rules takes seconds; unpickling their validated form a fraction
of that. ``Engine.from_path`` asks here first. The key covers every rule file (relative path and
bytes, read once) and the source of every module of the packages that decide what a rule file
means (``impact/ruleset/``, ``impact/lint/``, found by walking them), so an edit of either gives
a new key; stale entries are never served, only left behind. A rule set is stored only when its own hash (taken
by the loader over the bytes it parsed) agrees with the key's, so a file saved between the two
reads cannot file one content under another's key.

The cache lives in ``$IMPACT_CACHE_DIR``, else the platform's user cache folder for
``asset-impact`` (platformdirs: ``$XDG_CACHE_HOME/asset-impact`` or ``~/.cache/asset-impact`` on
Linux, ``~/Library/Caches/asset-impact`` on macOS, ``%LOCALAPPDATA%`` on Windows);
``IMPACT_CACHE=0`` turns it off. Any failure to read or write it
(read-only home, a damaged entry) falls back to loading the files: the cache can make loading
faster, never make it fail.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from impact.ruleset.collection import RulePath, RuleSet, load_ruleset, rule_files, rule_stack, stack_hash

FORMAT = 1
# the packages whose code decides what a rule file means: every module in them is hashed, by
# content alone, so moving or renaming a module never turns the cache off (nor keeps it on
# across a change of meaning)
MEANING_PACKAGES = ("ruleset", "lint")


def cache_dir() -> Path | None:
    """Where entries live, or None when caching is off."""
    if os.environ.get("IMPACT_CACHE", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    explicit = os.environ.get("IMPACT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_cache_dir("asset-impact", appauthor=False))


def code_digest(package: Path | None = None) -> bytes:
    """A digest of the source of the code that reads rules: the sorted digests of every module
    under ``MEANING_PACKAGES`` of ``package`` (default: this installed package), not their names."""
    root = package if package is not None else Path(__file__).resolve().parents[1]
    sources = sorted(
        hashlib.sha256(f.read_bytes()).digest() for name in MEANING_PACKAGES for f in (root / name).rglob("*.py")
    )
    h = hashlib.sha256(f"impact-cache/{FORMAT}".encode())
    for digest in sources:
        h.update(digest)
    return h.digest()


def keys(path: RulePath) -> tuple[str, str] | None:
    """(cache key, rule-set hash as the loader computes it) of a rule folder (or a stack of them);
    None if unreadable."""
    key = hashlib.sha256(code_digest())
    digests = []
    try:
        for root in rule_stack(path):
            if not root.exists():
                return None
            files = rule_files(root)
            if not files:
                return None
            digest = hashlib.sha256()  # the loader's own scheme: relative path, then bytes, per file
            for f in files:
                digest.update(str(f.relative_to(root) if root.is_dir() else f.name).encode())
                digest.update(f.read_bytes())
            digests.append(digest.digest())
            key.update(digest.digest())
    except OSError:
        return None
    return key.hexdigest()[:32], stack_hash(digests)


def load_cached(path: RulePath = None) -> RuleSet:
    """``load_ruleset(path)``, served from the cache when the rule files are unchanged."""
    where = cache_dir()
    found = keys(path) if where is not None else None
    if where is None or found is None:
        return load_ruleset(path)
    key, expected_hash = found
    entry = where / f"{key}.pickle"
    try:
        ruleset = pickle.loads(entry.read_bytes())
        if isinstance(ruleset, RuleSet) and ruleset.hash == expected_hash:
            # it may have been stored from another copy of the folder: locations name this one
            return ruleset.relocated(path)
    except Exception:  # missing, truncated or from another version of a library: load the files
        pass
    ruleset = load_ruleset(path)
    if ruleset.hash == expected_hash:
        _store(where, entry, ruleset)
    return ruleset


def _store(where: Path, entry: Path, ruleset: RuleSet) -> None:
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(ruleset, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)  # atomic: a reader sees the old entry or the whole new one
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass
