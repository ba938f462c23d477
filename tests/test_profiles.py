"""Profiles, setup() and the one-sentence errors for a bad setup."""

from __future__ import annotations

import os

import pytest

from utils import setup
from utils.course.colab import missing_requirements
from utils.course.profiles import PROFILES, resolve_profile
from utils.errors import CourseError


def test_every_profile_has_every_role() -> None:
    roles = set(PROFILES["tiny"].models)
    assert all(set(p.models) == roles for p in PROFILES.values())


def test_profile_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_PROFILE", " Small ")
    profile, why = resolve_profile()
    assert profile.name == "small" and "COURSE_PROFILE" in why


def test_default_is_tiny_without_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    monkeypatch.setattr("utils.course.profiles.cuda_available", lambda: False)
    assert resolve_profile()[0].name == "tiny"
    monkeypatch.setattr("utils.course.profiles.cuda_available", lambda: True)
    assert resolve_profile()[0].name == "full"


def test_wrong_profile_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_PROFILE", "huge")
    with pytest.raises(CourseError, match=r"^COURSE_PROFILE='huge' is not a profile of this course; choose one of"):
        setup()


def test_full_without_gpu_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("utils.course.cuda_available", lambda: False)
    with pytest.raises(CourseError, match="needs a CUDA GPU and none was found; use COURSE_PROFILE=tiny"):
        setup(profile="full")


def test_tiny_sets_offline_flags_and_banner(capsys: pytest.CaptureFixture[str]) -> None:
    profile = setup(profile="tiny")
    assert profile.name == "tiny" and os.environ["HF_HUB_OFFLINE"] == "1"
    assert capsys.readouterr().out.startswith("Profile: tiny (set by COURSE_PROFILE)")


def test_pick_falls_back_to_tiny_for_small() -> None:
    assert PROFILES["small"].pick(tiny=1, full=3) == 1
    assert PROFILES["small"].pick(tiny=1, full=3, small=2) == 2
    assert PROFILES["full"].pick(tiny=1, full=3, small=2) == 3


def test_colab_never_installs_torch(tmp_path) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("torch==0.0.1\nnbval==0.0.1\nsurely-not-installed-pkg==1.0  # comment\n")
    assert missing_requirements(str(req)) == ["surely-not-installed-pkg==1.0"]


def test_a_smoke_run_caps_steps_rows_length_and_batch(monkeypatch) -> None:
    """COURSE_SMOKE=1: steps, rows, row lengths, batches and generated tokens capped by the one knob; without it
    nothing changes."""
    from utils.course.profiles import (
        SMOKE_BATCH,
        SMOKE_LENGTH,
        SMOKE_NEW_TOKENS,
        SMOKE_ROWS,
        SMOKE_STEPS,
        smoke_capped,
        smoke_new_tokens,
    )
    from utils.course.runs import RUNS, run
    from utils.course.trainer import lesson_args

    monkeypatch.delenv("COURSE_SMOKE", raising=False)
    assert smoke_capped({"max_steps": 500, "max_length": 4096}) == {"max_steps": 500, "max_length": 4096}
    assert not resolve_profile("full")[0].smoke and resolve_profile("full")[0].rows(None) is None
    assert smoke_new_tokens(256) == 256
    monkeypatch.setenv("COURSE_SMOKE", "1")
    assert smoke_new_tokens(256) == SMOKE_NEW_TOKENS and smoke_new_tokens(4) == 4
    assert smoke_capped({"max_completion_length": 128})["max_completion_length"] == SMOKE_NEW_TOKENS  # GRPO
    assert smoke_capped({"max_length": 2048, "pad_to_multiple_of": 2048})["pad_to_multiple_of"] == SMOKE_LENGTH
    full = resolve_profile("full")[0]
    assert full.smoke and full.steps(500) == SMOKE_STEPS and full.rows(None) == full.rows(10**6) == SMOKE_ROWS
    assert smoke_capped({"max_steps": -1, "max_length": 4096}) == {"max_steps": SMOKE_STEPS, "max_length": SMOKE_LENGTH}
    assert lesson_args(max_steps=300)["max_steps"] == SMOKE_STEPS
    args = lesson_args(per_device_train_batch_size=16, gradient_accumulation_steps=4, max_length=None)
    assert (args["per_device_train_batch_size"], args["gradient_accumulation_steps"]) == (16, 1)
    assert args["max_length"] is None  # no cap asked for: none added
    assert smoke_capped({"batch_size": 16, "grad_accum": 4})["batch_size"] == SMOKE_BATCH
    assert smoke_capped({"batch_size": 16, "num_generations": 4})["batch_size"] == 4  # one whole GRPO group
    ppo = run("06-ppo")
    assert (ppo.batch, ppo.grad_accum) == (SMOKE_BATCH, 1) and ppo.seq == RUNS["06-ppo"].seq  # lengths stay


def test_course_seed_reaches_setup_and_trainers(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    import torch

    from utils.course.trainer import lesson_args

    monkeypatch.setenv("COURSE_PROFILE", "tiny")
    monkeypatch.setenv("COURSE_SEED", "2")
    assert setup().seed == 2 and "seed 2 (COURSE_SEED)" in capsys.readouterr().out
    drawn = torch.rand(3)
    torch.manual_seed(2)
    assert torch.equal(drawn, torch.rand(3))  # setup() seeded torch with COURSE_SEED
    assert lesson_args()["seed"] == lesson_args()["data_seed"] == 2
    monkeypatch.setenv("COURSE_SEED", "two")
    with pytest.raises(CourseError, match=r"^COURSE_SEED='two' is not a whole number; set it to e\.g\. 0, 1 or 2\.$"):
        resolve_profile()
