"""Both an editable install and a built wheel must find every module, template and policy."""

from __future__ import annotations

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
