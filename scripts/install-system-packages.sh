#!/bin/sh
# Installs every Debian package the test suite needs (idempotent; root or sudo):
#   - chromium and the DejaVu fonts (scripts/install-browser.sh): the report's browser test and
#     deterministic PNG figures;
#   - jupyter-nbconvert, python3-ipykernel, jupyter-client (scripts/install-notebook-tools.sh):
#     the notebook test.
# The Python references that regenerate fixtures (numpy, scipy, torch) are separate and optional:
# scripts/install-python-references.sh (npm run setup:python).
set -eu
here="$(dirname "$0")"
sh "$here/install-browser.sh"
sh "$here/install-notebook-tools.sh"
