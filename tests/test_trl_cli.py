"""trl's own command line: the `trl sft` command lesson 07 shows next to its plain script, run as written there for
2 steps on the course's tiny chat base, offline on the CPU, writes a LoRA adapter on every linear layer."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from transformers import AutoConfig, AutoModelForCausalLM

from utils.course.data import load_task
from utils.course.models import model_name
from utils.course.paths import REPO_ROOT
from utils.course.profiles import PROFILES
from utils.finetune.model import lora_targets

pytestmark = pytest.mark.slow  # trains a model in a subprocess (about 20 s)

LESSON = REPO_ROOT / "lessons" / "07_finetune_any_llm.ipynb"
CPU_FLAGS = ["--use_cpu", "--bf16", "false"]  # what the lesson says to add on a machine without a GPU


def lesson_command() -> list[str]:
    """The `trl sft ...` command of lesson 07's markdown, as arguments."""
    cells = json.loads(LESSON.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    blocks = [b for b in re.findall(r"```bash\n(.*?)```", text, re.S) if b.lstrip().startswith("trl sft")]
    assert len(blocks) == 1, f"lesson 07 should show one `trl sft` command, found {len(blocks)}"
    return shlex.split(blocks[0].replace("\\\n", " "))


def with_value(args: list[str], flag: str, value: str) -> list[str]:
    """`args` with the value after `flag` replaced."""
    assert flag in args, f"the lesson's command has no {flag}"
    i = args.index(flag)
    return [*args[: i + 1], value, *args[i + 2 :]]


def test_trl_sft_command_of_lesson_07_trains_lora(tmp_path: Path) -> None:
    """The lesson's command, with its placeholders filled in and 2 steps, trains and saves an all-linear adapter."""
    data, out = tmp_path / "chats", tmp_path / "out"
    data.mkdir()
    load_task("helpdesk", profile=PROFILES["tiny"])["train"].select(range(16)).to_json(str(data / "train.jsonl"))
    model = model_name("chat", PROFILES["tiny"])
    args = lesson_command()
    assert args[:2] == ["trl", "sft"] and "--use_peft" in args
    for flag, value in (("--model_name_or_path", model), ("--dataset_name", str(data)), ("--output_dir", str(out)),
                        ("--max_steps", "2")):
        args = with_value(args, flag, value)
    trl = Path(sys.executable).with_name("trl")  # the console script pip installs next to this Python
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "OMP_NUM_THREADS": "1",
           "TOKENIZERS_PARALLELISM": "false"}
    run = subprocess.run([str(trl), *args[1:], *CPU_FLAGS], env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]

    adapter = json.loads((out / "adapter_config.json").read_text())
    with torch.device("meta"):
        skeleton = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(model))
    assert adapter["peft_type"] == "LORA" and adapter["base_model_name_or_path"] == model
    assert sorted({name.rsplit(".", 1)[-1] for name in adapter["target_modules"]}) == lora_targets(skeleton)
    assert (out / "adapter_model.safetensors").is_file()
    state = json.loads((out / "checkpoint-2" / "trainer_state.json").read_text())
    assert state["global_step"] == 2
