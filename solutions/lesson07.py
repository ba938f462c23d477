"""Reference solutions for lesson 07's exercises."""

from __future__ import annotations

import math

from torch import nn


def detect_schema(columns: list[str]) -> str | None:
    """The first of preference, chat, prompt_completion, alpaca, text whose columns are all in `columns`, else None."""
    schemas = {"preference": {"prompt", "chosen", "rejected"}, "chat": {"messages"},
               "prompt_completion": {"prompt", "completion"}, "alpaca": {"instruction", "output"}, "text": {"text"}}
    present = set(columns)
    return next((name for name, needed in schemas.items() if needed <= present), None)


def lora_targets(model: nn.Module) -> list[str]:
    """Sorted distinct short names of the linear (nn.Linear or Conv1D) layers of `model`, output head excluded."""
    from transformers.pytorch_utils import Conv1D

    head = model.get_output_embeddings()
    return sorted({name.rsplit(".", 1)[-1] for name, module in model.named_modules()
                   if isinstance(module, (nn.Linear, Conv1D)) and module is not head})


def optimizer_steps(rows: int, batch_size: int, grad_accum: int = 1, processes: int = 1, epochs: float = 1.0) -> int:
    """Optimizer steps of a Trainer run over `rows` rows."""
    batches = math.ceil(math.ceil(rows / processes) / batch_size)
    per_epoch = max(math.ceil(batches / grad_accum), 1)
    return math.ceil(per_epoch * epochs)
