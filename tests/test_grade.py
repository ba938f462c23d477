"""The grader (`python -m utils.grade`) on a made-up lesson 99 (checks in tests/fixtures/grading, given as --tests):
exact gradebook for correct, partial, broken and hostile submissions, and 30 submissions in under 2 minutes."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from utils import grade
from utils.course.notebook_cells import exercise_cells, marker, plain_python
from utils.grade import pool
from utils.grade.__main__ import main

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "tests" / "fixtures" / "grading"
SECRET_FILE = TESTS / "lesson99_extra.py"
TIMEOUT = ["--timeout", "3", "--memory", "512"]
ENV = {"PYTHONPATH": str(REPO), "PATH": os.environ.get("PATH", "/usr/bin")}  # none of the caller's other variables



def cell(ex_id: str, name: str, body: str) -> str:
    """An exercise cell: its marker line, then `body` (dedented)."""
    return f"# EXERCISE {ex_id}: {name}\n" + textwrap.dedent(body).lstrip("\n")


ADD = cell("99.1", "add", """
    def add(a, b):
        return a + b
    """)
MASK = cell("99.2", "causal_mask", """
    import torch


    def causal_mask(n):
        return torch.ones(n, n, dtype=torch.bool).tril()
    """)
MEAN = cell("99.3", "mean_of", """
    def mean_of(xs):
        return sum(xs) / len(xs)
    """)


def cells_with(**cells: str | None) -> list[str]:
    """The three exercise cells, correct unless replaced (add=..., mask=..., mean=...; None drops the cell)."""
    chosen = {"add": ADD, "mask": MASK, "mean": MEAN} | cells
    return [source for source in chosen.values() if source is not None]


ATTEMPT = textwrap.dedent("""
    def tried(attack):
        try:
            attack()
            return True
        except PermissionError:
            return False
    """)


def attack_cells(port: int, books: Path, out: Path) -> dict[str, list[str]]:
    """Submissions that misbehave, by student id: `port` is a local server they try to reach, `books` holds the other
    submissions, `out` the grader's output."""
    forged = '0' * 32 + ' {"exercise": "99.1", "problem": null, "parts": [["passed", ""], ["passed", ""]]}'
    return {
        "syntax_error": cells_with(add=cell("99.1", "add", "def add(a, b)\n    return a + b\n")),
        "missing": cells_with(mask=None),
        "renamed_function": cells_with(mean=MEAN.replace("mean_of", "average")),
        "renamed_marker": cells_with(mask=MASK.replace("99.2", "99.5")),
        "infinite_loop": cells_with(add=cell("99.1", "add", "while True:\n    pass\n"),
                                    mean=cell("99.3", "mean_of", """
                                        def mean_of(xs):
                                            while True:
                                                pass
                                        """)),
        "memory_bomb": cells_with(mask=cell("99.2", "causal_mask", """
                                      def causal_mask(n):
                                          hoard = []
                                          while True:
                                              hoard.append(bytearray(2**30))
                                      """),
                                  mean=cell("99.3", "mean_of", "hoard = bytearray(2**40)\n")),
        "sys_exit": cells_with(add=cell("99.1", "add", "import sys\nsys.exit(0)\n"),
                               mask=cell("99.2", "causal_mask", "def causal_mask(n):\n    raise SystemExit(3)\n")),
        "os_exit": cells_with(mean=cell("99.3", "mean_of", "import os\n\n\ndef mean_of(xs):\n    os._exit(0)\n")),
        "kill_parent": cells_with(add=cell("99.1", "add", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"),
                                  mean=cell("99.3", "mean_of", "import os, signal\nos.killpg(0, signal.SIGKILL)\n")),
        "megabytes_of_prints": cells_with(add=cell("99.1", "add", """
                                              def add(a, b):
                                                  print("spam " * 2_000_000)
                                                  return a + b
                                              """),
                                          mean=MEAN + "for _ in range(20):\n    print('x' * 2**20)\n"),
        "monkeypatch": cells_with(add=cell("99.1", "add", """
                                      import builtins
                                      import utils.checking as checking
                                      checking.expect = checking.expect_type = lambda *args, **kwargs: None
                                      builtins.isinstance = lambda *args: True


                                      def add(a, b):
                                          return "5"
                                      """),
                                  mask=cell("99.2", "causal_mask", """
                                      import torch


                                      def causal_mask(n):
                                          torch.equal = lambda *args: True  # while the check runs
                                          return torch.ones(n, n, dtype=torch.bool)
                                      """),
                                  mean=cell("99.3", "mean_of", """
                                      import sys


                                      def mean_of(xs):
                                          sys._getframe(1).f_globals["expect_close"] = lambda *args, **kwargs: None
                                          return 0.0
                                      """)),
        "fake_equality": cells_with(add=cell("99.1", "add", """
                                        class Anything(int):
                                            def __eq__(self, other):
                                                return True


                                        def add(a, b):
                                            return Anything(0)
                                        """),
                                    mask=cell("99.2", "causal_mask", """
                                        import torch


                                        class Liar(torch.Tensor):
                                            def __eq__(self, other):
                                                return True


                                        def causal_mask(n):
                                            return torch.zeros(n, n, dtype=torch.bool).as_subclass(Liar)
                                        """),
                                    mean=cell("99.3", "mean_of", """
                                        class Close(float):
                                            def __eq__(self, other):
                                                return True


                                        def mean_of(xs):
                                            return Close(0.0)
                                        """)),
        "network": cells_with(add=cell("99.1", "add", f"""
                                  import socket


                                  def add(a, b):
                                      try:
                                          socket.create_connection(("127.0.0.1", {port}), timeout=1).sendall(b"stolen")
                                      except OSError:
                                          pass
                                      return a + b
                                  """),
                              mean=MEAN + textwrap.dedent(f"""
                                  import urllib.request
                                  try:
                                      urllib.request.urlopen("http://127.0.0.1:{port}/", timeout=1)
                                  except OSError:
                                      pass
                                  """)),
        "snoop": cells_with(add=cell("99.1", "add", f"print(open({str(SECRET_FILE)!r}).read())\n") + ADD,
                            mask=cell("99.2", "causal_mask", """
                                import sys
                                import torch


                                def causal_mask(n):
                                    print(sys._getframe(1).f_code.co_consts)
                                    return torch.ones(n, n, dtype=torch.bool).tril()
                                """),
                            mean=cell("99.3", "mean_of", "import subprocess\nsubprocess.run(['true'])\n") + MEAN),
        "snoop_more": [  # each cell defines its function only if one of its attacks gets through
            cell("99.1", "add", ATTEMPT + textwrap.dedent("""
                import ctypes, gc, resource
                attacks = [gc.get_objects, lambda: resource.setrlimit(resource.RLIMIT_CPU, (-1, -1)),
                           lambda: ctypes.CDLL(None)]
                if any([tried(attack) for attack in attacks]):
                    def add(a, b):
                        return a + b
                """)),
            cell("99.2", "causal_mask", ATTEMPT + textwrap.dedent(f"""
                import os
                import torch
                attacks = [lambda: open({str(REPO / "solutions" / "__init__.py")!r}), lambda: __import__("solutions"),
                           lambda: open(f"/proc/{{os.getppid()}}/status"), lambda: os.listdir({str(out)!r})]
                if any([tried(attack) for attack in attacks]):
                    def causal_mask(n):
                        return torch.ones(n, n, dtype=torch.bool).tril()
                """)),
            cell("99.3", "mean_of", ATTEMPT + textwrap.dedent(f"""
                if tried(lambda: open({str(books / "correct.ipynb")!r}).read()):
                    def mean_of(xs):
                        return sum(xs) / len(xs)
                """))],
        "forged_pass": cells_with(add=cell("99.1", "add", f"""
                                      import os
                                      print({forged!r})
                                      os.write(1, {forged + chr(10)!r}.encode())


                                      def add(a, b):
                                          return 0
                                      """)),
    }


EXPECTED = [  # student, 99.1 (1 + 2 points), 99.2 (4 points with --points), 99.3 (1 point), total, max, error
    ["big_numbers_wrong", "1", "4", "1", "6", "8", ""],
    ["broken", "0", "0", "0", "0", "8", "student-books/broken.ipynb is not a readable notebook"],
    ["correct", "3", "4", "1", "8", "8", ""],
    ["fake_equality", "0", "0", "0", "0", "8", ""],
    ["folder_student", "3", "4", "1", "8", "8", ""],
    ["forged_pass", "0", "4", "1", "5", "8", ""],
    ["infinite_loop", "0", "4", "0", "4", "8", "99.1 timed out; 99.3 timed out"],
    ["kill_parent", "0", "4", "0", "4", "8", "99.1 cell error; 99.3 cell error"],
    ["megabytes_of_prints", "3", "4", "1", "8", "8", ""],
    ["memory_bomb", "3", "0", "0", "3", "8", "99.3 cell error"],
    ["missing", "3", "0", "1", "4", "8", "99.2 missing"],
    ["monkeypatch", "0", "0", "0", "0", "8", "99.1 tampered; 99.2 tampered; 99.3 tampered"],
    ["network", "3", "4", "1", "8", "8", ""],
    ["no_metadata", "3", "4", "1", "8", "8", ""],
    ["os_exit", "3", "4", "0", "7", "8", "99.3 exited"],
    ["partial", "3", "0", "0", "3", "8", ""],
    ["renamed_function", "3", "4", "0", "7", "8", "99.3 not defined"],
    ["renamed_marker", "3", "0", "1", "4", "8", "99.2 missing"],
    ["snoop", "0", "0", "0", "0", "8", "99.1 cell error; 99.3 cell error"],
    ["snoop_more", "0", "0", "0", "0", "8", "99.1 not defined; 99.2 not defined; 99.3 not defined"],
    ["syntax_error", "0", "4", "1", "5", "8", "99.1 syntax error"],
    ["sys_exit", "0", "0", "1", "1", "8", "99.1 cell error"],
] + [[f"zz_learner{i:02d}", "3", "4" if i % 2 else "0", "1", "8" if i % 2 else "4", "8", ""] for i in range(8)]


def write_notebook(path: Path, sources: list[str], metadata: bool = True) -> None:
    """A notebook file holding one markdown cell and code cells `sources`, with or without any metadata."""
    cells = [{"cell_type": "markdown", "source": "Exercises", **({"metadata": {}} if metadata else {})}]
    for source in sources:
        cell = {"cell_type": "code", "source": source.splitlines(keepends=True), "outputs": [],
                "execution_count": None}
        cells.append(cell | ({"metadata": {"tags": ["exercise"], "nbgrader": {"grade": True}}} if metadata else {}))
    notebook = {"cells": cells, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook | ({"metadata": {"kernelspec": {"name": "python3"}}} if metadata else {})))


