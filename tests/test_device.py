"""utils.course.device: bf16 only where the GPU has it natively, fp16 on older GPUs, fp32 on CPU; one place decides."""

from __future__ import annotations

import pytest
import torch

from utils.course.device import bf16_supported, pick_dtype, weights_dtype
from utils.course.trainer import lesson_args
from utils.finetune import precision

GPUS = {"T4": ((7, 5), torch.float16), "V100": ((7, 0), torch.float16), "A100": ((8, 0), torch.bfloat16),
        "L4": ((8, 9), torch.bfloat16)}


def fake_gpu(monkeypatch: pytest.MonkeyPatch, capability: tuple[int, int] | None) -> None:
    """Pretend this machine has a CUDA GPU of `capability` (None: no GPU) whose torch says bf16 is supported, in the
    full profile (tiny computes on the CPU whatever GPU is present)."""
    monkeypatch.setenv("COURSE_PROFILE", "full")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: capability is not None)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda *a: capability)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: capability is not None)  # counts emulation
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)


@pytest.mark.parametrize("gpu", GPUS)
def test_dtype_follows_native_bf16(monkeypatch: pytest.MonkeyPatch, gpu: str) -> None:
    capability, want = GPUS[gpu]
    fake_gpu(monkeypatch, capability)
    assert pick_dtype() == want and bf16_supported() == (want == torch.bfloat16)
    assert weights_dtype() == (torch.bfloat16 if want == torch.bfloat16 else torch.float32)
    dtype, flags = precision()
    assert dtype == weights_dtype() and flags == {"bf16": want == torch.bfloat16, "fp16": want == torch.float16}


def test_cpu_is_fp32(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_gpu(monkeypatch, None)
    assert pick_dtype() == weights_dtype() == torch.float32 and not bf16_supported()
    assert precision() == (torch.float32, {"bf16": False, "fp16": False})


def test_lesson_args_use_fp16_on_a_t4(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_gpu(monkeypatch, (7, 5))
    args = lesson_args()
    assert args["fp16"] is True and args["bf16"] is False
