#!/bin/sh
# Starts Deno's built-in Jupyter kernel for lrdkit's notebooks: kernel.json runs
# `/bin/sh {resource_dir}/launch.sh {connection_file}`. The deno binary is the one npm installed
# for this checkout (the npm package `deno`, a devDependency): node_modules/deno/deno when its
# install script ran, else the platform package it resolves (@deno/<os>-<arch>). Deno's cache
# goes under node_modules/.cache/deno unless DENO_DIR is set. The working directory stays the
# notebook's folder, where notebooks/deno.json maps "lrdkit" to the built package.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
if [ -x "$root/node_modules/deno/deno" ]; then
  deno="$root/node_modules/deno/deno"
else
  deno=$(cd "$root" && node -e 'process.stdout.write(require("deno/install_api.cjs").runInstall())') || {
    echo "lrdkit-deno kernel: the npm package deno is not installed under $root/node_modules (run npm install)" >&2
    exit 1
  }
fi
export DENO_DIR="${DENO_DIR:-$root/node_modules/.cache/deno}"
# No update check or permission prompt (the kernel runs with all permissions); no ANSI colours
# in the text outputs that are committed.
export DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1 NO_COLOR=1
exec "$deno" jupyter --kernel --conn "$1"
