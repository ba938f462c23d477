"""Run a fine-tune: check the inputs, prepare data and model, train with the objective's trainer, write results."""

from __future__ import annotations

import importlib.util
import json
import logging
import shutil
import threading
import time
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import torch

from utils.errors import CourseError
from utils.finetune.callbacks import LogFinalStep, RunMark, SampleGenerations
from utils.finetune.config import FinetuneConfig, default_lr, validate
from utils.finetune.data import (
    TokenMeter,
    is_chat_rows,
    load_rows,
    require_objective_schema,
    require_schema,
    sample_prompts,
    to_trainer_format,
)
from utils.finetune.model import (
    add_chat_template,
    chat_loss_mode,
    check_model_source,
    fix_pad_token,
    load_model,
    load_training_tokenizer,
    merge_adapter,
    precision,
)
from utils.finetune.objectives import build_trainer
from utils.finetune.outputs import check_output, checkpoints, last_complete_checkpoint, remove_results
from utils.finetune.rewards import load_reward_funcs


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
    packed: bool = False  # set by the sft builder: whether examples are packed into rows


def resolve_config(config: FinetuneConfig | dict | None, overrides: dict[str, Any]) -> FinetuneConfig:
    """A FinetuneConfig from a config object or dict plus keyword overrides (unknown keys raise CourseError), capped
    in a smoke run."""
    if config is None:
        config = {}
    if isinstance(config, dict):
        config = FinetuneConfig.from_dict(config)
    elif not isinstance(config, FinetuneConfig):
        raise CourseError(f"finetune() takes a FinetuneConfig or a dict, not {type(config).__name__}.")
    from utils.course.profiles import smoke_capped

    settings = smoke_capped({**config.to_dict(), **overrides})
    if settings != config.to_dict():
        config = replace(config, **vars(FinetuneConfig.from_dict(settings)))
    validate(config)
    return config


def prepare_data(cfg: FinetuneConfig) -> Prepared:
    """Load the data and detect its schema, then the tokenizer (fixing pad token and chat template); format for trl."""
    notes: list[str] = []
    train = load_rows(cfg.data, cfg.data_split)
    schema = require_schema(train.column_names, f"The data {cfg.data}")
    require_objective_schema(cfg.objective, schema, cfg.data)
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
    tokenizer = load_training_tokenizer(cfg.model)
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
    train = to_trainer_format(train, schema, chat_mode is not None, last_turn, cfg.objective)
    if evaluation is not None:
        evaluation = to_trainer_format(evaluation, schema, chat_mode is not None, last_turn, cfg.objective)
    return Prepared(tokenizer, train, evaluation, schema, chat_mode if schema == "chat" else None, notes)


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
        metrics["eval_loss_start"] = trainer.evaluate().get("eval_loss")
    trainable, total = count_params(trainer.model)
    checkpoint = last_complete_checkpoint(Path(trainer.args.output_dir)) if cfg.resume else None
    with PeakMemory() as memory:
        start = time.perf_counter()
        output = trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
        seconds = time.perf_counter() - start
    tokens = int(trainer.accelerator.gather(torch.tensor([meter.real], device=trainer.args.device)).sum())
    computed = int(trainer.accelerator.gather(torch.tensor([meter.total], device=trainer.args.device)).sum())
    logs = trainer.state.log_history
    if not computed:  # grpo generates its batches: trl counts their tokens (all processes) in its logs
        tokens = int(max((log.get("num_tokens", 0) for log in logs), default=0))
    history = [[log["step"], round(log["loss"], 4)] for log in logs if "loss" in log]
    resumed = int(checkpoint.name.split("-")[1]) if checkpoint else 0
    metrics.update(
        train_loss=output.training_loss, train_loss_first=history[0][1] if history else None,
        train_loss_last=history[-1][1] if history else None, loss_history=history,
        eval_loss_history=[[log["step"], round(log["eval_loss"], 4)] for log in logs if "eval_loss" in log],
        steps=trainer.state.global_step, resumed_from_step=resumed,
        steps_per_s=round((trainer.state.global_step - resumed) / seconds, 3),
        epochs=round(trainer.state.epoch or 0, 3), train_tokens=tokens, tokens_per_s=round(tokens / seconds, 1),
        padding_waste=round(1 - tokens / computed, 4) if computed else None,
        peak_memory_mb=round(memory.peak / 2**20, 1), memory_growth_mb=round((memory.peak - memory.start) / 2**20, 1),
        memory_kind=memory.kind, trainable_params=trainable, total_params=total,
        trainable_percent=round(100 * trainable / total, 3), train_time_s=round(seconds, 2),
        num_processes=trainer.accelerator.num_processes, distributed=trainer.accelerator.distributed_type.value)
    if trainer.eval_dataset is not None:
        metrics["eval_loss"] = trainer.evaluate().get("eval_loss")
    return metrics


