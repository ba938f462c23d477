"""Where models and inputs go: loaders put models on the GPU outside tiny (never a 4-bit/device_map one), generation
helpers send inputs to model.device, and a gated hub model raises one sentence saying how to log in."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import torch
from huggingface_hub.errors import GatedRepoError
from transformers import AutoModelForCausalLM

from utils.chat import end_of_turn_probability, generate
from utils.course.device import pick_device, pick_dtype, supports_4bit, weights_dtype
from utils.course.models import hub_login_hint, load_causal_lm, load_model, load_tokenizer
from utils.course.random_models import course_chat_tokenizer, save_random_model
from utils.course.trainer import lesson_args
from utils.errors import CourseError
from utils.reward import reward_scores
from utils.summarization import summarize_seq2seq

META = torch.device("meta")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory):
    """A tiny random Llama saved in bf16, as SmolLM2 and Qwen are stored on the hub."""
    path = save_random_model("llama", tmp_path_factory.mktemp("llama"))
    AutoModelForCausalLM.from_pretrained(path, dtype=torch.bfloat16).save_pretrained(path)
    return path


def test_models_go_to_the_picked_device(monkeypatch: pytest.MonkeyPatch, folder) -> None:
    monkeypatch.setattr("utils.course.device.pick_device", lambda: META)
    monkeypatch.setenv("COURSE_PROFILE", "small")
    model = load_model(AutoModelForCausalLM, str(folder))
    assert model.device == META and model.dtype == torch.float32  # not the stored bf16: fp32 off a bf16 GPU
    placed = load_model(AutoModelForCausalLM, str(folder), device_map="cpu")  # as a 4-bit model is placed
    assert placed.device.type == "cpu"


@pytest.mark.parametrize("accelerator", ["cuda", "mps"])
def test_tiny_computes_on_the_cpu_whatever_accelerator_is_present(monkeypatch: pytest.MonkeyPatch,
                                                                  accelerator: str) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: accelerator == "cuda")
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda *a: (8, 0))
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: accelerator == "mps")
    monkeypatch.setenv("COURSE_PROFILE", "small")
    assert pick_device().type == accelerator
    assert pick_dtype() == (torch.bfloat16 if accelerator == "cuda" else torch.float32)
    monkeypatch.setenv("COURSE_PROFILE", "tiny")
    assert pick_device().type == "cpu" and pick_dtype() == weights_dtype() == torch.float32
    args = lesson_args()
    assert args["use_cpu"] is True and not args["bf16"] and not args["fp16"]  # Trainer and trl stay on the CPU too
    ok, why = supports_4bit()
    assert ok or "Colab" in why  # no "use tiny" advice while in tiny: the CPU path is tiny's own


def test_4bit_on_apple_mps_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    monkeypatch.setenv("COURSE_PROFILE", "small")
    ok, why = supports_4bit()
    assert not ok and "COURSE_PROFILE=tiny" in why and why.count(".") == 1


def test_bf16_gpu_loads_bf16(monkeypatch: pytest.MonkeyPatch, folder) -> None:
    monkeypatch.setattr("utils.course.device.weights_dtype", lambda device=None: torch.bfloat16)
    monkeypatch.setenv("COURSE_PROFILE", "tiny")
    assert load_model(AutoModelForCausalLM, str(folder)).dtype == torch.bfloat16


def test_gated_model_says_how_to_log_in(monkeypatch: pytest.MonkeyPatch) -> None:
    name = "mistralai/Mistral-7B-v0.1"

    def refuse(*args: Any, **kwargs: Any) -> None:
        response = SimpleNamespace(status_code=401, headers={}, request=None, url=f"https://huggingface.co/{name}")
        try:
            raise GatedRepoError("401 Client Error: access to this model is restricted", response=response)
        except GatedRepoError as err:  # transformers wraps the hub's error in an OSError
            raise OSError("You are trying to access a gated repo.") from err

    monkeypatch.setattr(AutoModelForCausalLM, "from_pretrained", refuse)
    monkeypatch.setattr("transformers.AutoTokenizer.from_pretrained", refuse)
    monkeypatch.setenv("COURSE_PROFILE", "full")
    for load in (lambda: load_causal_lm("mistral"), lambda: load_tokenizer("mistral")):
        with pytest.raises(CourseError) as info:
            load()
        assert str(info.value) == hub_login_hint(name)
    assert f"https://huggingface.co/{name}" in hub_login_hint(name) and "login()" in hub_login_hint(name)


class OnMeta(torch.nn.Module):
    """A stand-in model on the meta device: it refuses inputs elsewhere and answers with zeros/ids on the CPU."""

    device = META
    config = SimpleNamespace(is_encoder_decoder=False)

    def __init__(self, vocab: int, stop: int) -> None:
        super().__init__()
        self.vocab, self.stop = vocab, stop

    @staticmethod
    def check(kwargs: dict) -> None:
        """Fail unless every tensor input sits on the model's device."""
        assert all(v.device == META for v in kwargs.values() if isinstance(v, torch.Tensor)), "inputs not on model"

    def forward(self, **kwargs: Any) -> Any:
        self.check(kwargs)
        rows, length = kwargs["input_ids"].shape
        return SimpleNamespace(logits=torch.zeros(rows, length, self.vocab))

    def generate(self, **kwargs: Any) -> torch.Tensor:
        self.check(kwargs)
        rows, length = kwargs["input_ids"].shape
        return torch.cat([torch.zeros(rows, length, dtype=torch.long), torch.full((rows, 2), self.stop)], dim=1)


def test_generation_helpers_send_inputs_to_the_model_device() -> None:
    tokenizer = course_chat_tokenizer()
    stop = tokenizer.convert_tokens_to_ids("<|im_end|>")
    model = OnMeta(len(tokenizer), stop)
    chats = [[{"role": "user", "content": "hello"}], [{"role": "user", "content": "how do I sign in?"}]]
    assert [g.stop for g in generate(model, tokenizer, chats, max_new_tokens=2)] == ["<|im_end|>"] * 2
    answered = [[*c, {"role": "assistant", "content": "ok"}] for c in chats]
    assert end_of_turn_probability(model, tokenizer, answered).shape == (2,)
    assert len(reward_scores(model, tokenizer, chats, ["ok", "no"])) == 2
    assert len(summarize_seq2seq(model, tokenizer, ["a long document", "another"], max_source=16)) == 2
