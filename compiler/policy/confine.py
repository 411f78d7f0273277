"""Policy bundles named by the spec (``governance.policies``) obey the spec root.

A bundle directory the spec names is untrusted like an include: refused when its path
holds a control character (E124) or is too long (E125), when absolute (E117), when it
climbs out of the spec root (E118), when it or a ``.rego`` file in it is a symlink whose
target is outside (E119) or in a ``.git`` folder (E123), when a ``.rego`` entry is not a
regular file (E120), and when git ignores a ``.rego`` file (E122; E126 when git cannot
tell). A refused bundle is not read at all, so a policy parse error can never quote a
line of another file. Bundles given with ``--policy`` are the CI owner's and are trusted,
but still read bounded and without blocking (see :mod:`mlopsc.policy.bundle`).
"""

from __future__ import annotations

import os
from pathlib import Path

from mlopsc.diagnostics import Diagnostics
from mlopsc.reading.git_ignore import IgnoreCheck
from mlopsc.reading.safe_read import NotRegular, in_special_tree
from mlopsc.reading.spec_root import Refused, SpecRoot, check_not_git, confine, short_name
from mlopsc.source import Path as SpecPath


def spec_bundle_allowed(entry: str, spec_dir: Path, root: SpecRoot | None,
                        diagnostics: Diagnostics, where: SpecPath) -> bool:
    """True when the bundle ``entry`` (relative to ``spec_dir``) may be read; otherwise a
    coded finding at ``where`` says why."""
    if root is None:
        return True
    try:
        try:
            real = confine(entry, str(spec_dir), root)
        except NotRegular as error:  # a loop of symlinks
            raise Refused("E120", f"is not a regular file ({error})") from None
        if os.path.isdir(real):
            _check_files(Path(real), root)
    except Refused as refused:
        why = ("; a spec reads only regular files under its root"
               if refused.code in ("E117", "E118", "E119", "E120") else "")
        diagnostics.add(refused.code, f"policy bundle '{short_name(entry)}' {refused.reason}{why}",
                        path=where)
        return False
    return True


def _check_files(folder: Path, root: SpecRoot) -> None:
    from mlopsc.policy.bundle import rego_files

    with IgnoreCheck() as ignore:
        for path in rego_files(folder):
            rel = path.relative_to(folder).as_posix()
            real = os.path.realpath(path)
            if not root.holds_real(real):
                raise Refused("E119", f"holds {rel}, a symbolic link to a path outside the "
                                      "spec root")
            check_not_git(real, root, f"holds {rel}, a symbolic link to")
            if not os.path.isfile(real) or in_special_tree(real):
                raise Refused("E120", f"holds {rel}, which is not a regular file")
            try:
                ignore.check(real)
            except Refused as refused:
                raise Refused(refused.code, f"holds {rel}, which {refused.reason}") from None
