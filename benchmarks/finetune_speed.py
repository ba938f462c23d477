"""Fine-tuning speed, side by side: padding against packing, each with the defaults of `python -m utils.finetune`.

Both runs fine-tune the same model on the same rows for one epoch with the same batch size and SDPA attention, each
in a fresh process (so peak memory is its own); they differ in one thing:
  padded    --no-packing: each batch padded to its longest example (dynamic padding, trl's collator)
  packed    the default: examples packed into max-length rows (best-fit, attention kept inside each example through
            restarted position ids), each batch of rows padded to its fullest row
It prints real (non-pad) tokens per second, padding waste, peak memory (and its rise during training), the ratio,
and the bound the padded run's waste puts on any packing: at most 1 / (1 - waste) times fewer slots computed.
A third run times GRPO (--objective grpo, LoRA, configs/rewards/length_format.py) on preference prompts: optimizer
steps per second, each step sampling --num-generations completions per prompt.

    python benchmarks/finetune_speed.py                      # tiny Mistral-family base, help-desk chats, CPU
    python benchmarks/finetune_speed.py --model Qwen/Qwen2.5-0.5B --rows 2000 --max-length 1024   # on a GPU
    python benchmarks/finetune_speed.py --attn-implementation flash_attention_2 ...   # where installed (GPU)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

VARIANTS = {"padded": ["--no-packing"], "packed": []}


def write_rows(rows: int, folder: Path) -> Path:
    """The first `rows` help-desk conversations (course data in every profile) as a JSON-lines file."""
    from utils.course.data import load_task

    path = folder / "helpdesk.jsonl"
    load_task("helpdesk")["train"].select(range(rows)).to_json(str(path))
    return path


def write_prompts(rows: int, folder: Path) -> Path:
    """The prompts of the first `rows` preference pairs (course data in every profile): GRPO's data."""
    from utils.course.data import load_task

    path = folder / "prompts.jsonl"
    load_task("preferences")["train"].select(range(rows)).select_columns(["prompt"]).to_json(str(path))
    return path


def fresh_process(args: argparse.Namespace, out: Path, flags: list[str]) -> dict:
    """`python -m utils.finetune FLAGS` in a fresh process writing to `out`; its metrics.json."""
    command = [sys.executable, "-m", "utils.finetune", "--model", args.model, "--adapter-type", args.adapter_type,
               "--batch-size", str(args.batch_size), "--attn-implementation", args.attn_implementation,
               "--save-steps", "100000", "--output", str(out), "--quiet", *flags]
    env = dict(os.environ)
    if args.threads:
        env["OMP_NUM_THREADS"] = str(args.threads)
    subprocess.run(command, cwd=REPO, env=env, check=True)
    return json.loads((out / "metrics.json").read_text())


def run(variant: str, args: argparse.Namespace, data: Path, folder: Path) -> dict:
    """One epoch of SFT in a fresh process; its metrics.json."""
    return fresh_process(args, folder / variant, ["--data", str(data), "--epochs", "1", "--max-length",
                                                  str(args.max_length), *VARIANTS[variant]])


def run_grpo(args: argparse.Namespace, prompts: Path, folder: Path) -> dict:
    """--grpo-steps GRPO steps in a fresh process; its metrics.json."""
    rewards = REPO / "configs" / "rewards" / "length_format.py"
    return fresh_process(args, folder / "grpo", [
        "--data", str(prompts), "--objective", "grpo", "--reward-funcs", str(rewards), "--max-steps",
        str(args.grpo_steps), "--num-generations", str(args.num_generations), "--max-completion-length",
        str(args.max_completion_length)])


def main() -> None:
    """Run both SFT variants and GRPO, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="model to fine-tune (default: the course's mistral role)")
    parser.add_argument("--adapter-type", default="lora", choices=["lora", "qlora", "dora", "full"])
    parser.add_argument("--rows", type=int, default=256, help="training rows (help-desk chats)")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--attn-implementation", default="sdpa", help="attention kernel of both runs (and GRPO)")
    parser.add_argument("--threads", type=int, default=0, help="OMP_NUM_THREADS for the runs (0: leave as is)")
    parser.add_argument("--grpo-steps", type=int, default=8, help="GRPO optimizer steps to time (0: skip GRPO)")
    parser.add_argument("--num-generations", type=int, default=4, help="GRPO completions per prompt")
    parser.add_argument("--max-completion-length", type=int, default=32, help="GRPO tokens per completion")
    args = parser.parse_args()
    if args.model is None:
        from utils.course.models import model_name

        args.model = model_name("mistral")
    load = os.getloadavg()
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load average "
          f"{load[0]:.1f} before; model {args.model}; {args.adapter_type}, {args.rows} rows, batch {args.batch_size}, "
          f"max length {args.max_length}, {args.attn_implementation}, threads {args.threads or 'default'}")
    with tempfile.TemporaryDirectory() as tmp:
        data = write_rows(args.rows, Path(tmp))
        results = {variant: run(variant, args, data, Path(tmp)) for variant in VARIANTS}
        grpo = run_grpo(args, write_prompts(args.rows, Path(tmp)), Path(tmp)) if args.grpo_steps else None
    print(f"{'variant':<10}{'steps':>7}{'train s':>9}{'tokens/s':>10}{'padding':>9}{'peak MB':>9}{'rise MB':>9}"
          f"{'loss':>8}  attention")
    for variant, m in results.items():
        print(f"{variant:<10}{m['steps']:>7}{m['train_time_s']:>9.1f}{m['tokens_per_s']:>10.0f}"
              f"{100 * m['padding_waste']:>8.1f}%{m['peak_memory_mb']:>9.0f}{m['memory_growth_mb']:>9.0f}"
              f"{m['train_loss']:>8.3f}  {m['attn_implementation']}{', packed' if m['packing'] else ''}")
    if grpo:
        print(f"{'grpo':<10}{grpo['steps']:>7}{grpo['train_time_s']:>9.1f}{grpo['tokens_per_s']:>10.0f}{'-':>9}"
              f"{grpo['peak_memory_mb']:>9.0f}{grpo['memory_growth_mb']:>9.0f}{grpo['train_loss']:>8.3f}  "
              f"{grpo['steps_per_s']:.2f} steps/s, {args.num_generations} completions of <= "
              f"{args.max_completion_length} tokens per prompt")
    padded, packed = results["padded"], results["packed"]
    waste = padded["padding_waste"]
    print(f"Packed/padded: {packed['tokens_per_s'] / padded['tokens_per_s']:.2f}x tokens/s; "
          f"{(1 - packed['padding_waste']) / (1 - waste):.2f}x fewer slots (perfect packing: at most "
          f"{1 / (1 - waste):.2f}x); peak memory {packed['peak_memory_mb'] / padded['peak_memory_mb']:.2f}x "
          f"({padded['memory_kind']}); same {padded['train_tokens']} vs {packed['train_tokens']} real tokens; load "
          f"average {os.getloadavg()[0]:.1f} after.")


if __name__ == "__main__":
    main()
