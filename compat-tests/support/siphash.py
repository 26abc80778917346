"""SipHash-2-4 (Aumasson & Bernstein), the hash Qdrant's `slice` condition is defined with.

Role: an independent oracle for slice membership: a point is in slice `index` of `total` iff
siphash24(zero key, canonical id bytes) % total == index, where the canonical bytes are 8
little-endian bytes for a numeric id and the 16 RFC 4122 bytes for a UUID.
"""

from __future__ import annotations

import uuid

MASK_64 = (1 << 64) - 1


def _rotate_left(value: int, bits: int) -> int:
    return ((value << bits) | (value >> (64 - bits))) & MASK_64


def _sip_round(v0: int, v1: int, v2: int, v3: int) -> tuple[int, int, int, int]:
    v0 = (v0 + v1) & MASK_64
    v1 = _rotate_left(v1, 13) ^ v0
    v0 = _rotate_left(v0, 32)
    v2 = (v2 + v3) & MASK_64
    v3 = _rotate_left(v3, 16) ^ v2
    v0 = (v0 + v3) & MASK_64
    v3 = _rotate_left(v3, 21) ^ v0
    v2 = (v2 + v1) & MASK_64
    v1 = _rotate_left(v1, 17) ^ v2
    v2 = _rotate_left(v2, 32)
    return v0, v1, v2, v3


def siphash24(message: bytes, key: bytes = bytes(16)) -> int:
    k0 = int.from_bytes(key[:8], "little")
    k1 = int.from_bytes(key[8:16], "little")
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573
    full_blocks = len(message) // 8 * 8
    for start in range(0, full_blocks, 8):
        block = int.from_bytes(message[start:start + 8], "little")
        v3 ^= block
        for _ in range(2):
            v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
        v0 ^= block
    tail = message[full_blocks:] + bytes(7 - len(message) % 8) + bytes([len(message) & 0xFF])
    last = int.from_bytes(tail, "little")
    v3 ^= last
    for _ in range(2):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    v0 ^= last
    v2 ^= 0xFF
    for _ in range(4):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


def point_id_bytes(point_id: int | str) -> bytes:
    if isinstance(point_id, int):
        return point_id.to_bytes(8, "little")
    return uuid.UUID(point_id).bytes


def slice_of(point_id: int | str, total: int) -> int:
    return siphash24(point_id_bytes(point_id)) % total
