#!/usr/bin/env bash
# Builds and runs the SDK scenario programs against a server's gRPC port: the Go client
# (compat-tests/sdk/go, github.com/qdrant/go-client), the Rust client (compat-tests/sdk/rust,
# the qdrant-client crate) and the Java client (compat-tests/sdk/java, io.qdrant:client). Each
# creates a collection, upserts, indexes a payload field, queries with a filter, scrolls,
# counts, snapshots and deletes, and exits non-zero on any mismatch.
#
# Server: with QDRANT_URL set, the programs talk to that server's host on QDRANT_GRPC_PORT (6334
# if unset), sending QDRANT_API_KEY if set. Otherwise this script starts SERVER_BIN (default
# build/sextant) on 127.0.0.1 with random ports in 20000-29999 and a temporary storage directory,
# from the repository root (it reads config/ there), and stops it at the end.
#
# Toolchains (SDK_GO / SDK_CARGO name one explicitly):
# - Go from PATH or /usr/local/go, else Debian's golang-go (root only). A Go older than 1.21
#   cannot switch toolchains itself, so it fetches the Go toolchain module go.mod needs through
#   the Go module proxy.
# - Rust >= 1.88 (what the locked tonic needs) from PATH or ~/.cargo, else Debian's rustc-web and
#   cargo-web (1.96 on Debian 12; its rustc/cargo 1.63 are too old).
# - JDK >= 17 and Maven from PATH, else Debian's openjdk-17-jdk-headless and maven.
# A language whose toolchain cannot be had is SKIPPED with a loud message; it does not fail the
# run. Build outputs are cached (Go and Rust under ${SEXTANT_CACHE_DIR:-~/.cache/sextant}, Maven
# in ~/.m2), so a rerun only relinks. SEXTANT_SDK_JAVA=0 leaves the Java program out.
#
# Prints each build's and each run's seconds. Exits 1 if a program fails to build or to pass, or
# the server does not start; 0 otherwise.
set -uo pipefail
sdk_dir=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$sdk_dir/../.." && pwd)
cache_dir=${SEXTANT_CACHE_DIR:-$HOME/.cache/sextant}
go_toolchain=go1.26.8 # fetched only by a Go older than 1.21; go.mod needs >= 1.25
rust_min_minor=88
mkdir -p "$cache_dir"

as_root_apt_install() {
  [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null || return 1
  echo "sdk: installing $* from Debian's packages" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1; }
}

first_executable() {
  local candidate
  for candidate in "$@"; do
    [[ -n $candidate && -x $candidate ]] && { echo "$candidate"; return 0; }
  done
  return 1
}

# find_go: prints a go command that can build the module (>= 1.21, which switches to the
# toolchain go.mod names by itself), fetching one through the module proxy for an older Go.
find_go() {
  local go_bin minor scratch toolchain_dir
  go_bin=$(first_executable "${SDK_GO:-}" "$(command -v go)" /usr/local/go/bin/go) ||
    { as_root_apt_install golang-go && go_bin=$(first_executable "$(command -v go)"); } ||
    return 1
  minor=$("$go_bin" env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
  [[ $minor =~ ^[0-9]+$ ]] || return 1
  if ((minor >= 21)); then
    echo "$go_bin"
    return 0
  fi
  scratch=$(mktemp -d)
  toolchain_dir=$(cd "$scratch" && GOFLAGS=-modcacherw "$go_bin" mod download -json \
    "golang.org/toolchain@v0.0.1-$go_toolchain.$("$go_bin" env GOOS)-$("$go_bin" env GOARCH)" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  rm -rf "$scratch"
  [[ -n $toolchain_dir && -f $toolchain_dir/bin/go ]] || return 1
  chmod +x "$toolchain_dir"/bin/* "$toolchain_dir"/pkg/tool/*/* 2>/dev/null
  echo "$toolchain_dir/bin/go"
}

cargo_minor() { "$1" --version 2>/dev/null | sed -nE 's/^cargo 1\.([0-9]+).*/\1/p'; }

# find_cargo: prints a cargo whose rustc is new enough for the locked dependencies.
find_cargo() {
  local cargo_bin minor
  cargo_bin=$(first_executable "${SDK_CARGO:-}" "$(command -v cargo)" "$HOME/.cargo/bin/cargo")
  minor=$([[ -n $cargo_bin ]] && cargo_minor "$cargo_bin")
  if [[ -z $minor ]] || ((minor < rust_min_minor)); then
    as_root_apt_install rustc-web cargo-web || return 1
    cargo_bin=/usr/bin/cargo
    minor=$(cargo_minor "$cargo_bin")
    [[ -n $minor ]] && ((minor >= rust_min_minor)) || return 1
  fi
  echo "$cargo_bin"
}

server_pid=""
server_root=""
stop_server() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  [[ -n $server_root ]] && rm -rf "$server_root"
}
trap stop_server EXIT

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
random_free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 10000))
    port_is_free "$port" && { echo "$port"; return 0; }
  done
  return 1
}

