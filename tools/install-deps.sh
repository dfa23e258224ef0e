#!/usr/bin/env bash
# Installs the Debian packages Sluice builds and tests with, only those missing.
# Runs apt-get update first (package lists on a fresh machine may be empty or old).
set -euo pipefail
PKGS=(
  build-essential cmake make pkg-config
  librdkafka-dev librocksdb-dev libprotobuf-dev protobuf-compiler
  prometheus-cpp-dev libyaml-cpp-dev libgtest-dev libgmock-dev libbenchmark-dev
  libsimdjson-dev nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev
  kcat
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
