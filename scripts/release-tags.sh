#!/usr/bin/env bash
# Tags the release that package.json's version names and moves its major tag (docs/releasing.md):
#   v1.0.0 -> this commit (created when missing; refused when it already tags another commit),
#   v1     -> v1.0.0, so `uses: superparty/uptime-action@v1` runs this release.
# Refuses a version without a dated CHANGELOG section "## [1.0.0] - YYYY-MM-DD", and writes that section to
# $NOTES (default release-notes.md) for the GitHub release. With EXPECTED_TAG set (a workflow started by a
# tag), that tag must be the one package.json names. Pushes both tags to origin.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(node -p "require('./package.json').version")
tag="v$version"
major="${tag%%.*}"
notes="${NOTES:-release-notes.md}"

if [ -n "${EXPECTED_TAG:-}" ] && [ "$EXPECTED_TAG" != "$tag" ]; then
  echo "The tag $EXPECTED_TAG is not package.json's version ($tag): set \"version\" in package.json to ${EXPECTED_TAG#v}." >&2
  exit 1
fi
heading="## [$version] - "
if ! grep -Eq "^## \[${version//./\\.}\] - [0-9]{4}-[0-9]{2}-[0-9]{2}$" CHANGELOG.md; then
  echo "CHANGELOG.md has no dated section for $version: add '## [$version] - $(date -u +%F)' above its changes." >&2
  exit 1
fi
# The section's text: from its heading to the next "## [".
awk -v h="$heading" 'index($0, h) == 1 { on = 1; next } on && /^## \[/ { exit } on { print }' CHANGELOG.md >"$notes"

head=$(git rev-parse HEAD)
if existing=$(git rev-parse -q --verify "refs/tags/$tag^{commit}"); then
  if [ "$existing" != "$head" ]; then
    echo "$tag already tags $existing, not this commit ($head): raise the version in package.json and CHANGELOG.md." >&2
    exit 1
  fi
else
  git tag -a "$tag" -m "uptime-action $tag"
fi
git tag -f "$major" "$tag^{commit}" >/dev/null
git push origin "refs/tags/$tag"
git push -f origin "refs/tags/$major"
echo "Tagged $tag and moved $major to $(git rev-parse --short "$tag^{commit}")."
