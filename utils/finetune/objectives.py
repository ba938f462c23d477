"""The method table of utils.finetune: one trl trainer builder per objective; the adapter (full, lora, qlora, dora)
is applied the same way under every objective, so a new objective is one row here and one builder."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from utils.finetune.config import FinetuneConfig, default_lr
from utils.finetune.data import PackedRowsCollator
from utils.finetune.model import packing_is_exact, peft_config


def training_args(cfg: FinetuneConfig, flags: dict[str, bool], use_adapter: bool) -> dict[str, Any]:
    """The TrainingArguments every objective shares (schedule, optimizer, saving, logging, evaluation)."""
    evaluate = {"eval_strategy": "steps", "eval_steps": cfg.eval_steps} if cfg.eval_steps else {}
    return dict(
        output_dir=str(Path(cfg.output).expanduser()), max_steps=cfg.max_steps, num_train_epochs=cfg.epochs,
        learning_rate=default_lr(cfg), lr_scheduler_type=cfg.lr_scheduler, warmup_steps=cfg.warmup, optim=cfg.optim,
        per_device_train_batch_size=cfg.batch_size, per_device_eval_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum, seed=cfg.seed, data_seed=cfg.seed,
        logging_steps=cfg.logging_steps, save_strategy="steps", save_steps=cfg.save_steps, save_total_limit=2,
        report_to=cfg.report_to, disable_tqdm=cfg.quiet, activation_checkpointing=cfg.gradient_checkpointing,
        dataloader_num_workers=0, dataloader_pin_memory=torch.cuda.is_available(),
        ddp_find_unused_parameters=False if use_adapter else None, **evaluate, **flags)


def build_sft(cfg: FinetuneConfig, prep: Any, model: Any, args: dict[str, Any], peft: Any) -> Any:
    """Supervised fine-tuning on the completions (or whole texts), packed where the model keeps examples apart."""
    from trl import SFTConfig, SFTTrainer

    prep.packed = cfg.packing and packing_is_exact(model)
    if cfg.packing and not prep.packed:
        prep.notes.append(f"{type(model).__name__} lets packed examples attend to each other (it ignores restarted "
                          "position ids), so batches are padded instead of packed.")
    config = SFTConfig(**args, max_length=cfg.max_length, pad_to_multiple_of=cfg.pad_to_multiple_of,
                       packing=prep.packed, packing_strategy="bfd", padding_free=False,
                       assistant_only_loss=prep.chat_mode == "assistant")
    trainer = SFTTrainer(model=model, args=config, train_dataset=prep.train, eval_dataset=prep.eval,
                         processing_class=prep.tokenizer, peft_config=peft)
    if prep.packed:
        trainer.data_collator = PackedRowsCollator(prep.tokenizer.pad_token_id, cfg.pad_to_multiple_of)
    return trainer


def build_dpo(cfg: FinetuneConfig, prep: Any, model: Any, args: dict[str, Any], peft: Any) -> Any:
    """DPO: raise the chosen answer's likelihood over the rejected one, relative to a frozen reference (the model
    with its adapter switched off, or a copy when every weight trains)."""
    from trl import DPOConfig, DPOTrainer

    config = DPOConfig(**args, max_length=cfg.max_length, pad_to_multiple_of=cfg.pad_to_multiple_of, beta=cfg.beta)
    ref = copy.deepcopy(model).eval() if cfg.adapter_type == "full" and not cfg.adapter else None
    return DPOTrainer(model=model, ref_model=ref, args=config, train_dataset=prep.train, eval_dataset=prep.eval,
                      processing_class=prep.tokenizer, peft_config=peft)


def build_orpo(cfg: FinetuneConfig, prep: Any, model: Any, args: dict[str, Any], peft: Any) -> Any:
    """ORPO: SFT on the chosen answer plus an odds-ratio penalty on the rejected one; no reference model. trl 1.x
    keeps ORPOTrainer in trl.experimental."""
    from trl.experimental.orpo import ORPOConfig, ORPOTrainer

    config = ORPOConfig(**args, max_length=cfg.max_length, beta=cfg.beta)
    return ORPOTrainer(model=model, args=config, train_dataset=prep.train, eval_dataset=prep.eval,
                       processing_class=prep.tokenizer, peft_config=peft)


def build_simpo(cfg: FinetuneConfig, prep: Any, model: Any, args: dict[str, Any], peft: Any) -> Any:
    """SimPO: length-normalized likelihood margin of chosen over rejected, no reference model; trl runs it as
    CPOTrainer with loss_type="simpo" and no SFT term (cpo_alpha=0), in trl.experimental in trl 1.x."""
    from trl.experimental.cpo import CPOConfig, CPOTrainer

    config = CPOConfig(**args, max_length=cfg.max_length, beta=cfg.beta, loss_type="simpo", cpo_alpha=0.0)
    return CPOTrainer(model=model, args=config, train_dataset=prep.train, eval_dataset=prep.eval,
                      processing_class=prep.tokenizer, peft_config=peft)


def build_kto(cfg: FinetuneConfig, prep: Any, model: Any, args: dict[str, Any], peft: Any) -> Any:
    """KTO: raise desirable completions and lower undesirable ones (label True/False), each on its own, relative to
    a reference (adapter off with an adapter; trl loads a copy when every weight trains)."""
    from trl import KTOConfig, KTOTrainer

    config = KTOConfig(**args, max_length=cfg.max_length, pad_to_multiple_of=cfg.pad_to_multiple_of, beta=cfg.beta)
    return KTOTrainer(model=model, args=config, train_dataset=prep.train, eval_dataset=prep.eval,
                      processing_class=prep.tokenizer, peft_config=peft)


def build_grpo(cfg: FinetuneConfig, prep: Any, model: Any, args: dict[str, Any], peft: Any) -> Any:
    """GRPO: sample --num-generations completions per prompt, score them with the reward functions, and push up
    those above their group's mean (beta > 0 adds a KL pull towards the reference)."""
    from trl import GRPOConfig, GRPOTrainer

    from utils.finetune.rewards import load_reward_funcs

    config = GRPOConfig(**args, beta=cfg.beta, num_generations=cfg.num_generations,
                        max_completion_length=cfg.max_completion_length, pad_to_multiple_of=cfg.pad_to_multiple_of)
    return GRPOTrainer(model=model, reward_funcs=load_reward_funcs(cfg.reward_funcs), args=config,
                       train_dataset=prep.train, eval_dataset=prep.eval, processing_class=prep.tokenizer,
                       peft_config=peft)


BUILDERS: dict[str, Callable[..., Any]] = {"sft": build_sft, "dpo": build_dpo, "orpo": build_orpo, "kto": build_kto,
                                           "simpo": build_simpo, "grpo": build_grpo}


def build_trainer(cfg: FinetuneConfig, prep: Any, model: Any, flags: dict[str, bool]) -> Any:
    """The trainer of `cfg.objective` with the adapter of `cfg.adapter_type` (or `cfg.adapter` trained further)."""
    from peft import PeftModel, prepare_model_for_kbit_training

    use_adapter = cfg.adapter_type != "full"
    if cfg.adapter_type == "qlora":
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=cfg.gradient_checkpointing)
    peft = None
    if cfg.adapter:
        model = PeftModel.from_pretrained(model, cfg.adapter, is_trainable=True)
        prep.notes.append(f"Training further the LoRA adapter in {cfg.adapter}.")
    elif use_adapter:
        peft = peft_config(cfg, model)
    return BUILDERS[cfg.objective](cfg, prep, model, training_args(cfg, flags, use_adapter), peft)
