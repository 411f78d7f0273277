"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit (PyPI) in a temporary
repository, the way a user's .pre-commit-config.yaml would run them.

pre-commit clones the hook repository at a git revision and installs it into a fresh
virtualenv with pip, so the test first commits a copy of the current working tree (its
tracked and non-ignored files) into a temporary repository. A user's config naming that
repository and revision then runs ``mlopsc-validate`` against a good spec (exit 0) and a bad
one (exit 1, the finding printed), and ``mlopsc-compile-check`` on missing, fresh and
hand-edited outputs, all in one test so that pre-commit installs the hook's environment
once (``try-repo`` would install it again on every call).
pre-commit builds the hook's virtualenv with ``VIRTUALENV_SYSTEM_SITE_PACKAGES`` set here,
so pip builds mlopsc from the clone and takes its dependencies from the interpreter running
the tests (already installed) instead of downloading them again for every try-repo (a clean
install from PyPI takes minutes per call); every call is still bounded by a timeout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

INSTALL_TIMEOUT = 900
"""Seconds a pre-commit run may take, installing the hook's environment included."""
GOOD = (ROOT / "examples" / "minimal" / "mlops.yaml").read_text()
BAD = GOOD.replace("pipeline: iris-train", "pipeline: iris-trian")
EPOCH = "1794700800"


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout


def _snapshot(dest: Path) -> str:
    """Commit the working tree's tracked and non-ignored files into ``dest``; its HEAD."""
    listed = subprocess.run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True, timeout=60).stdout
    dest.mkdir()
    for name in sorted(set(listed.decode().split("\0")) - {""}):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    _git(dest, "init", "-q", "-b", "main")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "snapshot")
    return _git(dest, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    assert shutil.which("git"), "git is needed by pre-commit"
    base = tmp_path_factory.mktemp("hooks")
    return base / "mlopsc", _snapshot(base / "mlopsc")


def _project(base: Path, spec: str) -> Path:
    project = base / "project"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir()
    (project / "mlops.yaml").write_text(spec)
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    return project


def _pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "SOURCE_DATE_EPOCH": EPOCH,
           "PRE_COMMIT_COLOR": "never", "VIRTUALENV_SYSTEM_SITE_PACKAGES": "true"}
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], check=False, cwd=project,
                          env=env,
                          capture_output=True, text=True, timeout=INSTALL_TIMEOUT)


def test_pre_commit_is_the_pinned_one() -> None:
    done = subprocess.run([sys.executable, "-m", "pre_commit", "--version"], check=False,
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "pre-commit 4.7.0"


def test_manifest_declares_both_hooks() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"mlopsc-validate", "mlopsc-compile-check"}
    assert hooks["mlopsc-validate"]["entry"] == "mlopsc validate"
    assert hooks["mlopsc-compile-check"]["entry"] == "mlopsc compile --check"
    assert all(h["language"] == "python" and h["pass_filenames"] is False
               for h in hooks.values())


def _configure(project: Path, repo: Path, rev: str) -> None:
    """A user's .pre-commit-config.yaml naming the hooks repository at ``rev``."""
    config = {"repos": [{"repo": str(repo), "rev": rev, "hooks": [
        {"id": "mlopsc-validate"}, {"id": "mlopsc-compile-check"}]}]}
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    _git(project, "add", "-A")


def test_hooks_in_a_users_repository(hooks_repo: tuple[Path, str], tmp_path: Path) -> None:
    """Both hooks as a user's config runs them. One test, so pre-commit builds the hook's
    environment once (one pip install of the snapshot) for every case."""
    repo, rev = hooks_repo
    home = tmp_path / "home"
    for spec, code in ((GOOD, 0), (BAD, 1)):
        project = _project(tmp_path, spec)
        _configure(project, repo, rev)
        done = _pre_commit(project, home, "run", "mlopsc-validate", "--all-files")
        output = done.stdout + done.stderr
        assert done.returncode == code, output
        assert "mlops.yaml" in output or code == 0, output
        if code:
            assert "iris-trian" in output and "error[" in output, output

    project = _project(tmp_path, GOOD)
    _configure(project, repo, rev)
    missing = _pre_commit(project, home, "run", "mlopsc-compile-check", "--all-files")
    assert missing.returncode == 1, missing.stdout + missing.stderr  # no out/ yet
    # The outputs as the hook's own mlopsc (the snapshot's) writes them.
    mlopsc, = home.glob("repo*/py_env-*/bin/mlopsc")
    subprocess.run([str(mlopsc), "compile", "mlops.yaml", "-o", "out"], cwd=project,
                   env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, check=True,
                   capture_output=True, timeout=300)
    _git(project, "add", "-A")
    fresh = _pre_commit(project, home, "run", "mlopsc-compile-check", "--all-files")
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    report = project / "out" / "governance" / "report.md"
    report.write_text(report.read_text() + "edited by hand\n")
    stale = _pre_commit(project, home, "run", "mlopsc-compile-check", "--all-files")
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "report.md" in stale.stdout + stale.stderr
