"""Reference solutions for lesson 07's exercises."""

from __future__ import annotations

import math

import torch


def detect_schema(columns: list[str]) -> str | None:
    """The first of preference, chat, prompt_completion, alpaca, text whose columns are all in `columns`, else None."""
    schemas = {"preference": {"prompt", "chosen", "rejected"}, "chat": {"messages"},
               "prompt_completion": {"prompt", "completion"}, "alpaca": {"instruction", "output"}, "text": {"text"}}
    present = set(columns)
    return next((name for name, needed in schemas.items() if needed <= present), None)


def optimizer_steps(rows: int, batch_size: int, grad_accum: int = 1, processes: int = 1, epochs: float = 1.0) -> int:
    """Optimizer steps of a Trainer run over `rows` rows."""
    batches = math.ceil(math.ceil(rows / processes) / batch_size)
    per_epoch = max(math.ceil(batches / grad_accum), 1)
    return math.ceil(per_epoch * epochs)


def finetune_chat(model: torch.nn.Module, tokenizer, rows: list[dict], steps: int, lr: float) -> list[float]:
    """Train `model` in place on the assistant turns of chat `rows` for `steps` AdamW steps; return the losses."""
    encoded = [tokenizer.apply_chat_template(row["messages"], tokenize=True, return_dict=True,
                                             return_assistant_tokens_mask=True) for row in rows]
    width = max(len(e["input_ids"]) for e in encoded)
    ids, attention, labels = [], [], []
    for e in encoded:
        real, pad = list(e["input_ids"]), width - len(e["input_ids"])
        ids.append(real + [tokenizer.pad_token_id] * pad)  # right padding
        attention.append([1] * len(real) + [0] * pad)
        labels.append([t if m else -100 for t, m in zip(real, e["assistant_masks"], strict=True)] + [-100] * pad)
    device = next(model.parameters()).device
    batch = {name: torch.tensor(v, device=device) for name, v in
             (("input_ids", ids), ("attention_mask", attention), ("labels", labels))}
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        loss = model(**batch).loss  # the model shifts the labels: logits at t predict the token at t + 1
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return losses
