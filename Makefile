# Build, serve, test and publish the news-digest site.
# Variables follow Pelican's quickstart Makefile; every target that needs the
# project's tools first creates .venv (python3 -m venv) and installs into it.

PY ?= python3
VENV ?= .venv
VENV_BIN = $(VENV)/bin
VENV_PY = $(VENV_BIN)/python
STAMP = $(VENV)/.installed

PELICAN ?= $(VENV_BIN)/pelican
PELICANOPTS ?=

INPUTDIR ?= content
OUTPUTDIR ?= output
CONFFILE ?= pelicanconf.py
PUBLISHCONF ?= publishconf.py
PLUGINDIR ?= plugins

GITHUB_PAGES_BRANCH ?= gh-pages
GITHUB_PAGES_COMMIT_MESSAGE ?= Generate Pelican site

# Number of generated dumps for `make bench`.
N ?= 2000

# Real pages for `make eval` (ID.html, ID.txt, ID.truth.json); skipped when absent.
REALPAGES ?= ../shared/realpages/dev

DEBUG ?= 0
ifeq ($(DEBUG), 1)
	PELICANOPTS += -D
endif

RELATIVE ?= 0
ifeq ($(RELATIVE), 1)
	PELICANOPTS += --relative-urls
endif

# STRICT=1: any warning or error fails the build, after it has listed every one as
# file:line: reason (NEWS_DIGEST_STRICT, see plugins/news_digest/site/build_checks.py).
# --fatal errors also stops a build whose plugin failed to load; Pelican's own
# --fatal warnings would stop at the first bad dump, with a traceback and no list.
STRICT ?= 0
ifeq ($(STRICT), 1)
	PELICANOPTS += --fatal errors -e NEWS_DIGEST_STRICT=true
endif

SERVER ?= 127.0.0.1
PORT ?= 8000

# `make publish` and `make github` build absolute URLs from SITEURL: without it the site
# would point at publishconf.py's placeholder address, so they stop here with one line.
PUBLISH_GOALS = $(filter publish github,$(MAKECMDGOALS))
ifneq ($(PUBLISH_GOALS),)
ifeq ($(strip $(SITEURL)),)
$(error SITEURL is not set: make $(firstword $(PUBLISH_GOALS)) needs the site's address, \
e.g. SITEURL=https://USER.github.io/REPO make $(firstword $(PUBLISH_GOALS)))
endif
endif

# `make serve` and `make devserver` stop with one line when the port is taken, before
# building anything (tools/serve.py says it again if the port is taken in between).
SERVE_GOALS = $(filter serve devserver,$(MAKECMDGOALS))
ifneq ($(SERVE_GOALS),)
PORT_PROBLEM := $(shell $(PY) tools/serve.py --check --bind "$(SERVER)" --port "$(PORT)")
ifneq ($(PORT_PROBLEM),)
$(error $(PORT_PROBLEM))
endif
endif

.DEFAULT_GOAL := help

help:
	@echo 'Makefile for the news-digest site'
	@echo
	@echo 'Usage:'
	@echo '   make install          create $(VENV) and install the project with its test tools'
	@echo '   make install-system   install Debian packages the tests use (chromium, a JRE; as root only)'
	@echo '   make html             build the site into $(OUTPUTDIR)/ with $(CONFFILE)'
	@echo '   make serve [PORT=8000]  serve $(OUTPUTDIR)/ at http://localhost:8000'
	@echo '   make devserver [PORT=8000]  build, serve, and rebuild when a dump, the theme,'
	@echo '                         the settings or the plugin changes'
	@echo '   make publish SITEURL=https://...  build the site for publishing with $(PUBLISHCONF)'
	@echo '   make github SITEURL=https://...   publish, then push $(OUTPUTDIR)/ to the $(GITHUB_PAGES_BRANCH) branch'
	@echo '   make test             run the test suite'
	@echo '   make fuzz             run the property-based parser tests with many more examples,'
	@echo '                         builds over randomly damaged caches and the differential build test'
	@echo '   make lint             check the code with ruff'
	@echo '   make bench [N=2000]   time a build of N generated dumps, and the stories core'
	@echo '                         at 10,000 dumps (CPU seconds, medians of 3 runs)'
	@echo '   make bench-search [SEARCH_N=10000]   bytes of the first search in Chromium'
	@echo '   make translations     gather the theme'"'"'s words into its catalogues (theme/translations)'
	@echo '   make eval             score the reading of article text per kind of input'
	@echo '                         (own fixtures; real pages from $$(REALPAGES) when present)'
	@echo '   make clean            remove $(OUTPUTDIR)/ and caches'
	@echo
	@echo 'Set STRICT=1 to fail the build on any warning, DEBUG=1 for debug output,'
	@echo 'RELATIVE=1 for relative URLs.'

# The stamp is newer than pyproject.toml once the install has finished, so the
# install runs again when the dependencies change.
$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(VENV_PY) -m pip install --quiet --upgrade pip
	$(VENV_PY) -m pip install --quiet -e '.[test]'
	@touch $@

install: $(STAMP)

# From Debian: Chromium for the browser tests (Playwright drives /usr/bin/chromium;
# no browser is downloaded) and a Java runtime for the Nu HTML checker (vnu.jar).
# Needs root and apt-get; elsewhere it only says what is missing, and those tests
# are skipped (on CI, where CI is set, they fail instead).
install-system:
	@missing=''; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -z "$$missing" ]; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing$$missing with apt-get"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "note: missing$$missing; the browser tests (chromium) and the HTML" \
			"checker (java) will be skipped (install with: apt-get install$$missing)"; \
	fi

