# Shared helper: make sure .venv exists with Python 3.13 and the test requirements.
ensure_venv() {
  local stamp=.venv/.requirements-stamp
  local want
  want=$(cat requirements/test.txt | sha256sum | cut -d' ' -f1)
  if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  local py=""
  for cand in python3.13 "$(command -v pyenv >/dev/null 2>&1 && echo "$(pyenv root)/versions/3.13.0/bin/python3.13")"; do
    if [ -n "$cand" ] && "$cand" -c 'import sys; assert sys.version_info[:2] == (3, 13)' >/dev/null 2>&1; then
      py=$cand; break
    fi
  done
  if [ -z "$py" ]; then echo "Python 3.13 is required (python3.13 not found)" >&2; exit 1; fi
  if ! command -v uv >/dev/null 2>&1; then
    "$py" -m pip install --quiet --disable-pip-version-check uv >/dev/null 2>&1 || true
  fi
  if command -v uv >/dev/null 2>&1; then
    [ -x .venv/bin/python ] || uv venv --quiet --python "$py" .venv
    uv pip install --quiet --python .venv/bin/python -r requirements/test.txt
  else
    [ -x .venv/bin/python ] || "$py" -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r requirements/test.txt
  fi
  echo "$want" > "$stamp"
}

# The live demo's extras (Home Assistant's frontend), resolved together with the test
# requirements so both stay consistent. Call after ensure_venv.
ensure_demo_requirements() {
  local stamp=.venv/.demo-requirements-stamp
  local want
  want=$(cat requirements/test.txt requirements/demo.txt | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  echo "Installing the demo's extra packages (Home Assistant frontend)..." >&2
  local uv_bin
  uv_bin=$(command -v uv || true)
  if [ -z "$uv_bin" ] && [ -x .venv/bin/uv ]; then uv_bin=.venv/bin/uv; fi
  if [ -n "$uv_bin" ]; then
    "$uv_bin" pip install --quiet --python .venv/bin/python \
      -r requirements/test.txt -r requirements/demo.txt
  else
    .venv/bin/pip install --quiet --disable-pip-version-check \
      -r requirements/test.txt -r requirements/demo.txt
  fi
  echo "$want" > "$stamp"
}
