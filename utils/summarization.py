"""Summarizing with the two model families: an encoder-decoder (T5) and a decoder LM prompted with "Summarize:"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from utils.chat import generate_answers
from utils.course.profiles import smoke_new_tokens

PROMPT = "Summarize:\n{document}\nSummary:"
PLAIN_PROMPT = "{{ messages[0]['content'] }}"  # a "chat template" that renders the prompt as it is


def summary_prompt(document: str) -> str:
    """The instruction-style prompt a decoder LM is fine-tuned on (the completion is " " + the summary)."""
    return PROMPT.format(document=document)


def fit_document(tokenizer: Any, document: str, budget: int) -> str:
    """`document` cut to the tokens that keep its whole prompt within `budget` tokens (the head is kept)."""
    overhead = len(tokenizer(summary_prompt(""), add_special_tokens=False)["input_ids"])
    ids = tokenizer(document, add_special_tokens=False)["input_ids"]
    return document if len(ids) + overhead <= budget else tokenizer.decode(ids[: max(budget - overhead, 0)]).strip()


def seq2seq_features(tokenizer: Any, documents: Sequence[str], summaries: Sequence[str], max_source: int,
                     max_target: int) -> dict[str, list]:
    """Encoder ids (documents cut to `max_source` tokens) and decoder labels (summaries cut to `max_target`)."""
    features = tokenizer(list(documents), max_length=max_source, truncation=True)
    features["labels"] = tokenizer(text_target=list(summaries), max_length=max_target, truncation=True)["input_ids"]
    return features


@torch.no_grad()
def summarize_seq2seq(model: Any, tokenizer: Any, documents: Sequence[str], max_source: int, max_new_tokens: int = 96,
                      batch_size: int = 32, num_beams: int = 1) -> list[str]:
    """Summaries of `documents` by an encoder-decoder, each document cut to `max_source` tokens; greedy by default."""
    model.eval()
    out: list[str] = []
    for start in range(0, len(documents), batch_size):
        enc = tokenizer(list(documents[start : start + batch_size]), max_length=max_source, truncation=True,
                        padding=True, return_tensors="pt").to(model.device)
        ids = model.generate(**enc, max_new_tokens=smoke_new_tokens(max_new_tokens), num_beams=num_beams,
                             do_sample=False)
        out += [text.strip() for text in tokenizer.batch_decode(ids, skip_special_tokens=True)]
    return out


def complete(model: Any, tokenizer: Any, prompts: Sequence[str], max_new_tokens: int = 96,
             batch_size: int = 32) -> list[str]:
    """Greedy continuations of plain-text prompts by a decoder LM, stopping at EOS: utils.chat.generate_answers with a
    template that passes each prompt through unchanged (no roles, no markers)."""
    conversations = [[{"role": "user", "content": prompt}] for prompt in prompts]
    return generate_answers(model, tokenizer, conversations, max_new_tokens, batch_size=batch_size,
                            chat_template=PLAIN_PROMPT)
