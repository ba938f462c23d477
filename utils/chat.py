"""Chat data for fine-tuning and inference: ChatML by hand, assistant-only labels, a chat format for base models,
and batched answer generation that stops at the end of the assistant's turn."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import torch

from utils.course.profiles import smoke_new_tokens
from utils.finetune.model import CHAT_TOKENS, fix_pad_token, resize_for
from utils.tokenizer import CHAT_TEMPLATE

IGNORE_INDEX = -100  # the label value PyTorch's cross-entropy (and so every HF model's loss) skips
END_OF_TURN = CHAT_TOKENS[1]
Message = dict[str, str]


def render_chatml(messages: Sequence[Message], add_generation_prompt: bool = False) -> str:
    """A conversation as ChatML text: `<|im_start|>{role}\\n{content}<|im_end|>\\n` per message, then, with
    `add_generation_prompt`, the header that asks the model for the assistant's answer."""
    text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return text + ("<|im_start|>assistant\n" if add_generation_prompt else "")


def assistant_only_labels(input_ids: Sequence[int], assistant_mask: Sequence[int]) -> list[int]:
    """Labels for answer-only training: the token id where `assistant_mask` is 1, IGNORE_INDEX (-100) elsewhere."""
    if len(input_ids) != len(assistant_mask):
        raise ValueError(f"input_ids and assistant_mask differ in length ({len(input_ids)} vs {len(assistant_mask)})")
    return [int(t) if m else IGNORE_INDEX for t, m in zip(input_ids, assistant_mask, strict=True)]


def chat_features(tokenizer: Any, messages: Sequence[Message], assistant_only: bool = True) -> dict[str, list[int]]:
    """Token ids, attention mask and labels of one conversation through the tokenizer's chat template; with
    `assistant_only`, the labels keep only the tokens the template marks with {% generation %}."""
    out = tokenizer.apply_chat_template(list(messages), tokenize=True, return_dict=True,
                                        return_assistant_tokens_mask=assistant_only)
    ids = list(out["input_ids"])
    labels = assistant_only_labels(ids, out["assistant_masks"]) if assistant_only else list(ids)
    return {"input_ids": ids, "attention_mask": [1] * len(ids), "labels": labels}


def add_chat_format(model: Any, tokenizer: Any) -> list[int]:
    """Give a base model what chat fine-tuning needs where it lacks it: a pad token and, without a chat template, the
    course's ChatML template with its <|im_start|> and <|im_end|> tokens (embeddings resized to match). Returns the
    ids of the tokens added (empty when nothing was)."""
    before = len(tokenizer)
    fix_pad_token(tokenizer)
    if tokenizer.chat_template is None:
        missing = [t for t in CHAT_TOKENS if t not in tokenizer.get_vocab()]
        if missing:
            tokenizer.add_special_tokens({"extra_special_tokens": missing}, replace_extra_special_tokens=False)
        tokenizer.chat_template = CHAT_TEMPLATE
    resize_for(model, tokenizer)
    model.config.pad_token_id = model.generation_config.pad_token_id = tokenizer.pad_token_id
    return list(range(before, len(tokenizer)))


def position_ids(attention_mask: torch.Tensor) -> torch.Tensor:
    """Position ids that start at 0 on each row's first real token, so left padding does not shift positions."""
    return (attention_mask.long().cumsum(-1) - 1).clamp(min=0)


def stop_token_ids(tokenizer: Any) -> list[int]:
    """Token ids that end an answer: the end of turn (<|im_end|>) when the vocabulary has it, and the EOS token."""
    vocab = tokenizer.get_vocab()
    ids = [vocab[END_OF_TURN]] if END_OF_TURN in vocab else []
    if tokenizer.eos_token_id is not None and tokenizer.eos_token_id not in ids:
        ids.append(tokenizer.eos_token_id)
    return ids


@contextmanager
def inference(model: Any, tokenizer: Any, padding_side: str) -> Iterator[None]:
    """Within the block: the model in eval mode and the tokenizer padding on `padding_side`; both are put back as
    they were afterwards, even after an error."""
    side, tokenizer.padding_side = tokenizer.padding_side, padding_side
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        tokenizer.padding_side = side
        model.train(was_training)


