#!/bin/sh
# Prints the Debian packages that provide the shared libraries a binary links against, one per
# line, so the runtime image installs exactly those (and a new dependency needs no edit anywhere).
# Run inside the build stage, where the -dev packages put the libraries in dpkg's database.
# Usage: runtime-packages.sh BINARY          Exit status: 0, or 1 if a library has no package.
set -eu
binary="$1"
status=0
for library in $(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
  # Debian 12 is usr-merged: dpkg may record /usr/lib/... or /lib/... for the same file.
  resolved="$(readlink -f "$library")"
  package=""
  for candidate in "$library" "$resolved" "/usr$library" "${library#/usr}" "/usr$resolved" \
                   "${resolved#/usr}"; do
    package="$(dpkg -S "$candidate" 2>/dev/null | head -n1 | cut -d: -f1)" && [ -n "$package" ] &&
      break
  done
  if [ -z "$package" ]; then
    echo "error: no package provides $library" >&2
    status=1
    continue
  fi
  echo "$package"
done | sort -u
exit "$status"
