"""Draw the app's icons (static/icons/*.png) with no image library: a white ring on the
product's blue with a dot in it, a pain score waiting to be tapped. Run once after changing it:

.venv/bin/python -m scripts.make_icons
"""

import struct
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
BLUE = (11, 92, 173)
WHITE = (255, 255, 255)
# (file, size, share of the size the drawing may use: maskable icons keep to the safe zone)
SIZES = [
    ("icon-192.png", 192, 0.8),
    ("icon-512.png", 512, 0.8),
    ("icon-maskable-512.png", 512, 0.6),
    ("apple-touch-icon.png", 180, 0.8),
]


def pixel(x: float, y: float, size: int, room: float) -> tuple[int, int, int]:
    centre = size / 2
    distance = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5 / (size * room / 2)
    on_ring = 0.72 <= distance <= 0.92
    on_dot = distance <= 0.34
    return WHITE if on_ring or on_dot else BLUE


def png(size: int, room: float) -> bytes:
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x + 0.5, y + 0.5, size, room)) for x in range(size))
        for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    for name, size, room in SIZES:
        (ICONS / name).write_bytes(png(size, room))
        print(f"wrote static/icons/{name}")


if __name__ == "__main__":
    main()
