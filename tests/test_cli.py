"""``news-digest parse FILE [--json]``: output, exit codes and error lines."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES, REPO_ROOT

RUN_MAIN = "import sys; from news_digest.cli import main; sys.exit(main())"
SCRIPT = Path(sys.executable).with_name("news-digest")


def run(*args: str, script: bool = False, cwd: Path | None = None) -> subprocess.CompletedProcess:
    cmd = [str(SCRIPT)] if script else [sys.executable, "-c", RUN_MAIN]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [*cmd, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=cwd or REPO_ROOT,
        env=env,
    )


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr
    assert "Traceback" not in proc.stdout


def assert_one_error_line(proc: subprocess.CompletedProcess, path: str) -> None:
    """Exit 1, nothing on stdout, one line ``PATH: reason`` on stderr, no traceback."""
    assert proc.returncode == 1
    assert_no_traceback(proc)
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(path + ":")
    assert lines[0][len(path) + 1 :].strip()


def test_json_output() -> None:
    path = FIXTURES / "01_utf8.txt"
    proc = run("parse", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    data = json.loads(proc.stdout)
    assert data["source"] == str(path)
    assert data["lead"]["title"] == "Floods hit the valley after a week of rain"
    assert [h["title"] for h in data["headlines"]] == [
        "Markets fall as oil prices rise",
        "Ferry service suspended on the coast",
        "Bridge reopens after repairs",
    ]


def test_json_output_keeps_non_ascii_text() -> None:
    proc = run("parse", str(FIXTURES / "01_cp1252.txt"), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["lead"]["title"] == "Pound falls to \u00a31.05 as markets panic"


@pytest.mark.skipif(not SCRIPT.exists(), reason="the news-digest script is not installed")
def test_installed_script_runs() -> None:
    proc = run("parse", str(FIXTURES / "01_utf8.txt"), "--json", script=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["lead"]["title_line"] == 1


def test_readable_summary() -> None:
    # Reading: the readable form is free text, but it must name the lead and the headlines.
    proc = run("parse", str(FIXTURES / "01_utf8.txt"))
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    out = proc.stdout
    assert out.strip()
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)
    assert "Floods hit the valley after a week of rain" in out
    assert "Ferry service suspended on the coast" in out


def test_readable_summary_without_lead() -> None:
    proc = run("parse", str(FIXTURES / "09_no_lead.txt"))
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    assert "Ferry service suspended on the coast" in proc.stdout


@pytest.mark.parametrize("name", ["01_nul_bytes.bin", "01_png_image.png"])
@pytest.mark.parametrize("as_json", [False, True])
def test_binary_file_exit_1_with_one_line(name: str, as_json: bool) -> None:
    path = str(FIXTURES / name)
    assert_one_error_line(run("parse", path, *(["--json"] if as_json else [])), path)


def test_relative_path_named_as_given(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "01_png_image.png", tmp_path / "picture.txt")
    proc = run("parse", "picture.txt", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0].startswith("picture.txt:")
    ok = shutil.copy(FIXTURES / "01_utf8.txt", tmp_path / "dump.txt")
    proc = run("parse", Path(ok).name, "--json", cwd=tmp_path)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["source"] == "dump.txt"


def test_missing_file_exit_1_with_one_line(tmp_path: Path) -> None:
    path = str(tmp_path / "no-such-dump.txt")
    assert_one_error_line(run("parse", path, "--json"), path)


def test_directory_exit_1_with_one_line(tmp_path: Path) -> None:
    # Reading: a path that is not a readable file is "unreadable as text", like a missing file.
    assert_one_error_line(run("parse", str(tmp_path)), str(tmp_path))


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["parse"],
        ["frobnicate", "x.txt"],
        ["parse", "x.txt", "--bogus"],
        ["parse", "a.txt", "b.txt"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    proc = run(*args)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert_no_traceback(proc)
    assert proc.stderr.strip()


def test_main_returns_exit_codes_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    from news_digest.cli import main

    assert main(["parse", str(FIXTURES / "01_utf8.txt"), "--json"]) == 0
    json.loads(capsys.readouterr().out)
    assert main(["parse", str(FIXTURES / "01_png_image.png")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(str(FIXTURES / "01_png_image.png") + ":")
    try:
        code = main(["parse"])
    except SystemExit as exit_:  # argparse may exit instead of returning
        code = exit_.code
    assert code == 2
