"""Device, dtype and seeding: bf16 where the GPU supports it, fp16 on older GPUs (T4), fp32 on CPU."""

from __future__ import annotations

import os
import random

import numpy as np
import torch


def pick_device() -> torch.device:
    """The best device here: CUDA, then Apple MPS, then CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def pick_dtype(device: torch.device | None = None) -> torch.dtype:
    """Training dtype for `device`: bf16 on GPUs that support it, fp16 on older GPUs, fp32 elsewhere."""
    device = device or pick_device()
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


def seed_everything(seed: int = 0) -> None:
    """Seed Python, NumPy and torch so the same profile gives the same numbers."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)


def set_cpu_threads(n: int | None) -> int:
    """Use `n` torch CPU threads from now on (None: leave as is); return the number used before."""
    before = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    return before


def bf16_supported() -> bool:
    """Whether bf16 compute is available on this machine's GPU."""
    return torch.cuda.is_available() and torch.cuda.is_bf16_supported()


def supports_4bit() -> tuple[bool, str]:
    """Whether bitsandbytes 4-bit layers can run here, and a sentence saying why not when they cannot."""
    if pick_device().type == "mps":
        return False, "4-bit bitsandbytes layers do not run on Apple MPS; use COURSE_PROFILE=tiny on CPU or a CUDA GPU."
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        return False, "bitsandbytes is not installed; run `pip install -r requirements.txt`."
    return True, ""
