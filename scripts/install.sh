#!/usr/bin/env bash
# Install nianbao and everything it uses on a fresh Debian machine (as root), into ./.venv.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libreoffice-writer-nogui libreoffice-calc-nogui chromium fonts-noto-cjk w3m
              fonts-arphic-gbsn00lp poppler-utils postgresql)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "安装系统软件包：${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "缺少系统软件包（需要 root 安装）：${missing[*]}" >&2
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
EXTRAS=${NIANBAO_EXTRAS:-test,web,postgres,ray,ocr,acquire,research}
.venv/bin/python -m pip install -q -e ".[${EXTRAS}]"
echo "nianbao 已安装：$(.venv/bin/nianbao --help >/dev/null && echo .venv/bin/nianbao)"
