"""A compile killed at any moment leaves DIR as the complete old tree or the complete new one.

Real compiles (``python3 -m mlopsc compile mlops.yaml -o DIR``) of the flagship are
SIGKILLed at random moments: most just after the lock file beside DIR appears (the write
phase, which is short), the others anywhere in the run. Each run switches between four
trees that differ (prometheus only or every target, environment prod or staging), so the
old and the new tree are told apart; after each kill DIR must equal one of them byte for
byte and match its own manifest. A second test forks writers of the same trees and kills
them thousands of times inside the write itself. Time is bounded by
``MLOPSC_KILL_SECONDS`` (default 30 for the compiles, a third of it for the writers).
"""

from __future__ import annotations

import datetime
import fcntl
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mlopsc import api
from mlopsc.output.write import write_tree

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = str(ROOT / "mlops.yaml")
BUDGET = float(os.environ.get("MLOPSC_KILL_SECONDS", "30"))
COMBOS = (("prometheus", "prod"), ("prometheus", "staging"), (None, "prod"), (None, "staging"))
_BESIDE = re.compile(r"out|\.out\.mlopsc\.lock|\.out\.[0-9a-f]{16}\.mlopsc-tmp")
_STAGING = re.compile(r"\.out\.[0-9a-f]{16}\.mlopsc-tmp")


def command(out: Path, combo) -> list[str]:
    target, env = combo
    return [sys.executable, "-m", "mlopsc", "compile", FLAGSHIP, "-o", str(out), "--env", env,
            "--today", "2026-11-20", *(("--target", target) if target else ())]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def references(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("references")
    runs = [subprocess.Popen(command(base / str(i), combo), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE) for i, combo in enumerate(COMBOS)]
    for run in runs:
        _, err = run.communicate()
        assert run.returncode == 0, err.decode()
    trees = {combo: tree(base / str(i)) for i, combo in enumerate(COMBOS)}
    assert len({tuple(sorted(t.items())) for t in trees.values()}) == len(COMBOS)
    return trees


def check_beside(parent: Path, finished: bool) -> None:
    """Only DIR, its lock and staging names beside it; none of the latter after a run."""
    names = [p.name for p in parent.iterdir()]
    assert all(_BESIDE.fullmatch(name) for name in names), names
    if finished:
        assert names == ["out"], names


def identify(out: Path, references: dict, allowed: set) -> object:
    """Which reference tree DIR holds (one of ``allowed``; ``None`` for no DIR)."""
    if not out.exists():
        assert None in allowed, "the output directory is gone"
        return None
    found = tree(out)
    for combo in allowed - {None}:
        if found == references[combo]:
            return combo
    raise AssertionError(f"half a tree: {len(found)} files, not the old or the new tree")


def staging_names(parent: Path) -> set[str]:
    return {name for name in os.listdir(parent) if _STAGING.fullmatch(name)}


def lock_held(lock: Path) -> bool:
    """Whether a compile holds the lock now (it does for its whole write phase)."""
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def kill_at_random(run: subprocess.Popen, parent: Path, rng: random.Random,
                   full: bool) -> bool:
    """SIGKILL ``run``; most often once its staging directory appears. True if writing."""
    if rng.random() < 0.75:
        # A killed run leaves its lock file and staging behind: wait for a new staging name.
        before = staging_names(parent)
        while run.poll() is None and not staging_names(parent) - before:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.3 if full else 0.12))
    else:
        time.sleep(rng.uniform(0, 4.0))
    writing = lock_held(parent / ".out.mlopsc.lock")
    if run.poll() is None:
        run.send_signal(signal.SIGKILL)
    return writing


