"""What a run grades: the lesson's exercises, each with its checks (visible, then hidden) and their points."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from utils.errors import CourseError
from utils.grade.checks import load_checks


@dataclass
class GradedExercise:
    """One exercise as graded: id, the name learners define, and its checks as (label, points)."""

    id: str
    name: str
    parts: list[tuple[str, float]]

    @property
    def max(self) -> float:
        """Points of the exercise when every check passes."""
        return sum(points for _, points in self.parts)


def read_hidden(paths: list[str]) -> list[tuple[Path, str]]:
    """(path, source) of each hidden-tests file named by --tests (a .py file or a folder of them)."""
    files = []
    for arg in paths:
        path = Path(arg)
        if not path.exists():
            raise CourseError(f"--tests {arg} does not exist.")
        found = sorted(path.glob("*.py")) if path.is_dir() else [path]
        if not found:
            raise CourseError(f"--tests {arg} holds no .py files.")
        files += found
    return [(path, path.read_text(encoding="utf-8")) for path in files]


def read_points(path: str | None) -> dict[str, float]:
    """Exercise totals from a YAML or JSON file mapping ids to points ({"1.2": 3})."""
    if path is None:
        return {}
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text) if path.endswith(".json") else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as err:
        raise CourseError(f"--points {path} cannot be read ({err}).") from None
    if not isinstance(data, dict) or not all(type(v) in (int, float) and v >= 0 for v in data.values()):
        raise CourseError(f'--points {path} should map exercise ids to points, like {{"1.2": 3}}.')
    return {str(key): float(value) for key, value in data.items()}


def make_plan(lesson: int, hidden: list[tuple[Path, str]], totals: dict[str, float]) -> list[GradedExercise]:
    """The exercises of `lesson` with their checks (visible, then hidden) and points, `totals` overriding."""
    for name, sources in [(f"utils/exercises/lesson{lesson:02d}.py", []), *((f"--tests {p}", [s]) for p, s in hidden)]:
        try:
            load_checks(lesson, sources)
        except Exception as err:  # course or instructor code: report it as a sentence
            raise CourseError(f"{name} could not be loaded: {type(err).__name__}: {err}.") from None
    try:
        checks = load_checks(lesson, [source for _, source in hidden])
    except ValueError as err:
        raise CourseError(f"The hidden tests disagree: {err}.") from None
    if not checks:
        raise CourseError(f"There are no checks for lesson {lesson}: utils/exercises/lesson{lesson:02d}.py does not "
                          "exist and --tests adds none.")
    unknown = sorted(set(totals) - set(checks))
    if unknown:
        raise CourseError(f"--points names {', '.join(unknown)}, not exercises of lesson {lesson} "
                          '(quote ids in YAML: "1.10").')
    plan = []
    for ex_id, parts in checks.items():
        points = [float(ex.points) for _, ex in parts]
        if ex_id in totals:  # the new total, split across the checks in the ratio of their own points
            points = [totals[ex_id] * (p / sum(points) if sum(points) else 1 / len(points)) for p in points]
        labels = [label for label, _ in parts]
        plan.append(GradedExercise(ex_id, parts[0][1].name, list(zip(labels, points, strict=True))))
    return plan
