"""The grader, `python -m utils.grade`: grades the exercise cells of learners' notebooks into a gradebook.

One run, module by module: `submissions` finds the notebooks and their exercise cells; `checks` loads the lesson's
visible and hidden checks, from which `plan` makes the exercises and their points; `pool` hands each submission to a
sandboxed `worker` process (started as `python -I utils/grade/worker.py`), which runs every exercise cell in a child
that `sandbox` locks down; `report` writes the gradebook and the feedback; `__main__` is the command line. `samples`
(`python -m utils.grade.samples`) writes sample submissions of a lesson to try the grader on.
"""

from utils.grade.checks import id_key, load_checks
from utils.grade.plan import GradedExercise, make_plan
from utils.grade.report import NBGRADER_COLUMNS, fmt

__all__ = ["NBGRADER_COLUMNS", "GradedExercise", "fmt", "id_key", "load_checks", "make_plan"]
