"""Visible checks for lesson 04's exercises (QLoRA memory, the size of an adapter, the linear layers LoRA targets)."""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

from utils.checking import exercise, expect, expect_close, expect_type

NF4_DQ_BITS = 4 + 8 / 64 + 32 / (64 * 256)
MISTRAL_7B = dict(hidden_size=4096, intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32,
                  num_key_value_heads=8, head_dim=128)
ALL = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


@exercise("4.1", "qlora_memory_bytes")
def check_qlora_memory_bytes(qlora_memory_bytes: Callable[[int, int, int], float]) -> None:
    """NF4 with double quant for the quantized weights, bf16 for the rest, and 16 bytes per adapter parameter."""
    cases = [(7_241_732_096, 6_979_321_856, 41_943_040), (1000, 0, 0), (1000, 1000, 0), (1000, 0, 10),
             (2048, 1024, 64)]
    for n, quantized, trainable in cases:
        want = quantized * NF4_DQ_BITS / 8 + (n - quantized) * 2 + trainable * 16
        got = qlora_memory_bytes(n, quantized, trainable)
        what = f"qlora_memory_bytes({n:,}, {quantized:,}, {trainable:,})"
        expect(type(got) in (int, float), f"{what} should be a number, got {type(got).__name__}.")
        if n == 1000 and quantized == 1000:
            expect(abs(got - 500) > 1, f"{what}: NF4 with double quantization costs 4.127 bits, not 4 (scales too).")
        if trainable == 10 and quantized == 0:
            expect(abs(got - (2000 + 40)) > 1, f"{what}: each adapter parameter also needs a gradient (4 bytes) and "
                                               "two Adam moments (8 bytes).")
        expect_close(float(got), want, what, rtol=1e-9, atol=1e-6)


@exercise("4.2", "adapter_bytes")
def check_adapter_bytes(adapter_bytes: Callable[..., int]) -> None:
    """Bytes of every LoRA A (r x in) and B (out x r) on the targets, in every layer."""
    tiny = dict(hidden_size=128, intermediate_size=344, num_hidden_layers=4, num_attention_heads=4,
                num_key_value_heads=2, head_dim=32)
    cases = [(MISTRAL_7B, 16, ALL, 4, 41_943_040 * 4), (MISTRAL_7B, 8, ["q_proj", "v_proj"], 2, 3_407_872 * 2),
             (tiny, 16, ALL, 2, 147_968 * 2), (tiny, 4, ["k_proj"], 4, 4 * 4 * (64 + 128) * 4),
             (dict(tiny, head_dim=16), 2, ["o_proj"], 4, 4 * 2 * (128 + 64) * 4)]
    for config, r, targets, per_value, want in cases:
        got = adapter_bytes(dict(config), r, list(targets), per_value)
        shown = targets if len(targets) < 7 else "all linear"
        what = f"adapter_bytes(hidden {config['hidden_size']}, r={r}, {shown}, {per_value} bytes per value)"
        expect_type(got, int, what)
        expect(got == want, f"{what} should be {want:,}, got {got:,}.")
    got = adapter_bytes(dict(MISTRAL_7B), 16, ["q_proj"])
    expect(got == 32 * 16 * 8192 * 4,
           f"adapter_bytes(..., ['q_proj']) should default to 4 bytes per value, got {got:,}.")


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


@exercise("4.3", "find_linear_targets")
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
