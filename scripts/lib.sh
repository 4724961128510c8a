# Shared by scripts/demo and scripts/test: install what a fresh Debian/Ubuntu
# machine lacks, and nothing it already has.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Each step's heading carries the time since the outermost script started, so a
# run's log shows where its minutes go.
export SWITCHBOARD_T0="${SWITCHBOARD_T0:-$(date +%s)}"
say() {
    local t=$(( $(date +%s) - SWITCHBOARD_T0 ))
    printf '\033[1m==> %s\033[0m [%d:%02d]\n' "$*" $((t / 60)) $((t % 60))
}
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs Debian packages that are not installed yet.
ensure_apt() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "install these packages with your system's package manager: ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "run as root or install sudo, to install: ${missing[*]}"
        sudo="sudo"
    fi
    say "installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The Rust toolchain cannot be installed from the package registries alone.
ensure_rust() {
    if ! command -v cargo >/dev/null; then
        [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
    fi
    command -v cargo >/dev/null || die "Rust is missing: install it with rustup (https://rustup.rs), then run this again"
}

# The build tools every part of the project needs.
ensure_build_deps() {
    ensure_rust
    if command -v dpkg-query >/dev/null; then
        ensure_apt build-essential pkg-config ca-certificates
    fi
}

# Node.js and npm, for the test fixtures (and later the UI).
ensure_node() {
    command -v npm >/dev/null && return 0
    command -v dpkg-query >/dev/null && ensure_apt nodejs npm
    command -v npm >/dev/null || die "Node.js and npm are missing: install them, then run this again"
}

# What building the Tauri app needs on Debian/Ubuntu (WebKitGTK, the tray's
# appindicator, librsvg for icons, xdo for the window's keyboard shortcuts).
ensure_tauri_deps() {
    ensure_build_deps
    if command -v dpkg-query >/dev/null; then
        ensure_apt libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev \
            librsvg2-dev file
    fi
}

# The UI's npm packages, then its production build (the app embeds ui/dist).
build_ui() {
    ensure_node
    say "UI: npm packages and build"
    npm ci --no-audit --no-fund --silent --prefix "$ROOT/ui"
    npm run --silent --prefix "$ROOT/ui" build
}

# tauri-driver (WebDriver for the app) from crates.io, the 2.x line.
ensure_tauri_driver() {
    if ! command -v tauri-driver >/dev/null; then
        [ -x "$HOME/.cargo/bin/tauri-driver" ] && export PATH="$HOME/.cargo/bin:$PATH"
    fi
    if ! command -v tauri-driver >/dev/null; then
        say "installing tauri-driver 2"
        cargo install tauri-driver --version '^2' --locked --quiet
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
}

# The Windows cross toolchain: Debian's Rust with the standard library's source
# (to build std for Windows), mingw-w64 (C compiler, linker, windres), and Wine to
# run the result.
WINDOWS_TARGET=x86_64-pc-windows-gnu
ensure_windows_toolchain() {
    ensure_build_deps
    ensure_apt rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64-posix g++-mingw-w64-x86-64-posix \
        binutils-mingw-w64-x86-64 mingw-w64-x86-64-dev wine wine64
    [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] || die "Debian's rustc-web did not install /usr/bin/rustc and /usr/bin/cargo"
}

# A fresh Wine prefix in $WINEPREFIX for running our executables. Wine 8.0 lacks
# bcryptprimitives.dll's ProcessPrng, which Rust's std imports on Windows 10 and
# later: a stand-in from scripts/wine/ goes into the prefix (real Windows has it).
wine_prefix() {
    wine wineboot --init >/dev/null 2>&1 || return 1
    x86_64-w64-mingw32-gcc-posix -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
        "$ROOT/scripts/wine/bcryptprimitives.c" "$ROOT/scripts/wine/bcryptprimitives.def" -ladvapi32
}

# The environment of a Windows build (called once per script).
windows_env() {
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}-windows"
    export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
    # -Zbuild-std is unstable: Debian's stable compiler allows it with this.
    export RUSTC_BOOTSTRAP=1
    # Code behind cfg(windows) gets no clippy pass here: at least no warnings
    # (dependencies' lints are capped by Cargo).
    export RUSTFLAGS="-D warnings"
    export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc-posix
    export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc-posix
    export CXX_x86_64_pc_windows_gnu=x86_64-w64-mingw32-g++-posix
    export AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
    export RC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-windres
}
