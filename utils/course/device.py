"""Device, dtype and seeding: the CPU in fp32 in `tiny`; elsewhere bf16 where the GPU has it natively, fp16 on older
GPUs (T4), fp32 on CPU. `pick_device` is the one place that decides where the course computes."""

from __future__ import annotations

import os
import random

import numpy as np
import torch


def pick_device() -> torch.device:
    """Where the course computes: the CPU in `tiny` whatever accelerator is present (CI's numbers on every machine),
    else the best device here: CUDA, then Apple MPS, then CPU."""
    from utils.course.profiles import resolve_profile

    if resolve_profile()[0].name == "tiny":
        return torch.device("cpu")
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def pick_dtype(device: torch.device | None = None) -> torch.dtype:
    """Compute dtype for `device`: bf16 on GPUs with native bf16 (compute capability 8+), fp16 on older GPUs (T4,
    V100), fp32 elsewhere."""
    device = device or pick_device()
    if device.type == "cuda":
        return torch.bfloat16 if bf16_supported() else torch.float16
    return torch.float32


def weights_dtype(device: torch.device | None = None) -> torch.dtype:
    """Dtype to load weights in for training and inference on `device`: bf16 where the GPU computes in bf16, fp32
    otherwise (fp16 mixed precision keeps fp32 weights: its gradient scaler refuses fp16 gradients)."""
    return torch.bfloat16 if pick_dtype(device) == torch.bfloat16 else torch.float32


def rounding_tolerance(dtype: torch.dtype) -> float:
    """How far apart, relative to the largest value, two computations that agree in exact arithmetic may land when
    run in `dtype`: 1e-4 in fp32 (float rounding); 5% in bf16/fp16, whose 8 or 11 mantissa bits round every sum."""
    return 1e-4 if dtype == torch.float32 else 5e-2


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
    """Whether this machine's GPU computes in bf16 natively (compute capability 8.0+: A100, L4, H100). A T4 (7.5)
    only emulates it, although torch.cuda.is_bf16_supported() says True there."""
    return torch.cuda.is_available() and torch.cuda.get_device_capability()[0] >= 8


def supports_4bit() -> tuple[bool, str]:
    """Whether bitsandbytes 4-bit layers run on the course's device here, and one sentence saying what to do when they
    cannot."""
    device = pick_device()
    if device.type == "mps":
        return False, ("4-bit bitsandbytes layers do not run on Apple MPS: run this lesson with COURSE_PROFILE=tiny "
                       "(on the CPU) or open it in Colab with a GPU runtime.")
    try:
        import bitsandbytes.functional as bnbf
    except ImportError:
        return False, "bitsandbytes is not installed; run `pip install -r requirements.txt`."
    if device.type == "cpu":
        try:  # bitsandbytes has CPU kernels on x86 Linux/Windows; other builds (e.g. on a Mac) may lack them
            packed, state = bnbf.quantize_4bit(torch.randn(64, 64), quant_type="nf4")
            bnbf.dequantize_4bit(packed, state)
        except Exception:
            return False, ("bitsandbytes has no 4-bit CPU kernels on this machine: open this lesson in Colab with a "
                           "GPU runtime; every other lesson runs here.")
    return True, ""