def worker(parent: Path, references: dict, deadline: float, seed: int) -> Counter:
    rng, stats, current = random.Random(seed), Counter(), None
    parent.mkdir()
    out = parent / "out"
    while time.monotonic() < deadline:
        combo = rng.choice([c for c in COMBOS if c != current])
        run = subprocess.Popen(command(out, combo), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
        writing = kill_at_random(run, parent, rng, full=combo[0] is None)
        _, err = run.communicate()
        assert run.returncode in (0, -signal.SIGKILL), err.decode()
        found = identify(out, references, {current, combo})
        if run.returncode == 0:
            assert found == combo
        check_beside(parent, finished=run.returncode == 0)
        stats[("killed" if run.returncode else "finished", "writing" if writing else "-",
               "old" if found == current else "new")] += 1
        current = found
    return stats


def test_killed_compiles_leave_the_old_or_the_new_tree(tmp_path, references):
    deadline = time.monotonic() + BUDGET
    workers = max(2, os.cpu_count() or 1)
    with ThreadPoolExecutor(workers) as pool:
        jobs = [pool.submit(worker, tmp_path / f"w{i}", references, deadline, i)
                for i in range(workers)]
        stats = sum((job.result() for job in jobs), Counter())
    print("\nkilled compiles:", dict(sorted(stats.items())))
    killed_writing = {k: v for k, v in stats.items() if k[:2] == ("killed", "writing")}
    assert sum(stats.values()) >= 2 * workers
    assert sum(killed_writing.values()) >= workers, stats


def waiting_on(pid: int, lock: Path) -> bool:
    """Whether process ``pid`` has ``lock`` open (a compile waiting for its turn)."""
    fds = Path(f"/proc/{pid}/fd")
    try:
        return any(os.readlink(fd) == str(lock) for fd in fds.iterdir())
    except OSError:
        return False


def test_concurrent_compiles_take_turns(tmp_path, references):
    out, lock = tmp_path / "out", tmp_path / ".out.mlopsc.lock"
    held = os.open(lock, os.O_RDWR | os.O_CREAT)
    fcntl.flock(held, fcntl.LOCK_EX)  # both reach the write phase while it is taken
    combos = (COMBOS[0], COMBOS[3])
    runs = [subprocess.Popen(command(out, c), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE) for c in combos]
    deadline = time.monotonic() + 120
    while not all(waiting_on(r.pid, lock) for r in runs) and time.monotonic() < deadline:
        assert all(r.poll() is None for r in runs)
        time.sleep(0.01)
    os.unlink(lock)  # release as a compile does: unlink, then unlock
    os.close(held)
    for run in runs:
        _, err = run.communicate()
        assert run.returncode == 0, err.decode()
    assert identify(out, references, set(combos)) in combos
    check_beside(tmp_path, finished=True)
    # And without help: two compiles started together both succeed, one after the other.
    runs = [subprocess.Popen(command(out, c), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE) for c in reversed(combos)]
    assert [run.wait() for run in runs] == [0, 0]
    assert identify(out, references, set(combos)) in combos
    check_beside(tmp_path, finished=True)


def _fork_writer(out: Path, artifacts) -> int:
    pid = os.fork()
    if pid == 0:  # the child: write, then leave without running pytest's teardown
        status = 3
        try:
            written = write_tree(out, artifacts)
            status = 4 if written.kept else 0
        finally:
            os._exit(status)
    return pid


def _write_time(out: Path, artifacts) -> float:
    start = time.monotonic()
    os.waitpid(_fork_writer(out, artifacts), 0)
    return time.monotonic() - start


def test_killed_writers_leave_the_old_or_the_new_tree(tmp_path, references):
    assert threading.active_count() == 1  # fork only a single-threaded process
    artifacts = {}
    for target, env in COMBOS:
        result = api.compile(api.Options(spec=FLAGSHIP, environment=env, today=_TODAY,
                                         targets=(target,) if target else None))
        artifacts[(target, env)] = result.artifacts
        assert {a.path: a.content for a in result.artifacts} == references[(target, env)]
    out = tmp_path / "out"
    spans = {combo: 1.3 * _write_time(out, artifacts[combo]) for combo in COMBOS}
    rng, stats, current = random.Random(7), Counter(), COMBOS[-1]
    deadline = time.monotonic() + BUDGET / 3
    while time.monotonic() < deadline:
        combo = rng.choice([c for c in COMBOS if c != current])
        pid = _fork_writer(out, artifacts[combo])
        time.sleep(rng.uniform(0, spans[combo]))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status)
        assert killed or os.WEXITSTATUS(status) == 0, os.WEXITSTATUS(status)
        found = identify(out, references, {current, combo})
        check_beside(tmp_path, finished=not killed)
        stats[("killed" if killed else "finished", "old" if found == current else "new")] += 1
        current = found
    print("\nkilled writers:", dict(sorted(stats.items())),
          {f"{c[0] or 'all'}/{c[1]}": f"{s * 1000:.0f} ms" for c, s in spans.items()})
    assert stats[("killed", "old")] and stats[("killed", "new")], stats


_TODAY = datetime.date(2026, 11, 20)
