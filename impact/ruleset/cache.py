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

Trust: an entry is a pickle, and unpickling runs code, so an entry is unpickled only when it
carries a valid HMAC-SHA256 of its key and bytes under a secret that only the current user can
read: ``secret.key`` (32 random bytes, mode 0600) in the cache folder, made on first use. The
folder must be a real folder owned by the current user and writable by no one else, the key a
regular file of that user readable by no one else; otherwise the cache is off for the process
(one warning line) and the rules load from their files. An entry is read only if it is a regular
file (opened with O_NOFOLLOW and O_NONBLOCK, checked with fstat: a symlink or a FIFO is never
followed or waited on); one that fails any check is a miss, rebuilt and overwritten, never
unpickled. The folder keeps at most MAX_ENTRIES entries and MAX_BYTES bytes
(``IMPACT_CACHE_MAX_ENTRIES``, ``IMPACT_CACHE_MAX_BYTES``); the least recently used go first.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import secrets
import stat
import tempfile
import time
from pathlib import Path

from impact.ruleset.collection import RulePath, RuleSet, load_ruleset, rule_files, rule_stack, stack_hash

FORMAT = 2  # 2: entries authenticated by an HMAC (1 was plain pickles, never read now)
MAGIC = b"impact-ruleset-cache/2\n"
SUFFIX = ".entry"
KEY_FILE = "secret.key"
KEY_BYTES = 32
MAX_ENTRIES = 16
MAX_BYTES = 512 * 1024 * 1024
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)

log = logging.getLogger("impact.cache")
_warned: set[str] = set()
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


def _limit(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, "") or default))
    except ValueError:
        return default


def _warn_once(where: Path, why: str) -> None:
    if str(where) not in _warned:
        _warned.add(str(where))
        log.warning("rule-set cache off: %s", why)


def _owned_by_me(st: os.stat_result) -> bool:
    return not hasattr(os, "geteuid") or st.st_uid == os.geteuid()


