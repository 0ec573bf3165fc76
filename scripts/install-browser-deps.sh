#!/usr/bin/env bash
# What the browser test (tests/browser/) needs: Debian's chromium, Node.js >= 20 and the npm
# packages pinned in package-lock.json (playwright-core, hls.js). Idempotent: a second run
# installs nothing. Run as root (apt-get); called from scripts/install-deps.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if ((node_major < 20)); then
  echo "install-browser-deps: Node.js $(node --version) is too old; playwright-core needs >= 20" >&2
  exit 1
fi

# npm ci wipes and reinstalls node_modules, so skip it while the installed tree matches the
# exact versions pinned in package.json.
cd "$root"
if ! npm ls --depth=0 >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
echo "install-browser-deps: $(chromium --version 2>/dev/null | head -1), node $(node --version), node_modules ready"