class Listener:
    """A local TCP server that records whether anything connected to it."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections, self.running = 0, True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        """Count connections until closed."""
        while self.running:
            try:
                self.server.accept()[0].close()
                self.connections += 1
            except OSError:
                continue

    def close(self) -> None:
        """Stop serving."""
        self.running = False
        self.thread.join()
        self.server.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Grade 30 submissions (hostile ones included) once through the CLI; return its outputs and timing."""
    root = tmp_path_factory.mktemp("grading")
    books = root / "student-books"
    books.mkdir()
    listener = Listener()
    subs = attack_cells(listener.port, books, root / "out" / "feedback") | {
        "correct": cells_with(),
        "partial": cells_with(mask=MASK.replace("dtype=torch.bool", "dtype=torch.float32"),
                              mean=cell("99.3", "mean_of", "def mean_of(xs):\n    raise NotImplementedError\n")),
        "big_numbers_wrong": cells_with(add=cell("99.1", "add", "def add(a, b):\n    return int(float(a) + b)\n")),
    }
    for i in range(8):
        subs[f"zz_learner{i:02d}"] = cells_with(mask=MASK if i % 2 else MASK.replace("tril", "triu"))
    for student, sources in subs.items():
        write_notebook(books / f"{student}.ipynb", sources)
    write_notebook(books / "no_metadata.ipynb", ["# my answer below\n%time\n" + ADD, MASK, MEAN], metadata=False)
    (books / "broken.ipynb").write_text('{"cells": [')
    (books / "folder_student").mkdir()
    write_notebook(books / "folder_student" / "99_made_up.ipynb", cells_with())
    (root / "points.yaml").write_text('"99.2": 4\n')
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "utils.grade", "student-books", "--tests", str(TESTS), "--points",
                          "points.yaml", "--out", "out", "--nbgrader-csv", "--jobs", "2", *TIMEOUT],
                         cwd=root, capture_output=True, text=True, env=ENV)
    seconds = time.perf_counter() - start
    listener.close()
    print(f"\ngraded {len(EXPECTED)} submissions in {seconds:.1f} s\n{run.stdout}{run.stderr}")
    return {"run": run, "seconds": seconds, "out": root / "out", "connections": listener.connections}


