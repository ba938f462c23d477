"""The course's one error type: a sentence for the learner, shown without a stack trace."""

from __future__ import annotations


class CourseError(Exception):
    """Bad input or an unusable setup, explained in one sentence that says what to do."""


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