def trusted_folder(where: Path) -> bool:
    """Create ``where`` (mode 0700) if needed; True if it is a folder of the current user that no
    one else can write to. False (with one warning line per folder) otherwise."""
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(where)
    except OSError as exc:
        _warn_once(where, f"cannot use {where}: {exc.strerror or exc}")
        return False
    if not stat.S_ISDIR(st.st_mode):
        _warn_once(where, f"{where} is not a folder (a symlink or a file)")
    elif not _owned_by_me(st):
        _warn_once(where, f"{where} belongs to another user")
    elif os.name != "nt" and st.st_mode & 0o022:
        _warn_once(where, f"{where} is writable by group or others (mode {stat.S_IMODE(st.st_mode):o}); "
                          f"chmod go-w it to use the cache")
    else:
        return True
    return False


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes; never follows a
    symlink, never blocks on a FIFO or a device."""
    try:
        fd = os.open(path, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_BINARY)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def secret_key(where: Path) -> bytes | None:
    """The per-user secret of the cache folder ``where`` (a trusted folder), made on first use;
    None (one warning line) if the key file is not a regular file of this user, private to it."""
    path = where / KEY_FILE
    for _ in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_BINARY)
        except FileNotFoundError:
            key = secrets.token_bytes(KEY_BYTES)
            try:  # written whole under another name, then linked in place: no one reads half a key
                fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-key-")  # mode 0600
                try:
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(key)
                    os.link(tmp, path)
                finally:
                    os.unlink(tmp)
            except FileExistsError:
                continue  # another process made it meanwhile: read theirs
            except OSError as exc:
                _warn_once(where, f"cannot create {path}: {exc.strerror or exc}")
                return None
            return key
        except OSError as exc:  # a symlink (ELOOP), unreadable, ...
            _warn_once(where, f"cannot read {path}: {exc.strerror or exc}")
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                why = "is not a regular file"
            elif not _owned_by_me(st):
                why = "belongs to another user"
            elif os.name != "nt" and st.st_mode & 0o077:
                why = f"is readable or writable by group or others (mode {stat.S_IMODE(st.st_mode):o})"
            else:
                key = os.read(fd, KEY_BYTES + 1)
                if len(key) == KEY_BYTES:
                    return key
                why = "is not a key (wrong size)"
        finally:
            os.close(fd)
        _warn_once(where, f"{path} {why}")
        return None
    return None


def _mac(key: bytes, name: str, payload: bytes) -> bytes:
    return hmac.new(key, MAGIC + name.encode() + b"\0" + payload, hashlib.sha256).digest()


def load_cached(path: RulePath = None) -> RuleSet:
    """``load_ruleset(path)``, served from the cache when the rule files are unchanged."""
    where = cache_dir()
    found = keys(path) if where is not None else None
    if where is None or found is None:
        return load_ruleset(path)
    secret = secret_key(where) if trusted_folder(where) else None
    if secret is None:
        return load_ruleset(path)
    key, expected_hash = found
    entry = where / f"{key}{SUFFIX}"
    data = _read_regular(entry, _limit("IMPACT_CACHE_MAX_BYTES", MAX_BYTES))
    if data is not None and data.startswith(MAGIC) and len(data) > len(MAGIC) + 32:
        mac, payload = data[len(MAGIC):len(MAGIC) + 32], data[len(MAGIC) + 32:]
        if hmac.compare_digest(mac, _mac(secret, key, payload)):  # written by this user's impact
            try:
                ruleset = pickle.loads(payload)
                if isinstance(ruleset, RuleSet) and ruleset.hash == expected_hash:
                    try:
                        os.utime(entry)  # recently used: evicted last
                    except OSError:
                        pass
                    # it may have been stored from another copy of the folder: locations name this one
                    return ruleset.relocated(path)
            except Exception:  # from another version of a library: load the files
                pass
    ruleset = load_ruleset(path)
    if ruleset.hash == expected_hash:
        _store(where, entry, key, secret, ruleset)
    return ruleset


def _store(where: Path, entry: Path, key: str, secret: bytes, ruleset: RuleSet) -> None:
    try:
        payload = pickle.dumps(ruleset, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-", suffix=SUFFIX)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + _mac(secret, key, payload) + payload)
            os.replace(tmp, entry)  # atomic: a reader sees the old entry or the whole new one
        except BaseException:
            os.unlink(tmp)
            raise
        evict(where)
    except OSError:
        pass


def evict(where: Path, max_entries: int | None = None, max_bytes: int | None = None) -> list[Path]:
    """Delete the least recently used entries beyond ``max_entries`` entries or ``max_bytes``
    bytes in all (default: MAX_ENTRIES, MAX_BYTES or their environment variables), and entries
    of earlier formats; return what was deleted. Only regular files are looked at."""
    max_entries = max_entries if max_entries is not None else _limit("IMPACT_CACHE_MAX_ENTRIES", MAX_ENTRIES)
    max_bytes = max_bytes if max_bytes is not None else _limit("IMPACT_CACHE_MAX_BYTES", MAX_BYTES)
    found: list[tuple[int, str, int, Path]] = []
    gone: list[Path] = []
    try:
        listing = list(os.scandir(where))
    except OSError:
        return gone
    for item in listing:
        try:
            if not item.is_file(follow_symlinks=False):
                continue
            st = item.stat(follow_symlinks=False)
        except OSError:
            continue
        if item.name.endswith(".pickle"):  # format 1, never read again
            gone.append(Path(item.path))
        elif item.name.startswith(".tmp-") and st.st_mtime < time.time() - 3600:  # a writer that died
            gone.append(Path(item.path))
        elif item.name.endswith(SUFFIX) and not item.name.startswith(".tmp-"):
            found.append((st.st_mtime_ns, item.name, st.st_size, Path(item.path)))
    found.sort(reverse=True)  # most recently used first
    total = 0
    for rank, (_, _, size, path) in enumerate(found):
        total += size
        if rank >= max_entries or (rank > 0 and total > max_bytes):
            gone.append(path)
    for path in gone:
        try:
            path.unlink()
        except OSError:
            pass
    return gone
