"""PNG writing with zlib alone, so that decoded images need no imaging library."""

import struct
import zlib

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOR_TYPES = {1: 0, 3: 2}  # channels -> PNG colour type: grayscale, RGB


def png_bytes(image):
    """An 8-bit grayscale or RGB PNG file of one uint8 image [C, H, W], C = 1 or 3."""
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[0] not in _COLOR_TYPES:
        raise ValueError(f"image: expected uint8 [C, H, W] with C = 1 or 3, got {image.dtype} "
                         f"{list(image.shape)}")
    channels, height, width = image.shape
    rows = image.transpose(1, 2, 0).reshape(height, width * channels)
    # Each scanline starts with its filter type; 0 (None) leaves compression to zlib alone.
    scanlines = np.hstack([np.zeros((height, 1), np.uint8), rows])
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPES[channels], 0, 0, 0)
    return (_SIGNATURE + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(scanlines.tobytes(), 6)) + _chunk(b"IEND", b""))


def _chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
