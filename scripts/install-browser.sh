#!/bin/sh
# Installs Debian's chromium and the DejaVu fonts: the headless browser in which the report
# test (test/report/browser.test.ts) opens the generated HTML page through playwright-core
# (no browser download: playwright-core drives /usr/bin/chromium), and the fonts the PNG
# renderer (src/report/render.ts) loads explicitly so that figures are the same bytes
# everywhere. Idempotent: does nothing when both are present. Run as root (or with sudo).
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ -x /usr/bin/chromium ] && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  echo "chromium and DejaVu fonts already installed"
else
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
fi
/usr/bin/chromium --version