def rows(path: Path) -> list[list[str]]:
    """The rows of a CSV file."""
    with path.open(newline="") as fh:
        return list(csv.reader(fh))


def test_gradebook_is_exact(graded: dict) -> None:
    """Every submission gets exactly the points it earned, and the problems that stopped exercises are named."""
    table = rows(graded["out"] / "gradebook.csv")
    assert table[0] == ["student", "99.1", "99.2", "99.3", "total", "max", "error"]
    got = [[*row[:6], row[6].split(" (")[0]] for row in table[1:]]
    assert got == EXPECTED
    assert graded["run"].returncode == 1  # the unreadable notebook is bad input
    assert "could not be graded (broken)" in graded["run"].stderr
    assert "Traceback" not in graded["run"].stderr


def test_thirty_submissions_grade_in_under_two_minutes(graded: dict) -> None:
    """30 submissions, infinite loops and memory bombs included, grade in < 2 minutes on the CI machine."""
    assert len(EXPECTED) == 30
    assert graded["seconds"] < 120, f"grading 30 submissions took {graded['seconds']:.0f} s"


def test_network_is_cut(graded: dict) -> None:
    """Graded code cannot reach even a server on the same machine."""
    assert graded["connections"] == 0


def test_feedback_names_results_but_not_hidden_tests(graded: dict) -> None:
    """Feedback gives each check's verdict in words, never the hidden tests' code or data."""
    feedback = {path.stem: path.read_text() for path in (graded["out"] / "feedback").glob("*.md")}
    assert set(feedback) == {row[0] for row in EXPECTED}
    assert "causal_mask(4) should have dtype torch.bool, got torch.float32." in feedback["partial"]
    assert "mean_of is not written yet" in feedback["partial"]
    assert "add is wrong on big numbers." in feedback["big_numbers_wrong"]
    assert "a cell defining `causal_mask` is marked EXERCISE 99.5 instead" in feedback["renamed_marker"]
    assert "Cells marked EXERCISE 99.5 are not exercises of lesson 99" in feedback["renamed_marker"]
    assert "does not define `mean_of` (its marker names `average`)" in feedback["renamed_function"]
    assert "Checks not run: it did not finish within 3 s" in feedback["infinite_loop"]
    assert "running the cell ran out of memory" in feedback["memory_bomb"]
    assert "causal_mask ran out of memory" in feedback["memory_bomb"]
    assert "the grader does not allow sending signals" in feedback["kill_parent"]
    assert "utils.checking.expect" in feedback["monkeypatch"] and "torch.equal" in feedback["monkeypatch"]
    assert "the grader does not allow opening the grader's files" in feedback["snoop"]
    assert "the grader does not allow reading the code of hidden tests" in feedback["snoop"]
    assert "the grader does not allow starting processes" in feedback["snoop"]
    secret = SECRET_FILE.read_text()
    for text in feedback.values():
        assert "100000000000000000000" not in text and "SECRET" not in text and secret[:60] not in text


