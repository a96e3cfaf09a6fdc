// One-shot: YuNet's raw head outputs from ONNX Runtime (CPU EP) on the bundled PNG frames, for the
// parity test. ORT is not needed in CI (the output is committed). Command (README.md here).
// Input rule (the test must repeat it): 8-bit RGB(A) PNG, nearest resize to S x S with
// src = floor(dst * src_size / S), BGR order, 0..255 floats, NCHW (upstream's preprocessing).
// Only every 19th anchor of each level is kept, so the file stays small.
'use strict';
const fs = require('fs');
const zlib = require('zlib');
const path = require('path');
const ort = require('onnxruntime-node');

function decodePng(file) {  // non-interlaced 8-bit RGB / RGBA only (the bundled frames)
  const b = fs.readFileSync(file);
  let off = 8, w = 0, h = 0, ct = 0; const idat = [];
  while (off < b.length) {
    const len = b.readUInt32BE(off), type = b.toString('latin1', off + 4, off + 8), d = b.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      w = d.readUInt32BE(0); h = d.readUInt32BE(4); ct = d[9];
      if (d[8] !== 8 || (ct !== 2 && ct !== 6) || d[12] !== 0) throw new Error(file + ': unsupported PNG');
    } else if (type === 'IDAT') idat.push(d);
    off += 12 + len;
  }
  const bpp = ct === 6 ? 4 : 3, stride = w * bpp, raw = zlib.inflateSync(Buffer.concat(idat));
  const px = Buffer.alloc(h * stride);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)], src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[y * stride + x - bpp] : 0, up = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? px[(y - 1) * stride + x - bpp] : 0;
      let p = 0;
      if (f === 1) p = a; else if (f === 2) p = up; else if (f === 3) p = (a + up) >> 1;
      else if (f === 4) { const q = a + up - c, pa = Math.abs(q - a), pb = Math.abs(q - up), pc = Math.abs(q - c); p = pa <= pb && pa <= pc ? a : pb <= pc ? up : c; }
      px[y * stride + x] = (src[x] + p) & 255;
    }
  }
  return { w, h, bpp, px };
}

async function main() {
  const [model, outFile, size, ...images] = process.argv.slice(2);
  const S = Number(size);
  const sess = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  const lines = [`# yunet golden: ORT ${require('onnxruntime-node/package.json').version}, ${path.basename(model)}, input ${S}, every 19th anchor`,
    '# image level anchor cls obj bbox0..3 kps0..9 (cls/obj after upstream sigmoid)'];
  for (const img of images) {
    const { w, h, bpp, px } = decodePng(img);
    const t = new Float32Array(3 * S * S);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
      const sy = Math.floor(y * h / S), sx = Math.floor(x * w / S), o = (sy * w + sx) * bpp;
      for (let c = 0; c < 3; c++) t[c * S * S + y * S + x] = px[o + 2 - c];  // BGR
    }
    const r = await sess.run({ [sess.inputNames[0]]: new ort.Tensor('float32', t, [1, 3, S, S]) });
    for (const s of [8, 16, 32]) {
      const get = (k) => r[`${k}_${s}`].data, n = (S / s) * (S / s);
      const cls = get('cls'), obj = get('obj'), bbox = get('bbox'), kps = get('kps');
      for (let a = 0; a < n; a += 19) {
        const v = [cls[a], obj[a], ...bbox.slice(a * 4, a * 4 + 4), ...kps.slice(a * 10, a * 10 + 10)];
        lines.push(`${path.basename(img)} ${s} ${a} ${v.map((x) => x.toPrecision(8)).join(' ')}`);
      }
    }
  }
  fs.writeFileSync(outFile, lines.join('\n') + '\n');
  console.log(sess.inputNames, sess.outputNames, lines.length);
}
main().catch((e) => { console.error(e); process.exit(1); });
