#!/usr/bin/env bash
# Lints the API contracts: docs/api/openapi.yaml with Redocly's CLI (`redocly lint`, the rules in
# tools/apilint/redocly.yaml) and docs/api/asyncapi.yaml with the AsyncAPI parser
# (tools/apilint/lint_asyncapi.mjs). Exits non-zero if either has any problem.
# Usage: scripts/lint_api.sh [OPENAPI.yaml [ASYNCAPI.yaml]]   (defaults: the files in docs/api)
#
# Idempotent. Node.js and npm come from Debian (apt-get, only if missing, as scripts/setup.sh
# does); the validators from the npm registry, at the exact versions of
# tools/apilint/package-lock.json, installed with `npm ci` only when node_modules is missing or
# the lock file (or Node's version) changed since the last install, which a stamp file records.
# ctest runs this as the test api_spec_lint.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tool="$root/tools/apilint"
openapi="$(realpath "${1:-$root/docs/api/openapi.yaml}")"
asyncapi="$(realpath "${2:-$root/docs/api/asyncapi.yaml}")"

# Node.js and npm, from Debian's packages when missing (Debian 12 ships Node 18).
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -ne 0 ]; then
  echo "lint_api: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
node_version="$(node --version)"
node_major="${node_version#v}"
node_major="${node_major%%.*}"
if [ "$node_major" -lt 18 ]; then
  echo "lint_api: Node.js $node_version is too old; the validators need 18.17 or newer" >&2
  exit 1
fi

# No telemetry, no update checks: the lint must not talk to anything but the npm registry.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true SCARF_ANALYTICS=false
export NO_UPDATE_NOTIFIER=1 npm_config_update_notifier=false

cd "$tool"
# One install at a time, should two runs overlap (two ctest trees, say).
exec 9>"$tool/.lint_api.lock"
flock 9

# The validators, installed again only when the lock file or Node's version changed.
stamp="$tool/.npm-ci.stamp"
want="$(sha256sum package-lock.json | cut -d' ' -f1) node-$node_version"
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "lint_api: npm ci in tools/apilint" >&2
  rm -f "$stamp"
  # --ignore-scripts: no package here needs an install script, and it keeps telemetry
  # postinstalls (@scarf/scarf, pulled in by redoc) from running.
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  echo "$want" >"$stamp"
fi

status=0
echo "== redocly lint $openapi"
./node_modules/.bin/redocly lint --config "$tool/redocly.yaml" --format stylish "$openapi" || status=1
echo "== asyncapi parser $asyncapi"
node "$tool/lint_asyncapi.mjs" "$asyncapi" || status=1

if [ "$status" -eq 0 ]; then
  echo "lint_api: both API contracts are valid"
else
  echo "lint_api: FAILED (see above)" >&2
fi
exit "$status"
