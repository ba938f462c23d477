"""Where things live: the repository, its data, and the cache of built tiny models."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"


def cache_dir() -> Path:
    """The course cache (tiny bases, tokenizer): $COURSE_CACHE, else ~/.cache/llm-course."""
    path = Path(os.environ.get("COURSE_CACHE") or Path.home() / ".cache" / "llm-course").expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def fresh_output_dir(name: str, root: Path | None = None) -> Path:
    """A new, empty folder <root>/<name>/run-NNN (default root: the repository's outputs/), numbered one past the
    highest run there, so a re-run never writes over what an earlier run saved."""
    parent = (root if root is not None else REPO_ROOT / "outputs") / name
    parent.mkdir(parents=True, exist_ok=True)
    number = max((int(p.name[4:]) for p in parent.glob("run-*") if p.name[4:].isdigit()), default=0) + 1
    while True:
        path = parent / f"run-{number:03d}"
        try:
            path.mkdir()
            return path
        except FileExistsError:  # another process took this number since the listing: take the next one
            number += 1
