"""The course's one error type: a sentence for the learner, shown without a stack trace."""

from __future__ import annotations

from collections.abc import Sized


class CourseError(Exception):
    """Bad input or an unusable setup, explained in one sentence that says what to do."""


def check_pairs(first: Sized, second: Sized, what: str) -> None:
    """Raise ValueError unless `first` and `second` are non-empty and equally long; `what` says what is needed, e.g.
    "as many predictions as references"."""
    if len(first) != len(second) or not first:
        raise ValueError(f"need {what} (got {len(first)} and {len(second)})")


def show_course_errors_briefly() -> None:
    """In IPython/Jupyter, print CourseError as its one sentence instead of a traceback."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        print(f"CourseError: {value}")
        return None

    shell.set_custom_exc((CourseError,), handler)
