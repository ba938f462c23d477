"""One command to fine-tune any causal LM: `python -m utils.finetune --model M --data D [--objective sft]
[--adapter-type lora]` (full reference: docs/finetune.md).

Python API (what lessons call):

    from utils.finetune import FinetuneConfig, finetune, load_finetuned
    result = finetune(FinetuneConfig(model="gpt2", data="train.jsonl", adapter_type="lora", max_steps=50,
                                     output="out"))
    result.metrics["train_loss"], result.output_dir, result.merged_dir
    model, tokenizer = load_finetuned(result.output_dir)   # adapter on its base, or the full model

`finetune` also takes a dict (same keys as the CLI flags, dashes or underscores) and keyword overrides.
Bad input raises utils.errors.CourseError with one sentence; the CLI prints it and exits with status 2.
The same command runs on several GPUs: `accelerate launch --config_file configs/accelerate/ddp.yaml -m utils.finetune`.
Modules: config (the flags), data (schemas, formats), model (load, adapters, merge), objectives (the method table),
rewards (grpo), callbacks, outputs (what the command owns in --output), run (finetune), cli.
"""

from utils.finetune.cli import chat, export, main
from utils.finetune.config import FinetuneConfig
from utils.finetune.model import load_finetuned, logit_gap, merge_adapter, precision
from utils.finetune.run import FinetuneResult, finetune

__all__ = ["FinetuneConfig", "FinetuneResult", "chat", "export", "finetune", "load_finetuned", "logit_gap", "main",
           "merge_adapter", "precision"]
