"""utils.course.trainer: the Trainer defaults lessons share."""

from __future__ import annotations

import pytest
import torch
from transformers import PrinterCallback, Trainer, TrainingArguments

from utils.course.device import pick_dtype
from utils.course.trainer import lesson_args, quiet


def test_lesson_args_are_quiet_and_overridable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_PROFILE", "tiny")
    args = lesson_args(learning_rate=0.1, seed=3)
    assert args["save_strategy"] == "no" and args["report_to"] == "none" and args["disable_tqdm"] is True
    assert args["learning_rate"] == 0.1 and args["seed"] == 3
    assert (args["bf16"] is False and args["fp16"] is False) or torch.cuda.is_available()
    assert TrainingArguments(**args).learning_rate == 0.1


@pytest.mark.parametrize("profile", ["small", "full"])
def test_long_runs_show_a_progress_bar(monkeypatch: pytest.MonkeyPatch, profile: str) -> None:
    monkeypatch.setenv("COURSE_PROFILE", profile)
    assert lesson_args()["disable_tqdm"] is False


def test_lesson_args_turn_off_trl_activation_checkpointing() -> None:
    from trl import SFTConfig

    config = SFTConfig(**lesson_args())
    assert config.activation_checkpointing is False and config.bf16 == (pick_dtype() == torch.bfloat16)


def test_quiet_removes_the_printer() -> None:
    trainer = Trainer(model=torch.nn.Linear(2, 2), args=TrainingArguments(**lesson_args()))
    assert quiet(trainer) is trainer
    assert not any(isinstance(cb, PrinterCallback) for cb in trainer.callback_handler.callbacks)
