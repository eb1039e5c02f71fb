"""Tables kept on disk between processes: read when their key matches, built again otherwise, never trusted
from a directory others may write to, and never the cause of a different result."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

from unspin import disk_cache


def counting_build(calls: list, value):
    def build():
        calls.append(1)
        return value
    return build


def test_a_table_is_built_once_then_read_and_built_again_when_its_key_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("UNSPIN_CACHE_DIR", str(tmp_path / "cache"))
    calls: list = []
    table = {"Damascus": (33.5, 36.3), "names": list(range(1000))}
    assert disk_cache.cached("places", "k1", counting_build(calls, table)) == table
    assert disk_cache.cached("places", "k1", counting_build(calls, "other")) == table  # read, not built
    assert len(calls) == 1
    assert (tmp_path / "cache").stat().st_mode & 0o077 == 0  # the user's alone
    assert disk_cache.cached("places", "k2", counting_build(calls, "new")) == "new"
    assert len(calls) == 2
    # the stale key is gone
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["places-k2.pickle"]


def test_a_damaged_file_is_built_again_and_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("UNSPIN_CACHE_DIR", str(tmp_path))
    os.chmod(tmp_path, 0o700)
    (tmp_path / "places-k1.pickle").write_bytes(b"\x80\x05 not a whole pickle")
    calls: list = []
    assert disk_cache.cached("places", "k1", counting_build(calls, [1, 2])) == [1, 2]
    assert disk_cache.cached("places", "k1", counting_build(calls, None)) == [1, 2]
    assert len(calls) == 1


def test_a_directory_others_may_write_to_is_never_read(tmp_path, monkeypatch):
    monkeypatch.setenv("UNSPIN_CACHE_DIR", str(tmp_path))
    os.chmod(tmp_path, 0o777)
    disk_cache._store(tmp_path, tmp_path / "places-k1.pickle", "places", "planted")  # refused: not written
    assert not (tmp_path / "places-k1.pickle").exists()
    import pickle
    (tmp_path / "places-k1.pickle").write_bytes(pickle.dumps("planted"))
    assert disk_cache.cached("places", "k1", lambda: "built") == "built"


def test_the_empty_setting_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("UNSPIN_CACHE_DIR", "")
    monkeypatch.chdir(tmp_path)
    calls: list = []
    disk_cache.cached("places", "k1", counting_build(calls, 1))
    disk_cache.cached("places", "k1", counting_build(calls, 1))
    assert len(calls) == 2 and not list(tmp_path.iterdir())


def test_the_key_follows_the_source_and_package_versions(tmp_path):
    source = tmp_path / "table.py"
    source.write_text("A = 1\n")
    first = disk_cache.version_key(sources=(str(source),), packages=("numpy",))
    assert first == disk_cache.version_key(sources=(str(source),), packages=("numpy",))
    source.write_text("A = 2\n")
    assert disk_cache.version_key(sources=(str(source),), packages=("numpy",)) != first
    assert disk_cache.version_key(packages=("numpy",)) != disk_cache.version_key(packages=("scipy",))


NAMES = ("Damascus", "Damascuss", "U.S.", "Sao Paulo", "Victoria", "New York", "Bahdad", "Bush")
LOOKUPS = ("from unspin.analyze import gazetteer as g; import json; "
           f"print(json.dumps([str(g.resolve(n, fuzzy=True)) for n in {NAMES!r}]))")


def test_the_gazetteer_read_from_disk_answers_as_the_one_built_in_memory(tmp_path):
    answers = []
    # off, then built and stored, then read
    for setting in ("", str(tmp_path / "cache"), str(tmp_path / "cache")):
        env = {**os.environ, "UNSPIN_CACHE_DIR": setting}
        done = subprocess.run([sys.executable, "-c", LOOKUPS], cwd=ROOT, env=env, capture_output=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        answers.append(done.stdout)
    assert answers[0] == answers[1] == answers[2]
    assert [p.name.split("-")[0] for p in (tmp_path / "cache").iterdir()] == ["gazetteer"]
