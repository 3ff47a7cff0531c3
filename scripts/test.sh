#!/usr/bin/env bash
# The whole test suite: system packages, type check, both client builds, then jest
# (unit, backend on SQLite and PostgreSQL, cloud functions through the gateway, pages, weapp
# checks and the browser test against the processes `npm start` runs).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh
echo "== typecheck" && npx tsc --noEmit -p tsconfig.json
echo "== build:weapp" && npm run --silent build:weapp > build-weapp.log 2>&1 || { tail -50 build-weapp.log; exit 1; }
echo "== build:h5" && npm run --silent build:h5 > build-h5.log 2>&1 || { tail -50 build-h5.log; exit 1; }
echo "== build:console" && npm run --silent build:console
echo "== jest"
npx jest --ci "$@"
