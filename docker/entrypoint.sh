#!/bin/sh
# Starts Sextant in the container. Same name and arguments as the entrypoint of Qdrant's image,
# so `command: ./entrypoint.sh --snapshot ...` in an existing compose file keeps working.
# exec makes the server PID 1, so it receives SIGTERM/SIGINT from `docker stop` directly and
# answers them with a graceful shutdown (in-flight requests finish, storage is flushed).
cd /qdrant
exec ./sextant "$@"
