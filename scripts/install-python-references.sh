#!/bin/sh
# Installs Debian's python3 with numpy, scipy and torch: the independent references that
# generate lrdkit's test fixtures (test/fixtures/*.py) and the benchmark baselines (bench/).
# Tests do not need this: the fixtures they read are committed. Run as root (or with sudo).
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q python3-numpy python3-scipy python3-torch
OPENBLAS_NUM_THREADS=1 /usr/bin/python3 -c "import numpy, scipy, torch; print('numpy', numpy.__version__, 'scipy', scipy.__version__, 'torch', torch.__version__)"
