"""Model and tokenizer factories by role: hub names in small/full, cached tiny bases in tiny; one code path."""

from __future__ import annotations

from typing import Any

from transformers import (
    AutoModelForCausalLM,
    AutoModelForSeq2SeqLM,
    AutoModelForSequenceClassification,
    AutoModelForTokenClassification,
    AutoTokenizer,
    PreTrainedModel,
)

from utils.errors import CourseError
from utils.profiles import Profile, resolve_profile


def model_name(role: str, profile: Profile | None = None) -> str:
    """The name or local folder `from_pretrained` loads for `role` in `profile` (tiny bases are built on demand)."""
    profile = profile or resolve_profile()[0]
    if role not in profile.models:
        raise CourseError(f"There is no model role {role!r}; the roles are: {', '.join(profile.models)}.")
    name = profile.models[role]
    if profile.name == "tiny":
        from utils.tiny_models import ensure_base

        return str(ensure_base(name))
    return name


def load_tokenizer(role: str, **kwargs: Any):
    """The tokenizer that goes with `role`'s model."""
    return AutoTokenizer.from_pretrained(model_name(role), **kwargs)


def load_causal_lm(role: str = "gpt", **kwargs: Any) -> PreTrainedModel:
    """A decoder-only LM for `role` (gpt, mistral or chat); kwargs go to `from_pretrained` (dtype, quantization)."""
    return AutoModelForCausalLM.from_pretrained(model_name(role), **kwargs)


def load_encoder(num_labels: int, task: str = "classification", **kwargs: Any) -> PreTrainedModel:
    """A BERT-style encoder with a fresh head: task "classification" (one label per text) or "token" (per token)."""
    auto = {"classification": AutoModelForSequenceClassification, "token": AutoModelForTokenClassification}
    if task not in auto:
        raise CourseError(f"task must be 'classification' or 'token', not {task!r}.")
    return auto[task].from_pretrained(model_name("encoder"), num_labels=num_labels, **kwargs)


def load_seq2seq(**kwargs: Any) -> PreTrainedModel:
    """An encoder-decoder (T5 family) for summarization."""
    return AutoModelForSeq2SeqLM.from_pretrained(model_name("seq2seq"), **kwargs)


def count_parameters(model: Any) -> tuple[int, int]:
    """(trainable, total) parameter counts of a torch module."""
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, total
