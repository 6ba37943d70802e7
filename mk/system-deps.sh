#!/usr/bin/env bash
# Install the system packages a make target needs, when they are missing.
#
#   mk/system-deps.sh run    Java (DynamoDB Local), Node and npm (its npm package)
#   mk/system-deps.sh test   the same, plus Debian's Chromium and fonts for the browser suite,
#                            and poppler-utils (pdftoppm) for the PDF export's tests
#
# As root it installs with apt-get; otherwise it names the missing packages in one line
# and fails, so nothing half-starts.
set -euo pipefail
profile="${1:-test}"

missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "$profile" = test ]; then
  # The browser suite drives Debian's Chromium (Playwright never downloads its own).
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -d /usr/share/fonts/truetype/liberation ] || missing+=(fonts-liberation)
  # The PDF export's tests render page one to PNG to see that it is not blank.
  command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "missing system packages: ${missing[*]} (install them, e.g. sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
