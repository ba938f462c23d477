"""Where things live: the repository, its data, and the cache of built tiny models."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"


def cache_dir() -> Path:
    """The course cache (tiny bases, tokenizer): $COURSE_CACHE, else ~/.cache/llm-course."""
    path = Path(os.environ.get("COURSE_CACHE") or Path.home() / ".cache" / "llm-course").expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path
