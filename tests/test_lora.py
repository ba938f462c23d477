"""utils.lora: the from-scratch LoRA equals peft's, merges exactly, and its counts equal r*(d+k)."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from transformers import MistralConfig, MistralForCausalLM

from utils.lora import (
    ATTENTION,
    MLP,
    LoRALinear,
    inject_lora,
    linear_shapes,
    lora_param_count,
    lora_params_for_config,
    merge_lora,
    param_count_from_config,
)

MISTRAL_7B = MistralConfig(vocab_size=32000, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
                           num_attention_heads=32, num_key_value_heads=8, tie_word_embeddings=False)


def tiny_mistral() -> MistralForCausalLM:
    """A random 2-layer Mistral."""
    torch.manual_seed(0)
    config = MistralConfig(vocab_size=100, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
                           num_attention_heads=4, num_key_value_heads=2, head_dim=8, sliding_window=None)
    return MistralForCausalLM(config).eval()


def test_lora_linear_starts_at_the_base_and_counts_r_d_plus_k() -> None:
    base = nn.Linear(20, 12)
    layer = LoRALinear(base, r=4, alpha=8)
    x = torch.randn(3, 20)
    assert torch.equal(layer(x), base(x))
    trainable = sum(p.numel() for p in layer.parameters() if p.requires_grad)
    assert trainable == lora_param_count(12, 20, 4) == 4 * (12 + 20)
    assert not base.weight.requires_grad


def test_forward_is_base_plus_scaled_low_rank_and_merge_is_exact() -> None:
    torch.manual_seed(1)
    layer = LoRALinear(nn.Linear(16, 8), r=2, alpha=6)
    nn.init.normal_(layer.lora_B)
    x = torch.randn(5, 16)
    want = layer.base(x) + 3.0 * x @ (layer.lora_B @ layer.lora_A).T
    torch.testing.assert_close(layer(x), want)
    assert torch.linalg.matrix_rank(layer.delta_weight()) == 2
    torch.testing.assert_close(layer.merged()(x), layer(x), rtol=1e-5, atol=1e-6)


def same_adapters(ours: nn.Module, peft_model: nn.Module, names: list[str], seed: int) -> torch.Tensor:
    """Give our adapters random nonzero B (seeded), copy A and B into peft's; return a batch of input ids."""
    torch.manual_seed(seed)
    for name in names:
        mine, lora = ours.get_submodule(name), peft_model.base_model.model.get_submodule(name)
        nn.init.normal_(mine.lora_B, std=0.1)
        lora.lora_A["default"].weight.data.copy_(mine.lora_A)
        lora.lora_B["default"].weight.data.copy_(mine.lora_B)
    return torch.randint(0, 100, (2, 7))


def test_inject_matches_peft_outputs_and_counts() -> None:
    from peft import LoraConfig, get_peft_model

    ours, theirs = tiny_mistral(), tiny_mistral()
    names = inject_lora(ours, ["q_proj", "v_proj"], r=4, alpha=8)
    assert len(names) == 4
    peft_model = get_peft_model(theirs, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]))
    ours_count = sum(p.numel() for p in ours.parameters() if p.requires_grad)
    assert ours_count == peft_model.get_nb_trainable_parameters()[0] == lora_params_for_config(
        ours.config, 4, ["q_proj", "v_proj"])
    ids = same_adapters(ours, peft_model, names, seed=2)
    with torch.no_grad():
        torch.testing.assert_close(ours(ids).logits, peft_model(ids).logits)
        before = ours(ids).logits
        assert merge_lora(ours) == 4
        torch.testing.assert_close(ours(ids).logits, before, rtol=1e-4, atol=1e-5)
    assert not any(isinstance(m, LoRALinear) for m in ours.modules())


def test_rslora_scales_by_alpha_over_sqrt_r_as_peft_does() -> None:
    from peft import LoraConfig, get_peft_model

    ours, theirs = tiny_mistral(), tiny_mistral()
    names = inject_lora(ours, ["q_proj"], r=16, alpha=8, rslora=True)
    assert all(ours.get_submodule(n).scaling == 8 / 4 for n in names)  # alpha / sqrt(16)
    peft_model = get_peft_model(theirs, LoraConfig(r=16, lora_alpha=8, target_modules=["q_proj"], use_rslora=True))
    ids = same_adapters(ours, peft_model, names, seed=3)
    with torch.no_grad():
        torch.testing.assert_close(ours(ids).logits, peft_model(ids).logits)


def test_counts_for_mistral_7b_match_the_published_figures() -> None:
    assert param_count_from_config(MISTRAL_7B) == 7_241_732_096
    assert lora_params_for_config(MISTRAL_7B, 16, ATTENTION + MLP) == 41_943_040
    assert lora_params_for_config(MISTRAL_7B, 8, ["q_proj", "v_proj"]) == 3_407_872
    assert linear_shapes(MISTRAL_7B)["k_proj"] == (1024, 4096)


@pytest.mark.parametrize("tied", [True, False])
def test_param_count_from_config_equals_the_model(tied: bool) -> None:
    model = tiny_mistral()
    model.config.tie_word_embeddings = tied
    model = MistralForCausalLM(model.config)
    assert param_count_from_config(model.config) == sum(p.numel() for p in model.parameters())
