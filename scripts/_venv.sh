# Shared by scripts/run and scripts/test: create .venv and install the project into it.
# Usage: source scripts/_venv.sh EXTRAS   (EXTRAS: "" or "dev" or "postgres")
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv"
  "$PYTHON" -m venv .venv
fi
extras="${1:-}"
target="."
[ -n "$extras" ] && target=".[$extras]"
stamp=".venv/.installed-${extras:-base}"
# Reinstall only when setup.cfg changed since the last install.
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ]; then
  echo "==> Installing Pressdesk${extras:+ with extras [$extras]}"
  .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install --quiet -e "$target"
  touch "$stamp"
fi
# Compile the translations (.po -> .mo); the .mo files are build output, not in git.
.venv/bin/pybabel compile -d crm/translations >/dev/null
export PATH="$ROOT/.venv/bin:$PATH"
