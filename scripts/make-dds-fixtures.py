#!/usr/bin/python3
"""Writes the DXT1 DDS test files of DdsFixtureTest and what PIL 9.4 makes of them.

Run once with Debian's python3-pil (/usr/bin/python3); the outputs are committed under
src/test/resources/io/xceptionspark/image/dds/. The blocks are random with a fixed seed; half of
them have colour0 <= colour1, DXT1's three-colour mode (index 3 = transparent black).
"""
import random
import struct
import sys
from pathlib import Path

from PIL import Image

OUT = Path(__file__).resolve().parent.parent / "src/test/resources/io/xceptionspark/image/dds"


def dxt1(width, height, rng):
    blocks = bytearray()
    for i in range(((width + 3) // 4) * ((height + 3) // 4)):
        c0, c1 = rng.randrange(65536), rng.randrange(65536)
        three_colour = i % 2 == 1
        if (c0 <= c1) != three_colour:
            c0, c1 = c1, c0
        if not three_colour and c0 == c1:
            c0 = (c1 + 1) % 65536 if c1 < 65535 else c1
            c0, c1 = max(c0, c1), min(c0, c1)
        blocks += struct.pack("<HHI", c0, c1, rng.getrandbits(32))
    header = struct.pack("<4s7I44x", b"DDS ", 124, 0x1 | 0x2 | 0x4 | 0x1000 | 0x80000, height, width,
                         len(blocks), 0, 1)
    pixel_format = struct.pack("<2I4s5I", 32, 0x4, b"DXT1", 0, 0, 0, 0, 0)
    caps = struct.pack("<5I", 0x1000, 0, 0, 0, 0)
    return header + pixel_format + caps + bytes(blocks)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(4142)
    for name, w, h in [("dxt1_16x8.dds", 16, 8), ("dxt1_13x7.dds", 13, 7)]:
        data = dxt1(w, h, rng)
        (OUT / name).write_bytes(data)
        with Image.open(OUT / name) as im:
            im.load()
            im.convert("RGB").save(OUT / (name + ".png"))
        print("wrote", name)


if __name__ == "__main__":
    sys.exit(main())
