"""Model and tokenizer factories by role: hub names in small/full, cached tiny bases in tiny; one code path. Models go
to the GPU outside tiny, in the dtype utils.course.device picks; a gated hub model raises one sentence saying what to
do."""

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

from utils.course.profiles import Profile, resolve_profile
from utils.errors import CourseError


def model_name(role: str, profile: Profile | None = None) -> str:
    """The name or local folder `from_pretrained` loads for `role` in `profile` (tiny bases are built on demand)."""
    profile = profile or resolve_profile()[0]
    if role not in profile.models:
        raise CourseError(f"There is no model role {role!r}; the roles are: {', '.join(profile.models)}.")
    name = profile.models[role]
    if profile.name == "tiny":
        from utils.course.tiny_models import ensure_base

        return str(ensure_base(name))
    return name


def hub_login_hint(name: str) -> str:
    """The sentence that tells a learner how to get at the gated hub model `name`."""
    return (f"{name} is gated: accept its licence at https://huggingface.co/{name} and log in with "
            "`from huggingface_hub import login; login()` (or set HF_TOKEN in Colab's secrets).")


def is_gated(err: BaseException | None) -> bool:
    """Whether `err`, or an error it was raised from, is the hub refusing access: a gated repo or HTTP 401."""
    from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError

    while err is not None:
        if isinstance(err, GatedRepoError):
            return True
        status = getattr(getattr(err, "response", None), "status_code", None)
        if isinstance(err, HfHubHTTPError) and not isinstance(err, RepositoryNotFoundError) and status == 401:
            return True
        err = err.__cause__ or err.__context__
    return False


def from_hub(auto: Any, name: str, **kwargs: Any) -> Any:
    """`auto.from_pretrained(name, **kwargs)`, turning the hub's refusal of a gated model into one CourseError."""
    try:
        return auto.from_pretrained(name, **kwargs)
    except Exception as err:
        if is_gated(err):
            raise CourseError(hub_login_hint(name)) from err
        raise


def load_model(auto: Any, name: str, **kwargs: Any) -> PreTrainedModel:
    """`auto.from_pretrained(name)` on utils.course.device.pick_device (the CPU in tiny) in
    utils.course.device.weights_dtype (fp32 on CPU) unless kwargs say otherwise; a model placed by `device_map` or
    `quantization_config` (4-bit on the GPU) stays where it was put."""
    from utils.course.device import pick_device, weights_dtype

    device = pick_device()
    kwargs.setdefault("dtype", weights_dtype(device))
    model = from_hub(auto, name, **kwargs)
    if "device_map" in kwargs or "quantization_config" in kwargs:
        return model
    return model.to(device)


def load_tokenizer(role: str, **kwargs: Any):
    """The tokenizer that goes with `role`'s model."""
    return from_hub(AutoTokenizer, model_name(role), **kwargs)


def load_causal_lm(role: str = "gpt", **kwargs: Any) -> PreTrainedModel:
    """A decoder-only LM for `role` (gpt, mistral or chat); kwargs go to `from_pretrained` (dtype, quantization)."""
    return load_model(AutoModelForCausalLM, model_name(role), **kwargs)


def load_encoder(num_labels: int, task: str = "classification", **kwargs: Any) -> PreTrainedModel:
    """A BERT-style encoder with a fresh head: task "classification" (one label per text) or "token" (per token)."""
    auto = {"classification": AutoModelForSequenceClassification, "token": AutoModelForTokenClassification}
    if task not in auto:
        raise CourseError(f"task must be 'classification' or 'token', not {task!r}.")
    return load_model(auto[task], model_name("encoder"), num_labels=num_labels, **kwargs)


def load_seq2seq(**kwargs: Any) -> PreTrainedModel:
    """An encoder-decoder (T5 family) for summarization."""
    return load_model(AutoModelForSeq2SeqLM, model_name("seq2seq"), **kwargs)


def count_parameters(model: Any) -> tuple[int, int]:
    """(trainable, total) parameter counts of a torch module."""
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, total
