"""The course's own pretraining code: batch makers for three objectives and one plain training loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import torch
from transformers import get_cosine_schedule_with_warmup

Batch = dict[str, torch.Tensor]


def token_stream(texts: list[str], tokenizer, eos: bool = True) -> torch.Tensor:
    """Concatenate the token ids of `texts` into one 1-D stream, each document followed by EOS."""
    ids: list[int] = []
    for text in texts:
        ids.extend(tokenizer(text, add_special_tokens=False)["input_ids"])
        if eos:
            ids.append(tokenizer.eos_token_id)
    return torch.tensor(ids, dtype=torch.long)


def random_windows(stream: torch.Tensor, batch_size: int, length: int, gen: torch.Generator) -> torch.Tensor:
    """Cut `batch_size` random windows of `length` tokens from a token stream."""
    starts = torch.randint(0, len(stream) - length, (batch_size,), generator=gen)
    return torch.stack([stream[s : s + length] for s in starts.tolist()])


def causal_batches(stream: torch.Tensor, batch_size: int, length: int, seed: int = 0) -> Iterator[Batch]:
    """Next-token prediction batches: the labels are the inputs (the model shifts them by one)."""
    gen = torch.Generator().manual_seed(seed)
    while True:
        x = random_windows(stream, batch_size, length, gen)
        yield {"input_ids": x, "labels": x.clone()}


def mlm_batches(stream: torch.Tensor, tokenizer, batch_size: int, length: int, seed: int = 0,
                mask_prob: float = 0.15) -> Iterator[Batch]:
    """BERT's masked-LM batches: `mask_prob` of the tokens chosen (BERT: 15%); of those 80% -> <mask>, 10% random,
    10% kept."""
    gen = torch.Generator().manual_seed(seed)
    while True:
        x = random_windows(stream, batch_size, length - 2, gen)
        x = torch.cat([torch.full((batch_size, 1), tokenizer.bos_token_id), x,
                       torch.full((batch_size, 1), tokenizer.eos_token_id)], dim=1)
        chosen = torch.rand(x.shape, generator=gen) < mask_prob
        chosen[:, 0] = chosen[:, -1] = False
        labels = torch.where(chosen, x, torch.full_like(x, -100))
        roll = torch.rand(x.shape, generator=gen)
        inputs = x.clone()
        inputs[chosen & (roll < 0.8)] = tokenizer.mask_token_id
        swap = chosen & (roll >= 0.8) & (roll < 0.9)
        inputs[swap] = torch.randint(len(tokenizer.all_special_ids), len(tokenizer), (int(swap.sum()),), generator=gen)
        yield {"input_ids": inputs, "labels": labels}


def infill_batches(stream: torch.Tensor, tokenizer, batch_size: int, length: int, seed: int = 0,
                   noise: float = 0.3, mean_span: float = 3.0) -> Iterator[Batch]:
    """Text-infilling batches (BART's objective, used here for T5): spans (Poisson lengths) become one <mask>; the
    decoder restores the whole text."""
    gen = torch.Generator().manual_seed(seed)
    pad, mask = tokenizer.pad_token_id, tokenizer.mask_token_id
    while True:
        x = random_windows(stream, batch_size, length, gen)
        noisy: list[list[int]] = []
        for row in x.tolist():
            out, i, budget = [], 0, int(noise * len(row))
            while i < len(row):
                if budget > 0 and torch.rand((), generator=gen).item() < noise / mean_span:
                    span = max(1, int(torch.poisson(torch.tensor(mean_span), generator=gen).item()))
                    out.append(mask)
                    i, budget = i + span, budget - span
                else:
                    out.append(row[i])
                    i += 1
            noisy.append(out)
        width = max(map(len, noisy))
        inputs = torch.full((batch_size, width), pad)
        for r, row in enumerate(noisy):
            inputs[r, : len(row)] = torch.tensor(row)
        yield {"input_ids": inputs, "attention_mask": (inputs != pad).long(), "labels": x.clone()}


def train(model: torch.nn.Module, batches: Iterator[Batch], steps: int, lr: float = 3e-3, warmup: int = 30,
          on_step: Callable[[int, float], None] | None = None) -> list[float]:
    """Plain loop: forward -> loss, backward -> gradients, clip, AdamW step, cosine schedule. Returns losses."""
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01, betas=(0.9, 0.98))
    sched = get_cosine_schedule_with_warmup(opt, warmup, steps)
    model.train()
    losses = []
    for step in range(steps):
        loss = model(**next(batches)).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        losses.append(loss.item())
        if on_step:
            on_step(step, losses[-1])
    model.eval()
    return losses