html: $(STAMP)
	"$(PELICAN)" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

# tools/serve.py, not `pelican -l`: a missing page gets 404.html (Pelican's server sends
# an empty reply), and a busy port stops it with one line.
serve:
	@exec $(PY) tools/serve.py "$(OUTPUTDIR)" --bind "$(SERVER)" --port "$(PORT)"

# tools/serve.py takes the port first, then runs the rebuild loop in a process group of its
# own and stops the whole group when it stops (`exec`: a SIGTERM that make passes on
# reaches it, not a shell that would die alone). Pelican's autoreload (-r) watches the
# content, the theme and the settings file; a change to the plugin's code needs a new
# process, so watchfiles (installed with Pelican) restarts Pelican when a file in
# $(PLUGINDIR)/ changes.
devserver: $(STAMP)
	@exec $(PY) tools/serve.py "$(OUTPUTDIR)" --bind "$(SERVER)" --port "$(PORT)" -- \
		"$(VENV_BIN)/watchfiles" --filter python \
		'"$(PELICAN)" -r "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)' \
		"$(PLUGINDIR)"

# Safe publishing (tools/publish.py): build into $(OUTPUTDIR).new beside the output folder
# and swap it in only when the build succeeded, so a failed build leaves the previous site
# as it was; the whole publish holds a lock, so a second one waits for the first.
PUBLISHED = $(patsubst %/,%,$(OUTPUTDIR))
publish: $(STAMP)
	@SITEURL="$(SITEURL)" $(VENV_PY) tools/publish.py "$(PUBLISHED)" -- \
		"$(PELICAN)" "$(INPUTDIR)" -s "$(PUBLISHCONF)" $(PELICANOPTS)

github: publish
	touch "$(OUTPUTDIR)/.nojekyll"
	"$(VENV_BIN)/ghp-import" -n -p -f -m "$(GITHUB_PAGES_COMMIT_MESSAGE)" \
		-b $(GITHUB_PAGES_BRANCH) "$(OUTPUTDIR)"

test: $(STAMP) install-system
	$(VENV_PY) -m pytest

# The hypothesis tests of the parser with the "fuzz" profile (tests/test_fuzz_parser.py):
# 10,000 examples per property instead of 300, about ten minutes on 2 cores. Then random
# damage to the build's caches, FAULT_ROUNDS builds (tests/test_faults.py; 4 in make test),
# about three seconds each, and the differential test (tests/test_differential.py) with
# longer sequences of edits, failed and killed builds, over several seeds: about ten
# minutes more.
FAULT_ROUNDS ?= 200
FUZZ_STEPS ?= 60
FUZZ_SEEDS ?= 1,2,3,4,5,6,7,8
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(VENV_PY) -m pytest -q tests/test_fuzz_parser.py
	FAULT_ROUNDS=$(FAULT_ROUNDS) $(VENV_PY) -m pytest -q tests/test_faults.py -k random_damage
	DIFFERENTIAL_STEPS=$(FUZZ_STEPS) DIFFERENTIAL_SEEDS=$(FUZZ_SEEDS) \
		$(VENV_PY) -m pytest -q tests/test_differential.py

# The theme's words: gather them from the templates into theme/translations/messages.pot
# and bring every language's catalogue up to date (then translate the new entries).
LANGUAGES ?= de es fr zh
translations: $(STAMP)
	@mkdir -p theme/translations
	$(VENV_BIN)/pybabel extract -F babel.cfg --no-location --sort-output \
		--omit-header -o theme/translations/messages.pot .
	@for lang in $(LANGUAGES); do \
		if [ -f theme/translations/$$lang/LC_MESSAGES/messages.po ]; then \
			$(VENV_BIN)/pybabel update --no-fuzzy-matching -l $$lang \
				-i theme/translations/messages.pot -d theme/translations; \
		else \
			$(VENV_BIN)/pybabel init -l $$lang -i theme/translations/messages.pot \
				-d theme/translations; \
		fi; \
		$(VENV_PY) tools/tidy_po.py theme/translations/$$lang/LC_MESSAGES/messages.po; \
	done

lint: $(STAMP)
	"$(VENV_BIN)/ruff" check .

bench: $(STAMP)
	$(VENV_PY) bench/run.py --dumps $(N)
	$(VENV_PY) bench/stories_bench.py --dumps 10000 --runs 3
	$(VENV_PY) bench/stories_pages.py --dumps $(N) --work bench/out/stories-pages

# What the search page downloads for its first query on a site of SEARCH_N generated dumps,
# measured in Chromium (bench/search_budget.py; docs/search.md).
SEARCH_N ?= 10000
bench-search: $(STAMP)
	$(VENV_PY) bench/search_budget.py --dumps $(SEARCH_N)

# F1, precision and recall of the lead's title and paragraphs against the expected text,
# per kind of input, and the mean time per saved HTML page (bench/eval.py).
eval: $(STAMP)
	$(VENV_PY) bench/eval.py --realpages "$(REALPAGES)" --trafilatura

clean:
	rm -rf "$(OUTPUTDIR)" cache .pytest_cache .ruff_cache

.PHONY: help install install-system html serve devserver publish github test fuzz lint bench eval clean translations bench-search
