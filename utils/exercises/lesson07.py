"""Visible checks for lesson 07's exercises (the data schema, the optimizer-step arithmetic, a minimal chat
fine-tuning loop)."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

from utils.chat import chat_features
from utils.checking import exercise, expect
from utils.course.profiles import PROFILES
from utils.course.tiny_models import ensure_base
from utils.finetune.config import optimizer_steps as reference_steps


@exercise("7.1", "detect_schema")
def check_detect_schema(detect_schema: Callable[[list[str]], str | None]) -> None:
    """detect_schema picks the first schema whose columns are all there, in the documented order."""
    cases = [(["messages"], "chat"), (["messages", "id", "text"], "chat"),
             (["prompt", "completion"], "prompt_completion"), (["prompt", "chosen", "rejected"], "preference"),
             (["rejected", "chosen", "prompt", "completion"], "preference"),
             (["instruction", "input", "output"], "alpaca"), (["output", "instruction"], "alpaca"), (["text"], "text"),
             (["text", "label"], "text"), (["question", "answer"], None), ([], None), (["prompt"], None),
             (["instruction", "input"], None)]
    for columns, want in cases:
        got = detect_schema(list(columns))
        if want is None:
            expect(got is None, f"detect_schema({columns}) should be None (no schema fits), got {got!r}")
        else:
            expect(type(got) is str, f"detect_schema({columns}) should return a str, got {type(got).__name__}")
            expect(got == want, f"detect_schema({columns}) should be {want!r}, got {got!r}")


@exercise("7.2", "optimizer_steps")
def check_optimizer_steps(optimizer_steps: Callable[..., int]) -> None:
    """optimizer_steps follows the Trainer's arithmetic."""
    cases = [(100, 8, 1, 1, 1.0), (100, 8, 4, 1, 1.0), (100, 8, 1, 2, 1.0), (100, 8, 1, 1, 2.5), (7, 8, 4, 1, 1.0),
             (1001, 8, 2, 4, 1.0), (64, 8, 8, 1, 3.0), (10, 3, 2, 3, 0.5), (5000, 16, 3, 8, 1.0)]
    for rows, batch, accum, processes, epochs in cases:
        got = optimizer_steps(rows, batch, accum, processes, epochs)
        want = reference_steps(rows, batch, accum, processes, epochs)
        call = f"optimizer_steps({rows}, {batch}, grad_accum={accum}, processes={processes}, epochs={epochs})"
        expect(type(got) is int, f"{call} should return an int, got {type(got).__name__}")
        expect(got == want, f"{call} should be {want}, got {got}")


