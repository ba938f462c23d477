"""FinetuneConfig: every knob of `python -m utils.finetune`, with defaults, help, YAML loading and validation."""

from __future__ import annotations

import contextlib
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from utils.errors import CourseError

# The method table is objective x adapter: any objective trains with any adapter (utils.finetune.objectives builds
# one trainer per objective; the adapter decides which weights learn).
OBJECTIVES = ("sft", "dpo", "orpo", "kto", "simpo", "grpo")
ADAPTERS = ("full", "lora", "qlora", "dora")
REPORTERS = ("none", "tensorboard", "wandb")
ATTN_IMPLEMENTATIONS = ("sdpa", "eager", "flash_attention_2", "flash_attention_3", "flex_attention")


def knob(default: Any, help: str) -> Any:
    """A dataclass field with its CLI help text."""
    return field(default=default, metadata={"help": help})


@dataclass
class FinetuneConfig:
    """What to fine-tune, on what, how: the fields are the CLI flags (`max_steps` is `--max-steps`)."""

    model: str = knob("", "Any causal LM: a Hugging Face Hub name or a local folder holding the model and tokenizer.")
    data: str = knob("", "Training data: a .jsonl/.json/.csv/.parquet file, a folder saved by datasets, or a hub "
                         "data set name. Schema from the columns: messages | prompt+completion | "
                         "instruction+input+output | text | prompt+chosen+rejected (preference) | "
                         "prompt+completion+label (kto) | prompt (grpo).")
    objective: str = knob("sft", "What to learn: sft (imitate completions), dpo, orpo, simpo (prefer chosen over "
                                 "rejected), kto (desirable vs undesirable completions), grpo (maximize "
                                 "--reward-funcs).")
    adapter_type: str = knob("lora", "Which weights learn: full (all), lora (low-rank adapters), qlora (LoRA on a "
                                     "4-bit base; needs bitsandbytes) or dora (weight-decomposed LoRA).")
    output: str = knob("outputs/finetune", "Output folder: adapter or model, tokenizer, config.yaml, metrics.json, "
                                           "checkpoint-N folders, runs/ (TensorBoard), and merged/ with --merge.")
    adapter: str | None = knob(None, "Start from this LoRA adapter folder (e.g. an SFT run's output before dpo).")
    reward_funcs: str | None = knob(None, "grpo: a Python file whose reward_* functions (or REWARD_FUNCS list) score "
                                          "completions, e.g. configs/rewards/length_format.py.")
    num_generations: int = knob(4, "grpo: completions sampled per prompt (the group compared).")
    max_completion_length: int = knob(64, "grpo: tokens per sampled completion.")
    eval_data: str | None = knob(None, "Evaluation data (same schema as --data).")
    eval_split: float = knob(0.0, "Or hold out this fraction of --data for evaluation (e.g. 0.1).")
    data_split: str = knob("train", "Split to read from a hub data set or a saved DatasetDict.")
    max_steps: int = knob(-1, "Optimizer steps to train; > 0 overrides --epochs.")
    epochs: float = knob(1.0, "Passes over the training data (when --max-steps is not set).")
    lr: float | None = knob(None, "Learning rate; default 2e-4 (sft with an adapter), 2e-5 (sft full), 5e-5 "
                                  "(other objectives with an adapter), 5e-6 (other objectives full).")
    lr_scheduler: str = knob("linear", "Learning-rate schedule: linear, cosine, constant, constant_with_warmup, ... "
                                       "(transformers' SchedulerType).")
    warmup: float = knob(0.0, "Warmup: a fraction of the steps if below 1 (0.03), else a number of steps (10).")
    optim: str = knob("adamw_torch", "Optimizer (transformers' names): adamw_torch, adafactor, sgd; adamw_8bit, "
                                     "paged_adamw_8bit, paged_adamw_32bit (bitsandbytes; paged pays off on a GPU).")
    batch_size: int = knob(8, "Rows per device per step (a packed row holds several examples).")
    grad_accum: int = knob(1, "Gradient accumulation steps; effective batch = batch-size x grad-accum x processes.")
    max_length: int = knob(512, "Tokens per example (packing: per row); longer examples are truncated.")
    lora_r: int = knob(16, "LoRA rank.")
    lora_alpha: int = knob(32, "LoRA scale numerator (the update is scaled by alpha / r).")
    lora_dropout: float = knob(0.05, "Dropout on the LoRA input.")
    target_modules: str | None = knob(None, "Layers that get adapters, comma-separated short names (q_proj,v_proj); "
                                            "default: every linear layer but the output head.")
    use_rslora: bool = knob(False, "Rank-stabilized LoRA: scale the update by alpha / sqrt(r) instead of alpha / r.")
    packing: bool = knob(True, "Pack several examples per max-length row without cross-attention (best-fit, "
                               "position ids restart per example); --no-packing pads each batch to its longest row.")
    pad_to_multiple_of: int | None = knob(None, "Pad each batch's length up to a multiple of this (the speed "
                                                "benchmark's naive baseline uses --max-length).")
    attn_implementation: str = knob("sdpa", f"Attention kernel: {', '.join(ATTN_IMPLEMENTATIONS)}.")
    gradient_checkpointing: bool = knob(False, "Recompute activations in the backward pass: less memory, ~20% slower.")
    beta: float = knob(0.1, "dpo, kto, grpo: pull towards the reference model; orpo: weight of the odds-ratio term; "
                            "simpo: reward scale.")
    seed: int = knob(0, "Random seed (data order, LoRA init, dropout).")
    save_steps: int = knob(50, "Save a checkpoint every N optimizer steps (what --resume continues from).")
    logging_steps: int = knob(10, "Log the training loss every N optimizer steps.")
    eval_steps: int | None = knob(None, "Evaluate every N steps (needs --eval-data or --eval-split): eval loss and "
                                        "sample generations, logged to the console and to --report-to.")
    eval_samples: int = knob(2, "Evaluation prompts to generate a sample completion from at each evaluation.")
    report_to: str = knob("none", f"Where to log: {', '.join(REPORTERS)} (wandb only when installed); TensorBoard "
                                  "logs go to output/runs.")
    resume: bool = knob(False, "Continue from the last checkpoint in --output (e.g. after a kill, or to more steps).")
    merge: bool = knob(False, "Also write output/merged: the adapter merged into the base, loadable by "
                              "from_pretrained.")
    overwrite: bool = knob(False, "Replace this command's results in --output (other files there are kept).")
    debug: bool = knob(False, "Show full tracebacks and library warnings instead of one sentence.")
    quiet: bool = knob(False, "No progress bar or log lines (for notebooks and tests).")

    @classmethod
    def from_dict(cls, values: dict[str, Any], source: str = "The config") -> FinetuneConfig:
        """Build a config from a dict (dashes or underscores in keys); an unknown key raises CourseError."""
        names = [f.name for f in fields(cls)]
        clean = {str(k).replace("-", "_"): v for k, v in values.items()}
        if clean.get("method") is not None or "lora" in clean:
            raise CourseError(f"{source} uses method/lora, which are now two settings: objective (sft, dpo, orpo, kto, "
                              "simpo, grpo) and adapter_type (full, lora, qlora, dora), e.g. --objective dpo "
                              "--adapter-type qlora.")
        clean.pop("method", None)
        unknown = sorted(set(clean) - set(names))
        if unknown:
            raise CourseError(f"{source} has the unknown key(s) {', '.join(unknown)}; the known keys are: "
                              f"{', '.join(names)}.")
        kinds = {f.name: f.type for f in fields(cls)}
        for key, value in clean.items():  # YAML reads 2e-4 (no dot) as a string: take it as the number it means
            if isinstance(value, str) and kinds[key].startswith(("int", "float")):
                with contextlib.suppress(ValueError):  # else validate() names the field and the bad value
                    clean[key] = (int if kinds[key].startswith("int") else float)(value)
        return cls(**clean)

    @classmethod
    def from_yaml(cls, path: str | Path) -> FinetuneConfig:
        """Read a YAML config file (keys as the fields here or as the CLI flags)."""
        return cls.from_dict(read_yaml(path), source=f"The config file {path}")

    def to_dict(self) -> dict[str, Any]:
        """The config as a plain dict (what config.yaml holds)."""
        return asdict(self)


