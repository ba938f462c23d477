"""utils.lora: the from-scratch LoRA equals peft's, merges exactly, and its counts equal r*(d+k); and the adapter
dtypes lesson 04 states: peft creates fp32 adapters, SFTTrainer casts them to bf16 over a quantized base only."""

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


@pytest.mark.parametrize("quantized", [True, False], ids=["4-bit base", "fp32 base"])
def test_sft_trainer_casts_adapters_to_bf16_over_a_quantized_base_only(quantized: bool, tmp_path) -> None:
    """peft creates the LoRA matrices in fp32; SFTTrainer casts them to bf16 when the base is loaded in 4 bits and
    leaves them in fp32 otherwise; save_pretrained writes them in the dtype they have."""
    from datasets import Dataset
    from peft import LoraConfig, get_peft_model
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig
    from trl import SFTConfig, SFTTrainer

    from utils.course.random_models import save_random_model

    folder = save_random_model("mistral", tmp_path / "base")
    four_bit = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.float32)
    base = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, device_map={"": "cpu"},
                                                quantization_config=four_bit if quantized else None)
    model = get_peft_model(base, LoraConfig(r=4, target_modules="all-linear", task_type="CAUSAL_LM"))

    def adapter_dtypes() -> set[torch.dtype]:
        return {p.dtype for n, p in model.named_parameters() if "lora_" in n}

    assert adapter_dtypes() == {torch.float32}
    chat = [{"role": "user", "content": "Where is my invoice?"}, {"role": "assistant", "content": "Open Billing."}]
    args = SFTConfig(output_dir=str(tmp_path / "run"), report_to="none", use_cpu=True, bf16=False, fp16=False)
    SFTTrainer(model=model, args=args, train_dataset=Dataset.from_list([{"messages": chat}] * 2),
               processing_class=AutoTokenizer.from_pretrained(folder))
    want = torch.bfloat16 if quantized else torch.float32
    assert adapter_dtypes() == {want}
    model.save_pretrained(tmp_path / "adapter")
    assert {t.dtype for t in load_file(tmp_path / "adapter" / "adapter_model.safetensors").values()} == {want}
