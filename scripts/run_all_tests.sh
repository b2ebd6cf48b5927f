#!/usr/bin/env bash
# The whole test suite, as `make test` runs it (after scripts/test_prerequisites.sh). Each part that cannot run here
# is reported loudly at the end; with PERF_MGMT_REQUIRE_ALL=1 (CI) a skipped part is a failure.
#   scripts/run_all_tests.sh               everything
#   scripts/run_all_tests.sh lms-shaped    only the pages, static files and API under LMS-shaped settings
#   scripts/run_all_tests.sh master-pins   only the SQLite suite on Python 3.12 with openedx-platform master's pins
set -u
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
OUT=var/test-results
ONLY=${1:-all}
rm -rf "$OUT"; mkdir -p "$OUT"
failed=()
skipped=()
# The main runs leave out the parts with their own step: the browser, the worker and the Tutor plugin.
MAIN="not browser and not celery_worker and not tutor"
# The suites run on every core (pytest-xdist; PERF_MGMT_TEST_WORKERS=0 runs them in one process). --dist load hands
# tests out in collection order, where transactional tests come last (their flush empties the tables), so no worker
# runs a test after one (docs/decisions/0020). Each worker has its own test database: SQLite in memory, MariaDB's
# named test_<name>_gw<N>.
XDIST=(-n "${PERF_MGMT_TEST_WORKERS:-auto}" --dist load)
# The page tests that run again under LMS-shaped settings (lms_host/lms_shaped_settings.py), with tests/lms_shaped.
LMS_SHAPED_TESTS=(
  tests/lms_shaped tests/test_api_schema.py tests/appraisals/test_pages.py tests/appraisals/test_template_pages.py
  tests/appraisals/test_pages_coaching_reopen.py tests/strategy/test_pages_forms.py
  tests/competencies/test_entry_points.py tests/development/test_workflow_and_access.py tests/org/test_query_counts.py
)

step() {  # step NAME COMMAND...   (its wall time goes to $OUT/step-times.txt, printed at the end)
  local name=$1; shift
  local started=$SECONDS
  echo
  echo "==== $name ===="
  if "$@"; then echo "==== $name: ok"; else echo "==== $name: FAILED"; failed+=("$name"); fi
  printf '%5ds  %s\n' $((SECONDS - started)) "$name" >> "$OUT/step-times.txt"
}

reachable() {  # reachable HOST PORT
  "$BIN/python" - "$1" "$2" <<'PY'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2).close()
except OSError:
    sys.exit(1)
PY
}

export DJANGO_SETTINGS_MODULE=lms_host.test_settings

lms_shaped() {
  local static_root=var/lms_shaped_static
  rm -rf "$static_root"
  step "collectstatic under LMS-shaped settings (manifest storage)" env PERF_MGMT_STATIC_ROOT="$static_root" \
    DJANGO_SETTINGS_MODULE=lms_host.lms_shaped_settings "$BIN/python" manage.py collectstatic --noinput -v 0
  step "pages, static files and API under LMS-shaped settings" env PERF_MGMT_STATIC_ROOT="$static_root" \
    "$BIN/pytest" "${XDIST[@]}" --ds=lms_host.lms_shaped_settings -m "$MAIN" --junitxml="$OUT/lms_shaped.xml" \
    "${LMS_SHAPED_TESTS[@]}"
}

master_pins() {
  local started=$SECONDS
  bash scripts/master_pins_env.sh
  local status=$?
  printf '%5ds  %s\n' $((SECONDS - started)) "installing or checking .venv-master" >> "$OUT/step-times.txt"
  case $status in
    0) step "SQLite suite on Python 3.12 with openedx-platform master's pins" .venv-master/bin/pytest "${XDIST[@]}" \
         -m "$MAIN" --junitxml="$OUT/master_pins.xml" ;;
    3) skipped+=("openedx master pins: no Python 3.12 here (set PYTHON312=/path/to/python3.12)") ;;
    *) failed+=("installing openedx-platform master's pins (.venv-master)") ;;
  esac
}

finish() {
  "$BIN/python" scripts/summarize_junit.py "$OUT"/*.xml > "$OUT/summary.txt" || failed+=("test result summary")
  echo
  echo "================================================================"
  if [ ${#skipped[@]} -gt 0 ]; then
    echo "!!! SKIPPED PARTS OF THE SUITE !!!"
    for s in "${skipped[@]}"; do echo "!!!   $s"; done
    if [ "${PERF_MGMT_REQUIRE_ALL:-0}" = "1" ]; then failed+=("required parts were skipped"); fi
  fi
  if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED: ${failed[*]}"
  fi
  echo "Time per step (wall, seconds):"
  cat "$OUT/step-times.txt" 2>/dev/null
  printf '%5ds  %s\n' "$SECONDS" "in all"
  cat "$OUT/summary.txt"
  [ ${#failed[@]} -eq 0 ]
}

case "$ONLY" in
  lms-shaped) lms_shaped; finish; exit ;;
  master-pins) master_pins; finish; exit ;;
esac

step "ruff" "$BIN/ruff" check perf_mgmt_plugin xblocks lms_host tests benchmarks
step "ruff format" "$BIN/ruff" format --check perf_mgmt_plugin xblocks lms_host tests benchmarks
step "import-linter" "$BIN/lint-imports"
step "migrations are up to date" "$BIN/python" manage.py makemigrations --check --dry-run
step "PII annotations (OEP-30)" "$BIN/code_annotations" django_find_annotations \
  --config_file .pii_annotations.yml --lint --report --coverage --report_path var/pii_report

step "tests on SQLite" "$BIN/pytest" "${XDIST[@]}" -m "$MAIN" --junitxml="$OUT/sqlite.xml"

if reachable 127.0.0.1 3306; then
  step "migrations and tests on MariaDB/MySQL" env PERF_MGMT_DB=mysql "$BIN/pytest" \
    "${XDIST[@]}" -m "$MAIN" --junitxml="$OUT/mysql.xml"
else
  skipped+=("MariaDB/MySQL suite: nothing listens on 127.0.0.1:3306")
fi

if reachable 127.0.0.1 6379; then
  step "Celery task on a real worker (Redis)" "$BIN/pytest" -m celery_worker --junitxml="$OUT/celery.xml"
else
  skipped+=("Celery worker test: Redis is not reachable on 127.0.0.1:6379")
fi

if [ -x /usr/bin/chromium ]; then
  step "browser tests (headless Chromium)" "$BIN/pytest" -m browser --junitxml="$OUT/browser.xml"
else
  skipped+=("browser tests: /usr/bin/chromium is not installed (apt-get install chromium)")
fi

lms_shaped

# The Tutor plugin (its test skips loudly when Tutor cannot be installed; under PERF_MGMT_REQUIRE_ALL=1 it fails).
step "Tutor plugin (Tutor from PyPI, tutor config save)" "$BIN/pytest" -m tutor tests/tutor -rs \
  --junitxml="$OUT/tutor.xml"

master_pins

finish
