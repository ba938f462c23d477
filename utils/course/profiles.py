"""Course profiles: which models, data and sizes a lesson uses (tiny offline CPU, small hub CPU, full GPU)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import TypeVar

from utils.errors import CourseError

T = TypeVar("T")


@dataclass(frozen=True)
class Profile:
    """A named scale of the course: model names per role, data source, and whether it needs a GPU or the hub."""

    name: str
    summary: str
    offline: bool
    needs_gpu: bool
    models: dict[str, str] = field(default_factory=dict)
    cpu_threads: int | None = None  # torch CPU threads to pin (None: torch's default, one per core)
    smoke: bool = False  # COURSE_SMOKE=1: a smoke run (CI on hub stand-ins): steps and rows capped, claims unchecked
    seed: int = 0  # COURSE_SEED: the seed of every random choice a lesson makes (0 is what CI checks)

    def pick(self, tiny: T, full: T, small: T | None = None) -> T:
        """Choose a size for this profile; `small` falls back to the tiny value when not given."""
        if self.name == "full":
            return full
        if self.name == "small" and small is not None:
            return small
        return tiny

    def steps(self, n: int) -> int:
        """A number of training steps or iterations, capped at SMOKE_STEPS in a smoke run."""
        return min(n, SMOKE_STEPS) if self.smoke else n

    def rows(self, n: int | None) -> int | None:
        """A number of examples (data rows, generations, evaluations; None: all), capped at SMOKE_ROWS in a smoke
        run."""
        if not self.smoke:
            return n
        return SMOKE_ROWS if n is None else min(n, SMOKE_ROWS)


SMOKE_STEPS = 2  # the one course-wide knob's caps: what a smoke run (COURSE_SMOKE=1) trains and evaluates at most
SMOKE_ROWS = 24
SMOKE_LENGTH = 128  # tokens per training row
SMOKE_BATCH = 2  # rows per batch (utils.finetune and the runs registry), with no gradient accumulation
SMOKE_NEW_TOKENS = 16  # tokens generated per answer (random stand-ins never stop early)
SMOKE_CAPS = {"max_steps": SMOKE_STEPS, "max_length": SMOKE_LENGTH, "pad_to_multiple_of": SMOKE_LENGTH,
              "gradient_accumulation_steps": 1, "grad_accum": 1, "max_completion_length": SMOKE_NEW_TOKENS}
BATCH_KEYS = ("per_device_train_batch_size", "per_device_eval_batch_size", "batch_size")  # transformers', ours


def smoke_capped(args: dict, batch: bool = True) -> dict:
    """Training settings (steps, row length, accumulation and, with `batch`, batch size; under transformers' or
    utils.finetune's names) capped for a smoke run; unchanged otherwise. Steps <= 0 (train by epochs) become
    SMOKE_STEPS; a GRPO batch keeps one whole group of `num_generations` completions."""
    if not smoke_run():
        return args
    caps = SMOKE_CAPS | (dict.fromkeys(BATCH_KEYS, max(SMOKE_BATCH, args.get("num_generations") or 0)) if batch else {})
    capped = {key: min(args[key], cap) for key, cap in caps.items() if (args.get(key) or 0) > 0}
    if "max_steps" in args and (args["max_steps"] or 0) <= 0:
        capped["max_steps"] = SMOKE_STEPS
    return args | capped


def smoke_new_tokens(n: int) -> int:
    """A number of tokens to generate per answer, capped at SMOKE_NEW_TOKENS in a smoke run."""
    return min(n, SMOKE_NEW_TOKENS) if smoke_run() else n


# Roles: gpt = GPT-style decoder base; mistral = Mistral-family decoder; chat = a chat/instruct decoder;
# encoder = BERT-style encoder; seq2seq = encoder-decoder. In `tiny`, names are cached local builds
# (utils.course.tiny_models).
PROFILES: dict[str, Profile] = {
    "tiny": Profile(
        name="tiny",
        summary="offline on CPU: tiny models of the same families, pretrained by the course, data from data/",
        offline=True,
        needs_gpu=False,
        models={"gpt": "tiny-gpt2", "mistral": "tiny-mistral", "chat": "tiny-gpt2", "encoder": "tiny-modernbert",
                "seq2seq": "tiny-t5"},
        cpu_threads=1,  # floats then add up in the same order on every machine: the same numbers as CI
    ),
    "small": Profile(
        name="small",
        summary="small real models and hub data sets (subsampled) on CPU; needs the Hugging Face Hub",
        offline=False,
        needs_gpu=False,
        models={"gpt": "openai-community/gpt2", "mistral": "HuggingFaceTB/SmolLM2-135M",
                "chat": "HuggingFaceTB/SmolLM2-135M-Instruct", "encoder": "answerdotai/ModernBERT-base",
                "seq2seq": "google-t5/t5-small"},
    ),
    "full": Profile(
        name="full",
        summary="the real models and hub data sets named in each lesson, on a CUDA GPU",
        offline=False,
        needs_gpu=True,
        models={"gpt": "openai-community/gpt2-medium", "mistral": "mistralai/Mistral-7B-v0.1",
                "chat": "Qwen/Qwen2.5-0.5B-Instruct", "encoder": "answerdotai/ModernBERT-base",
                "seq2seq": "google/flan-t5-base"},
    ),
}


def cuda_available() -> bool:
    """Whether a CUDA GPU is usable (imports torch lazily)."""
    import torch

    return torch.cuda.is_available()


def smoke_run() -> bool:
    """Whether COURSE_SMOKE=1 asks for a smoke run: every step of a lesson, a few rows and steps each."""
    return os.environ.get("COURSE_SMOKE", "").strip() == "1"


def course_seed() -> int:
    """The course's random seed: COURSE_SEED (default 0), so a lesson's claims can be checked under other seeds."""
    raw = os.environ.get("COURSE_SEED", "").strip()
    try:
        return int(raw) if raw else 0
    except ValueError:
        raise CourseError(f"COURSE_SEED={raw!r} is not a whole number; set it to e.g. 0, 1 or 2.") from None


def resolve_profile(value: str | None = None) -> tuple[Profile, str]:
    """Return the active profile and why it was chosen; COURSE_PROFILE wins, else full on a GPU, else tiny."""
    raw = value if value is not None else os.environ.get("COURSE_PROFILE", "")
    name = raw.strip().lower()
    if name:
        if name not in PROFILES:
            choices = ", ".join(PROFILES)
            raise CourseError(f"COURSE_PROFILE={raw!r} is not a profile of this course; choose one of: {choices}.")
        profile, why = PROFILES[name], "set by COURSE_PROFILE"
    elif cuda_available():
        profile, why = PROFILES["full"], "a CUDA GPU is present and COURSE_PROFILE is not set"
    else:
        profile, why = PROFILES["tiny"], "no CUDA GPU found and COURSE_PROFILE is not set"
    profile = replace(profile, seed=course_seed())
    if smoke_run():
        return replace(profile, smoke=True), why + "; a smoke run (COURSE_SMOKE=1): steps and rows capped"
    return profile, why


def apply_offline_flags(profile: Profile) -> None:
    """In offline profiles, tell every Hugging Face library never to contact the hub, so nothing hangs."""
    if profile.offline:
        for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
            os.environ[var] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
