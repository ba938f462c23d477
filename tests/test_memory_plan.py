"""A T4 fits, shown: every lesson's full-profile run fits 15 GiB by the estimate, the estimate matches the known
numbers, and it is within a factor of two of peaks measured on shrunk models."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import torch

from utils.course.hub_facts import MODELS
from utils.course.profiles import PROFILES
from utils.course.runs import RUNS, TrainingRun, run
from utils.errors import CourseError
from utils.memory import T4_BYTES, T4_MARGIN, announce, describe, estimate, fits, lora_params, measure_peak

MISTRAL, QWEN = "mistralai/Mistral-7B-v0.1", "Qwen/Qwen2.5-0.5B-Instruct"
GB = 1e9


@pytest.mark.parametrize("key", list(RUNS))
def test_every_full_run_fits_a_t4_with_margin(key: str) -> None:
    r = run(key)
    assert r.key == key and r.model in MODELS and r.method in ("full", "lora", "qlora")
    assert estimate(r)["total"] <= T4_MARGIN * T4_BYTES, describe(r)


OLD = {  # the lessons' settings before this table, as the audit found them
    "09-decoder": dict(batch=16, grad_accum=1, checkpointing=False),
    "06-reward": dict(batch=8, grad_accum=1, checkpointing=False),
    "06-dpo": dict(checkpointing=False),
    "08-qlora": dict(checkpointing=False),
    "10-sft": dict(checkpointing=False),
    "06-ppo": dict(batch=32, seq=600, grad_accum=1, checkpointing=False),
}


@pytest.mark.parametrize("key", list(OLD))
def test_the_old_settings_do_not_fit(key: str) -> None:
    assert not fits(replace(run(key), **OLD[key]))


def test_unknown_run_names_the_known_ones() -> None:
    with pytest.raises(CourseError, match="09-decoder"):
        run("09-nothing")


def test_known_numbers() -> None:
    assert lora_params(MISTRAL, 16) == 41_943_040 and lora_params(QWEN, 16) == 8_798_208
    qlora = estimate(TrainingRun("x", MISTRAL, "qlora", "causal", 1, 512, checkpointing=True, loop="hand"))
    head_and_embeddings = 4.0 * 2 * 32000 * 4096  # fp32 after prepare_model_for_kbit_training
    assert 3.6 * GB < qlora["weights"] - head_and_embeddings < 4.1 * GB
    # lesson 03: full / LoRA / QLoRA ~116 / ~15 / ~5 GB for 7B at 1 x 512 (bf16 base, counted by training_bytes)
    full = estimate(TrainingRun("x", MISTRAL, "full", "causal", 1, 512, checkpointing=True, loop="hand"))
    assert 110 * GB < full["weights"] + full["gradients"] + full["optimizer"] < 130 * GB
    lora = estimate(TrainingRun("x", MISTRAL, "lora", "causal", 1, 512, checkpointing=True, loop="trl"))
    assert 14 * GB < lora["weights"] / 2 + lora["adapters"] + lora["gradients"] + lora["optimizer"] < 17 * GB
    assert 4.5 * GB < qlora["total"] - head_and_embeddings / 2 < 6.5 * GB
    assert fits(run("04-qlora")) and not fits(replace(run("04-qlora"), method="lora"))


def test_announce_prints_in_full_and_smoke_only(capsys: pytest.CaptureFixture[str]) -> None:
    announce("09-decoder", PROFILES["tiny"])
    assert capsys.readouterr().out == ""
    announce("09-decoder", replace(PROFILES["tiny"], smoke=True))
    announce("09-decoder", PROFILES["full"])
    out = capsys.readouterr().out
    assert out.count("09-decoder: Qwen/Qwen2.5-0.5B-Instruct, lora") == 2 and "fits a T4" in out


def shrunk(monkeypatch: pytest.MonkeyPatch, model: str, **sizes: int) -> tuple[str, torch.nn.Module]:
    """A random model of `model`'s family with smaller sizes, registered in hub_facts under a test name."""
    from transformers import AutoConfig, AutoModelForCausalLM

    facts = MODELS[model]
    config = facts.config | sizes
    torch.manual_seed(0)
    lm = AutoModelForCausalLM.from_config(AutoConfig.for_model(**config), attn_implementation="sdpa")
    name = f"test/{model}-shrunk"
    monkeypatch.setitem(MODELS, name, replace(facts, config=config, params=sum(p.numel() for p in lm.parameters())))
    return name, lm


@pytest.mark.parametrize("method", ["full", "lora"])
def test_estimate_within_2x_of_a_measured_cpu_peak(monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    torch.set_num_threads(1)
    name, lm = shrunk(monkeypatch, QWEN, hidden_size=128, intermediate_size=688, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, vocab_size=4096)
    if method == "lora":
        from peft import LoraConfig, get_peft_model

        lm = get_peft_model(lm, LoraConfig(r=16, lora_alpha=32, target_modules="all-linear"))
    r = TrainingRun("x", name, method, "causal", 4, 128, loop="hand")
    optimizer = torch.optim.AdamW([p for p in lm.parameters() if p.requires_grad], lr=1e-4)
    ids = torch.randint(0, 4096, (r.batch, r.seq))

    def step() -> None:
        lm(input_ids=ids, labels=ids).loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    measured = measure_peak(step, 1, lm.train(), optimizer)["peak_bytes"]
    print(f"{method}: estimate / measured = {estimate(r)['total'] / measured:.2f}")
    assert 0.5 < estimate(r)["total"] / measured < 2.0, (estimate(r), measured)


MEASURED = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "gpu_check_h200.md"


def measured_rows() -> list[dict[str, str]]:
    """The rows of the stored GPU check (benchmarks/gpu_check.py on an H200 capped at 15 GiB, fp16, no bf16)."""
    lines = [line.strip("|").split("|") for line in MEASURED.read_text().splitlines()[2:] if line.startswith("|")]
    keys = ["run", "model", "method", "shape", "est", "peak", "s", "status"]
    return [dict(zip(keys, (cell.strip() for cell in cells), strict=True)) for cells in lines]


@pytest.mark.parametrize("row", measured_rows(), ids=lambda row: row["run"])
def test_estimates_against_the_peaks_measured_on_a_gpu(row: dict[str, str]) -> None:
    """Each registered run that the GPU check ran at today's settings fitted, and its estimate was within 0.45-2.5x
    of the measured peak; a configuration that ran out of memory there is no longer registered."""
    r = run(row["run"])
    current = f"{r.batch} x {r.seq}" == row["shape"] and row["model"] == r.model
    if row["status"] == "OOM":
        assert not current, f"{r.key} is still registered with the settings that ran out of 15 GiB"
        return
    assert row["status"] == "OK"
    if current:
        assert 0.45 <= estimate(r)["total"] / 2**30 / float(row["peak"]) <= 2.5, row
