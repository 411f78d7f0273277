"""The index of the output directory (README.md, index.json): it lists exactly the files a
compile wrote, and every command it names runs, as written, with the real tool where the
tool is installed here (kubectl kustomize, promtool, dot, the OpenLineage and KFP POSTs
against a loopback server, cp, mlopsc) or resolves to a real subcommand and options of
the tool (kubectl apply, kfp's click commands, airflow in the Airflow venv).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import ROOT

from mlopsc import api
from mlopsc.output.index import expand
from mlopsc.output.index_md import fenced

EPOCH = "1794700800"
FLAGSHIP = ROOT / "mlops.yaml"


def _compile(out: Path, spec: Path = FLAGSHIP, targets: tuple[str, ...] | None = None) -> None:
    result = api.compile(api.Options(spec=str(spec), version="0.1.0", targets=targets))
    assert not result.blocked(), [str(d) for d in result.diagnostics]
    api.write(result, str(out))


def _files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


# One worker builds the module fixture (scripts/test.sh runs with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("out-index")

@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    out = tmp_path_factory.mktemp("flagship") / "out"
    try:
        _compile(out)
        yield out
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def _index(out: Path) -> dict[str, object]:
    document: dict[str, object] = json.loads((out / "index.json").read_text())
    return document


def _steps(out: Path) -> list[dict[str, str]]:
    folders: list[dict[str, object]] = _index(out)["folders"]  # type: ignore[assignment]
    return [step for folder in folders for step in folder["steps"]]  # type: ignore[attr-defined]


def test_index_lists_exactly_the_files_written(flagship: Path) -> None:
    index = _index(flagship)
    assert index["files"] == _files(flagship)
    folders = index["folders"]
    assert [f["folder"] for f in folders] == index["order"]  # type: ignore[attr-defined]
    listed = sorted(p for f in folders for p in f["files"])  # type: ignore[attr-defined]
    assert listed == [p for p in _files(flagship) if "/" in p]
    assert index["order"] == ["prometheus", "kubernetes", "airflow", "kubeflow", "governance",
                              "lineage", "model-card"]


def test_target_selection_lists_only_what_was_written(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    _compile(out, targets=("kubernetes",))
    index = _index(out)
    assert index["order"] == ["kubernetes", "governance", "lineage"]
    assert index["files"] == _files(out)
    readme = (out / "README.md").read_text()
    assert "kubectl kustomize kubernetes/prod/fraud-scorer\n" in readme
    assert "promtool" not in readme and "kubeflow/" not in readme


def test_a_plugin_describes_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    from mlopsc import registry

    assert registry.declaration("argo-workflows").apply is not None
    out = tmp_path / "out"
    _compile(out, spec=ROOT / "examples" / "minimal" / "mlops.yaml", targets=("inventory",))
    inventory = next(f for f in _index(out)["folders"]  # type: ignore[attr-defined]
                     if f["folder"] == "inventory")
    assert inventory["files"] == ["inventory/inventory.csv"] and inventory["steps"] == []


def test_index_bytes_are_deterministic(flagship: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = tmp_path / "again"
    _compile(again)
    for name in ("README.md", "index.json", "manifest.json"):
        assert (again / name).read_bytes() == (flagship / name).read_bytes()
    manifest = json.loads((flagship / "manifest.json").read_text())
    assert {"README.md", "index.json"} <= set(manifest["files"])


def _run(out: Path, command: str, env: dict[str, str] | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], check=False, cwd=out, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def test_promtool_and_kubectl_commands_run_as_written(flagship: Path) -> None:
    ran = 0
    for step in _steps(flagship):
        command = step["command"]
        if command.startswith(("promtool check rules ", "promtool test rules ",
                               "kubectl kustomize ")):
            done = _run(flagship, command)
            assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
            ran += 1
    assert ran >= 7 + 4 + 2, ran


def test_apply_commands_name_real_kubectl_options(flagship: Path) -> None:
    helps = {}
    for step in _steps(flagship):
        words = shlex.split(step["command"])
        if words[0] != "kubectl":
            continue
        verb = words[1]
        if verb not in helps:
            done = subprocess.run(["kubectl", verb, "--help"], check=False,
                                  capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
            helps[verb] = done.stdout
        for option in (w for w in words[2:] if w.startswith("-")):
            assert f"{option}," in helps[verb] or f"{option}=" in helps[verb], (option, verb)
    assert {"kustomize", "apply"} <= set(helps)


def test_dot_and_cp_commands_run(flagship: Path, tmp_path: Path) -> None:
    steps = _steps(flagship)
    dot = next(s["command"] for s in steps if s["tool"] == "dot")
    done = _run(flagship, dot)
    assert done.returncode == 0 and "<svg" in done.stdout, done.stderr
    copy = next(s["command"] for s in steps if s["tool"] == "cp" and "AIRFLOW_HOME" in
                s["command"])
    (tmp_path / "airflow" / "dags").mkdir(parents=True)
    done = _run(flagship, copy, {"AIRFLOW_HOME": str(tmp_path / "airflow")})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "airflow" / "dags" / "fraud-features.py").is_file()


class _Recorder(BaseHTTPRequestHandler):
    bodies: ClassVar[list[tuple[str, bytes]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        type(self).bodies.append((self.path, self.rfile.read(length)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[tuple[str, list[tuple[str, bytes]]]]:
    _Recorder.bodies = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.bodies
    finally:
        server.shutdown()


def test_recurring_run_post_is_a_kfp_recurring_run(
        flagship: Path, loopback: tuple[str, list[tuple[str, bytes]]]) -> None:
    import kfp_server_api

    url, bodies = loopback
    step = next(s for s in _steps(flagship) if s["file"].endswith(".recurring-run.yaml"))
    done = _run(flagship, step["command"], {"KFP_ENDPOINT": url, "PIPELINE_ID": "p-123",
                                            "PATH": f"{Path(sys.executable).parent}:"
                                                    f"{os.environ['PATH']}"})
    assert done.returncode == 0, done.stderr
    (path, body), = bodies
    assert path == "/apis/v2beta1/recurringruns"
    run = json.loads(body)
    assert set(run) <= set(kfp_server_api.V2beta1RecurringRun.openapi_types)
    reference = run["pipeline_version_reference"]
    assert reference == {"pipeline_id": "p-123"}
    kfp_server_api.V2beta1PipelineVersionReference(**reference)
    assert run["trigger"]["cron_schedule"]["cron"] == "0 0 2 * * *"


def test_openlineage_loop_posts_every_event(
        flagship: Path, loopback: tuple[str, list[tuple[str, bytes]]]) -> None:
    url, bodies = loopback
    step = next(s for s in _steps(flagship) if s["file"] == "lineage/openlineage.jsonl")
    done = _run(flagship, step["command"], {"OPENLINEAGE_URL": url})
    assert done.returncode == 0, done.stderr
    lines = (flagship / "lineage" / "openlineage.jsonl").read_text().splitlines()
    assert [json.loads(b) for _, b in bodies] == [json.loads(line) for line in lines]
    assert {p for p, _ in bodies} == {"/api/v1/lineage"}


def test_kfp_upload_command_is_a_real_kfp_cli_command(flagship: Path) -> None:
    import click
    from kfp.cli.cli import cli

    step = next(s for s in _steps(flagship) if s["tool"] == "kfp")
    words = shlex.split(step["command"].replace('"$KFP_ENDPOINT"', "http://127.0.0.1:1"))
    assert words[0] == "kfp"
    context = cli.make_context("kfp", words[1:], resilient_parsing=False)
    with warnings.catch_warnings():  # click 8.2 deprecates protected_args; 8.1 needs it
        warnings.simplefilter("ignore", DeprecationWarning)
        rest = [*context.protected_args, *context.args]
    group = cli.get_command(context, rest[0])
    assert isinstance(group, click.Group)
    command = group.get_command(context, rest[1])
    assert command is not None and command.name == "create"
    sub = command.make_context("create", rest[2:], parent=context)
    assert sub.params["pipeline_name"] == "fraud-training"
    assert sub.params["package_file"] == "kubeflow/fraud-training.yaml"
    assert step["file"] == "kubeflow/fraud-training.yaml"


def test_airflow_and_mlopsc_commands_are_real_subcommands(flagship: Path) -> None:
    python = os.environ.get("MLOPSC_AIRFLOW_PYTHON", str(ROOT / ".venv-airflow/bin/python"))
    airflow = Path(python).parent / "airflow"
    assert airflow.is_file(), f"the Airflow venv's airflow CLI is needed: {airflow}"
    steps = _steps(flagship)
    command = shlex.split(next(s["command"] for s in steps if s["tool"] == "airflow"))
    done = subprocess.run([str(airflow), *command[1:], "--help"], check=False,
                          capture_output=True,
                          text=True, timeout=180,
                          env={**os.environ, "AIRFLOW_HOME": str(flagship.parent / "af")})
    assert done.returncode == 0 and "list-import-errors" in done.stdout, done.stderr
    diff = next(s["command"] for s in steps if s["tool"] == "mlopsc")
    done = _run(flagship, diff.replace("mlopsc ", f"{shlex.quote(sys.executable)} -m mlopsc ",
                                       1), {"OLD": "."})
    assert done.returncode == 0, done.stderr


def test_every_tool_named_is_one_the_tests_cover(flagship: Path) -> None:
    tools = {step["tool"] for step in _steps(flagship)}
    assert tools == {"promtool", "kubectl", "cp", "airflow", "kfp", "curl", "dot", "mlopsc"}
    assert all(shutil.which(tool) for tool in tools - {"airflow", "kfp", "mlopsc"})


@pytest.mark.parametrize("path", ["a b/c'd.yaml", "x/$(touch pwned)`id`;.yaml",
                                  "x/{dir}{name}.yaml"])
def test_substituted_paths_stay_one_shell_word(path: str) -> None:
    command = expand("tool {path} {dir} {name}", path)
    words = shlex.split(command)
    assert words[1] == path and words[2] == path.rsplit("/", 1)[0]
    assert words[3] == path.rsplit("/", 1)[1].split(".", 1)[0]


def test_fenced_commands_cannot_close_their_block() -> None:
    block = fenced(["echo '```'", "echo '````'"])
    fence = block.split("sh\n", 1)[0]
    assert fence == "`````" and block.endswith("\n" + fence)