# start_server: runs the server binary on loopback; sets grpc_addr once REST and gRPC accept.
start_server() {
  local binary=${SERVER_BIN:-$root/build/sextant} http_port grpc_port
  [[ -x $binary ]] || { echo "sdk: no server binary at $binary" >&2; return 1; }
  http_port=$(random_free_port) && grpc_port=$(random_free_port) || return 1
  server_root=$(mktemp -d "${TMPDIR:-/tmp}/sextant-sdk-XXXXXX")
  (cd "$root" && QDRANT__SERVICE__HOST=127.0.0.1 QDRANT__SERVICE__HTTP_PORT=$http_port \
    QDRANT__SERVICE__GRPC_PORT=$grpc_port QDRANT__STORAGE__STORAGE_PATH=$server_root/storage \
    QDRANT__STORAGE__SNAPSHOTS_PATH=$server_root/snapshots QDRANT__TELEMETRY_DISABLED=true \
    exec "$binary" >"$server_root/server.log" 2>&1) &
  server_pid=$!
  for _ in $(seq 1 300); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "sdk: the server exited at start-up:" >&2
      tail -n 20 "$server_root/server.log" >&2
      return 1
    fi
    if ! port_is_free "$http_port" && ! port_is_free "$grpc_port"; then
      grpc_addr=127.0.0.1:$grpc_port
      echo "sdk: started $binary (REST $http_port, gRPC $grpc_port)"
      return 0
    fi
    sleep 0.2
  done
  echo "sdk: the server did not open REST $http_port and gRPC $grpc_port within 60 s" >&2
  tail -n 20 "$server_root/server.log" >&2
  return 1
}

seconds_since() { echo "$(($(date +%s) - $1))"; }

failed=()
skipped=()

run_go() {
  local go_bin started binary=$cache_dir/sdk-go/sdk-go
  if ! go_bin=$(find_go); then
    skipped+=("go")
    echo "sdk: SKIPPED Go: no Go toolchain (install Debian's golang-go or Go >= 1.21)" >&2
    return 0
  fi
  started=$(date +%s)
  if ! (cd "$sdk_dir/go" && GOTOOLCHAIN=${GOTOOLCHAIN:-auto} GOFLAGS=-mod=readonly \
    "$go_bin" build -o "$binary" .); then
    failed+=("go build")
    return 0
  fi
  echo "sdk: go build ($("$go_bin" version | cut -d' ' -f3)): $(seconds_since "$started") s"
  started=$(date +%s)
  QDRANT_GRPC_ADDR=$grpc_addr "$binary" || failed+=("go")
  echo "sdk: go run: $(seconds_since "$started") s"
}

run_rust() {
  local cargo_bin started target_dir=$cache_dir/sdk-rust-target
  if ! cargo_bin=$(find_cargo); then
    skipped+=("rust")
    echo "sdk: SKIPPED Rust: no cargo >= 1.$rust_min_minor (install Debian's rustc-web" \
      "cargo-web)" >&2
    return 0
  fi
  started=$(date +%s)
  if ! (cd "$sdk_dir/rust" && CARGO_TARGET_DIR=$target_dir "$cargo_bin" build --locked -q); then
    failed+=("rust build")
    return 0
  fi
  echo "sdk: cargo build ($("$cargo_bin" --version | cut -d' ' -f2)): $(seconds_since "$started") s"
  started=$(date +%s)
  QDRANT_GRPC_ADDR=$grpc_addr "$target_dir/debug/sextant-sdk-rust" || failed+=("rust")
  echo "sdk: rust run: $(seconds_since "$started") s"
}

# find_java_and_maven: succeeds when a JDK >= 17 and mvn are on PATH (installing them if need be).
find_java_and_maven() {
  local major
  major=$(javac -version 2>&1 | sed -nE 's/^javac ([0-9]+).*/\1/p')
  if ! command -v mvn >/dev/null || [[ -z $major ]] || ((major < 17)); then
    as_root_apt_install openjdk-17-jdk-headless maven || return 1
    major=$(javac -version 2>&1 | sed -nE 's/^javac ([0-9]+).*/\1/p')
  fi
  command -v mvn >/dev/null && [[ -n $major ]] && ((major >= 17))
}

run_java() {
  local started classpath java_dir=$sdk_dir/java
  if ! find_java_and_maven; then
    skipped+=("java")
    echo "sdk: SKIPPED Java: no JDK >= 17 with Maven (install Debian's openjdk-17-jdk-headless" \
      "maven)" >&2
    return 0
  fi
  started=$(date +%s)
  # Maven 3.8 prints colour resets even in batch mode: strip them.
  if ! (cd "$java_dir" && mvn -q -B package 2>&1 | sed 's/\x1b\[[0-9;]*m//g'); then
    failed+=("java build")
    return 0
  fi
  echo "sdk: mvn package (javac $(javac -version 2>&1 | cut -d' ' -f2)):" \
    "$(seconds_since "$started") s"
  started=$(date +%s)
  classpath=$java_dir/target/classes:$(cat "$java_dir/target/classpath.txt")
  QDRANT_GRPC_ADDR=$grpc_addr java -cp "$classpath" sextant.sdk.SdkScenario \
    2> >(grep -Ev '^SLF4J|TcpMetrics|^INFO: Epoll' >&2) || failed+=("java")
  echo "sdk: java run: $(seconds_since "$started") s"
}

if [[ -n ${QDRANT_URL:-} ]]; then
  host=${QDRANT_URL#*://}
  host=${host%%/*}
  host=${host%:*}
  grpc_addr=$host:${QDRANT_GRPC_PORT:-6334}
elif ! start_server; then
  exit 1
fi

programs=(go rust)
run_go
run_rust
if [[ ${SEXTANT_SDK_JAVA:-1} != 0 ]]; then
  programs+=(java)
  run_java
fi

if [[ -n $server_pid ]] && ! kill -0 "$server_pid" 2>/dev/null; then
  failed+=("server died")
  tail -n 30 "$server_root/server.log" >&2
fi
echo "sdk: ran $((${#programs[@]} - ${#skipped[@]})) SDK programs, ${#failed[@]} failed" \
  "${failed[*]:+(${failed[*]})}${skipped[*]:+, skipped: ${skipped[*]}}"
[[ ${#failed[@]} -eq 0 ]]
