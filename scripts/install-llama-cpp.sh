#!/usr/bin/env bash
# Installs node-llama-cpp (llama.cpp's prebuilt CPU binaries, from the npm registry) where the llama.cpp
# compatibility tests look for it: $WHITTLE_NODE_LLAMA_CPP, else ~/.cache/whittle/node-llama-cpp. Not part of whittle.
set -euo pipefail
dir="${WHITTLE_NODE_LLAMA_CPP:-$HOME/.cache/whittle/node-llama-cpp}"
if [ -f "$dir/node_modules/node-llama-cpp/package.json" ]; then exit 0; fi
command -v npm >/dev/null || { echo "install-llama-cpp: npm not found" >&2; exit 1; }
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{"name":"whittle-llama-cpp","private":true}' > package.json
npm install --no-audit --no-fund --silent node-llama-cpp@3.22.1