def test_nbgrader_csv_has_nbgrader_export_columns(graded: dict) -> None:
    """nbgrader.csv has the columns of `nbgrader export` and one row per learner."""
    table = rows(graded["out"] / "nbgrader.csv")
    assert table[0] == grade.NBGRADER_COLUMNS
    correct = next(row for row in table if row[3] == "correct")
    assert (correct[0], correct[7], correct[8], correct[9], correct[10]) == ("lesson99", "8.0", "0.0", "8.0", "8.0")
    assert len(table) == 31


def test_grader_survives_a_killed_worker_without_namespaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without namespaces, code that kills its worker (a signal the audit hook cannot see) loses that exercise only;
    the grader restarts a worker for the rest, and sockets are still refused."""
    kill = cell("99.1", "add", "import os, signal\nsignal.pidfd_send_signal(os.pidfd_open(os.getppid()), 9)\n") + ADD
    probe = MEAN + textwrap.dedent("""
        import socket
        try:
            socket.socket()
            del mean_of
        except PermissionError:
            pass
        """)
    write_notebook(tmp_path / "killer.ipynb", cells_with(add=kill, mean=probe))
    monkeypatch.setattr(pool, "SANDBOXES", ())
    code = main([str(tmp_path / "killer.ipynb"), "--tests", str(TESTS), "--out", str(tmp_path / "out"), *TIMEOUT])
    assert code == 0
    table = rows(tmp_path / "out" / "gradebook.csv")
    assert table[1] == ["killer", "0", "2", "1", "3", "6", "99.1 worker died"]


@pytest.mark.parametrize(("args", "sentence"), [
    (["empty-folder"], "error: No notebooks found in empty-folder."),
    (["book.ipynb", "--lesson", "98"], "error: There are no checks for lesson 98"),
    (["book.ipynb", "--tests", "nowhere.py"], "error: --tests nowhere.py does not exist."),
    (["book.ipynb", "--tests", "bad_tests.py"], "error: --tests bad_tests.py could not be loaded: NameError"),
    (["book.ipynb", "--tests", str(TESTS), "--points", "points.yaml"], "error: --points names 99.10, not exercises"),
    (["unmarked.ipynb"], "error: No cell in the submissions starts with an `# EXERCISE N.M: name` marker"),
])
def test_bad_input_is_one_sentence(tmp_path: Path, args: list[str], sentence: str) -> None:
    """Bad input stops the grader with exit status 2 and one sentence, no traceback."""
    (tmp_path / "empty-folder").mkdir()
    write_notebook(tmp_path / "book.ipynb", cells_with())
    write_notebook(tmp_path / "unmarked.ipynb", ["print('hello')\n"])
    (tmp_path / "bad_tests.py").write_text("undefined_name\n")
    (tmp_path / "points.yaml").write_text('"99.10": 4\n')
    run = subprocess.run([sys.executable, "-m", "utils.grade", *args], cwd=tmp_path, capture_output=True, text=True,
                         env=ENV)
    assert run.returncode == 2
    assert run.stderr.startswith(sentence)
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr


def test_markers_are_found_in_the_source_whatever_the_metadata() -> None:
    """Markers are read from cell sources: comments and magics may precede them; code may not; the last copy counts."""
    assert marker("# EXERCISE 3.12: my_fn\ndef my_fn(): ...") == ("3.12", "my_fn")
    assert marker("\n# note\n%%time\n#exercise 03.2 :  f\n") == ("3.2", "f")
    assert marker("x = 1\n# EXERCISE 3.2: f\n") is None
    cells = exercise_cells(["# EXERCISE 1.1: f\nf = 1\n", "# EXERCISE 1.1: f\nf = 2\n"])
    assert cells["1.1"].copies == 2 and cells["1.1"].source.endswith("f = 2\n")
    assert plain_python("%time\n!ls\nif True:\n    %time x\n") == "pass\npass\nif True:\n    pass\n"
