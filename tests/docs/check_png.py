#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_png.py FILE WIDTH HEIGHT: FILE is a valid PNG of WIDTH x HEIGHT pixels (8-bit
RGB or RGBA, as Chromium writes them) that is not blank: many distinct colours, a
good share of the pixels not background, and dark (text) pixels in the top and the
bottom half. Decodes the PNG with the standard library only."""

import struct
import sys
import zlib


def decode(path):
    with open(path, 'rb') as handle:
        data = handle.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('not a PNG file')
    pos = 8
    idat = b''
    header = None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        crc = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])[0]
        if zlib.crc32(kind + chunk) & 0xffffffff != crc:
            raise ValueError('bad CRC in chunk %r' % kind)
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', chunk)
        elif kind == b'IDAT':
            idat += chunk
        elif kind == b'IEND':
            break
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError('unsupported PNG format (depth %d, colour type %d, interlace %d)' % (depth, colour, interlace))
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows = []
    previous = bytearray(stride)
    pos = 0
    for _ in range(height):
        kind = raw[pos]
        line = bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xff
            elif kind == 2:
                line[i] = (line[i] + up) & 0xff
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xff
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + predictor) & 0xff
            elif kind != 0:
                raise ValueError('bad filter type %d' % kind)
        rows.append(line)
        previous = line
    return width, height, channels, rows


def main():
    path, want_width, want_height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    width, height, channels, rows = decode(path)
    if (width, height) != (want_width, want_height):
        sys.exit('%s: %dx%d, expected %dx%d' % (path, width, height, want_width, want_height))
    colours = {}
    dark = [0, 0]
    for y, row in enumerate(rows):
        for x in range(0, width * channels, channels * 2):
            pixel = bytes(row[x:x + 3])
            colours[pixel] = colours.get(pixel, 0) + 1
            if sum(pixel) < 200:
                dark[0 if y < height // 2 else 1] += 1
    total = sum(colours.values())
    background = max(colours.values())
    print('%s: %dx%d, %d colours, %.1f%% background, dark pixels %d (top) %d (bottom)'
          % (path, width, height, len(colours), 100.0 * background / total, dark[0], dark[1]))
    if len(colours) < 32:
        sys.exit('%s: only %d colours: blank' % (path, len(colours)))
    if background > 0.97 * total:
        sys.exit('%s: %.1f%% of the pixels are the background colour: blank' % (path, 100.0 * background / total))
    if min(dark) < 200:
        sys.exit('%s: too little text (dark pixels %d top, %d bottom)' % (path, dark[0], dark[1]))


if __name__ == '__main__':
    main()
