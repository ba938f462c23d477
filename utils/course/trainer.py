"""Trainer defaults for lessons: quiet, seeded, no checkpoints, mixed precision only where the GPU supports it."""

from __future__ import annotations

import tempfile
from typing import Any, TypeVar

import torch

from utils.course.device import pick_device, pick_dtype

T = TypeVar("T")


def lesson_args(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments for (Seq2Seq)TrainingArguments and trl's configs: a temporary output folder, no saving, no
    logging, a progress bar only outside tiny (long small/full runs), no activation checkpointing (trl turns it on by
    default), the device and mixed precision of utils.course.device (the CPU in fp32 in tiny); a smoke run caps
    max_steps."""
    from utils.course.profiles import resolve_profile, smoke_capped

    profile, device, dtype = resolve_profile()[0], pick_device(), pick_dtype()
    args = dict(output_dir=tempfile.mkdtemp(prefix="llm-course-"), save_strategy="no", eval_strategy="no",
                logging_strategy="no", report_to="none", disable_tqdm=profile.name == "tiny", seed=profile.seed,
                data_seed=profile.seed, dataloader_pin_memory=device.type == "cuda", bf16=dtype == torch.bfloat16,
                fp16=dtype == torch.float16, use_cpu=device.type == "cpu", activation_checkpointing=False)
    # a smoke run: a few steps of short rows, whatever is asked; the lesson's own batch (hand-written loops beside a
    # Trainer use it too), which in full comes from utils.course.runs.run, capped there
    return smoke_capped(args | {"max_steps": -1} | overrides, batch=False)


def quiet(trainer: T) -> T:
    """Stop a Trainer from printing its log dictionaries (kept in trainer.state.log_history); return it."""
    from transformers import PrinterCallback

    trainer.remove_callback(PrinterCallback)
    return trainer
