#!/usr/bin/env bash
# Fails when the committed dist/ differs from a fresh build (the check-dist practice of actions/typescript-action):
# GitHub runs the committed bundle, so it must be exactly what the sources build.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs
if ! git diff --quiet --exit-code -- dist/ || [ -n "$(git ls-files --others --exclude-standard -- dist/)" ]; then
  echo "dist/ is out of date: run 'npm run bundle' and commit dist/." >&2
  git --no-pager diff --stat -- dist/ >&2
  git ls-files --others --exclude-standard -- dist/ >&2
  exit 1
fi
echo "dist/ matches a fresh build."
