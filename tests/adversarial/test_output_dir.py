"""compile -o DIR owns DIR only provably: it never deletes what mlopsc did not write.

Real compiles of the flagship through the CLI entry point, on real directories: a
directory whose manifest.json does not prove mlopsc wrote it is refused and left
byte-identical; files mlopsc did not write are listed and kept unless --prune; a
symlinked -o and the directory's mode survive; nothing appears beside -o but the lock
and staging names, and those are gone when a compile ends.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mlopsc.cli import main
from mlopsc.output.leftovers import clean_leftovers
from mlopsc.output.swap import MARKER, MARKER_TEXT, new_staging, switch_by_renames
from mlopsc.output.write import OutputError, manifest, write_tree
from mlopsc.target import Artifact

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = str(ROOT / "mlops.yaml")
QUICK = ("--target", "prometheus")


def compile_to(out: Path | str, *extra: str, env: str = "prod") -> int:
    return main(["compile", FLAGSHIP, "-o", str(out), *QUICK, "--env", env, *extra])


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every entry under root (symlinks not followed) with its mode and bytes or target."""
    tree = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            info = path.lstat()
            data = (os.readlink(path).encode() if stat.S_ISLNK(info.st_mode)
                    else path.read_bytes() if stat.S_ISREG(info.st_mode) else b"")
            tree[path.relative_to(root).as_posix()] = (info.st_mode, data)
    return tree


def assert_complete(out: Path) -> dict:
    """The tree is exactly what its manifest lists, every hash matching."""
    document = json.loads((out / "manifest.json").read_bytes())
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert on_disk == set(document["files"]) | {"manifest.json"}
    for path, digest in document["files"].items():
        assert hashlib.sha256((out / path).read_bytes()).hexdigest() == digest, path
    return document


def project(root: Path, manifest_text: str) -> Path:
    """A project root with its own unrelated manifest.json, a .git and sources."""
    (root / ".git" / "objects").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("print('precious')\n")
    (root / "README.md").write_text("# app\n")
    (root / "manifest.json").write_text(manifest_text)
    return root


_ZERO = "0" * 64
_APP = hashlib.sha256(b"print('precious')\n").hexdigest()


@pytest.mark.parametrize("manifest_text,reason", [
    ('{"name": "app", "icons": []}', 'does not say "generator": "mlopsc"'),
    (json.dumps({"generator": "mlopsc", "files": {"src/app.py": _ZERO}}),
     "1 of the 1 files its manifest.json lists are missing or differ"),
    ('{"generator": "mlopsc", "files": {}}', "lists no files"),
    (json.dumps({"generator": "mlopsc", "files": {"../etc/passwd": _ZERO}}), "malformed entry"),
    ('{"generator": "mlopsc", "files": ' + "[" * 50_000, "not valid JSON"),
    ("{" + " " * (9 * 1024 * 1024) + "}", "larger than 8388608 bytes"),
])
def test_a_directory_its_manifest_does_not_prove_is_refused_untouched(
        tmp_path, capsys, manifest_text, reason):
    root = project(tmp_path / "app", manifest_text)
    before = snapshot(root)
    assert compile_to(root) == 2
    err = capsys.readouterr().err
    assert reason in err and "not provably written by mlopsc" in err
    assert "Traceback" not in err
    assert snapshot(root) == before


def test_a_true_manifest_does_not_license_deleting_git_or_sources(tmp_path, capsys):
    # Even a manifest whose hashes match proves only the files it lists: .git and the
    # rest are listed as not written by mlopsc, and --prune never deletes a directory.
    text = json.dumps({"generator": "mlopsc", "files": {"src/app.py": _APP}})
    root = project(tmp_path / "app", text)
    before = snapshot(root)
    for extra in ((), ("--prune",)):
        assert compile_to(root, *extra) == 2
        err = capsys.readouterr().err
        assert f"{root}/.git/ (directory)" in err
        assert snapshot(root) == before


def test_user_files_are_listed_and_kept_and_pruned_only_on_request(tmp_path, capsys):
    out = tmp_path / "out"
    assert compile_to(out) == 0
    (out / "NOTES.md").write_text("mine\n")
    (out / "prometheus" / "extra.yaml").write_text("mine too\n")
    os.symlink("/etc/hostname", out / "link")
    before = snapshot(out)
    assert compile_to(out, env="staging") == 2
    err = capsys.readouterr().err
    for name in ("NOTES.md", "prometheus/extra.yaml", "link"):
        assert f"  {out}/{name}\n" in err
    assert "3 entries not written by mlopsc" in err and "--prune" in err
    assert snapshot(out) == before
    assert compile_to(out, "--prune", env="staging") == 0
    err = capsys.readouterr().err
    assert f"{out}/NOTES.md: not written by mlopsc; deleted (--prune)" in err
    assert assert_complete(out)["environment"] == "staging"
    assert Path("/etc/hostname").exists()


