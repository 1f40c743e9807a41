#!/bin/sh
# Vendors the dashboard's charting library (uPlot, from the npm registry through the machine's npm)
# into the jar at build time, so that the page fetches nothing from anywhere at run time.
#   vendor.sh OUTPUT_DIR WORK_DIR
set -eu
version=1.6.32
out="$1"
work="$2"
if [ -f "$out/uPlot.iife.min.js" ] && [ -f "$out/uPlot.min.css" ]; then exit 0; fi
if ! command -v npm >/dev/null; then
  echo "vserve: the dashboard vendors uPlot $version with npm at build time; install Node.js and npm (Debian: apt-get install npm)" >&2
  exit 1
fi
mkdir -p "$out" "$work"
cd "$work"
[ -f "uplot-$version.tgz" ] || npm pack "uplot@$version" --silent >/dev/null
tar xzf "uplot-$version.tgz" package/dist/uPlot.iife.min.js package/dist/uPlot.min.css package/LICENSE
cp package/dist/uPlot.iife.min.js package/dist/uPlot.min.css "$out/"
cp package/LICENSE "$out/uPlot.LICENSE"
