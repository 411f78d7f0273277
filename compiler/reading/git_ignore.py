"""Ask git whether a file is ignored (and untracked): such a file is no spec input.

A CI job often writes files into the work tree before mlopsc runs: secrets decrypted into
``secrets.yaml``, a ``.env``. They lie under the spec root, so path rules alone let a pull
request include them and have their values quoted in findings. git knows them: they are
ignored and untracked. ``git check-ignore`` without ``--no-index`` answers exactly that
(a tracked file is never reported). One ``git check-ignore --stdin -z -v -n`` process per
work tree answers every question of one load, so a spec of many includes starts git once.

When git cannot answer (not installed, refused the repository, crashed, silent for 10 s)
the file is refused too (E126): failing closed is the trust model's rule
(``docs/security.md``). Outside any git work tree nothing is asked.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import tempfile

from mlopsc.reading.spec_root import Refused

_TIMEOUT = 10.0
_ENV_DROP = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR",
             "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE")


def work_tree(real: str, cache: dict[str, str | None] | None = None) -> str | None:
    """The nearest folder above the real path ``real`` holding a ``.git`` entry, or None."""
    cache = {} if cache is None else cache
    probe, walked = os.path.dirname(real), []
    while probe not in cache:
        walked.append(probe)
        if os.path.lexists(os.path.join(probe, ".git")):
            cache[probe] = probe
            break
        parent = os.path.dirname(probe)
        if parent == probe:
            cache[probe] = None
            break
        probe = parent
    found = cache[probe]
    for folder in walked:
        cache[folder] = found
    return found


class IgnoreCheck:
    """Answers "may this real path be read?" for one load; :meth:`close` ends git."""

    def __init__(self) -> None:
        self._trees: dict[str, str | None] = {}
        self._gits: dict[str, _Git] = {}

    def check(self, real: str) -> None:
        """Raise :class:`Refused` (E122 ignored, E126 git cannot tell) for ``real``."""
        tree = work_tree(real, self._trees)
        if tree is None:
            return
        git = self._gits.get(tree)
        if git is None:
            git = self._gits[tree] = _Git(tree)
        ignored = git.ask(os.path.relpath(real, tree))
        if ignored is None:
            raise Refused("E126", f"cannot be checked against .gitignore ({git.error}); a "
                                  "file git might ignore is not read")
        if ignored:
            raise Refused("E122", f"is ignored by git ({ignored}) and not tracked")

    def close(self) -> None:
        for git in self._gits.values():
            git.close()
        self._gits.clear()

    def __enter__(self) -> IgnoreCheck:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class _Git:
    """One ``git check-ignore`` coprocess; after a failure every answer is None."""

    def __init__(self, tree: str) -> None:
        self.error = ""
        self.buffer = b""
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as git; close()
        env = {k: v for k, v in os.environ.items() if k not in _ENV_DROP}
        env.update(GIT_FLUSH="1", GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
        try:
            self.process: subprocess.Popen[bytes] | None = subprocess.Popen(
                ["git", "-C", tree, "check-ignore", "--stdin", "-z", "-v", "-n"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, env=env)
        except OSError as error:
            self.process = None
            self.error = f"git cannot run: {error.strerror or error}"

    def ask(self, rel: str) -> str | None:
        """'' when not ignored, the matching rule when ignored, None when git failed."""
        if self.process is None or self.process.stdin is None:  # stdin: a pipe, see __init__
            return None
        try:
            # "./" keeps a name like ":(glob)x" from being read as pathspec magic
            self.process.stdin.write(b"./" + os.fsencode(rel) + b"\0")
            self.process.stdin.flush()
            fields = self._fields(4)
        except (OSError, ValueError):
            fields = None
        if fields is None:
            self._fail()
            return None
        source, line, pattern, _ = (f.decode("utf-8", "replace") for f in fields)
        if not pattern or pattern.startswith("!"):  # no rule, or a negated one: not ignored
            return ""
        return f"{os.path.basename(source)}:{line}: {pattern}"

    def _fields(self, count: int) -> list[bytes] | None:
        assert self.process is not None and self.process.stdout is not None  # see ask()
        out = self.process.stdout.fileno()
        while self.buffer.count(b"\0") < count:
            ready, _, _ = select.select([out], [], [], _TIMEOUT)
            chunk = os.read(out, 65536) if ready else b""
            if not chunk:
                return None
            self.buffer += chunk
        *fields, self.buffer = self.buffer.split(b"\0", count)
        return fields

    def _fail(self) -> None:
        self.stderr.seek(0)
        said = self.stderr.read(4096).decode("utf-8", "replace").strip().splitlines()
        self.error = "git failed: " + (said[0][:200] if said else "no answer")
        self.close()

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            for pipe in (self.process.stdin, self.process.stdout):
                # git may have left first: closing flushes a write it never read
                with contextlib.suppress(OSError):
                    if pipe is not None:
                        pipe.close()
            self.process = None
        self.stderr.close()
