"""The GitHub Pages workflow: actionlint finds nothing, and the build does what Pages needs.

actionlint and shellcheck come from PyPI wheels listed in the ``test`` extra, so
``make install`` puts them in ``.venv/bin`` next to the interpreter running these tests.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pelican import parse_arguments

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
PAGES = WORKFLOWS / "pages.yml"
BASE_URL = "https://example.github.io/news-digest"


def _tool(name: str) -> str | None:
    """The tool installed beside this interpreter (the project's venv), else one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    return shutil.which(name)


@pytest.fixture(scope="module")
def workflow() -> dict:
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    data = yaml.safe_load(PAGES.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def _steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def _step_using(workflow: dict, job: str, action: str) -> dict:
    for step in _steps(workflow, job):
        if step.get("uses", "").split("@")[0] == action:
            return step
    raise AssertionError(f"job {job!r} has no step using {action}")


def _build_step(workflow: dict) -> dict:
    for step in _steps(workflow, "build"):
        if "pelican" in step.get("run", ""):
            return step
    raise AssertionError("job 'build' has no step that runs pelican")


@pytest.mark.skipif(_tool("actionlint") is None, reason="actionlint is not installed")
def test_actionlint_reports_no_finding_on_any_workflow():
    files = sorted(str(p.relative_to(ROOT)) for p in WORKFLOWS.glob("*.y*ml"))
    assert files, "no workflow files found"
    command = [_tool("actionlint"), "-format", "{{json .}}"]
    shellcheck = _tool("shellcheck")
    # Always name shellcheck (or disable it) so the result does not depend on the PATH.
    command += ["-shellcheck", shellcheck or ""]
    result = subprocess.run(
        [*command, *files], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode in (0, 1), result.stderr
    findings = json.loads(result.stdout or "[]")
    messages = [f"{f['filepath']}:{f['line']}:{f['column']}: {f['message']}" for f in findings]
    assert messages == []
    assert result.returncode == 0


@pytest.mark.skipif(_tool("actionlint") is None, reason="actionlint is not installed")
def test_actionlint_catches_a_broken_workflow(tmp_path):
    """Guards against a linter that silently checks nothing."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ steps.missing.outputs.x }}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [_tool("actionlint"), "-shellcheck", "", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "missing" in result.stdout


def test_runs_on_push_to_main_and_by_hand(workflow):
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in workflow["on"]


def test_has_the_permissions_pages_deployment_needs(workflow):
    assert workflow["permissions"] == {
        "contents": "read",
        "pages": "write",
        "id-token": "write",
    }
    assert workflow["concurrency"]["group"] == "pages"


def test_build_installs_the_project_itself(workflow):
    runs = " ".join(step.get("run", "") for step in _steps(workflow, "build"))
    assert "pip install -e ." in runs
    python = _step_using(workflow, "build", "actions/setup-python")
    major, minor = (int(part) for part in str(python["with"]["python-version"]).split(".")[:2])
    assert (major, minor) >= (3, 11)


def test_build_uses_publishconf_and_the_pages_base_url(workflow):
    pages = _step_using(workflow, "build", "actions/configure-pages")
    step = _build_step(workflow)
    assert step["env"]["BASE_URL"] == "${{ steps." + pages["id"] + ".outputs.base_url }}"

    # Run the command line through the shell's quoting and Pelican's own parser.
    command = step["run"].replace("${BASE_URL}", BASE_URL).replace("$BASE_URL", BASE_URL)
    argv = shlex.split(command)
    assert argv[0] == "pelican"
    args = parse_arguments(argv[1:])
    assert args.path == "content"
    assert Path(args.settings).name == "publishconf.py"
    assert args.output == "output"
    assert args.overrides["SITEURL"] == BASE_URL
    assert args.fatal == "errors"  # bad dumps are warnings and must not stop a deploy


def test_build_uploads_the_output_folder(workflow):
    upload = _step_using(workflow, "build", "actions/upload-pages-artifact")
    assert upload["with"]["path"].rstrip("/") == "output"


def test_deploy_job_deploys_the_artifact_after_the_build(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" or deploy["needs"] == ["build"]
    assert deploy["environment"]["name"] == "github-pages"
    step = _step_using(workflow, "deploy", "actions/deploy-pages")
    assert deploy["environment"]["url"] == "${{ steps." + step["id"] + ".outputs.page_url }}"
