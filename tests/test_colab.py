"""utils.course.colab: exact pins for the course libraries, Colab's own packages kept when they satisfy them, a restart
asked for when an imported package changed."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from importlib import metadata
from pathlib import Path

import pytest

from utils.course.colab import REPO, install_missing, missing_requirements
from utils.course.paths import REPO_ROOT
from utils.errors import CourseError

PINS = ("torch==2.13.0\ntransformers==5.24.0\ntrl==1.16.0\nnumpy==2.4.6\npandas==3.1.1\nipykernel==7.4.0\n"
        "seqeval==1.2.2\n")
NEEDS = {"transformers": ["numpy>=1.17", "pyyaml>=5.1"], "trl": ["numpy>=1.26.0", "pandas>=2.1.1",
                                                                   'pytest; extra == "test"']}


def fake_colab(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, versions: dict[str, str]) -> str:
    """Pretend these distributions are installed (nothing else) and return a requirements file of PINS."""
    monkeypatch.setattr("utils.course.colab.installed_version", versions.get)
    monkeypatch.setattr(metadata, "requires", lambda name: NEEDS.get(name, []))
    path = tmp_path / "requirements.txt"
    path.write_text(PINS)
    return str(path)


COLAB = {"torch": "2.9.0", "transformers": "5.24.0", "trl": "1.16.0", "numpy": "2.0.2", "pandas": "2.2.2",
         "ipykernel": "6.17.1", "seqeval": "1.2.2", "pyyaml": "6.0.2"}


def test_colab_packages_that_satisfy_the_pins_are_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert missing_requirements(fake_colab(monkeypatch, tmp_path, COLAB)) == []


def test_course_libraries_are_pinned_exactly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = fake_colab(monkeypatch, tmp_path, COLAB | {"transformers": "4.57.1"})
    assert missing_requirements(path) == ["transformers==5.24.0"]
    path = fake_colab(monkeypatch, tmp_path, {k: v for k, v in COLAB.items() if k not in ("seqeval", "pandas")})
    assert missing_requirements(path) == ["pandas==3.1.1", "seqeval==1.2.2"]  # absent: the pin


def test_colab_package_too_old_for_a_pin_gets_that_pins_bound(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = fake_colab(monkeypatch, tmp_path, COLAB | {"pandas": "2.0.3", "numpy": "1.25.2"})
    assert missing_requirements(path) == ["numpy>=1.26.0", "pandas>=2.1.1"]


def test_install_asks_for_a_restart_only_when_an_imported_package_changed(monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_path: Path) -> None:
    versions = {"colabnumpy": "1.25.2", "fakedist": "1.0"}
    monkeypatch.setitem(sys.modules, "colabnumpy", types.ModuleType("colabnumpy"))  # imported by this session
    monkeypatch.setattr("utils.course.colab.missing_requirements", lambda: ["trl==1.16.0"])
    monkeypatch.setattr("utils.course.colab.installed_version", lambda name: versions.get(name))
    monkeypatch.setattr(metadata, "packages_distributions",
                        lambda: {"colabnumpy": ["colabnumpy"], "fakemod": ["fakedist"]})
    monkeypatch.setattr("subprocess.run", lambda *a, **k: versions.update(fakedist="2.0"))
    assert "fakemod" not in sys.modules and install_missing(force=True) == ["trl==1.16.0"]  # not imported: go on
    monkeypatch.setattr("subprocess.run", lambda *a, **k: versions.update(colabnumpy="2.0.2"))
    with pytest.raises(CourseError, match=r"\(colabnumpy\): restart the runtime \(Runtime > Restart session\) and"):
        install_missing(force=True)


def test_outside_colab_nothing_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("subprocess.run", lambda *a, **k: pytest.fail("pip ran"))
    assert install_missing() == []


def test_setup_cell_runs_twice_in_a_colab_folder_without_cloning_again(tmp_path: Path) -> None:
    """The setup cell, run in a folder like Colab's /content: the first run clones (a fake git copies the course),
    the second finds that clone and clones nothing; both choose a profile."""
    from tests.test_lessons import SETUP

    content, bin_dir, log = tmp_path / "content", tmp_path / "bin", tmp_path / "git.log"
    content.mkdir()
    bin_dir.mkdir()
    git = bin_dir / "git"
    clone = content / REPO.split("/")[1]
    git.write_text(f"#!/bin/sh\necho \"$@\" >> {log}\nln -s {REPO_ROOT} {clone}\n")
    git.chmod(0o755)
    script = tmp_path / "cell.py"
    script.write_text(SETUP + "\nprint('PROFILE', P.name)\n")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "COURSE_PROFILE": "tiny", "PYTHONPATH": ""}
    for _ in range(2):
        run = subprocess.run([sys.executable, str(script)], cwd=content, env=env, capture_output=True, text=True,
                             timeout=300)
        assert run.returncode == 0 and "PROFILE tiny" in run.stdout, run.stderr[-2000:]
    assert log.read_text().count("clone") == 1
