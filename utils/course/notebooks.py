"""Lesson notebooks: run them headless, refresh the outputs CI compares, and find outputs that should not be there.

    python -m utils.course.notebooks run lessons/*.ipynb                   # run headless, one line each
    python -m utils.course.notebooks refresh lessons/01_pretraining.ipynb  # run, keep only checked outputs
    python -m utils.course.notebooks check lessons/*.ipynb                 # list cells with outputs they should not
    python -m utils.course.notebooks badges --repo OWNER/NAME              # point badges and clone URLs there

Stored checked outputs come from `tiny`: nbval compares them in tiny only; other profiles use `run`.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import nbformat

CHECK_MARK = "# NBVAL_CHECK_OUTPUT"


def is_checked(cell: nbformat.NotebookNode) -> bool:
    """Whether a code cell's output is stored and compared by nbval (its first line is the check mark)."""
    return cell.cell_type == "code" and cell.source.lstrip().startswith(CHECK_MARK)


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove outputs, counts and volatile metadata, except the outputs of checked cells (kept for nbstripout too)."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        if is_checked(cell):
            cell.execution_count = 1  # nbval refuses a reference cell that has outputs but no execution count
            cell.metadata["keep_output"] = True
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
            for out in cell.outputs:
                if "execution_count" in out:
                    out.execution_count = None
        else:
            cell.metadata.pop("keep_output", None)
            cell.outputs = []
    nb.metadata.pop("widgets", None)
    return nb


def stray_outputs(nb: nbformat.NotebookNode) -> list[int]:
    """Indexes of code cells that carry outputs but are not checked cells."""
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.outputs and not is_checked(c)]


def execute(path: Path, profile: str = "tiny", timeout: int = 600) -> tuple[nbformat.NotebookNode, float]:
    """Run a notebook top to bottom in its folder under `profile`; return it executed and the seconds it took."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    os.environ["COURSE_PROFILE"] = profile
    start = time.perf_counter()
    resources = {"metadata": {"path": str(path.parent)}}
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources=resources).execute()
    return nb, time.perf_counter() - start


def set_repo(repo: str, root: Path) -> list[Path]:
    """Point the Colab badges and setup-cell clone URLs of README.md and lessons/*.ipynb, and utils.course.colab.REPO,
    at GitHub repository `repo` (OWNER/NAME); return the files changed. Text edits only: nothing else moves."""
    from utils.course import colab

    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repo):
        raise SystemExit(f"--repo must look like OWNER/NAME, not {repo!r}.")
    changed = []
    colab_module = root / "utils" / "course" / "colab.py"
    for path in [root / "README.md", *sorted((root / "lessons").glob("*.ipynb")), colab_module]:
        text = path.read_text(encoding="utf-8")
        new = text.replace(f"github.com/{colab.REPO}", f"github.com/{repo}")  # the setup cell's clone URL
        new = new.replace(f"/github/{colab.REPO}/", f"/github/{repo}/")  # colab.research.google.com badges
        new = new.replace(f'REPO = "{colab.REPO}"', f'REPO = "{repo}"')
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    """Command line: run, refresh or check lesson notebooks, or point them at another GitHub repository."""
    parser = argparse.ArgumentParser(prog="python -m utils.course.notebooks", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "refresh", "check", "badges"])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--profile", default=os.environ.get("COURSE_PROFILE", "tiny"))
    parser.add_argument("--repo", help="badges: the GitHub repository OWNER/NAME the course is published under")
    args = parser.parse_intermixed_args(argv)
    if args.command == "badges":
        from utils.course.paths import REPO_ROOT

        if not args.repo:
            parser.error("badges needs --repo OWNER/NAME")
        for path in set_repo(args.repo, REPO_ROOT):
            print(f"{path}: now points at github.com/{args.repo}")
        return 0
    if not args.notebooks:
        parser.error(f"{args.command} needs notebooks")
    failed = 0
    for path in args.notebooks:
        if not path.exists():
            print(f"{path} does not exist.", file=sys.stderr)
            return 2
        if args.command == "check":
            stray = stray_outputs(nbformat.read(path, as_version=4))
            if stray:
                failed += 1
                print(f"{path}: cells {stray} carry outputs; run `python -m utils.course.notebooks refresh {path}`.")
            continue
        try:
            nb, seconds = execute(path, args.profile)
        except Exception as err:  # a failing cell: report it and go on with the next notebook
            failed += 1
            last = (str(err).strip().splitlines() or [repr(err)])[-1][:200]
            print(str(err).strip()[-3000:], file=sys.stderr)  # the cell and its traceback
            print(f"{path}: FAILED under the {args.profile} profile: {last}")
            continue
        print(f"{path}: ran in {seconds:.1f} s under the {args.profile} profile")
        if args.command == "refresh":
            nbformat.write(strip(nb), path)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
