"""Colab support for the setup cell: install the pinned course packages that are missing, never torch."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

from utils.paths import REPO_ROOT

NEVER_INSTALL = {"torch", "pytest", "pytest-xdist", "pytest-timeout", "nbval", "ruff", "jupyterlab"}


def in_colab() -> bool:
    """Whether this kernel runs in Google Colab."""
    return "google.colab" in sys.modules


def missing_requirements(path: str | None = None) -> list[str]:
    """Pinned requirements (name==version) that are absent or at another version, torch and test tools excepted."""
    missing = []
    text = Path(path or REPO_ROOT / "requirements.txt").read_text()
    for line in text.splitlines():
        line = line.split("#")[0].strip()
        if "==" not in line:
            continue
        name, version = line.split("==")
        if name.lower() in NEVER_INSTALL:
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            missing.append(line)
    return missing


def install_missing(force: bool = False) -> list[str]:
    """In Colab (or when forced), pip-install the missing pins; elsewhere do nothing. Returns what it installed."""
    if not (force or in_colab()):
        return []
    todo = missing_requirements()
    if todo:
        print(f"Installing {len(todo)} pinned packages (torch is left as Colab ships it) ...")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *todo], check=True)
    return todo
