"""Visible checks for lesson 04's exercises (the linear layers LoRA targets, preparing a 4-bit model for training,
merging a QLoRA layer); heavy imports at the top, so a grading worker pays them once, not once per exercise."""

from __future__ import annotations

import contextlib
import functools
import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bitsandbytes as bnb
import bitsandbytes.functional as bnbF
import torch
from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training
from torch import nn
from transformers import BitsAndBytesConfig, MistralConfig, MistralForCausalLM

from utils.checking import exercise, expect, expect_close, expect_tensor, expect_type
from utils.quantization import keep_4bit_layout

ALL = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


class _Packed(nn.Linear):
    """Stands in for bitsandbytes' Linear4bit: a subclass of nn.Linear."""


class _Decoder(nn.Module):
    """A decoder laid out like Mistral (attention and MLP projections per layer, norms, a head), or a toy."""

    def __init__(self, names: dict[str, list[str]], linear: type[nn.Linear] = nn.Linear) -> None:
        super().__init__()
        self.embed = nn.Embedding(10, 8)
        self.layers = nn.ModuleList(
            nn.ModuleDict({part: nn.ModuleDict({n: linear(8, 8, bias=False) for n in names[part]})
                           for part in names} | {"norm": nn.LayerNorm(8)})
            for _ in range(2))
        self.lm_head = nn.Linear(8, 10, bias=False)

    def get_output_embeddings(self) -> nn.Module:
        """The output head."""
        return self.lm_head


@exercise("4.1", "find_linear_targets")
def check_find_linear_targets(find_linear_targets: Callable[[nn.Module], list]) -> None:
    """Sorted unique last names of the nn.Linear layers (4-bit subclasses too), the output head left out."""
    mistral = {"self_attn": ["q_proj", "k_proj", "v_proj", "o_proj"], "mlp": ["gate_proj", "up_proj", "down_proj"]}
    toy = {"attn": ["wq", "wkv"], "ffn": ["ffn_in", "wq"]}
    cases = [(_Decoder(mistral), sorted(ALL), "a Mistral-like model"),
             (_Decoder(mistral, _Packed), sorted(ALL), "a Mistral-like model with 4-bit (nn.Linear subclass) layers"),
             (_Decoder(toy), ["ffn_in", "wkv", "wq"], "a toy model whose two blocks share the name wq")]
    for model, want, what in cases:
        got = find_linear_targets(model)
        what = f"find_linear_targets on {what}"
        expect_type(got, list, what)
        expect(all(type(x) is str for x in got), f"{what} should be a list of str.")
        expect("lm_head" not in got, f"{what} should leave out the output head, got {got}.")
        expect(got == want, f"{what} should be {want}, got {got}.")


@functools.cache
def _saved_mistral() -> Path:
    """A 2-layer Mistral of width 64 with random weights, saved once per process to a temporary folder."""
    torch.manual_seed(0)
    config = MistralConfig(vocab_size=96, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                           num_attention_heads=4, num_key_value_heads=2, head_dim=16, max_position_embeddings=64,
                           bos_token_id=1, eos_token_id=2, pad_token_id=0)
    folder = Path(tempfile.mkdtemp(prefix="lesson04-check-"))
    with contextlib.redirect_stderr(io.StringIO()):
        MistralForCausalLM(config).save_pretrained(folder)
    return folder


_saved_mistral()  # at import: a grading worker saves it once, and each exercise it forks loads it from there


def tiny_4bit_mistral(dtype: torch.dtype) -> Any:
    """The saved tiny Mistral loaded in 4-bit NF4 with double quantization on the CPU, computing in `dtype`."""
    quantization = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                                      bnb_4bit_compute_dtype=dtype)
    with contextlib.redirect_stderr(io.StringIO()):
        model = MistralForCausalLM.from_pretrained(_saved_mistral(), quantization_config=quantization,
                                                   device_map={"": "cpu"}, dtype=dtype)
    keep_4bit_layout(model)
    return model


def _params(model: nn.Module) -> dict[str, tuple[str, torch.dtype, bool]]:
    """Each parameter's class name, dtype and requires_grad, by name."""
    return {name: (type(p).__name__, p.dtype, p.requires_grad) for name, p in model.named_parameters()}


