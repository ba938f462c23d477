"""One command to fine-tune any causal LM: `python -m utils.finetune --model M --data D [--method lora]`.

Python API (what lessons call):

    from utils.finetune import FinetuneConfig, finetune, load_finetuned
    result = finetune(FinetuneConfig(model="gpt2", data="train.jsonl", method="lora", max_steps=50, output="out"))
    result.metrics["train_loss"], result.output_dir, result.merged_dir
    model, tokenizer = load_finetuned(result.output_dir)   # adapter on its base, or the full model

`finetune` also takes a dict (same keys as the CLI flags, dashes or underscores) and keyword overrides.
Bad input raises utils.errors.CourseError with one sentence; the CLI prints it and exits with status 2.
The same command runs on several GPUs: `accelerate launch --config_file configs/accelerate/ddp.yaml -m utils.finetune`.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import shutil
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import torch

from utils.errors import CourseError
from utils.finetune_config import FinetuneConfig, default_lr, read_yaml, validate
from utils.finetune_data import (
    PackedRowsCollator,
    TokenMeter,
    is_chat_rows,
    load_rows,
    require_schema,
    to_trainer_format,
)
from utils.finetune_model import (
    CHAT_TOKENS,
    add_chat_template,
    chat_loss_mode,
    check_model_source,
    fix_pad_token,
    load_tokenizer,
    lora_targets,
    packing_is_exact,
    resize_for,
)

__all__ = ["FinetuneConfig", "FinetuneResult", "finetune", "load_finetuned", "main", "merge_adapter"]
RESULT_MARKERS = ("config.yaml", "metrics.json", "adapter_config.json", "model.safetensors")


@dataclass
class FinetuneResult:
    """What a fine-tune produced: where it is, its metrics (as in metrics.json) and the resolved config."""

    output_dir: Path
    config: FinetuneConfig
    metrics: dict[str, Any] = field(default_factory=dict)
    merged_dir: Path | None = None
    notes: list[str] = field(default_factory=list)  # choices made for you (pad token, chat template, packing)


@dataclass
class Prepared:
    """Everything checked and loaded before training starts: data in trl's format and how to treat it."""

    tokenizer: Any
    train: Any
    eval: Any
    schema: str
    chat_mode: str | None  # "assistant" | "last_turn" | None (not chat data)
    notes: list[str]


def resolve_config(config: FinetuneConfig | dict | None, overrides: dict[str, Any]) -> FinetuneConfig:
    """A FinetuneConfig from a config object or dict plus keyword overrides (unknown keys raise CourseError), capped
    in a smoke run."""
    if config is None:
        config = {}
    if isinstance(config, dict):
        config = FinetuneConfig.from_dict(config)
    elif not isinstance(config, FinetuneConfig):
        raise CourseError(f"finetune() takes a FinetuneConfig or a dict, not {type(config).__name__}.")
    from utils.profiles import smoke_capped

    settings = smoke_capped({**config.to_dict(), **overrides})
    if settings != config.to_dict():
        config = replace(config, **vars(FinetuneConfig.from_dict(settings)))
    validate(config)
    return config


def holds_results(out: Path) -> bool:
    """Whether a folder already holds a fine-tune's results or checkpoints."""
    return out.is_dir() and (any((out / name).exists() for name in RESULT_MARKERS) or any(out.glob("checkpoint-*")))


def checkpoints(out: Path) -> list[tuple[int, Path, bool]]:
    """(step, folder, complete) of every checkpoint-N in `out`, by step; complete ones hold trainer_state.json,
    which the Trainer writes last, so a run killed while saving leaves an incomplete one."""
    found = [(int(p.name.split("-")[1]), p) for p in out.glob("checkpoint-*") if p.name.split("-")[1].isdigit()]
    return [(step, path, (path / "trainer_state.json").is_file()) for step, path in sorted(found)]