CHATS = [  # a handful of help-desk chats; the last has two assistant turns, and every one of them is trained on
    [{"role": "system", "content": "You are the help-desk assistant. Answer briefly."},
     {"role": "user", "content": "How do I reset my password?"},
     {"role": "assistant", "content": "Click Forgot password on the sign-in page, then follow the email."}],
    [{"role": "system", "content": "You are the help-desk assistant. Answer briefly."},
     {"role": "user", "content": "Where can I download my invoice?"},
     {"role": "assistant", "content": "Open Billing, then Invoices, and click Download."}],
    [{"role": "user", "content": "Can I change my plan?"},
     {"role": "assistant", "content": "Yes: go to Billing and choose Change plan."}],
    [{"role": "system", "content": "You are the help-desk assistant. Answer briefly."},
     {"role": "user", "content": "The app will not start on my phone. What should I try first?"},
     {"role": "assistant", "content": "Update the app, restart the phone, and sign in again."}],
    [{"role": "system", "content": "You are the help-desk assistant. Answer briefly."},
     {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! How can I help?"},
     {"role": "user", "content": "How do I delete my account?"},
     {"role": "assistant", "content": "Open Settings, then Account, and click Delete account."}],
]


def _tiny_gpt2() -> tuple[Any, Any]:
    """The course's tiny GPT-2 base and its tokenizer (ChatML template with {% generation %} markers), dropout off."""
    path = ensure_base(PROFILES["tiny"].models["gpt"])
    model = AutoModelForCausalLM.from_pretrained(path, dtype="float32")
    for module in model.modules():
        if type(module).__name__ == "Dropout":
            module.p = 0.0
    return model, AutoTokenizer.from_pretrained(path)


def _batch(tokenizer: Any, rows: list[dict], assistant_only: bool = True, pads_count: bool = False) -> dict:
    """All rows in one batch, the way SFTTrainer prepares and pads chats (utils.chat.chat_features, trl's
    collator): right padding, labels -100 on pads and, with `assistant_only`, outside the assistant's turns."""
    features = [chat_features(tokenizer, row["messages"], assistant_only) for row in rows]
    batch = DataCollatorForLanguageModeling(pad_token_id=tokenizer.pad_token_id)(
        [{"input_ids": f["input_ids"], "labels": f["labels"]} for f in features])
    if pads_count:  # the common mistake: padding with real ids in the labels
        batch["labels"] = batch["labels"].where(batch["attention_mask"] == 1, batch["input_ids"])
    return batch


def _loss(model: Any, batch: dict) -> float:
    """The model's mean next-token cross-entropy over the batch's labelled tokens, without training."""
    with torch.no_grad():
        return model(**batch).loss.item()


def _reference_losses(model: Any, batch: dict, steps: int, lr: float) -> list[float]:
    """The loss of the batch before each of `steps` AdamW steps on it (the contract of finetune_chat)."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = model(**batch).loss
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return losses


@exercise("7.3", "finetune_chat")
def check_finetune_chat(finetune_chat: Callable[..., list]) -> None:
    """finetune_chat trains on the assistant tokens of a batch of chats with AdamW and returns the losses."""
    base, tokenizer = _tiny_gpt2()
    rows = [{"messages": chat} for chat in CHATS]
    steps, lr = 6, 2e-3
    model = copy.deepcopy(base)
    torch.manual_seed(0)
    got = finetune_chat(model, tokenizer, copy.deepcopy(rows), steps, lr)
    answer_batch = _batch(tokenizer, rows)
    want = _reference_losses(copy.deepcopy(base), answer_batch, steps, lr)
    call = f"finetune_chat(model, tokenizer, {len(rows)} chats, steps={steps}, lr={lr})"
    expect(type(got) is list, f"{call} should return a list of the losses, got {type(got).__name__}.")
    expect(len(got) == steps, f"{call} should return {steps} losses, one per step, got {len(got)}.")
    expect(all(type(x) is float for x in got), f"{call} should return plain Python floats (`loss.item()`).")
    expect(all(math.isfinite(x) for x in got), f"{call} returned a loss that is not finite: {got}")
    first = want[0]
    if not math.isclose(got[0], first, rel_tol=1e-4):
        variants = {
            "every token (system and user included)": _loss(base, _batch(tokenizer, rows, assistant_only=False)),
            "every token, padding included": _loss(base, _batch(tokenizer, rows, False, pads_count=True)),
            "the answers and the padding": _loss(base, _batch(tokenizer, rows, pads_count=True)),
        }
        for what, value in variants.items():
            expect(not math.isclose(got[0], value, rel_tol=1e-4),
                   f"{call}: the first loss {got[0]:.4f} is the loss over {what}; only the assistant's tokens may "
                   f"count (labels -100 elsewhere, padding included), which gives {first:.4f}.")
        expect(False, f"{call}: the first loss, before any update, should be the mean cross-entropy over the "
                      f"assistant tokens of all {len(rows)} chats padded on the right into one batch, {first:.4f}; "
                      f"got {got[0]:.4f}.")
    for step, (mine, ref) in enumerate(zip(got, want, strict=True)):
        expect(math.isclose(mine, ref, rel_tol=1e-3, abs_tol=1e-4),
               f"{call}: the loss before step {step} should be {ref:.4f} (torch.optim.AdamW(model.parameters(), "
               f"lr=lr), one step per call on the whole batch, no clipping or schedule), got {mine:.4f}.")
    after = _loss(model, answer_batch)
    expect(after < 0.9 * first, f"{call} should train `model` in place: its loss on the chats' answers went from "
                                f"{first:.4f} to {after:.4f}, not below 90% of the start.")
