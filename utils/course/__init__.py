"""`setup()`: the one call at the top of every lesson (profile banner, seeds, offline flags, quiet logs)."""

from __future__ import annotations

import os
import platform
from dataclasses import replace

from utils.course.paths import cache_dir
from utils.course.profiles import Profile, apply_offline_flags, cuda_available, resolve_profile
from utils.errors import CourseError, show_course_errors_briefly


def quiet_libraries() -> None:
    """Silence progress bars and info logs of the Hugging Face libraries so lessons read cleanly."""
    import datasets
    import transformers

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()


def banner(profile: Profile, why: str) -> str:
    """One line saying which profile runs and why, then where things run and are cached."""
    import torch
    import transformers

    from utils.course.device import pick_device, pick_dtype

    device = pick_device()
    tiny = profile.name == "tiny"
    where = " (tiny always computes on the CPU in fp32: CI's numbers on every machine)" if tiny else ""
    seed = f"; seed {profile.seed} (COURSE_SEED)" if profile.seed else ""
    return (f"Profile: {profile.name} ({why}) - {profile.summary}.\n"
            f"Device: {device.type}, dtype {str(pick_dtype(device)).removeprefix('torch.')}{where}{seed}; "
            f"Python {platform.python_version()}, torch {torch.__version__}, transformers {transformers.__version__}; "
            f"cache: {cache_dir()}")


def setup(seed: int | None = None, profile: str | None = None, quiet: bool = False) -> Profile:
    """Choose the profile (COURSE_PROFILE) and seed (COURSE_SEED, or `seed`), set offline flags, CPU threads and seeds,
    print the banner; return the profile. The choice is exported, so helpers and commands a lesson runs agree."""
    show_course_errors_briefly()
    chosen, why = resolve_profile(profile)
    if seed is not None:
        chosen = replace(chosen, seed=seed)
    if chosen.needs_gpu and not cuda_available() and not chosen.smoke:
        raise CourseError(f"The {chosen.name} profile needs a CUDA GPU and none was found; use COURSE_PROFILE=tiny "
                          "(or small) here, or open the lesson in Colab with a GPU runtime.")
    apply_offline_flags(chosen)
    quiet_libraries()
    from utils.course.device import seed_everything, set_cpu_threads

    os.environ["COURSE_PROFILE"], os.environ["COURSE_SEED"] = chosen.name, str(chosen.seed)
    set_cpu_threads(chosen.cpu_threads)
    seed_everything(chosen.seed)
    if not quiet:
        print(banner(chosen, why))
    return chosen