@dataclass(frozen=True)
class Generation:
    """One generated answer: its text, the stop token that ended it (None: cut at max_new_tokens), its length."""

    text: str
    stop: str | None
    num_tokens: int

    @property
    def finished(self) -> bool:
        """Whether the model ended the answer itself (with a stop token) rather than running out of tokens."""
        return self.stop is not None


@torch.no_grad()
def generate(model: Any, tokenizer: Any, conversations: Sequence[Sequence[Message]], max_new_tokens: int = 64,
             batch_size: int = 32, chat_template: str | None = None, **generate_kwargs: Any) -> list[Generation]:
    """Answer each conversation (its last message is the user's) in batches, left-padded, stopping at the end of
    the turn; greedy unless `generate_kwargs` say otherwise (do_sample, temperature, top_p, repetition_penalty)."""
    stops = stop_token_ids(tokenizer)
    kwargs = {"do_sample": False, "max_new_tokens": smoke_new_tokens(max_new_tokens), "eos_token_id": stops,
              "pad_token_id": tokenizer.pad_token_id, **generate_kwargs}
    results: list[Generation] = []
    with inference(model, tokenizer, "left"):  # left padding: new tokens must follow each prompt directly
        for start in range(0, len(conversations), batch_size):
            batch = [list(c) for c in conversations[start : start + batch_size]]
            enc = tokenizer.apply_chat_template(batch, add_generation_prompt=True, chat_template=chat_template,
                                                tokenize=True, padding=True, return_dict=True, return_tensors="pt")
            enc = {k: v.to(model.device) for k, v in enc.items()}
            new = model.generate(**enc, **kwargs)[:, enc["input_ids"].shape[1] :].tolist()
            for row in new:
                ends = [i for i, t in enumerate(row) if t in stops]
                row = row[: ends[0] + 1] if ends else row
                stop = tokenizer.convert_ids_to_tokens(row[-1]) if ends else None
                results.append(Generation(tokenizer.decode(row, skip_special_tokens=True).strip(), stop, len(row)))
    return results


def generate_answers(model: Any, tokenizer: Any, conversations: Sequence[Sequence[Message]],
                     max_new_tokens: int = 64, **kwargs: Any) -> list[str]:
    """The answer texts of `generate` (same arguments): one string per conversation."""
    return [g.text for g in generate(model, tokenizer, conversations, max_new_tokens, **kwargs)]


@torch.no_grad()
def end_of_turn_probability(model: Any, tokenizer: Any, conversations: Sequence[Sequence[Message]],
                            batch_size: int = 32) -> torch.Tensor:
    """For conversations that end with the assistant's answer: the probability the model gives <|im_end|> right
    after the answer's last word, i.e. how sure it is that its turn is over (one value per conversation)."""
    end = tokenizer.convert_tokens_to_ids(END_OF_TURN)
    probs = []
    with inference(model, tokenizer, "left"):  # left padding: the last column is every row's last token
        for start in range(0, len(conversations), batch_size):
            batch = [list(c) for c in conversations[start : start + batch_size]]
            enc = tokenizer.apply_chat_template(batch, continue_final_message=True, tokenize=True, padding=True,
                                                return_dict=True, return_tensors="pt")
            mask = enc["attention_mask"].to(model.device)
            logits = model(input_ids=enc["input_ids"].to(model.device), attention_mask=mask,
                           position_ids=position_ids(mask), logits_to_keep=1).logits[:, -1].float()
            probs.append(torch.softmax(logits, -1)[:, end].cpu())
    return torch.cat(probs)


def split_answers(rows: Sequence[dict]) -> tuple[list[list[Message]], list[str]]:
    """Split chat rows (a `messages` column ending with the assistant's answer) into prompts and reference answers."""
    prompts = [list(r["messages"][:-1]) for r in rows]
    references = [r["messages"][-1]["content"] for r in rows]
    return prompts, references