@contextlib.contextmanager
def warnings_off() -> Any:
    """Silence the UserWarnings peft and transformers print while preparing a CPU model."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@exercise("4.2", "prepare_for_kbit")
def check_prepare_for_kbit(prepare_for_kbit: Callable[[Any], Any]) -> None:
    """prepare_for_kbit leaves a 4-bit model as peft's prepare_model_for_kbit_training (checkpointing on) does."""
    with warnings_off():
        want = _params(prepare_model_for_kbit_training(tiny_4bit_mistral(torch.bfloat16)))
    model = tiny_4bit_mistral(torch.bfloat16)
    codes = {name: p.data.clone() for name, p in model.named_parameters() if type(p) is bnb.nn.Params4bit}
    with warnings_off():
        got = prepare_for_kbit(model)
    what = "prepare_for_kbit(model)"
    expect(got is model, f"{what} should return the model it was given (prepared in place).")
    now = _params(model)
    expect(set(now) == set(want), f"{what} should neither add nor remove parameters.")
    for name, p in model.named_parameters():
        if name in codes:
            expect(type(p) is bnb.nn.Params4bit and p.dtype == torch.uint8 and torch.equal(p.data, codes[name]),
                   f"{what} changed the 4-bit weight {name}: leave Params4bit weights (packed uint8 codes) as "
                   "they are; cast only the 16-bit parameters.")
    training = [name for name, (_, _, grad) in now.items() if grad]
    expect(not training, f"{what} should freeze every parameter of the base, but {len(training)} still train "
                         f"(e.g. {training[:1]}).")
    for name, (_, dtype, _) in want.items():
        expect(now[name][1] == dtype, f"after {what}, {name} should be {dtype}, got {now[name][1]}: cast every "
                                      "bf16 or fp16 parameter that is not a 4-bit weight to fp32.")
    expect(getattr(model, "is_activation_checkpointing", False) is True,
           f"{what} should turn on gradient checkpointing (model.activation_checkpointing_enable()).")
    out = model.get_input_embeddings()(torch.tensor([[3, 4, 5]]))
    expect(out.requires_grad, f"after {what} the input embeddings' output should require grad "
                              "(model.enable_input_require_grads()): the embedding is frozen, and without it no "
                              "input of a checkpointed layer requires grad, so no gradient reaches the adapters.")


def tiny_qlora(r: int, alpha: float) -> Any:
    """The tiny 4-bit Mistral (fp32 compute) with LoRA of rank r on q_proj and down_proj, and random B matrices."""
    with warnings_off():
        model = get_peft_model(tiny_4bit_mistral(torch.float32), LoraConfig(r=r, lora_alpha=alpha, lora_dropout=0.0,
                                                                            target_modules=["q_proj", "down_proj"]))
    gen = torch.Generator().manual_seed(4)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.copy_(torch.randn(p.shape, generator=gen) * 0.05)
    return model.eval()


@exercise("4.3", "merge_qlora_layer")
def check_merge_qlora_layer(merge_qlora_layer: Callable[[Any], nn.Linear]) -> None:
    """merge_qlora_layer returns an fp32 nn.Linear with weight dequantize(W) + (alpha / r) B A, computing as peft."""
    model = tiny_qlora(r=4, alpha=8)
    layers = model.base_model.model.model.layers
    gen = torch.Generator().manual_seed(5)
    for name, layer in [("layers[0].self_attn.q_proj", layers[0].self_attn.q_proj),
                        ("layers[1].mlp.down_proj", layers[1].mlp.down_proj)]:
        base = layer.base_layer
        w_dq = bnbF.dequantize_4bit(base.weight.data, base.weight.quant_state).float()
        delta = layer.get_delta_weight("default").float()
        codes = base.weight.data.clone()
        x = torch.randn(3, base.in_features, generator=gen)
        with torch.no_grad():
            want_y = layer(x)
            merged = merge_qlora_layer(layer)
        what = f"merge_qlora_layer on {name} (r = 4, alpha = 8)"
        expect_type(merged, nn.Linear, what)
        expect((merged.in_features, merged.out_features) == (base.in_features, base.out_features),
               f"{what} should map {base.in_features} to {base.out_features} features, got {merged.in_features} -> "
               f"{merged.out_features}.")
        expect(merged.bias is None, f"{what} should have no bias, like Mistral's linear layers.")
        expect(isinstance(merged.weight, nn.Parameter), f"the weight of {what} should be an nn.Parameter, as an "
                                                        "nn.Linear's is.")
        expect_tensor(merged.weight.detach(), tuple(w_dq.shape), torch.float32, f"the weight of {what}")
        expect(torch.equal(base.weight.data, codes), f"{what} changed the 4-bit layer; leave it as it is.")
        got = merged.weight.detach()
        expect(not torch.allclose(got, w_dq, atol=1e-6), f"the weight of {what} is the dequantized base alone: add "
                                                         "the update (alpha / r) B A.")
        expect(not torch.allclose(got, w_dq + 4 * delta, atol=1e-5), f"the weight of {what} scales B A by alpha; "
                                                                     "scale it by alpha / r (the layer's scaling).")
        expect(not torch.allclose(got, w_dq + delta / 2, atol=1e-5), f"the weight of {what} leaves out the scaling "
                                                                     "alpha / r of B A.")
        expect_close(got, w_dq + delta, f"the weight of {what} (dequantize(W) + (alpha / r) B A)", rtol=1e-5,
                     atol=1e-6)
        with torch.no_grad():
            y = merged(x)
        expect_close(y, want_y, f"{what}: the merged layer's output on a batch, compared with the LoRA layer's",
                     rtol=1e-4, atol=1e-4)