def last_complete_checkpoint(out: Path) -> Path | None:
    """The latest checkpoint that was completely written, or None."""
    complete = [path for _, path, ok in checkpoints(out) if ok]
    return complete[-1] if complete else None


def check_output(cfg: FinetuneConfig) -> Path:
    """Refuse to write over results unless --overwrite (or --resume, which needs a checkpoint to continue from)."""
    out = Path(cfg.output).expanduser()
    if out.exists() and not out.is_dir():
        raise CourseError(f"--output {out} is a file, not a folder.")
    if cfg.resume:
        if not out.is_dir() or last_complete_checkpoint(out) is None:
            raise CourseError(f"There is nothing to resume: {out} holds no complete checkpoint-N folder.")
    elif holds_results(out) and not cfg.overwrite:
        raise CourseError(f"{out} already holds fine-tuning results; pass --overwrite to replace them, --resume to "
                          "continue them, or choose another --output.")
    if cfg.overwrite and holds_results(out) and (out.resolve() in (Path.cwd(), Path.home()) or (out / ".git").exists()):
        raise CourseError(f"--overwrite would delete {out}, which looks like a working folder; choose a dedicated "
                          "--output folder.")
    return out


def prepare_data(cfg: FinetuneConfig) -> Prepared:
    """Load the data and detect its schema, then the tokenizer (fixing pad token and chat template); format for trl."""
    notes: list[str] = []
    train = load_rows(cfg.data, cfg.data_split)
    schema = require_schema(train.column_names, f"The data {cfg.data}")
    if cfg.method == "dpo" and schema != "preference":
        raise CourseError(f"--method dpo needs preference data (prompt, chosen, rejected columns); {cfg.data} has "
                          f"{schema} data.")
    if cfg.method != "dpo" and schema == "preference":
        raise CourseError(f"{cfg.data} holds preference pairs (prompt, chosen, rejected): train on it with --method "
                          "dpo.")
    evaluation = None
    if cfg.eval_data:
        evaluation = load_rows(cfg.eval_data, cfg.data_split)
        eval_schema = require_schema(evaluation.column_names, f"The evaluation data {cfg.eval_data}")
        if eval_schema != schema:
            raise CourseError(f"The evaluation data has {eval_schema} data but the training data has {schema} data.")
    elif cfg.eval_split:
        if len(train) < 2:
            raise CourseError("--eval-split needs at least 2 rows of data.")
        parts = train.train_test_split(test_size=cfg.eval_split, seed=cfg.seed)
        train, evaluation = parts["train"], parts["test"]

    check_model_source(cfg.model)
    tokenizer = load_tokenizer(cfg.model)
    pad_note = fix_pad_token(tokenizer)
    notes += [pad_note] if pad_note else []
    chat_mode = None
    if is_chat_rows(train, schema) or (schema == "alpaca" and tokenizer.chat_template):
        if not tokenizer.chat_template:
            notes.append(add_chat_template(tokenizer))
        chat_mode, note = chat_loss_mode(tokenizer) if schema == "chat" else ("assistant", None)
        notes += [note] if note else []
    if schema == "alpaca":
        notes.append("instruction/input/output rows become prompt/completion "
                     + ("chat messages (the tokenizer has a chat template)." if chat_mode else "in the Alpaca format."))
    last_turn = chat_mode == "last_turn"
    train = to_trainer_format(train, schema, chat_mode is not None, last_turn)
    if evaluation is not None:
        evaluation = to_trainer_format(evaluation, schema, chat_mode is not None, last_turn)
    return Prepared(tokenizer, train, evaluation, schema, chat_mode if schema == "chat" else None, notes)


def precision() -> tuple[torch.dtype, dict[str, bool]]:
    """Weights dtype and Trainer precision flags: bf16 on GPUs that have it, fp16 mixed on older GPUs, fp32 on CPU."""
    from utils.device import pick_dtype, weights_dtype

    compute = pick_dtype()
    return weights_dtype(), {"bf16": compute == torch.bfloat16, "fp16": compute == torch.float16}


