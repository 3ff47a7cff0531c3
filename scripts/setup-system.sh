#!/usr/bin/env bash
# Installs the Debian packages the tests and local runs need, only when they are missing:
#   chromium        headless browser for the H5 end-to-end tests (driven by playwright-core)
#   fonts-noto-cjk  Chinese glyphs for screenshots and printed notices
#   ffmpeg          turns recorded face clips into the fake camera feed
#   postgresql      the second database the backend tests run on
#   espeak-ng       offline Mandarin voice for `npm run audio:prompts` (the spoken prompts; tests need not run it)
#   poppler-utils   pdftoppm / pdftotext: the notices PDF test renders a page and reads its text back
# Idempotent and quiet when everything is present. Never downloads browsers from anywhere else.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || [ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
{ command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; } || missing+=(poppler-utils)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup-system: installing ${missing[*]} from Debian packages…" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup-system: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-system: done" >&2
