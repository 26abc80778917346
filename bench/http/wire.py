"""A minimal keep-alive HTTP/1.1 client for the benchmark and fault drivers.

Role: send pre-serialised requests over one persistent TCP connection and return the raw status
and body, so that what a driver times is the server's work plus loopback, not a client library's
header handling or JSON encoding. Responses are parsed only far enough to find the body length
(Content-Length or chunked); decoding the JSON is left to the caller, after timing.

Invariants: one Connection is used by one thread; a request is written whole before its response
is read; a connection that failed mid-request is closed and reopened on the next request.
"""

from __future__ import annotations

import json
import socket


class HttpError(Exception):
    """The connection broke or the response could not be read."""


def build_request(method: str, path: str, body: bytes | None = None,
                  api_key: str | None = None) -> bytes:
    """Serialises a request once so a timed loop only has to send it."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
    if api_key:
        lines.append(f"api-key: {api_key}")
    if body is not None:
        lines.append("Content-Type: application/json")
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode()
    return head + (body or b"")


def json_request(method: str, path: str, document, api_key: str | None = None) -> bytes:
    body = json.dumps(document, separators=(",", ":")).encode()
    return build_request(method, path, body, api_key)


class Connection:
    def __init__(self, host: str, port: int, timeout_s: float = 60.0):
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self.sock: socket.socket | None = None
        self.buffer = b""
        self.reopened = 0

    def _open(self) -> None:
        self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout_s)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.buffer = b""

    def _fill(self) -> None:
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise HttpError("connection closed by the server")
        self.buffer += chunk

    def _read_until(self, marker: bytes) -> bytes:
        while True:
            at = self.buffer.find(marker)
            if at >= 0:
                line = self.buffer[:at]
                self.buffer = self.buffer[at + len(marker):]
                return line
            self._fill()

    def _read_exact(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def send(self, raw_request: bytes) -> tuple[int, bytes]:
        """Sends one pre-built request and returns (status, body). A kept-alive connection the
        server has closed in the meantime is reopened once; the reopen count is kept."""
        reused = self.sock is not None
        try:
            return self._send_once(raw_request)
        except HttpError:
            if not reused:
                raise
            self.reopened += 1
            return self._send_once(raw_request)

    def _send_once(self, raw_request: bytes) -> tuple[int, bytes]:
        try:
            if self.sock is None:
                self._open()
            self.sock.sendall(raw_request)
            head = self._read_until(b"\r\n\r\n").decode("latin-1").split("\r\n")
            status = int(head[0].split(" ", 2)[1])
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if "content-length" in headers:
                body = self._read_exact(int(headers["content-length"]))
            elif headers.get("transfer-encoding", "").lower() == "chunked":
                parts = []
                while True:
                    size = int(self._read_until(b"\r\n").split(b";")[0], 16)
                    parts.append(self._read_exact(size))
                    self._read_exact(2)
                    if size == 0:
                        break
                body = b"".join(parts)
            else:
                body = b""
            if headers.get("connection", "").lower() == "close":
                self.close()
            return status, body
        except (OSError, ValueError, IndexError) as error:
            self.close()
            raise HttpError(str(error)) from error

    def call(self, method: str, path: str, document=None, api_key: str | None = None):
        """Convenience for untimed calls: JSON in, (status, decoded JSON or None) out."""
        raw = (json_request(method, path, document, api_key) if document is not None
               else build_request(method, path, None, api_key))
        status, body = self.send(raw)
        try:
            return status, json.loads(body) if body else None
        except ValueError:
            return status, None
