#!/usr/bin/env bash
# Print the first Python >= 3.12 on this machine, or fail with a clear message.
set -u
candidates=(python3.13 python3.12 python3)
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for v in $(ls -r "$root/versions" 2>/dev/null); do candidates+=("$root/versions/$v/bin/python3"); done
fi
for c in "${candidates[@]}"; do
  if "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
    command -v "$c" 2>/dev/null || echo "$c"
    exit 0
  fi
done
echo "error: Python 3.12 or newer is required (Django 6.1 needs it); none of: ${candidates[*]}" >&2
exit 1
