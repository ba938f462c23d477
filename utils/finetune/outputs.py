"""The output folder of utils.finetune: which entries are the command's own results, so that nothing else there is
ever written over or deleted, and its checkpoints (what --resume continues from)."""

from __future__ import annotations

import json
import shutil
from fnmatch import fnmatch
from pathlib import Path

from utils.errors import CourseError

# Names the command writes: the adapter or model (and peft's model card), tokenizer, config.yaml, metrics.json,
# checkpoints, TensorBoard logs, merged/. A finished run also lists what it wrote under "files" in metrics.json.
OWN_NAMES = (
    "README.md", "config.yaml", "metrics.json", "adapter_config.json", "adapter_model.safetensors", "adapter_model.bin",
    "model.safetensors", "model-*-of-*.safetensors", "model.safetensors.index.json", "pytorch_model*.bin",
    "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
    "vocab.json", "merges.txt", "tokenizer.model", "added_tokens.json", "chat_template.jinja", "chat_template.json",
    "training_args.bin", "checkpoint-*", "runs", "merged",
)
RUN_MARK = "RunMark"  # the name of the callback whose (empty) state the command's checkpoints carry


def run_record(out: Path) -> set[str] | None:
    """The names a finished run in `out` listed as its own (metrics.json's "files"; empty for a run from before that
    list), or None when `out` holds no metrics.json of this command."""
    try:
        metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return set(metrics.get("files", [])) if isinstance(metrics, dict) and "steps" in metrics else None


def is_result_name(name: str) -> bool:
    """Whether a name is one the command writes."""
    return any(fnmatch(name, pattern) for pattern in OWN_NAMES)


def marked_by_this_command(checkpoint: Path) -> bool:
    """Whether a checkpoint folder was saved by this command: its trainer_state.json carries the state of the
    command's RunMark callback (another tool's Trainer run has checkpoints too, and they are not ours)."""
    try:
        state = json.loads((checkpoint / "trainer_state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(state, dict) and RUN_MARK in (state.get("stateful_callbacks") or {})


def split_entries(out: Path) -> tuple[list[Path], list[Path]]:
    """(own results, other entries) of the folder `out`, each sorted by name. A finished run's list of the files it
    wrote (metrics.json's "files") is the truth, plus the checkpoints this command saved since (a --resume killed
    before it finished). Without that list (an interrupted run, or one from before the list), names the command
    writes count as its own only where a run of it left its mark (metrics.json, or a checkpoint saved by this
    command), so a folder holding someone's model or another tool's checkpoints is not mistaken for results."""
    if not out.is_dir():
        return [], []
    record = run_record(out)
    marked = {p.name for p in out.glob("checkpoint-*") if p.is_dir() and marked_by_this_command(p)}
    ran = record is not None or bool(marked)
    own, other = [], []
    for path in sorted(out.iterdir()):
        mine = path.name in marked or (path.name in record if record else ran and is_result_name(path.name))
        (own if mine else other).append(path)
    return own, other


def checkpoints(out: Path) -> list[tuple[int, Path, bool]]:
    """(step, folder, complete) of every checkpoint-N in `out`, by step; complete ones hold trainer_state.json,
    which the Trainer writes last, so a run killed while saving leaves an incomplete one."""
    found = [(int(p.name.split("-")[1]), p) for p in out.glob("checkpoint-*") if p.name.split("-")[1].isdigit()]
    return [(step, path, (path / "trainer_state.json").is_file()) for step, path in sorted(found)]


def last_complete_checkpoint(out: Path) -> Path | None:
    """The latest checkpoint that was completely written, or None."""
    complete = [path for _, path, ok in checkpoints(out) if ok]
    return complete[-1] if complete else None


def check_output(out: Path, resume: bool, overwrite: bool) -> list[str]:
    """Refuse an --output that holds results (unless --overwrite or --resume) or other files (unless --overwrite);
    return the names of the other files, which are kept."""
    if out.exists() and not out.is_dir():
        raise CourseError(f"--output {out} is a file, not a folder.")
    own, other = split_entries(out)
    if resume:
        if last_complete_checkpoint(out) is None:
            raise CourseError(f"There is nothing to resume: {out} holds no complete checkpoint-N folder.")
        return [p.name for p in other]
    if other and not overwrite:
        shown = ", ".join(p.name for p in other[:3]) + (", ..." if len(other) > 3 else "")
        raise CourseError(f"{out} holds files that are not this command's results ({shown}); choose an empty --output, "
                          "or pass --overwrite to write beside them (they are kept).")
    clashes = [p.name for p in other if is_result_name(p.name)]
    if clashes:
        raise CourseError(f"{out} holds {', '.join(clashes[:3])}, which this command did not write and would write "
                          "over; choose another --output.")
    if own and not overwrite:
        raise CourseError(f"{out} already holds fine-tuning results; pass --overwrite to replace them, --resume to "
                          "continue them, or choose another --output.")
    if own and overwrite and (out.resolve() in (Path.cwd(), Path.home()) or (out / ".git").exists()):
        raise CourseError(f"--overwrite would delete model files in {out}, which looks like a working folder; choose "
                          "a dedicated --output folder.")
    return [p.name for p in other]


def remove_results(out: Path) -> None:
    """Delete the command's own results in `out`, and nothing else."""
    for path in split_entries(out)[0]:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
