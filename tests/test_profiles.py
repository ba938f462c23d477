"""Profiles, setup() and the one-sentence errors for a bad setup."""

from __future__ import annotations

import os

import pytest

from utils import setup
from utils.colab import missing_requirements
from utils.errors import CourseError
from utils.profiles import PROFILES, resolve_profile


def test_every_profile_has_every_role() -> None:
    roles = set(PROFILES["tiny"].models)
    assert all(set(p.models) == roles for p in PROFILES.values())


def test_profile_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_PROFILE", " Small ")
    profile, why = resolve_profile()
    assert profile.name == "small" and "COURSE_PROFILE" in why


def test_default_is_tiny_without_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    monkeypatch.setattr("utils.profiles.cuda_available", lambda: False)
    assert resolve_profile()[0].name == "tiny"
    monkeypatch.setattr("utils.profiles.cuda_available", lambda: True)
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