def load_model(cfg: FinetuneConfig, prep: Prepared, dtype: torch.dtype) -> Any:
    """Load the causal LM (4-bit for qlora), with SDPA attention where the architecture has it; resize if needed."""
    from accelerate import PartialState
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    from utils.device import pick_dtype

    kwargs: dict[str, Any] = {"dtype": dtype, "attn_implementation": cfg.attn_implementation}
    if cfg.method == "qlora":
        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=pick_dtype())
        if torch.cuda.is_available():
            kwargs["device_map"] = {"": PartialState().local_process_index}
    try:
        model = AutoModelForCausalLM.from_pretrained(cfg.model, **kwargs)
    except (ValueError, ImportError) as err:
        if cfg.attn_implementation == "eager" or "attn" not in str(err).lower():
            raise
        kwargs["attn_implementation"] = "eager"
        model = AutoModelForCausalLM.from_pretrained(cfg.model, **kwargs)
        prep.notes.append(f"{type(model).__name__} has no {cfg.attn_implementation} attention here: using eager.")
    for module in model.modules():  # bitsandbytes 0.50 repacks 4-bit CPU weights for inference on the first eval
        if hasattr(module, "support_avx512bf16_for_cpu"):  # forward, after which training fails: keep one layout
            module.support_avx512bf16_for_cpu = False
    resize_for(model, prep.tokenizer)
    model.config.pad_token_id = prep.tokenizer.pad_token_id
    model.generation_config.pad_token_id = prep.tokenizer.pad_token_id
    if CHAT_TOKENS[1] in prep.tokenizer.get_vocab() and CHAT_TOKENS[1] in (prep.tokenizer.chat_template or ""):
        stop_at_end_of_turn(model, prep.tokenizer)
    return model


def stop_at_end_of_turn(model: Any, tokenizer: Any) -> None:
    """Make generation stop at ChatML's <|im_end|> as well as at the eos token."""
    end = tokenizer.convert_tokens_to_ids(CHAT_TOKENS[1])
    eos = model.generation_config.eos_token_id
    eos = [] if eos is None else [eos] if isinstance(eos, int) else list(eos)
    if end not in eos:
        model.generation_config.eos_token_id = [*eos, end]


def lora_config(cfg: FinetuneConfig, model: Any) -> Any:
    """LoRA on every linear layer of the model but its output head."""
    from peft import LoraConfig
    from transformers.pytorch_utils import Conv1D

    conv1d = any(isinstance(module, Conv1D) for module in model.modules())  # GPT-2 style (in, out) weights
    return LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
                      target_modules=lora_targets(model), fan_in_fan_out=conv1d, task_type="CAUSAL_LM")


def trainer_args(cfg: FinetuneConfig, flags: dict[str, bool], use_lora: bool) -> dict[str, Any]:
    """TrainingArguments shared by SFT and DPO."""
    return dict(
        output_dir=str(Path(cfg.output).expanduser()), max_steps=cfg.max_steps, num_train_epochs=cfg.epochs,
        learning_rate=default_lr(cfg), per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.batch_size, gradient_accumulation_steps=cfg.grad_accum, seed=cfg.seed,
        data_seed=cfg.seed, logging_steps=cfg.logging_steps, save_strategy="steps", save_steps=cfg.save_steps,
        save_total_limit=2, report_to="none", disable_tqdm=cfg.quiet, max_length=cfg.max_length,
        activation_checkpointing=cfg.gradient_checkpointing, pad_to_multiple_of=cfg.pad_to_multiple_of,
        dataloader_num_workers=0, dataloader_pin_memory=torch.cuda.is_available(),
        ddp_find_unused_parameters=False if use_lora else None, **flags)


