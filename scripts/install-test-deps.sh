#!/usr/bin/env bash
# Installs what the tests need outside npm: Debian's chromium (browser tests drive it through
# playwright-core; Playwright's own browser download cannot work offline). Does nothing when present.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-liberation fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
