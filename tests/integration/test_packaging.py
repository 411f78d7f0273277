"""Both an editable install and a built wheel must find every module, template and policy."""

from __future__ import annotations

import contextlib
import json
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


# One worker builds the wheel: two builds in the same source tree (build/, the egg-info)
# race (scripts/test.sh runs with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("packaging")

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


# A cold pip cache downloads kfp's closure (about 60 packages); a warm one installs in ~30 s.
INSTALL_TIMEOUT = 900


def _isolated_env() -> dict[str, str]:
    """The environment without anything that adds the runner's packages to another python."""
    drop = {"PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "VIRTUAL_ENV"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def _venv_with_the_wheel(wheel: Path, env_dir: Path) -> Path:
    """A new venv holding the wheel and its dependencies from the package index, at the pins of
    constraints/test.txt (pip's cache makes a second install fast). Not from the interpreter
    running the tests: no system site-packages, no path into its site-packages."""
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
         "--timeout", "60", "--retries", "2", "-c", str(ROOT / "constraints" / "test.txt"),
         str(wheel)],
        capture_output=True, text=True, env=_isolated_env(), timeout=INSTALL_TIMEOUT,
        check=False)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    return python


def test_wheel_installs_from_the_index_and_compiles_the_flagship(wheel, tmp_path):
    # One test, so that pytest-xdist builds the venv once.
    python = _venv_with_the_wheel(wheel, tmp_path / "venv")
    env = _isolated_env()
    probe = ("import importlib.util, json, pathlib, sys, mlopsc; print(json.dumps({"
             "'mlopsc': str(pathlib.Path(mlopsc.__file__).parent), 'path': sys.path, "
             "'missing': [m for m in sys.argv[1:] if importlib.util.find_spec(m) is None]}))")
    tops = sorted(_imported_top_levels())
    seen = json.loads(subprocess.run([str(python), "-I", "-c", probe, *tops], check=True,
                                     capture_output=True, text=True, env=env,
                                     cwd=tmp_path).stdout)
    assert seen["mlopsc"].startswith(str(tmp_path / "venv")), seen["mlopsc"]
    runner_sites = {p for p in sys.path if p.endswith("-packages")}
    assert runner_sites.isdisjoint(seen["path"]), "the venv sees the runner's packages"
    assert seen["missing"] == [], "imported by mlopsc, not installed with the wheel"
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


def _imported_top_levels() -> set[str]:
    """The top-level modules compiler/ and targets/ import from outside mlopsc (ast, not
    text), less the standard library and the test-only ones."""
    import ast

    found: set[str] = set()
    for source in [*ROOT.glob("compiler/**/*.py"), *ROOT.glob("targets/**/*.py")]:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module
                     and not node.level else [])
            found.update(name.split(".")[0] for name in names)
    return {top for top in found if top not in sys.stdlib_module_names
            and top not in TEST_ONLY_IMPORTS and top != "mlopsc"}


def _imported_distributions() -> set[str]:
    """The distributions whose modules compiler/ and targets/ import."""
    from importlib.metadata import packages_distributions

    owners = packages_distributions()
    found: set[str] = set()
    for top in _imported_top_levels():
        assert top in owners, f"{top} is installed by no distribution"
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
