"""Colab support for the setup cell: install the pinned course libraries that are missing, keep Colab's own packages
(torch, numpy, pandas, ipykernel, ...) whenever they satisfy those libraries, and ask for a restart when needed."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from utils.course.paths import REPO_ROOT

REPO = "llm-course/llm-course"  # the course on GitHub; `python -m utils.course.notebooks badges --repo O/N` changes it
NEVER_INSTALL = {"torch", "pytest", "pytest-xdist", "pytest-timeout", "nbval", "ruff", "jupyterlab"}
# Colab's own packages: any installed version is kept if it satisfies what the pinned libraries require.
COLAB_PROVIDED = {"numpy", "pandas", "matplotlib", "scikit-learn", "ipywidgets", "pyyaml", "psutil", "nbformat",
                  "nbclient", "ipykernel", "ipython", "tornado", "jupyter-client", "pyarrow", "tqdm", "packaging"}
RESTART = ("Packages this Python session had already imported were upgraded ({names}): restart the runtime "
           "(Runtime > Restart session) and run this cell again.")


def in_colab() -> bool:
    """Whether this kernel runs in Google Colab."""
    return "google.colab" in sys.modules


def installed_version(name: str) -> str | None:
    """The installed version of distribution `name`, or None."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def pins(path: str | Path | None = None) -> dict[str, str]:
    """The name==version lines of requirements.txt as {canonical name: version}, torch and test tools left out."""
    found = {}
    for line in Path(path or REPO_ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            if canonicalize_name(name) not in NEVER_INSTALL:
                found[canonicalize_name(name)] = version.strip()
    return found


def unmet_needs(pinned: dict[str, str]) -> list[str]:
    """Requirements (name + specifier) that installed pinned libraries place on Colab's own packages and that the
    installed versions do not meet."""
    needs = []
    for name in pinned:
        if name in COLAB_PROVIDED or installed_version(name) != pinned[name]:
            continue
        for line in metadata.requires(name) or []:
            req = Requirement(line)
            wanted = canonicalize_name(req.name)
            if wanted not in COLAB_PROVIDED or (req.marker and not req.marker.evaluate({"extra": ""})):
                continue
            version = installed_version(wanted)
            if version is not None and not req.specifier.contains(version, prereleases=True):
                needs.append(f"{wanted}{req.specifier}")
    return needs


def missing_requirements(path: str | None = None) -> list[str]:
    """What to pip-install: course libraries absent or at another version than pinned (exact pins), Colab's own
    packages only when absent (their pin) or too old/new for an installed pinned library (that library's bound)."""
    pinned = pins(path)
    todo = [f"{name}=={version}" for name, version in pinned.items()
            if installed_version(name) is None or (name not in COLAB_PROVIDED and installed_version(name) != version)]
    return todo + [need for need in unmet_needs(pinned) if need not in todo]


def imported_distributions() -> dict[str, str]:
    """Installed versions of the distributions whose modules this Python session has imported."""
    owners = metadata.packages_distributions()
    names = {canonicalize_name(d) for module in list(sys.modules) for d in owners.get(module.split(".")[0], [])}
    return {name: version for name in names if (version := installed_version(name)) is not None}


def install_missing(force: bool = False) -> list[str]:
    """In Colab (or when forced), pip-install what `missing_requirements` lists; elsewhere do nothing. If that changed
    a package already imported here, say in one sentence to restart the runtime and stop. Returns what it installed."""
    if not (force or in_colab()):
        return []
    todo = missing_requirements()
    if todo:
        print(f"Installing {len(todo)} packages the course needs (Colab's torch, numpy, pandas, ... are kept) ...")
        before = imported_distributions()
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *todo], check=True)
        changed = sorted(name for name, version in before.items() if installed_version(name) != version)
        if changed:
            from utils.errors import CourseError, show_course_errors_briefly

            show_course_errors_briefly()
            raise CourseError(RESTART.format(names=", ".join(changed)))
    return todo
