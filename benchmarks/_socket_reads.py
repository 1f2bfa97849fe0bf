"""Frames grouped as a busy stream's socket reads bring them: the streams decode the frames of
one read together (``Decoder.feed_many``), so a benchmark of the streams' path hands them over
the same way."""

from __future__ import annotations

READ_SIZE = 262_144
"""asyncio's socket transport reads up to 256 KiB at a time; a busy stream fills its reads."""


def socket_reads(frames: list[bytes]) -> list[list[bytes]]:
    """``frames`` in reads of up to :data:`READ_SIZE` bytes, in order."""
    reads: list[list[bytes]] = [[]]
    size = 0
    for frame in frames:
        if size + len(frame) > READ_SIZE and reads[-1]:
            reads.append([])
            size = 0
        reads[-1].append(frame)
        size += len(frame)
    return reads
