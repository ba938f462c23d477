"""Lesson notebooks: run them headless, refresh the outputs CI compares, and find outputs that should not be there.

    python -m utils.notebooks run lessons/01_pretraining.ipynb      # run headless, print the time
    python -m utils.notebooks refresh lessons/01_pretraining.ipynb  # run, keep only `# NBVAL_CHECK_OUTPUT` outputs
    python -m utils.notebooks check lessons/*.ipynb                 # list cells that carry outputs they should not
"""

from __future__ import annotations

import argparse
import os
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


def main(argv: list[str] | None = None) -> int:
    """Command line: run, refresh or check lesson notebooks."""
    parser = argparse.ArgumentParser(prog="python -m utils.notebooks", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "refresh", "check"])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--profile", default=os.environ.get("COURSE_PROFILE", "tiny"))
    args = parser.parse_args(argv)
    failed = 0
    for path in args.notebooks:
        if not path.exists():
            print(f"{path} does not exist.", file=sys.stderr)
            return 2
        if args.command == "check":
            stray = stray_outputs(nbformat.read(path, as_version=4))
            if stray:
                failed += 1
                print(f"{path}: cells {stray} carry outputs; run `python -m utils.notebooks refresh {path}`.")
            continue
        nb, seconds = execute(path, args.profile)
        print(f"{path}: ran in {seconds:.1f} s under the {args.profile} profile")
        if args.command == "refresh":
            nbformat.write(strip(nb), path)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