def read_yaml(path: str | Path) -> dict[str, Any]:
    """A YAML file's top-level mapping, or one sentence saying why it cannot be read."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise CourseError(f"The config file {path} does not exist.")
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise CourseError(f"The config file {path} is not valid YAML ({str(err).splitlines()[0]}).") from None
    if not isinstance(values, dict):
        raise CourseError(f"The config file {path} must hold a mapping of keys to values.")
    return values


KINDS = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "str | None": (str, type(None)),
         "int | None": (int, type(None)), "float | None": (int, float, type(None))}
WORDS = {"str": "a string", "int": "a whole number", "float": "a number", "bool": "true or false"}


def validate(cfg: FinetuneConfig) -> None:
    """Refuse impossible settings with one sentence each (no model or data is touched)."""
    for f in fields(cfg):
        value = getattr(cfg, f.name)
        if type(value) not in KINDS[f.type]:
            word = WORDS[f.type.removesuffix(" | None")] + (" or empty" if f.type.endswith("None") else "")
            raise CourseError(f"{f.name} must be {word}, not {value!r}.")
    if not cfg.model:
        raise CourseError("No model given: pass --model NAME_OR_FOLDER.")
    if not cfg.data:
        raise CourseError("No training data given: pass --data FILE_OR_HUB_NAME.")
    for name, allowed in (("objective", OBJECTIVES), ("adapter_type", ADAPTERS), ("report_to", REPORTERS),
                          ("attn_implementation", ATTN_IMPLEMENTATIONS), ("lr_scheduler", schedulers()),
                          ("optim", optimizers())):
        if getattr(cfg, name) not in allowed:
            raise CourseError(f"--{name.replace('_', '-')} must be one of {', '.join(allowed)}, not "
                              f"{getattr(cfg, name)!r}.")
    for name in ("batch_size", "grad_accum", "max_length", "lora_r", "lora_alpha", "save_steps", "logging_steps",
                 "num_generations", "max_completion_length"):
        if getattr(cfg, name) < 1:
            raise CourseError(f"--{name.replace('_', '-')} must be a whole number of at least 1, not "
                              f"{getattr(cfg, name)!r}.")
    if cfg.max_steps <= 0 and not cfg.epochs > 0:
        raise CourseError("Set --max-steps above 0 or --epochs above 0, or there is nothing to train.")
    if not 0 <= cfg.eval_split < 1:
        raise CourseError(f"--eval-split is a fraction in [0, 1), not {cfg.eval_split!r}.")
    if cfg.eval_split and cfg.eval_data:
        raise CourseError("Pass either --eval-data or --eval-split, not both.")
    if cfg.eval_steps is not None and (cfg.eval_steps < 1 or not (cfg.eval_data or cfg.eval_split)):
        raise CourseError("--eval-steps needs a whole number of at least 1 and evaluation data (--eval-data or "
                          "--eval-split).")
    if cfg.eval_samples < 0:
        raise CourseError(f"--eval-samples must be 0 or more, not {cfg.eval_samples!r}.")
    if cfg.warmup < 0 or (cfg.warmup >= 1 and cfg.warmup != int(cfg.warmup)):
        raise CourseError(f"--warmup is a fraction of the steps below 1 or a whole number of steps, not "
                          f"{cfg.warmup!r}.")
    if cfg.adapter and cfg.adapter_type == "full":
        raise CourseError("--adapter continues a LoRA adapter, so it needs --adapter-type lora, qlora or dora.")
    if cfg.adapter_type == "full" and (cfg.target_modules or cfg.use_rslora):
        raise CourseError("--target-modules and --use-rslora shape an adapter, so they need --adapter-type lora, qlora "
                          "or dora.")
    if (cfg.objective == "grpo") != bool(cfg.reward_funcs):
        raise CourseError("--objective grpo needs --reward-funcs FILE.py, and --reward-funcs is for grpo only.")
    if cfg.objective == "grpo" and (cfg.num_generations < 2 or cfg.batch_size % cfg.num_generations):
        raise CourseError("grpo compares --num-generations (at least 2) completions of each prompt within a batch, so "
                          f"--batch-size must be a multiple of it ({cfg.batch_size} is not of {cfg.num_generations}).")
    if cfg.resume and cfg.overwrite:
        raise CourseError("--resume continues the results in --output and --overwrite deletes them: pass one.")


def schedulers() -> tuple[str, ...]:
    """The learning-rate schedules transformers knows."""
    from transformers.trainer_utils import SchedulerType

    return tuple(s.value for s in SchedulerType)


def optimizers() -> tuple[str, ...]:
    """The optimizer names transformers knows."""
    from transformers.training_args import OptimizerNames

    return tuple(o.value for o in OptimizerNames)


def default_lr(cfg: FinetuneConfig) -> float:
    """The learning rate used when --lr is not given: adapters learn fast, full weights and preference/RL slowly."""
    if cfg.lr is not None:
        return cfg.lr
    full = cfg.adapter_type == "full"
    if cfg.objective == "sft":
        return 2e-5 if full else 2e-4
    return 5e-6 if full else 5e-5


def optimizer_steps(rows: int, batch_size: int, grad_accum: int = 1, processes: int = 1, epochs: float = 1.0) -> int:
    """How many optimizer steps the Trainer takes over `rows` training rows: each process gets
    ceil(rows / processes) rows, in ceil(./batch_size) batches; every grad_accum batches make one step (a short
    remainder still steps), and fractional epochs are rounded up."""
    batches = math.ceil(rows / (batch_size * processes))
    per_epoch = max(math.ceil(batches / grad_accum), 1)
    return math.ceil(per_epoch * epochs)
