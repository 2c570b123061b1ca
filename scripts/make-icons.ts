// Draws the Teams app icons (appPackage/color.png, appPackage/outline.png).
// The PNGs are committed; run again only to change the design:
//   node -r @swc-node/register scripts/make-icons.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

type Rgb = readonly [number, number, number];
type Shape = (x: number, y: number) => boolean;

const BLUE: Rgb = [0x0b, 0x5c, 0xad]; // same as the manifest's accentColor
const WHITE: Rgb = [0xff, 0xff, 0xff];
const SAMPLES = 8; // per axis: anti-aliasing by supersampling

function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
}

function triangle(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): Shape {
  const side = (px: number, py: number, qx: number, qy: number, x: number, y: number) =>
    (qx - px) * (y - py) - (qy - py) * (x - px);
  return (x, y) => {
    const d1 = side(ax, ay, bx, by, x, y);
    const d2 = side(bx, by, cx, cy, x, y);
    const d3 = side(cx, cy, ax, ay, x, y);
    return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
  };
}

const union = (...shapes: Shape[]): Shape => (x, y) => shapes.some((s) => s(x, y));

/**
 * The motif in a unit square (0..1): a speech bubble with a medical cross cut out of it.
 * Same geometry for both icons so they read as one brand.
 */
function bubble(): Shape {
  return union(roundedRect(0.1, 0.14, 0.9, 0.74, 0.14), triangle(0.24, 0.7, 0.46, 0.7, 0.2, 0.92));
}
function cross(): Shape {
  const arm = 0.085; // half thickness
  const len = 0.2; // half length
  const cx = 0.5;
  const cy = 0.44;
  return union(
    roundedRect(cx - arm, cy - len, cx + arm, cy + len, 0.03),
    roundedRect(cx - len, cy - arm, cx + len, cy + arm, 0.03),
  );
}

/** Fraction of the pixel's samples that fall inside `shape` (unit coordinates, `inset` = margin). */
function coverage(shape: Shape, px: number, py: number, size: number, inset: number): number {
  let hits = 0;
  const scale = 1 - 2 * inset;
  for (let sy = 0; sy < SAMPLES; sy++) {
    for (let sx = 0; sx < SAMPLES; sx++) {
      const u = ((px + (sx + 0.5) / SAMPLES) / size - inset) / scale;
      const v = ((py + (sy + 0.5) / SAMPLES) / size - inset) / scale;
      if (shape(u, v)) hits++;
    }
  }
  return hits / (SAMPLES * SAMPLES);
}

function render(size: number, inset: number, pixel: (bubbleCover: number, crossCover: number) => [number, number, number, number]): Buffer {
  const png = new PNG({ width: size, height: size });
  const b = bubble();
  const c = cross();
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const [r, g, bl, a] = pixel(coverage(b, x, y, size, inset), coverage(c, x, y, size, inset));
      const i = (y * size + x) * 4;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = bl;
      png.data[i + 3] = a;
    }
  }
  return PNG.sync.write(png);
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb =>
  [0, 1, 2].map((k) => Math.round(a[k]! * (1 - t) + b[k]! * t)) as unknown as Rgb;

/** 192x192, opaque blue tile, white bubble, blue cross (Teams rounds the corners itself). */
export function colorIcon(): Buffer {
  return render(192, 0.17, (bc, cc) => {
    const white = Math.max(0, bc - cc);
    const [r, g, b] = mix(BLUE, WHITE, white);
    return [r, g, b, 255];
  });
}

/** 32x32, white bubble with the cross knocked out, everything else fully transparent. */
export function outlineIcon(): Buffer {
  return render(32, 0.02, (bc, cc) => {
    const alpha = Math.round(Math.max(0, bc - cc) * 255);
    // Teams requires white-only pixels: fully transparent ones are zeroed too.
    return alpha === 0 ? [0, 0, 0, 0] : [WHITE[0], WHITE[1], WHITE[2], alpha];
  });
}

if (require.main === module) {
  const dir = join(__dirname, '..', 'appPackage');
  writeFileSync(join(dir, 'color.png'), colorIcon());
  writeFileSync(join(dir, 'outline.png'), outlineIcon());
  console.log(`wrote ${dir}/color.png and ${dir}/outline.png`);
}
