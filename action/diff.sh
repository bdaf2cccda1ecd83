#!/usr/bin/env bash
# The action's pull-request step: what changed since $PRIVDOC_BASE (a git revision the
# checkout has, e.g. origin/main), as Markdown in the job summary ($GITHUB_STEP_SUMMARY).
# With PRIVDOC_FAIL_ON_MATERIAL=true a material change fails the step (exit 1).
set -uo pipefail
project=${PRIVDOC_PROJECT:-.}
base=${PRIVDOC_BASE:?the base revision, e.g. origin/main}
fail=()
if [[ "${PRIVDOC_FAIL_ON_MATERIAL:-true}" == true ]]; then
  fail=(--fail-on material)
fi
summary=$(mktemp)
privdoc diff --base "$base" "$project" --format markdown "${fail[@]}" > "$summary"
status=$?
cat "$summary" >> "${GITHUB_STEP_SUMMARY:-/dev/stdout}"
rm -f "$summary"
exit "$status"
