"""Every lesson's `full`-profile training runs in one table: what the lessons train with, what the T4 fit test checks
and what benchmarks/gpu_check.py runs. Where a lesson's original setting did not fit a 15 GB T4, the comment says
what it was."""

from __future__ import annotations

from dataclasses import dataclass, replace

from utils.errors import CourseError


@dataclass(frozen=True)
class TrainingRun:
    """One training run of a lesson in `full`: model, method, objective and the sizes that set its GPU memory."""

    key: str  # "<lesson>-<what>", e.g. "06-reward", "04-qlora", "09-decoder"
    model: str  # the hub name used in full (a key of utils.course.hub_facts.MODELS)
    method: str  # "full" | "lora" | "qlora"
    objective: str  # "causal" | "classification" | "token" | "seq2seq" | "reward" | "dpo" | "ppo" | "grpo"
    batch: int  # per-device batch size (reward, dpo: pairs, i.e. 2 x batch sequences)
    seq: int  # tokens per example (max_length; for seq2seq the source length, target in `target`)
    grad_accum: int = 1
    checkpointing: bool = False
    optim: str = "adamw_torch"  # or "paged_adamw_8bit", "adamw_8bit"
    lora_r: int = 16
    target: int = 0  # seq2seq target length
    steps: int = 0  # the lesson's full max_steps (0: epochs)
    loop: str = "trainer"  # "trainer" (transformers), "trl" (SFT/DPO: fused LM head), "hand" (torch loop, fp32)


PPO_REWARD_MODEL = "Qwen/Qwen2.5-0.5B-Instruct"  # lesson 06's PPO scores rollouts with the reward model of 06-reward
QWEN, QWEN_BASE, MISTRAL = "Qwen/Qwen2.5-0.5B-Instruct", "Qwen/Qwen2.5-0.5B", "mistralai/Mistral-7B-v0.1"
SMOL, SMOL_CHAT = "HuggingFaceTB/SmolLM2-135M", "HuggingFaceTB/SmolLM2-135M-Instruct"
SMOL_360 = "HuggingFaceTB/SmolLM2-360M"
BERT, FLAN = "answerdotai/ModernBERT-base", "google/flan-t5-base"

