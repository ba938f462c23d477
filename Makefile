# Two commands do all the set-up on a fresh machine:
#   make lab    install the course into .venv and open it in JupyterLab
#   make test   install the course into .venv and run the whole test suite (what CI runs)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
JOBS ?= 2
# Where a CPU build of torch comes from on machines whose default index serves a CUDA build (e.g. GitHub runners).
TORCH_INDEX ?=

.PHONY: install lab test test-fast lint bases standins data bench robustness

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(if $(TORCH_INDEX),$(BIN)/pip install -q torch==2.13.0 --index-url $(TORCH_INDEX))
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .  # utils importable from anywhere (tests, benchmarks, the grader)
	touch $@

lab: install
	$(BIN)/jupyter lab lessons/

lint: install
	$(BIN)/ruff check .

data: install
	$(BIN)/python data/make_data.py

bases: install
	COURSE_PROFILE=tiny $(BIN)/python -m utils.course.tiny_models

# Offline stand-ins of the small/full profiles' hub models and data sets, under their real names (utils/course/hub_standins.py).
standins: install
	COURSE_PROFILE=tiny $(BIN)/python -m utils.course.hub_standins

bench: install bases
	COURSE_PROFILE=tiny $(BIN)/python benchmarks/finetune_speed.py
	COURSE_PROFILE=tiny $(BIN)/python benchmarks/qlora_memory.py --profile tiny
	COURSE_PROFILE=tiny $(BIN)/python benchmarks/grading_speed.py

# Every tiny lesson under seeds 1 and 2 and on bases built with 8 threads: pass/fail per lesson (about 45 minutes).
robustness: install bases
	COURSE_PROFILE=tiny $(BIN)/python benchmarks/tiny_robustness.py

test: install lint bases standins
	# One thread per pytest worker: two workers of two threads on two cores run notebooks 5x slower.
	# The tiny profile sets the Hugging Face offline flags, so no test waits on a network.
	COURSE_PROFILE=tiny OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(JOBS) --dist loadfile --durations=25

# The quick loop while writing code: every test except those marked slow (lesson notebooks, smoke runs, grading of
# whole notebooks, fine-tune runs); under 2 minutes on 2 cores once the bases are built.
test-fast: install bases
	COURSE_PROFILE=tiny OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(JOBS) --dist loadfile -m "not slow" tests
