#!/usr/bin/env bash
# Installs the NATS server (github.com/nats-io/nats-server/v2, pinned below) with `go install` from
# the Go module proxy into .cache/nats/bin/ under the checkout (git-ignored), so the test command
# and scripts/cluster.sh reuse it. Go's module and build caches are kept in ~/.cache/sextant/go-nats/
# (shared by every checkout: a fresh clone links the binary again in seconds). Prints the binary's
# path on success; prints the apt-get line and fails when Go is missing (and warns when the C
# client, libnats-dev, is).
#
# Usage: scripts/install-nats.sh            (idempotent: a second run only checks the version)
# Env:   SEXTANT_NATS_DIR (default <checkout>/.cache/nats), SEXTANT_GO_CACHE (default
#        ~/.cache/sextant/go-nats), GO (default: go on PATH, then /usr/local/go/bin/go)
set -euo pipefail
NATS_MODULE="github.com/nats-io/nats-server/v2"
NATS_VERSION="v2.15.3"
root=$(cd "$(dirname "$0")/.." && pwd)
nats_dir=${SEXTANT_NATS_DIR:-$root/.cache/nats}
go_cache=${SEXTANT_GO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sextant/go-nats}
binary="$nats_dir/bin/nats-server"

if [[ -x $binary ]] && [[ $("$binary" --version 2>/dev/null) == *"${NATS_VERSION#v}"* ]]; then
  echo "$binary"
  exit 0
fi

# The C client (libnats-dev) is what Sextant's cluster/ layer links; say so here too, since this
# script is what a developer runs before the cluster tests.
if ! dpkg-query -W -f='${Status}' libnats-dev 2>/dev/null | grep -q "install ok installed"; then
  echo "warning: the NATS C client is missing. Run as root:" >&2
  echo "  apt-get install -y libnats-dev" >&2
fi

go_binary=${GO:-$(command -v go || true)}
[[ -z $go_binary && -x /usr/local/go/bin/go ]] && go_binary=/usr/local/go/bin/go
if [[ -z $go_binary ]]; then
  echo "error: Go is needed to build nats-server. Run as root:" >&2
  echo "  apt-get install -y golang-go" >&2
  exit 1
fi

mkdir -p "$nats_dir/bin"
echo "building nats-server $NATS_VERSION into $nats_dir/bin (Go: $go_binary)" >&2
GOBIN="$nats_dir/bin" GOMODCACHE="$go_cache/mod" GOCACHE="$go_cache/build" \
  GOFLAGS=-modcacherw GOTOOLCHAIN=local CGO_ENABLED=0 \
  "$go_binary" install "$NATS_MODULE@$NATS_VERSION" >&2
"$binary" --version >&2
echo "$binary"
