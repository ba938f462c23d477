"""Tiny random-weight causal LMs of any transformers architecture, built from a config and saved with a tokenizer.

For tests, lessons and benchmarks that must show "any architecture" offline: `save_random_model("llama", folder)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

# Sizes every architecture understands (transformers maps them to n_embd, n_layer, ... where names differ).
SIZES = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
             max_position_embeddings=512)
# Fields a few configs need on top, so the model stays tiny and consistent (no code path depends on these).
EXTRA: dict[str, dict[str, Any]] = {
    "gpt2": {"n_positions": 512},
    "opt": {"ffn_dim": 128, "word_embed_proj_dim": 64},
    "gemma": {"head_dim": 16, "num_key_value_heads": 1},
    "llama": {"num_key_value_heads": 2},
    "mistral": {"num_key_value_heads": 2, "sliding_window": None},
    "qwen2": {"num_key_value_heads": 2},
}


def course_chat_tokenizer():
    """The course BPE tokenizer (pad, ChatML tokens and chat template included), as causal LMs use it."""
    from tokenizers import Tokenizer

    from utils.course.tiny_models import course_tokenizer
    from utils.tokenizer import wrap

    return wrap(Tokenizer.from_file(str(course_tokenizer() / "tokenizer.json")), "decoder")


def bare_tokenizer(texts: list[str], vocab_size: int = 600):
    """A GPT-2-style byte-level BPE trained on `texts`: one special token <|endoftext|> (bos = eos = unk), no pad
    token and no chat template, like many base models' tokenizers."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    raw.train_from_iterator(texts, trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=["<|endoftext|>"], show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    end = "<|endoftext|>"
    return PreTrainedTokenizerFast(tokenizer_object=raw, bos_token=end, eos_token=end, unk_token=end,
                                   model_max_length=512)


def save_random_model(model_type: str, folder: str | Path, tokenizer: Any = None, seed: int = 0,
                      **config: Any) -> Path:
    """Build a ~0.3M-parameter `model_type` causal LM with random weights, save it and its tokenizer to `folder`."""
    from transformers import AutoConfig, AutoModelForCausalLM

    tokenizer = tokenizer if tokenizer is not None else course_chat_tokenizer()
    ids = {"bos_token_id": tokenizer.bos_token_id, "eos_token_id": tokenizer.eos_token_id,
           "pad_token_id": tokenizer.pad_token_id}
    settings = {**SIZES, **EXTRA.get(model_type, {}), **ids, **config}
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(model_type, vocab_size=len(tokenizer), **settings))
    folder = Path(folder)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
