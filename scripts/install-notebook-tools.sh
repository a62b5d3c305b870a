#!/bin/sh
# Installs what executes the notebooks under notebooks/ headlessly: Debian's jupyter-nbconvert
# (with nbclient), python3-ipykernel and jupyter-client. The kernel itself is Deno's built-in
# Jupyter kernel from the npm package `deno` (a devDependency: `npm ci` installs it), wired up
# by the project's kernel spec notebooks/jupyter/kernels/lrdkit-deno (nothing is installed in
# the home directory). Used by `npm run notebooks` and test/notebooks/notebooks.test.ts, which
# run /usr/bin/jupyter-nbconvert (Debian's python3, not whatever python3 is first on PATH).
# Idempotent: does nothing when the packages are present. Run as root (or with sudo).
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ -x /usr/bin/jupyter-nbconvert ] && /usr/bin/python3 -c 'import ipykernel, jupyter_client, nbclient, nbformat' 2>/dev/null; then
  echo "jupyter-nbconvert, python3-ipykernel and jupyter-client already installed"
else
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends jupyter-nbconvert python3-ipykernel jupyter-client
fi
/usr/bin/jupyter-nbconvert --version