def test_a_user_directory_stops_the_compile_even_with_prune(tmp_path, capsys):
    out = tmp_path / "out"
    assert compile_to(out) == 0
    (out / "keep" / "deep").mkdir(parents=True)
    (out / "keep" / "deep" / "data.csv").write_text("1,2\n")
    before = snapshot(out)
    assert compile_to(out, "--prune", env="staging") == 2
    assert f"{out}/keep/ (directory)" in capsys.readouterr().err
    assert snapshot(out) == before


def test_hand_edits_are_regenerated_and_reported_but_a_mostly_foreign_tree_is_refused(
        tmp_path, capsys):
    out = tmp_path / "out"
    assert compile_to(out) == 0
    listed = sorted(json.loads((out / "manifest.json").read_text())["files"])
    (out / listed[0]).write_text("# hotfix by hand\n")
    assert compile_to(out) == 0
    assert f"{out}/{listed[0]}: edited by hand since the last compile; regenerated" \
        in capsys.readouterr().err
    assert_complete(out)
    for path in listed[: len(listed) // 2 + 1]:
        (out / path).write_text("not generated\n")
    before = snapshot(out)
    assert compile_to(out) == 2
    assert "are missing or differ" in capsys.readouterr().err
    assert snapshot(out) == before


def test_a_symlinked_output_directory_is_written_through_and_kept(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "deploy"
    link.symlink_to("real")
    for env in ("prod", "staging"):
        assert compile_to(link, env=env) == 0
        assert link.is_symlink() and os.readlink(link) == "real"
        assert assert_complete(real)["environment"] == env
    assert main(["compile", FLAGSHIP, "-o", str(link), *QUICK, "--env", "staging",
                 "--check"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deploy", "real"]


@pytest.mark.parametrize("mode", [0o755, 0o750, 0o2770])
def test_the_directory_keeps_its_mode(tmp_path, mode):
    out = tmp_path / "out"
    out.mkdir()
    os.chmod(out, mode)  # an empty directory is the user's to fill
    for env in ("prod", "staging"):
        assert compile_to(out, env=env) == 0
        assert stat.S_IMODE(out.stat().st_mode) == mode


def test_a_new_directory_gets_the_mode_mkdir_gives(tmp_path):
    out = tmp_path / "out"
    code = ("import os, sys; os.umask(0o027); from mlopsc.cli import main; "
            f"sys.exit(main(['compile', {FLAGSHIP!r}, '-o', {str(out)!r}, *{QUICK!r}]))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o750


def test_nothing_is_written_beside_the_output_directory(tmp_path, capsys):
    (tmp_path / "neighbour.txt").write_text("x")
    out = tmp_path / "out"
    before = snapshot(tmp_path)
    assert compile_to(out) == 0
    assert compile_to(out, env="staging") == 0
    (out / "mine.txt").write_text("x")
    assert compile_to(out) == 2
    after = snapshot(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("out")} == before
    capsys.readouterr()


def test_the_check_hint_names_prune_when_user_files_are_there(tmp_path, capsys):
    out = tmp_path / "out"
    assert compile_to(out) == 0
    (out / "mine.txt").write_text("x")
    assert compile_to(out, "--check") == 1
    err = capsys.readouterr().err
    assert f"{out}/mine.txt: unexpected" in err
    assert f"run `mlopsc compile -o {out} --prune`" in err


def _artifacts(tag: str) -> list[Artifact]:
    files = [Artifact("a.txt", tag.encode()), Artifact("d/b.txt", b"b")]
    return [*files, manifest(files, version="0", spec_hash="0", environment=tag)]


def test_a_held_lock_makes_a_writer_wait_then_fail_cleanly(tmp_path):
    out = tmp_path / "out"
    write_tree(out, _artifacts("one"))
    lock = tmp_path / ".out.mlopsc.lock"
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(OutputError, match="another mlopsc compile is writing it"):
            write_tree(out, _artifacts("two"), lock_wait=0.3)
    assert (out / "a.txt").read_text() == "one"
    write_tree(out, _artifacts("two"))
    assert (out / "a.txt").read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_leftovers_are_removed_only_when_provably_ours(tmp_path):
    out = tmp_path / "out"
    write_tree(out, _artifacts("one"))
    ours = new_staging(out)  # as a compile killed while writing leaves it
    (ours / "d").mkdir()
    (ours / "d" / "b.txt").write_text("half")
    empty = tmp_path / ".out.0123456789abcdef.mlopsc-tmp"
    empty.mkdir()
    foreign = tmp_path / ".out.fedcba9876543210.mlopsc-tmp"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("years of work")
    unrelated = tmp_path / ".out.backup"
    unrelated.mkdir()
    written = write_tree(out, _artifacts("two"))
    assert written.kept == (foreign,)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([out.name, foreign.name,
                                                                 unrelated.name])
    assert (foreign / "thesis.tex").read_text() == "years of work"
    assert clean_leftovers(out) == ([], [foreign])


def test_the_two_rename_fallback_swaps_and_keeps_the_old_tree_at_staging(tmp_path):
    out = tmp_path / "out"
    write_tree(out, _artifacts("old"))
    staging = new_staging(out)
    (staging / MARKER).unlink()
    (staging / "a.txt").write_text("new")
    switch_by_renames(staging, out)
    assert (out / "a.txt").read_text() == "new"
    assert (staging / "a.txt").read_text() == "old"
    assert clean_leftovers(out) == ([staging], [])


def test_a_mount_point_is_refused_untouched(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(out)], capture_output=True,
                             check=False)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)")
    try:
        assert compile_to(out) == 2  # empty, so ours to fill: the switch is what fails
        assert "is it a mount point?" in capsys.readouterr().err
        assert os.listdir(out) == [] and sorted(os.listdir(tmp_path)) == ["out"]
    finally:
        subprocess.run(["umount", str(out)], check=True)


@pytest.mark.parametrize("raw", [False, True], ids=["libc", "syscall"])
def test_rename_exchange_swaps_two_trees_in_the_kernel(tmp_path, raw):
    import platform

    from mlopsc.output import swap as write_swap

    if raw and platform.machine().lower() not in ("x86_64", "amd64", "aarch64", "arm64"):
        pytest.skip("no renameat2 system call number for this machine")
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
        (folder / "name").write_text(folder.name)
    assert write_swap._renameat2(a, b, write_swap._RENAME_EXCHANGE, raw=raw)
    assert ((a / "name").read_text(), (b / "name").read_text()) == ("b", "a")
    with pytest.raises(FileExistsError):
        write_swap._renameat2(a, b, write_swap._RENAME_NOREPLACE, raw=raw)


# A pull request chooses what its checkout holds: an -o inside the spec root must not lead out.

def checkout(tmp_path: Path) -> Path:
    """A PR checkout: a git work tree (the spec root) holding a copy of the flagship."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copy(FLAGSHIP, repo / "mlops.yaml")
    return repo


def outside(root: Path) -> dict[str, tuple[int, bytes]]:
    return {k: v for k, v in snapshot(root).items() if not k.startswith("repo")}


@pytest.mark.parametrize("out,links,named", [
    ("generated", {"generated": "../gitops/prod"}, "generated"),
    ("build/out", {"build": "../elsewhere"}, "build"),
    ("build/a/b/out", {"build": "../missing"}, "build"),
    ("deploy/prod", {"deploy": "../elsewhere"}, "deploy"),  # elsewhere/prod leads back in
    ("link/../out", {"link": "../elsewhere/deep"}, "link"),
], ids=["generated", "parent", "missing-parents", "ancestor", "dot-dot"])
@pytest.mark.parametrize("how", ["git", "--root"])
def test_an_output_symlink_in_the_checkout_cannot_lead_out_of_it(
        tmp_path, capsys, monkeypatch, out, links, named, how):
    repo = checkout(tmp_path)
    assert compile_to(tmp_path / "gitops" / "prod") == 0  # another team's tree
    (tmp_path / "elsewhere" / "deep").mkdir(parents=True)
    (repo / "real").mkdir()
    (tmp_path / "elsewhere" / "prod").symlink_to("../repo/real")
    for name, target in links.items():
        (repo / name).symlink_to(target)
    extra = ()
    if how == "--root":
        (repo / ".git").rmdir()
        extra = ("--root", str(repo))
    monkeypatch.chdir(repo)
    before = outside(tmp_path)
    capsys.readouterr()
    assert main(["compile", "mlops.yaml", "-o", out, *QUICK, *extra]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "spec root" in line]
    assert len(lines) == 1, err
    assert f"{named} is a symbolic link to " in lines[0] and str(repo) in lines[0], err
    assert "Traceback" not in err
    assert outside(tmp_path) == before
    assert not (tmp_path / "missing").exists()
    assert os.listdir(repo / "real") == []


def test_an_output_symlink_that_stays_in_the_checkout_is_written_through(
        tmp_path, monkeypatch):
    repo = checkout(tmp_path)
    (repo / "real").mkdir()
    (repo / "deploy").symlink_to("real")
    (repo / "sub").mkdir()
    (repo / "link").symlink_to("sub")
    monkeypatch.chdir(repo)
    for out in ("deploy", "link/new/out"):
        assert main(["compile", "mlops.yaml", "-o", out, *QUICK]) == 0
    assert assert_complete(repo / "real") and assert_complete(repo / "sub" / "new" / "out")
    assert os.readlink(repo / "deploy") == "real" and os.readlink(repo / "link") == "sub"


def test_an_output_outside_the_spec_root_is_the_ci_owners_choice(tmp_path, monkeypatch):
    repo = checkout(tmp_path)
    assert compile_to(tmp_path / "gitops" / "prod") == 0
    (tmp_path / "ci-out").symlink_to("gitops/prod")
    monkeypatch.chdir(repo)
    assert main(["compile", "mlops.yaml", "-o", str(tmp_path / "ci-out"), *QUICK,
                 "--env", "staging"]) == 0
    assert assert_complete(tmp_path / "gitops" / "prod")["environment"] == "staging"


# A folder named like a staging directory may be committed by a pull request.

_LOOKALIKE = ".out.0123456789abcdef.mlopsc-tmp"
_HEAD_SHA = hashlib.sha256(b"ref\n").hexdigest()


@pytest.mark.parametrize("marker,entries", [
    (b"", {".git/HEAD": b"ref\n", "notes.txt": b"user work\n"}),
    (MARKER_TEXT, {"notes.txt": b"user work\n"}),
    (MARKER_TEXT[:9], {"mine/data.csv": b"1,2\n"}),
    (MARKER_TEXT, {"prometheus": "../victim"}),
    (MARKER_TEXT, {".git/HEAD": b"ref\n", "manifest.json": json.dumps(
        {"generator": "mlopsc", "files": {".git/HEAD": _HEAD_SHA}}).encode()}),
], ids=["empty-marker-git", "user-file", "prefix-marker-user-dir", "symlink-at-artifact-path",
        "manifest-listing-git"])
def test_a_staging_lookalike_holding_what_mlopsc_never_writes_is_kept_and_reported(
        tmp_path, capsys, marker, entries):
    (tmp_path / "victim").mkdir()
    (tmp_path / "victim" / "keep.txt").write_text("keep")
    folder = tmp_path / _LOOKALIKE
    folder.mkdir()
    (folder / MARKER).write_bytes(marker)
    for path, content in entries.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            (folder / path).symlink_to(content)
        else:
            (folder / path).write_bytes(content)
    before = snapshot(tmp_path)
    assert compile_to(tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert f"{folder}: not provably mlopsc's" in err
    assert {k: v for k, v in snapshot(tmp_path).items() if not k.startswith("out")} == before


_OTHER = [Artifact("x/y.txt", b"y"), Artifact("z.txt", b"z")]
_LISTS_OTHER = manifest(_OTHER, version="0", spec_hash="0", environment=None).content


@pytest.mark.parametrize("marker,entries", [
    (MARKER_TEXT[:5], {}),  # killed while writing the marker
    (MARKER_TEXT, {"manifest.json": b'{"generator": "mlo'}),  # ... manifest.json, written first
    (MARKER_TEXT, {"manifest.json": _LISTS_OTHER, "x/y.txt": b"ha"}),  # another compile's tree
    (MARKER_TEXT, {"d/b.txt": b"ha"}),  # this compile's paths, written before any manifest
    (MARKER_TEXT[:3], {"manifest.json": _LISTS_OTHER, "z.txt": b"z", "x/": None}),  # deleting
], ids=["marker-prefix", "manifest-half", "other-tree", "own-paths", "old-tree"])
def test_leftovers_of_killed_compiles_are_still_removed(tmp_path, marker, entries):
    out = tmp_path / "out"
    write_tree(out, _artifacts("one"))
    folder = tmp_path / _LOOKALIKE
    folder.mkdir()
    (folder / MARKER).write_bytes(marker)
    for path, content in entries.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            (folder / path).mkdir()
        else:
            (folder / path).write_bytes(content)
    written = write_tree(out, _artifacts("two"))
    assert written.kept == ()
    assert sorted(os.listdir(tmp_path)) == ["out"]
