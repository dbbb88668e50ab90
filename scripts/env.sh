# Sourced by scripts/serve and scripts/test: installs what is missing, skips what is
# there, and sets up the environment. Safe to source repeatedly.
#
# What it ensures (facts from shared TOOLCHAIN.md):
#   - rustup target wasm32-unknown-unknown
#   - trunk 0.21.14 (0.22 needs a newer rustc), installed once with --locked
#   - wasm-bindgen-cli at exactly the version in Cargo.lock (without --locked)
#   - wasm-split-cli (wasm_split_cli_support), which splits the page's wasm
#   - Debian chromium + chromium-driver (browser tests)
#   - Debian libqmi-utils (qmi-firmware-update, the CWE oracle of the native tests)
#   - npm packages: playwright-core (no browser download) and binaryen 132 (wasm-opt)
# The cargo target directory lives outside the clone so a fresh clone reuses builds.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME}/.cache/modemflash/target}"
export PATH="${ROOT}/node_modules/.bin:${HOME}/.cargo/bin:${PATH}"
# trunk would otherwise ask crates.io for its latest version on every run.
export TRUNK_SKIP_VERSION_CHECK=true
# Unstable web-sys APIs (Serial, Usb) for every wasm build, also when RUSTFLAGS is set
# (RUSTFLAGS replaces .cargo/config.toml's rustflags entirely).
# --emit-relocs: scripts/build-wasm splits the page's module, which needs its relocations.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg=web_sys_unstable_apis -C link-args=--emit-relocs"
export CHROMEDRIVER=/usr/bin/chromedriver

TRUNK_VERSION=0.21.14

step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_trunk() {
  if ! trunk --version 2>/dev/null | grep -q " ${TRUNK_VERSION}"; then
    step "installing trunk ${TRUNK_VERSION} (once, several minutes)"
    cargo install trunk --version "${TRUNK_VERSION}" --locked
  fi
}

lock_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' "${ROOT}/Cargo.lock"
}

ensure_wasm_bindgen() {
  local want
  want="$(lock_version wasm-bindgen)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " ${want}$"; then
    step "installing wasm-bindgen-cli ${want} (matches Cargo.lock)"
    # Without --locked: its own lock file pins a crate version the registry mirror lacks.
    cargo install wasm-bindgen-cli --version "${want}" --force
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    step "installing Debian chromium and chromium-driver"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver
  fi
}

# The CWE oracle test (crates/core/tests/cwe_oracle.rs) compares our verdicts with
# Debian's qmi-firmware-update --verify (sierra-cwe-qdl.md §5).
ensure_libqmi() {
  if ! command -v qmi-firmware-update >/dev/null 2>&1; then
    step "installing Debian libqmi-utils (qmi-firmware-update, the CWE test oracle)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libqmi-utils
  fi
}

ensure_npm() {
  local stamp="${ROOT}/node_modules/.modemflash-installed"
  if [ ! -f "${stamp}" ] || [ "${ROOT}/package-lock.json" -nt "${stamp}" ]; then
    step "installing npm packages (playwright-core, binaryen 132)"
    (cd "${ROOT}" && npm ci --no-audit --no-fund --loglevel=error)
    touch "${stamp}"
  fi
}

# Splits the page's wasm into lazily loaded parts (scripts/build-wasm); its version
# matches the wasm_split_helpers runtime that leptos links and src/chunks.rs uses
# (Cargo.lock).
WASM_SPLIT_VERSION=0.2.4
ensure_wasm_split() {
  # The tool has no --version: cargo's list of installed packages knows it.
  if ! cargo install --list | grep -qx "wasm_split_cli_support v${WASM_SPLIT_VERSION}:"; then
    step "installing wasm-split-cli ${WASM_SPLIT_VERSION} (once, about a minute)"
    cargo install wasm_split_cli_support --version "${WASM_SPLIT_VERSION}" --features build-binary --locked
  fi
}

ensure_web_toolchain() {
  ensure_wasm_target
  ensure_trunk
  ensure_wasm_bindgen
  ensure_wasm_split
  ensure_npm
}

cd "${ROOT}"

# Fuzzing (scripts/fuzz, scripts/test): cargo-fuzz on the nightly toolchain. Builds go
# to their own directory under the target cache, so CI reuses them.
FUZZ_DIR="${ROOT}/fuzz"
FUZZ_TARGET_DIR="${CARGO_TARGET_DIR}/fuzz"
# No length field may make a parser allocate what it claims.
FUZZ_LIMITS=(-rss_limit_mb=512 -malloc_limit_mb=256)

ensure_fuzz() {
  if ! rustup toolchain list | grep -q '^nightly'; then
    step "installing the nightly toolchain (cargo-fuzz needs it)"
    rustup toolchain install nightly --profile minimal
  fi
  if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    step "installing cargo-fuzz (once)"
    cargo install cargo-fuzz --locked
  fi
}

# Seeds the image target's corpus with small synthetic updates (never vendor files).
seed_fuzz_corpus() {
  local dir="${FUZZ_DIR}/corpus"
  [ -n "$(ls -A "${dir}/firmware_selection" 2>/dev/null)" ] && return
  mkdir -p "${dir}/balong_image" "${dir}/firmware_selection" "${dir}/manifest"
  cargo build -p modemflash-cli --quiet
  local profile
  for profile in e3372h e3372h-signed; do
    "${CARGO_TARGET_DIR}/debug/modemflash" sim --profile "${profile}" --size 2000 \
      --write-update "${dir}/balong_image/${profile}.bin" >/dev/null
  done
  # One file of each family as the page takes it: Balong, Sierra .spk, a zipped package.
  cp "${dir}/balong_image/e3372h.bin" "${dir}/firmware_selection/"
  "${CARGO_TARGET_DIR}/debug/modemflash" sim --profile mc7455 --write-update "${dir}/firmware_selection/mc7455.spk" >/dev/null
  "${CARGO_TARGET_DIR}/debug/modemflash" sim --profile zte-mf626 --size 2000 \
    --write-update "${dir}/firmware_selection/mf626.zip" >/dev/null
  cp "${ROOT}/docs/manifest.example.json" "${dir}/manifest/"
}

# Runs every fuzz target for $1 seconds; stops at the first crash (its input is left in
# fuzz/artifacts/<target>/).
fuzz_all() {
  local seconds="$1" target
  seed_fuzz_corpus
  for target in $(cargo +nightly fuzz list --fuzz-dir "${FUZZ_DIR}"); do
    step "fuzzing ${target} for ${seconds}s"
    mkdir -p "${FUZZ_DIR}/corpus/${target}"
    CARGO_TARGET_DIR="${FUZZ_TARGET_DIR}" cargo +nightly fuzz run --fuzz-dir "${FUZZ_DIR}" "${target}" \
      -- -max_total_time="${seconds}" "${FUZZ_LIMITS[@]}" -print_final_stats=1
  done
}
