"""Both an editable install and a built wheel must find every module, template and policy."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = {"compiler": "mlopsc", "targets": "mlopsc/targets", "policies": "mlopsc/policies"}
DATA_SUFFIXES = (".rego", ".j2", ".json")


def expected_members() -> set[str]:
    """Every module and data file of the source folders, as wheel member names."""
    members = set()
    for folder, package in SOURCE_DIRS.items():
        for path in (ROOT / folder).rglob("*"):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if path.suffix == ".py" or path.suffix in DATA_SUFFIXES:
                members.add(f"{package}/{path.relative_to(ROOT / folder).as_posix()}")
    return members


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(out), str(ROOT)], check=True, capture_output=True)
    (found,) = out.glob("mlopsc-*.whl")
    return found


def test_wheel_holds_every_module_template_and_policy(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(expected_members() - names)
    assert missing == [], f"not in the wheel: {missing}"
    assert not [n for n in names if n.startswith(("compiler/", "targets/", "policies/"))]


def test_wheel_installs_and_compiles_the_flagship(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    # Not system_site_packages: run from inside a venv, that would see the base interpreter's
    # packages rather than this one's. The dependencies come from the interpreter running the
    # tests, appended after the venv's own site-packages so the wheel's mlopsc comes first.
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([str(python), "-c", purelib],
                          check=True, capture_output=True, text=True).stdout.strip()
    host = [p for p in sys.path if p.endswith("-packages") and Path(p).is_dir()]
    Path(site, "host-dependencies.pth").write_text("\n".join(host) + "\n")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)  # an install without network
    env = {**os.environ, "PYTHONPATH": ""}
    check = ("import mlopsc, pathlib; "
             "print(pathlib.Path(mlopsc.__file__).parent)")
    where = subprocess.run([str(python), "-I", "-c", check], check=True, capture_output=True,
                           text=True, env=env, cwd=tmp_path).stdout.strip()
    assert where.startswith(site), where
    out = tmp_path / "out"
    run = subprocess.run([str(python), "-I", "-m", "mlopsc.cli", "compile",
                          str(ROOT / "mlops.yaml"), "-o", str(out)],
                         capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (out / "manifest.json").is_file()


def test_editable_install_finds_everything():
    import importlib
    import importlib.resources

    for member in sorted(expected_members()):
        if member.endswith("__main__.py"):
            continue  # importing it would run the CLI
        if member.endswith(".py"):
            module = member[:-3].replace("/", ".").removesuffix(".__init__")
            importlib.import_module(module)
        else:
            parts = member.split("/")
            # find the deepest importable package holding the file
            for cut in range(len(parts) - 1, 0, -1):
                try:
                    root = importlib.resources.files(".".join(parts[:cut]))
                    break
                except ModuleNotFoundError:
                    continue
            assert root.joinpath(*parts[cut:]).is_file(), member


# Imported only where the test suite runs them: the in-process real OPA of the parity tests.
TEST_ONLY_IMPORTS = {"opa_bindings"}


def _imported_distributions() -> set[str]:
    """The distributions whose modules compiler/ and targets/ import (ast, not text)."""
    import ast
    from importlib.metadata import packages_distributions

    owners = packages_distributions()
    found: set[str] = set()
    for source in [*ROOT.glob("compiler/**/*.py"), *ROOT.glob("targets/**/*.py")]:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module
                     and not node.level else [])
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in TEST_ONLY_IMPORTS or top == "mlopsc":
                    continue
                assert top in owners, f"{source}: {top} is installed by no distribution"
                found.update(owners[top])
    return found


def _closure(requirements: list[str]) -> set[str]:
    """Every distribution the requirements install, transitively (by installed metadata)."""
    import re
    from importlib.metadata import PackageNotFoundError, requires

    seen: set[str] = set()
    todo = [r for r in requirements if "extra ==" not in r]
    while todo:
        name = re.split(r"[ ;<>=!~\[(]", todo.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        with contextlib.suppress(PackageNotFoundError):
            todo += [r for r in requires(name) or [] if "extra ==" not in r]
    return seen


def test_every_imported_library_is_a_declared_dependency(wheel):
    """`pip install .` in a fresh venv installs what the code imports: a library that only
    the test extra brought (jsonschema once) fails here, not on a user's first compile."""
    with zipfile.ZipFile(wheel) as archive:
        meta = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        lines = archive.read(meta).decode().splitlines()
    declared = [line.split(":", 1)[1].strip() for line in lines
                if line.startswith("Requires-Dist:")]
    installed = _closure(declared)
    missing = sorted(d for d in _imported_distributions()
                     if d.lower().replace("_", "-") not in installed)
    assert missing == [], f"imported but not a dependency of the wheel: {missing}"
