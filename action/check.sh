#!/usr/bin/env bash
# The action's check step: `privdoc check --format sarif` into $PRIVDOC_SARIF, which is
# named in $GITHUB_OUTPUT (as `sarif`) whenever privdoc wrote it, so the upload step runs
# even when the check fails. The exit status is privdoc's: 1 for findings, 2 when it
# could not run.
set -uo pipefail
project=${PRIVDOC_PROJECT:-.}
sarif=${PRIVDOC_SARIF:-privdoc.sarif}
privdoc check "$project" --format sarif --no-cache > "$sarif"
status=$?
if [[ -s "$sarif" ]]; then
  echo "sarif=$sarif" >> "${GITHUB_OUTPUT:-/dev/null}"
fi
exit "$status"
