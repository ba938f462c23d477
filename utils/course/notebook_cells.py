"""Find exercise cells in notebooks by the `# EXERCISE N.M: name` marker in their source, whatever the metadata."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

MARKER = re.compile(r"^#\s*EXERCISE\s+(\d+)\.(\d+)\s*:\s*([A-Za-z_]\w*)", re.IGNORECASE)


class NotebookError(ValueError):
    """A notebook that cannot be read, worded as one sentence."""


@dataclass(frozen=True)
class ExerciseCell:
    """The code cell a notebook holds for one exercise: its id, the name in its marker, its source, and copies."""

    id: str
    name: str
    source: str
    copies: int = 1


def code_cells(path: Path) -> list[str]:
    """Sources of the code cells of notebook `path` (nbformat 4 JSON), in order; NotebookError if unreadable."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise NotebookError(f"{path} is not a readable notebook ({err}).") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise NotebookError(f"{path} is not a Jupyter notebook in format 4 (it has no list of cells).")
    sources = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            src = cell.get("source", "")
            sources.append("".join(src) if isinstance(src, list) else str(src))
    return sources


def marker(source: str) -> tuple[str, str] | None:
    """(id, name) of the exercise marker among the leading comment lines of a cell, or None."""
    for line in source.splitlines():
        stripped = line.strip()
        found = MARKER.match(stripped)
        if found:
            return f"{int(found[1])}.{int(found[2])}", found[3]
        if stripped and not stripped.startswith(("#", "%", "!")):
            return None
    return None


def exercise_cells(sources: list[str]) -> dict[str, ExerciseCell]:
    """Exercise cells by id; when several cells carry one id, the last one counts (learners copy cells)."""
    found: dict[str, ExerciseCell] = {}
    for source in sources:
        mark = marker(source)
        if mark:
            copies = found[mark[0]].copies + 1 if mark[0] in found else 1
            found[mark[0]] = ExerciseCell(mark[0], mark[1], source, copies)
    return found


def plain_python(source: str) -> str:
    """Turn IPython-only lines (`%magic`, `!shell`) into `pass` so a cell compiles as plain Python."""
    lines = []
    for line in source.splitlines():
        body = line.lstrip()
        lines.append(line[: len(line) - len(body)] + "pass" if body.startswith(("%", "!")) else line)
    return "\n".join(lines) + "\n"