RUNS: dict[str, TrainingRun] = {r.key: r for r in [
    # 01 cell 49 (and cell 57's Trainer twin): a 6 x 384 GPT-2 on the course tokenizer; gpt2 (12 x 768) bounds it
    TrainingRun("01-pretrain", "openai-community/gpt2", "full", "causal", 16, 64, steps=2000, loop="hand"),
    TrainingRun("02-classify", BERT, "full", "classification", 16, 256),  # 02 cell 9; the head-only probe (cell 20)
    TrainingRun("02-ner", BERT, "full", "token", 16, 128),  # 02 cells 36 and 42 (tokenize_and_align: 128 tokens)
    TrainingRun("02-summarize", FLAN, "full", "seq2seq", 4, 1024, grad_accum=4, target=256),  # 02 cell 52, fp32
    TrainingRun("03-full", SMOL_360, "full", "causal", 8, 256, steps=30, loop="hand"),  # 03 cell 5
    TrainingRun("03-lora", SMOL_360, "lora", "causal", 8, 256, lora_r=8, steps=40, loop="hand"),  # 03 cell 13, q/v
    TrainingRun("04-qlora", MISTRAL, "qlora", "causal", 4, 512, grad_accum=2, checkpointing=True,
                optim="paged_adamw_8bit", steps=150, loop="trl"),  # 04 cell 19
    TrainingRun("04-measure", MISTRAL, "qlora", "causal", 1, 512, checkpointing=True, steps=3, loop="hand"),  # 04 c37
    # 05 cell 29: was batch 16 x 512 without checkpointing: estimated 10.4 GiB, but out of memory at 15 GiB on the
    # GPU check (GPT-2's dropout and Conv1D LoRA cost more than the estimate counts); now 8 x 2 accumulated
    TrainingRun("05-sft", "openai-community/gpt2-medium", "lora", "causal", 8, 512, grad_accum=2, checkpointing=True,
                steps=800, loop="trl"),
    # 06 section 3 (train_reward_model; section 6 trains the judge with it): was batch 8 pairs x 1024 tokens
    # without checkpointing (est. 33 GiB)
    TrainingRun("06-reward", QWEN, "full", "reward", 4, 1024, grad_accum=2, checkpointing=True, steps=500),
    # 06 section 4: was 32 rollouts of (any prompt + 128) tokens in one step without checkpointing (est. 74 GiB at
    # 600 tokens); now prompts of at most 384 tokens, minibatches of 8 accumulated 4 times per PPO epoch,
    # checkpointing on the policy and the value trunk
    TrainingRun("06-ppo", SMOL_CHAT, "full", "ppo", 8, 512, grad_accum=4, checkpointing=True, steps=60,
                loop="hand"),
    # 06 section 5 (dpo_run): was without checkpointing (est. 15.6 GiB)
    TrainingRun("06-dpo", QWEN, "lora", "dpo", 4, 1024, checkpointing=True, steps=200, loop="trl"),
    TrainingRun("07-gpt2", "openai-community/gpt2", "lora", "causal", 4, 512, steps=150, loop="trl"),  # 07 cell 17
    TrainingRun("07-mistral", SMOL, "lora", "causal", 4, 512, steps=150, loop="trl"),  # 07 cells 17, 23, 37, 45
    TrainingRun("07-qwen2", QWEN_BASE, "lora", "causal", 4, 512, steps=150, loop="trl"),  # 07 cells 3, 17
    TrainingRun("07-qlora", SMOL, "qlora", "causal", 4, 512, steps=150, loop="trl"),  # 07 cells 23, 33
    TrainingRun("07-full", SMOL, "full", "causal", 4, 512, steps=150, loop="trl"),  # 07 cell 23
    # 08 cell 20: was without checkpointing (est. 14.4 GiB)
    TrainingRun("08-qlora", QWEN, "qlora", "causal", 16, 512, checkpointing=True, steps=300, loop="trl"),
    TrainingRun("09-t5", FLAN, "full", "seq2seq", 4, 1024, grad_accum=2, target=256, steps=1500),  # 09 cell 11, fp32
    # 09 cell 13: was batch 16 x 4096 without checkpointing (est. 104 GiB); now 4 x 4 accumulated, checkpointing
    TrainingRun("09-decoder", QWEN, "lora", "causal", 4, 4096, grad_accum=4, checkpointing=True, steps=600,
                loop="trl"),
    # 10 cell 11: was without checkpointing (est. 14.4 GiB)
    TrainingRun("10-sft", QWEN, "qlora", "causal", 16, 512, checkpointing=True, steps=400, loop="trl"),
    # 10 cell 29: was without checkpointing (est. 15.6 GiB); the model is 10-sft merged (same shapes)
    TrainingRun("10-dpo", QWEN, "lora", "dpo", 8, 512, checkpointing=True, steps=200, loop="trl"),
    # 11 cells 15, 23, 25: GRPO with LoRA (the reference is the adapter off): 32 completions (4 prompts x 8) of
    # prompt + 64 tokens per step; generation's KV cache and trl's chunked log-probabilities are small next to the
    # weights
    TrainingRun("11-grpo", QWEN, "lora", "grpo", 32, 128, steps=200, loop="trl"),
]}


def run(key: str) -> TrainingRun:
    """The registered full-profile run `key` (in a smoke run, with its batch and accumulation capped; the lengths a
    lesson derives its other sizes from stay, and the trainers cap each row); CourseError naming the known keys
    otherwise."""
    from utils.course.profiles import SMOKE_BATCH, smoke_run

    if key not in RUNS:
        raise CourseError(f"No training run {key!r}; the known runs are: {', '.join(RUNS)}.")
    r = RUNS[key]
    if not smoke_run():
        return r
    return replace(r, batch=min(r.batch, SMOKE_BATCH), grad_accum=1)
