# Two commands on a fresh machine: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: sounds run run-lan test test-quiet test-fast eval eval-axis eval-hands live-under-load sample-scores stroke-grid bench batch-throughput robustness samples model clean browser-deps trace-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

# Debian's chromium for the browser tests (never `playwright install`).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "could not install chromium: browser tests will be skipped"; true; }; }

# Debian's strace for the network-privacy test (tests/test_network_privacy.py traces connect/bind).
trace-deps:
	@command -v strace >/dev/null 2>&1 || { \
	  echo "installing Debian's strace for the network trace test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace >/dev/null) \
	  || { echo "could not install strace: the network trace tests will be skipped"; true; }; }

run: $(STAMP)
	$(BIN)/streamlit run app.py --server.port $(PORT)

# The app for a phone on the home network: https with a certificate made on first use, a QR code to scan.
run-lan: $(STAMP)
	$(BIN)/crossgrain serve --lan --port $(PORT)

# Two passes: the tests that do not keep time against the wall clock in two processes (pytest-xdist, a test
# file to each at a time), then the ones that do (marker `alone`: a live camera in the browser, the live pacing,
# a latency) one at a time, so a second test never shares the cores with them. TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
test: $(STAMP) browser-deps trace-deps
	@$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile -m "not quiet and not alone" --durations=15; \
	  first=$$?; \
	  $(BIN)/python -m pytest -q -m "alone and not quiet" --durations=10; \
	  second=$$?; \
	  echo "make test: the first pass ended with $$first, the second (alone) with $$second (0: passed)"; \
	  [ $$first -eq 0 ] && [ $$second -eq 0 ]

# Tests that need an otherwise idle machine (the sound's arrival in the browser, timed): not in `make test`.
test-quiet: $(STAMP) browser-deps
	$(BIN)/python -m pytest -q -m quiet

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not browser"

# The plain set and issue 11's hard set side by side (EVAL_DRAW=2 ...: another random draw of the hard set).
# The hard set and most plain clips use footage beyond footage/: set CROSSGRAIN_FOOTAGE to the team's shared/.
EVAL_DRAW ?= 1
eval: $(STAMP)
	$(BIN)/python tools/evaluate.py --draw $(EVAL_DRAW)

# The bundled samples' scores against what their truth implies (issue 10's targets).
sample-scores: $(STAMP)
	$(BIN)/python tools/sample_scores.py

# The foot-axis estimator on marked foot photos: originals, turned, with real hands pasted on.
eval-axis: $(STAMP)
	$(BIN)/python tools/evaluate_axis.py

# Hands kept on real two-handed footage, toes refused, the working thumb chosen, the cost of two hands.
eval-hands: $(STAMP)
	$(BIN)/python tools/evaluate_hands.py

# The live page with a CPU hog on the second core: analysed fps, overlay on every frame, no hold invented.
LIVE_SECONDS ?= 40
live-under-load: $(STAMP) browser-deps
	$(BIN)/python tools/live_under_load.py --seconds $(LIVE_SECONDS)

# The analyzer over issue 11's stroke space (rate x amplitude x fps x dropped frames x palm x waveform), on numbers.
stroke-grid: $(STAMP)
	$(BIN)/python tools/stroke_grid.py

bench: $(STAMP)
	$(BIN)/crossgrain bench

# Copies of the samples analysed by one process, the local pool and a local Dask cluster (issue 17).
batch-throughput: $(STAMP)
	$(BIN)/python tools/batch_throughput.py

# Hard inputs (inputs tried, reports, clear errors, failures), then a soak through the real
# page: a fake webcam for SOAK_MINUTES, memory and fps every minute, drift per hour.
SOAK_MINUTES ?= 30
robustness: $(STAMP) browser-deps
	$(BIN)/python tools/robustness.py
	$(BIN)/python tools/soak_browser.py --minutes $(SOAK_MINUTES)

samples: $(STAMP)
	$(BIN)/python tools/make_clips.py samples

model: $(STAMP)
	$(BIN)/python tools/build_hand_model.py

# The spoken phrases (vision/sound/phrases.py) pre-rendered with Debian's espeak-ng into assets/sounds/ (committed).
sounds: $(STAMP)
	@command -v espeak-ng >/dev/null 2>&1 || { echo "installing Debian's espeak-ng"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null; }
	$(BIN)/python tools/make_sounds.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
