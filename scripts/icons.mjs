#!/usr/bin/env node
// Draws the PNG app icons (192 and 512 px) from the same shapes as public/icons/icon.svg,
// so no binary is edited by hand: `node scripts/icons.mjs` rewrites public/icons/*.png.
import { deflateSync, crc32 } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const BLUE = [0x0b, 0x5c, 0xd5];
const WHITE = [0xff, 0xff, 0xff];
// The shapes of icon.svg on its 64-unit grid (the background fills the whole maskable area).
const RECTS = [
  [22, 8, 20, 40],
  [26, 48, 12, 10],
];
const BOLT = [[34, 14], [27, 30], [33, 30], [30, 42], [39, 25], [33, 25], [36, 14]];

function inPolygon(x, y, poly) {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function colour(u, v) {
  if (inPolygon(u, v, BOLT)) return BLUE;
  if (RECTS.some(([x, y, w, h]) => u >= x && u < x + w && v >= y && v < y + h)) return WHITE;
  return BLUE;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(size) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      row.set(colour(((x + 0.5) * 64) / size, ((y + 0.5) * 64) / size), 1 + x * 3);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const size of [192, 512]) {
  writeFileSync(new URL(`../public/icons/icon-${size}.png`, import.meta.url), png(size));
}
