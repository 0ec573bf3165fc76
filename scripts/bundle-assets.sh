#!/usr/bin/env bash
# Copies hls.js from the npm registry (pinned in package.json / package-lock.json) into
# assets/vendor/, so the view page never needs a CDN. The result is committed: a build or a
# run needs no npm; rerun this only after changing the hls.js version.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

npm ci --no-audit --no-fund --loglevel=error >/dev/null

src="node_modules/hls.js"
dest="assets/vendor"
mkdir -p "$dest"
install -m 0644 "$src/dist/hls.min.js" "$dest/hls.min.js"
install -m 0644 "$src/LICENSE" "$dest/hls.js.LICENSE"
version="$(node -p "require('./$src/package.json').version")"
echo "bundled hls.js $version into $dest/"