def build_trainer(cfg: FinetuneConfig, prep: Prepared, model: Any, flags: dict[str, bool]) -> tuple[Any, bool]:
    """An SFTTrainer or DPOTrainer for `cfg` (packed rows get their own collator); returns it and whether it packs."""
    from peft import PeftModel, prepare_model_for_kbit_training
    from trl import DPOConfig, DPOTrainer, SFTConfig, SFTTrainer

    use_lora = cfg.method in ("lora", "qlora") or (cfg.method == "dpo" and cfg.lora)
    if cfg.method == "qlora":
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=cfg.gradient_checkpointing)
    peft_config = None
    if cfg.adapter:
        model = PeftModel.from_pretrained(model, cfg.adapter, is_trainable=True)
        prep.notes.append(f"Training further the LoRA adapter in {cfg.adapter}.")
    elif use_lora:
        peft_config = lora_config(cfg, model)
    common = trainer_args(cfg, flags, use_lora)
    if cfg.method == "dpo":
        args = DPOConfig(**common, beta=cfg.beta)
        ref = None if use_lora else copy.deepcopy(model).eval()
        trainer = DPOTrainer(model=model, ref_model=ref, args=args, train_dataset=prep.train,
                             eval_dataset=prep.eval, processing_class=prep.tokenizer, peft_config=peft_config)
        packed = False
    else:
        packed = cfg.packing and packing_is_exact(model)
        if cfg.packing and not packed:
            prep.notes.append(f"{type(model).__name__} lets packed examples attend to each other (it ignores restarted "
                              "position ids), so batches are padded instead of packed.")
        args = SFTConfig(**common, packing=packed, packing_strategy="bfd", padding_free=False,
                         assistant_only_loss=prep.chat_mode == "assistant")
        trainer = SFTTrainer(model=model, args=args, train_dataset=prep.train, eval_dataset=prep.eval,
                             processing_class=prep.tokenizer, peft_config=peft_config)
    trainer.add_callback(log_final_step())
    if packed:
        trainer.data_collator = PackedRowsCollator(prep.tokenizer.pad_token_id, cfg.pad_to_multiple_of)
    if cfg.quiet:
        from transformers import PrinterCallback

        trainer.remove_callback(PrinterCallback)
    return trainer, packed


def log_final_step() -> Any:
    """A callback that logs the last step too: transformers adds the loss of the steps after the last log from the
    local process only, which skews the reported training loss under several processes."""
    from transformers import TrainerCallback

    class LogFinalStep(TrainerCallback):
        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            control.should_log = control.should_log or state.global_step >= state.max_steps
            return control

    return LogFinalStep()


class PeakMemory:
    """Peak memory while a block runs, and its rise over the start: CUDA allocated bytes on a GPU, else the process's
    resident set (sampled every 5 ms)."""

    def __enter__(self) -> PeakMemory:
        """Start measuring."""
        import psutil

        self.cuda = torch.cuda.is_available()
        self.peak = 0
        if self.cuda:
            torch.cuda.reset_peak_memory_stats()
            self.start = torch.cuda.memory_allocated()
            return self
        self.process, self.running = psutil.Process(), True
        self.start = self.process.memory_info().rss
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        """Poll the resident set size every few milliseconds."""
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.005)

    def __exit__(self, *exc: object) -> None:
        """Stop measuring."""
        if self.cuda:
            self.peak = torch.cuda.max_memory_allocated()
        else:
            self.running = False
            self.thread.join()
            self.peak = max(self.peak, self.process.memory_info().rss)

    @property
    def kind(self) -> str:
        """What was measured."""
        return "cuda_max_allocated" if self.cuda else "cpu_peak_rss"


def count_params(model: Any) -> tuple[int, int]:
    """(trainable, total) parameters; 4-bit weights count as their unpacked number of values."""
    trainable = total = 0
    for param in model.parameters():
        n = param.numel() * (2 if param.dtype == torch.uint8 else 1)
        total += n
        trainable += n if param.requires_grad else 0
    return trainable, total


