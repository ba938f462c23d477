"""Every lesson follows the course's shape: badge, setup cell, objectives, summary, exercises, clean outputs."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import nbformat
import pytest

from utils.course.colab import REPO
from utils.course.notebooks import stray_outputs

LESSONS = sorted((Path(__file__).resolve().parent.parent / "lessons").glob("[0-9][0-9]_*.ipynb"))


def read(path: Path) -> nbformat.NotebookNode:
    """Read a lesson notebook."""
    return nbformat.read(path, as_version=4)


def first_code(nb: nbformat.NotebookNode) -> str:
    """Source of a notebook's first code cell: the setup cell."""
    return next(c.source for c in nb.cells if c.cell_type == "code")


SETUP = first_code(read(LESSONS[0]))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_shape(path: Path) -> None:
    nb = read(path)
    intro = nb.cells[0].source
    assert intro.startswith("# "), "the first cell is the title"
    assert f"colab.research.google.com/github/{REPO}/blob/main/lessons/{path.name}" in intro
    assert "**Objectives.**" in intro and "**Time.**" in intro and "`tiny`" in intro
    assert first_code(nb) == SETUP, "the first code cell is the shared setup cell of lessons/00_setup.ipynb"
    assert f'REPO = "https://github.com/{REPO}"' in SETUP, "the setup cell clones utils.course.colab.REPO"
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert re.search(r"^## Summary", markdown, re.M), "a lesson ends with a summary"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_has_three_exercises_with_checks(path: Path) -> None:
    number = int(path.name[:2])
    cells = read(path).cells
    marked = [i for i, c in enumerate(cells) if c.cell_type == "code" and c.source.startswith("# EXERCISE ")]
    ids = [re.match(r"# EXERCISE (\d+\.\d+): (\w+)", cells[i].source).group(1) for i in marked]
    assert len(ids) >= 3 and all(int(i.split(".")[0]) == number for i in ids), ids
    for i, ex_id in zip(marked, ids, strict=True):
        assert "raise NotImplementedError" in cells[i].source, f"exercise {ex_id} ships as a stub"
        assert f'check("{ex_id}"' in cells[i + 1].source, f"the cell after exercise {ex_id} runs its check"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_code_cells_are_introduced_by_text(path: Path) -> None:
    cells = read(path).cells
    for before, cell in pairwise(cells):
        if cell.cell_type == "code" and before.cell_type == "code":
            assert before.source.startswith("# EXERCISE "), f"add markdown before the cell: {cell.source[:60]!r}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_only_checked_cells_keep_outputs(path: Path) -> None:
    assert stray_outputs(read(path)) == [], f"run `python -m utils.course.notebooks refresh {path.name}`"


def test_badges_command_moves_only_the_badge_and_clone_url(tmp_path: Path) -> None:
    import shutil

    from utils.course.notebooks import set_repo

    root = Path(__file__).resolve().parent.parent
    for name in ("README.md", "utils/course/colab.py", *(f"lessons/{p.name}" for p in LESSONS)):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / name, tmp_path / name)
    changed = set_repo("someone/my-course", tmp_path)
    assert len(changed) == len(LESSONS) + 2
    assert 'REPO = "someone/my-course"' in (tmp_path / "utils/course/colab.py").read_text()
    assert f"github/someone/my-course/blob/main/lessons/{LESSONS[0].name}" in (tmp_path / "README.md").read_text()
    for path in LESSONS:
        old, new = read(path), read(tmp_path / "lessons" / path.name)
        moved = [i for i, (a, b) in enumerate(zip(old.cells, new.cells, strict=True)) if a != b]
        setup_index = next(i for i, c in enumerate(old.cells) if c.cell_type == "code")
        assert moved == [0, setup_index]
        assert 'REPO = "https://github.com/someone/my-course"' in new.cells[setup_index].source


def test_run_reports_every_notebook_and_fails_if_one_failed(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from utils.course import notebooks

    def execute(path: Path, profile: str) -> tuple:
        if path == LESSONS[0]:
            raise RuntimeError("cell 3 failed\nCUDA out of memory")
        return None, 1.0

    monkeypatch.setattr(notebooks, "execute", execute)
    assert notebooks.main(["run", "--profile", "full", str(LESSONS[0]), str(LESSONS[1])]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{LESSONS[0]}: FAILED under the full profile: CUDA out of memory",
                     f"{LESSONS[1]}: ran in 1.0 s under the full profile"]