def check_environment(cfg: FinetuneConfig) -> None:
    """Refuse what this machine cannot run (4-bit layers, 8-bit or paged optimizers, wandb), and a reward file that
    does not load, before anything is written."""
    from utils.course.device import supports_4bit

    if cfg.adapter and not (Path(cfg.adapter) / "adapter_config.json").is_file():
        raise CourseError(f"--adapter {cfg.adapter} is not a LoRA adapter folder (it has no adapter_config.json).")
    if cfg.adapter_type == "qlora":
        ok, why = supports_4bit()
        if not ok:
            raise CourseError(f"--adapter-type qlora needs 4-bit bitsandbytes layers, which are unavailable here: "
                              f"{why}")
    bnb_optim = ("8bit" in cfg.optim or "paged" in cfg.optim) and "torch" not in cfg.optim
    if bnb_optim and importlib.util.find_spec("bitsandbytes") is None:
        raise CourseError(f"--optim {cfg.optim} is a bitsandbytes optimizer and bitsandbytes is not installed; run "
                          "`pip install -r requirements.txt` or use adamw_torch.")
    if cfg.report_to == "wandb" and importlib.util.find_spec("wandb") is None:
        raise CourseError("--report-to wandb needs the wandb package (pip install wandb); or use tensorboard.")
    if cfg.report_to == "tensorboard" and importlib.util.find_spec("tensorboard") is None:
        raise CourseError("--report-to tensorboard needs the tensorboard package (pip install tensorboard).")
    if cfg.reward_funcs:
        load_reward_funcs(cfg.reward_funcs)


def keep_logs_in(trainer: Any, out: Path) -> None:
    """Point TensorBoard at out/runs/<date_host> before anything is logged: transformers sets that folder when training
    begins, and a log before (the evaluation at the start) would open one under the working folder."""
    from transformers.integrations import TensorBoardCallback
    from transformers.integrations.integration_utils import default_logdir

    for callback in trainer.callback_handler.callbacks:
        if isinstance(callback, TensorBoardCallback) and callback.logging_dir is None:
            callback.logging_dir = str(out / default_logdir())


def finetune(config: FinetuneConfig | dict | None = None, **overrides: Any) -> FinetuneResult:
    """Fine-tune `config.model` on `config.data` with `config.objective` and `config.adapter_type`; write and return
    the result.

    Every check runs before anything is written: a bad input raises CourseError and leaves `output` untouched."""
    from accelerate import PartialState

    from utils.course.device import pick_device

    started = time.perf_counter()
    on_cpu = pick_device().type == "cpu"
    state = PartialState(cpu=on_cpu)  # first: several CPU processes (torchrun, accelerate launch) then share gloo
    cfg = resolve_config(config, overrides)
    cfg = replace(cfg, lr=default_lr(cfg))
    out = Path(cfg.output).expanduser()
    kept = check_output(out, cfg.resume, cfg.overwrite)
    check_environment(cfg)
    if cfg.quiet:
        import datasets
        import transformers

        datasets.disable_progress_bars()
        transformers.logging.disable_progress_bar()
        logging.getLogger("bitsandbytes").setLevel(logging.ERROR)  # e.g. its note on optional CPU kernels
    prep = prepare_data(cfg)
    if state.is_main_process:
        if cfg.overwrite:
            remove_results(out)
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
        model = load_model(cfg, prep.tokenizer, prep.notes, dtype)
        trainer = build_trainer(cfg, prep, model, flags)
        trainer.add_callback(LogFinalStep())
        trainer.add_callback(RunMark())
        keep_logs_in(trainer, out)
        samples = None
        if prep.eval is not None and cfg.eval_samples:
            samples = SampleGenerations(sample_prompts(prep.eval, cfg.eval_samples), prep.tokenizer, cfg.quiet)
            trainer.add_callback(samples)
        if cfg.quiet:
            from transformers import PrinterCallback

            trainer.remove_callback(PrinterCallback)
        metrics = run_training(cfg, trainer)
    if samples is not None and samples.writer is not None:
        samples.writer.close()
    trainer.model.config.use_cache = True
    trainer.save_model(str(out))
    merged = None
    if state.is_main_process:
        prep.tokenizer.save_pretrained(out)
        if cfg.merge:
            merged = merge_adapter(out, prep.notes)
    metrics.update(objective=cfg.objective, adapter_type=cfg.adapter_type, model=cfg.model, data=cfg.data,
                   schema=prep.schema, train_rows=len(prep.train),
                   eval_rows=len(prep.eval) if prep.eval is not None else 0, packing=prep.packed,
                   attn_implementation=trainer.model.config._attn_implementation,
                   samples=samples.samples if samples else [],
                   wall_time_s=round(time.perf_counter() - started, 2), notes=prep.notes)
    if state.is_main_process:
        metrics["files"] = sorted({p.name for p in out.iterdir()} - set(kept) | {"metrics.json", "config.yaml"})
        write_results(out, cfg, metrics)
    state.wait_for_everyone()
    return FinetuneResult(out, cfg, metrics, merged, prep.notes)


def write_results(out: Path, cfg: FinetuneConfig, metrics: dict[str, Any]) -> None:
    """Write the resolved config (config.yaml) and the metrics (metrics.json)."""
    import yaml

    out.mkdir(parents=True, exist_ok=True)
    (out / "config.yaml").write_text(yaml.safe_dump(cfg.to_dict(), sort_keys=False), encoding="utf-8")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