def run_training(cfg: FinetuneConfig, trainer: Any) -> dict[str, Any]:
    """Evaluate, train (resuming if asked), evaluate again; return the measured numbers."""
    meter = TokenMeter()
    meter.attach(trainer)
    metrics: dict[str, Any] = {}
    if trainer.eval_dataset is not None:
        metrics["eval_loss_start"] = trainer.evaluate()["eval_loss"]
    trainable, total = count_params(trainer.model)
    checkpoint = last_complete_checkpoint(Path(trainer.args.output_dir)) if cfg.resume else None
    with PeakMemory() as memory:
        start = time.perf_counter()
        output = trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
        seconds = time.perf_counter() - start
    tokens = int(trainer.accelerator.gather(torch.tensor([meter.real], device=trainer.args.device)).sum())
    computed = int(trainer.accelerator.gather(torch.tensor([meter.total], device=trainer.args.device)).sum())
    history = [[log["step"], round(log["loss"], 4)] for log in trainer.state.log_history if "loss" in log]
    metrics.update(
        train_loss=output.training_loss, train_loss_first=history[0][1] if history else None,
        train_loss_last=history[-1][1] if history else None, loss_history=history,
        steps=trainer.state.global_step, resumed_from_step=int(checkpoint.name.split("-")[1]) if checkpoint else 0,
        epochs=round(trainer.state.epoch or 0, 3), train_tokens=tokens, tokens_per_s=round(tokens / seconds, 1),
        padding_waste=round(1 - tokens / max(computed, 1), 4), peak_memory_mb=round(memory.peak / 2**20, 1),
        memory_growth_mb=round((memory.peak - memory.start) / 2**20, 1),
        memory_kind=memory.kind, trainable_params=trainable, total_params=total,
        trainable_percent=round(100 * trainable / total, 3), train_time_s=round(seconds, 2),
        num_processes=trainer.accelerator.num_processes, distributed=trainer.accelerator.distributed_type.value)
    if trainer.eval_dataset is not None:
        metrics["eval_loss"] = trainer.evaluate()["eval_loss"]
    return metrics


def finetune(config: FinetuneConfig | dict | None = None, **overrides: Any) -> FinetuneResult:
    """Fine-tune `config.model` on `config.data` with `config.method`; write and return the result.

    Every check runs before anything is written: a bad input raises CourseError and leaves `output` untouched."""
    from accelerate import PartialState

    from utils.device import pick_device

    started = time.perf_counter()
    on_cpu = pick_device().type == "cpu"
    state = PartialState(cpu=on_cpu)  # first: several CPU processes (torchrun, accelerate launch) then share gloo
    cfg = resolve_config(config, overrides)
    cfg = replace(cfg, lr=default_lr(cfg))
    out = check_output(cfg)
    if cfg.adapter and not (Path(cfg.adapter) / "adapter_config.json").is_file():
        raise CourseError(f"--adapter {cfg.adapter} is not a LoRA adapter folder (it has no adapter_config.json).")
    if cfg.method == "qlora":
        from utils.device import supports_4bit

        ok, why = supports_4bit()
        if not ok:
            raise CourseError(f"--method qlora needs 4-bit bitsandbytes layers, which are unavailable here: {why}")
    if cfg.quiet:
        import datasets
        import transformers

        datasets.disable_progress_bars()
        transformers.logging.disable_progress_bar()
        logging.getLogger("bitsandbytes").setLevel(logging.ERROR)  # e.g. its note on optional CPU kernels
    prep = prepare_data(cfg)
    if state.is_main_process:
        if cfg.overwrite and holds_results(out):
            shutil.rmtree(out)
        for step, path, complete in checkpoints(out) if cfg.resume else []:
            if not complete:
                shutil.rmtree(path)
                prep.notes.append(f"Removed checkpoint-{step}, which the interrupted run left half-written.")
    state.wait_for_everyone()

    dtype, flags = precision()
    flags["use_cpu"] = on_cpu
    with warnings.catch_warnings():
        if not cfg.debug:  # the libraries' notices about their own renamed internals: nothing a user can act on
            warnings.filterwarnings("ignore", message=".*deprecated and will be removed in v6", category=FutureWarning)
        model = load_model(cfg, prep, dtype)
        trainer, packed = build_trainer(cfg, prep, model, flags)
        metrics = run_training(cfg, trainer)
    trainer.model.config.use_cache = True
    trainer.save_model(str(out))
    merged = None
    if state.is_main_process:
        prep.tokenizer.save_pretrained(out)
        if cfg.merge:
            merged = merge_adapter(out, prep.notes)
    metrics.update(method=cfg.method, model=cfg.model, data=cfg.data, schema=prep.schema,
                   train_rows=len(prep.train), eval_rows=len(prep.eval) if prep.eval is not None else 0,
                   packing=packed, attn_implementation=trainer.model.config._attn_implementation,
                   wall_time_s=round(time.perf_counter() - started, 2), notes=prep.notes)
    if state.is_main_process:
        write_results(out, cfg, metrics)
    state.wait_for_everyone()
    return FinetuneResult(out, cfg, metrics, merged, prep.notes)


