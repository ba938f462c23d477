"""Retrieval-augmented generation (RAG): the retrieved passages go into the prompt, as many as the context allows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from utils.chat import Message

CONTEXT_HEADER = "Known answers:"


def rag_prompt(system: str, question: str, passages: Sequence[str]) -> list[Message]:
    """The chat messages: the system prompt followed by the numbered passages (alone when there are none), then the
    user's question."""
    content = system
    if passages:
        content += f"\n\n{CONTEXT_HEADER}\n" + "\n".join(f"[{i}] {p}" for i, p in enumerate(passages, 1))
    return [{"role": "system", "content": content}, {"role": "user", "content": question}]


def prompt_length(tokenizer: Any, messages: Sequence[Message]) -> int:
    """Tokens of the chat prompt that asks for the assistant's turn (template and assistant's opening included)."""
    ids = tokenizer.apply_chat_template(list(messages), add_generation_prompt=True, tokenize=True, return_dict=True)
    return len(ids["input_ids"])


def rag_messages(system: str, question: str, passages: Sequence[str], tokenizer: Any,
                 max_tokens: int) -> list[Message]:
    """`rag_prompt` with the longest prefix of the ranked `passages` whose whole prompt fits in `max_tokens` tokens
    (never skipping a passage for a shorter, lower-ranked one); ValueError if not even the bare prompt fits."""
    bare = prompt_length(tokenizer, rag_prompt(system, question, []))
    if bare > max_tokens:
        raise ValueError(f"the prompt without passages has {bare} tokens, more than max_tokens={max_tokens}")
    kept = 0
    while kept < len(passages):
        if prompt_length(tokenizer, rag_prompt(system, question, passages[: kept + 1])) > max_tokens:
            break
        kept += 1
    return rag_prompt(system, question, passages[:kept])