def write_results(out: Path, cfg: FinetuneConfig, metrics: dict[str, Any]) -> None:
    """Write the resolved config (config.yaml) and the metrics (metrics.json)."""
    import yaml

    out.mkdir(parents=True, exist_ok=True)
    (out / "config.yaml").write_text(yaml.safe_dump(cfg.to_dict(), sort_keys=False), encoding="utf-8")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")


def merge_adapter(out: Path, notes: list[str]) -> Path | None:
    """Merge the adapter in `out` into an fp32 copy of its base on the CPU (no rounding of base + adapter on the way)
    and save it (with tokenizer) to out/merged in the training weights dtype (bf16 where the GPU has it, else fp32)."""
    if not (out / "adapter_config.json").is_file():
        notes.append("--merge: a full fine-tune is already a complete model, so there is nothing to merge.")
        return None
    model, tokenizer = load_finetuned(out, dtype=torch.float32, device="cpu")
    merged = model.merge_and_unload().to(precision()[0])
    target = out / "merged"
    merged.save_pretrained(target)
    tokenizer.save_pretrained(target)
    return target


def load_finetuned(path: str | Path, merged: bool = False, dtype: torch.dtype | None = None,
                   device: str | torch.device | None = None):
    """Load a fine-tune's output folder: (model, tokenizer) in eval mode on `device` in `dtype` (default: where and as
    utils.models puts models: the GPU outside tiny, bf16 where the GPU has it, else fp32); an adapter is put on a copy
    of its base (resized to the tokenizer if tokens were added); `merged=True` loads path/merged instead."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from utils.device import pick_device, weights_dtype
    from utils.models import from_hub

    path = Path(path) / "merged" if merged else Path(path)
    if not path.is_dir():
        raise CourseError(f"There is no fine-tuned model in {path}.")
    tokenizer = AutoTokenizer.from_pretrained(path)
    device = torch.device(device) if device is not None else pick_device()
    dtype = dtype or weights_dtype(device)
    if (path / "adapter_config.json").is_file():
        from peft import PeftConfig, PeftModel

        base_name = PeftConfig.from_pretrained(path).base_model_name_or_path
        base = from_hub(AutoModelForCausalLM, base_name, dtype=dtype)
        resize_for(base, tokenizer)
        model = PeftModel.from_pretrained(base, path)
    else:
        model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype)
    if CHAT_TOKENS[1] in tokenizer.get_vocab() and CHAT_TOKENS[1] in (tokenizer.chat_template or ""):
        stop_at_end_of_turn(model, tokenizer)
    return model.to(device).eval(), tokenizer


@torch.no_grad()
def logit_gap(first: Any, second: Any, inputs: dict[str, torch.Tensor]) -> tuple[float, float]:
    """The largest logit difference of two models on `inputs` (moved to each model's device), and the largest their
    dtype allows: 1e-4 when both are fp32; in bf16/fp16, 5% of the largest logit (a 16-bit merge rounds each weight)."""
    logits = [m(**{k: v.to(m.device) for k, v in inputs.items()}).logits.float().cpu() for m in (first, second)]
    gap = (logits[0] - logits[1]).abs().max().item()
    exact = first.dtype == second.dtype == torch.float32
    return gap, 1e-4 if exact else 5e-2 * logits[0].abs().max().item()


def build_parser() -> argparse.ArgumentParser:
    """The CLI: one flag per FinetuneConfig field (booleans also take --no-X), plus --config FILE."""
    parser = argparse.ArgumentParser(
        prog="python -m utils.finetune",
        description="Fine-tune any causal LM (full, LoRA, QLoRA or DPO) on a data file or hub data set. Flags "
                    "override --config. Several GPUs: accelerate launch --config_file configs/accelerate/ddp.yaml "
                    "-m utils.finetune ...",
        epilog="Example: python -m utils.finetune --model Qwen/Qwen2.5-0.5B --data chat.jsonl --method qlora "
               "--max-steps 200 --output outputs/qwen-chat --merge")
    parser.add_argument("--config", metavar="FILE", help="YAML file of settings (keys as the flags below).")
    for f in fields(FinetuneConfig):
        flag = "--" + f.name.replace("_", "-")
        kind = f.type if isinstance(f.type, str) else f.type.__name__
        default = f" (default: {f.default})" if f.default != "" else " (required)"
        text = f.metadata["help"].replace("%", "%%") + default
        if kind == "bool":
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=argparse.SUPPRESS, help=text)
            continue
        convert = {"int": int, "float": float, "int | None": int, "float | None": float}.get(kind, str)
        parser.add_argument(flag, type=convert, default=argparse.SUPPRESS, metavar=f.name.upper(), help=text)
    return parser


def quiet_libraries() -> None:
    """Keep the CLI's output to the progress bar, the loss logs and our own lines."""
    import datasets
    import transformers

    warnings.filterwarnings("ignore")
    transformers.logging.set_verbosity_error()
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()


def main(argv: list[str] | None = None) -> int:
    """The CLI: parse flags (and --config FILE), run `finetune`, print one sentence on bad input."""
    args = vars(build_parser().parse_args(argv))
    debug = bool(args.get("debug"))
    config_file = args.pop("config", None)
    try:
        values = read_yaml(config_file) if config_file else {}
        source = f"The config file {config_file}" if config_file else "The flags"
        cfg = FinetuneConfig.from_dict({**values, **args}, source=source)
        debug = cfg.debug
        if not debug:
            quiet_libraries()
        result = finetune(cfg)
    except CourseError as err:
        if debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return 2
    except torch.OutOfMemoryError:
        if debug:
            raise
        print("error: out of memory; lower --batch-size or --max-length, add --gradient-checkpointing, or use "
              "--method qlora.", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("Interrupted; run the same command with --resume to continue from the last checkpoint.",
              file=sys.stderr)
        return 130
    from accelerate import PartialState

    if PartialState().is_main_process:
        m = result.metrics
        for note in result.notes:
            print(f"note: {note}")
        evaluation = f", eval loss {m['eval_loss_start']:.4f} -> {m['eval_loss']:.4f}" if "eval_loss" in m else ""
        print(f"Done: {m['steps']} steps in {m['train_time_s']} s, train loss {m['train_loss']:.4f}{evaluation}, "
              f"{m['tokens_per_s']} tokens/s, padding {100 * m['padding_waste']:.1f}%, "
              f"{m['trainable_params']:,} trainable parameters; results in {result.output_dir}"
              + (f", merged model in {result.merged_dir}" if result.merged_dir else "") + ".")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
