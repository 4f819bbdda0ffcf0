import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ICON_SIZES, iconPaths, LIGHTS } from '../shared/lights.ts';
import { renderIconPng } from './icons.ts';

const svg = async (light: string) =>
  readFile(new URL(`../../../icons/${light}.svg`, import.meta.url), 'utf8');

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('renderIconPng', () => {
  it.each(LIGHTS)('renders %s at every toolbar size', async (light) => {
    const source = await svg(light);
    for (const size of ICON_SIZES)
      expect(pngSize(renderIconPng(source, size))).toEqual({ width: size, height: size });
  });

  it('gives each light its own shape, not only its own colour', async () => {
    // Shapes differ even with colour removed: compare the SVGs' geometry with fills and strokes stripped.
    const geometry = await Promise.all(
      LIGHTS.map(async (light) =>
        (await svg(light)).replace(/<title>.*<\/title>/, '').replace(/(fill|stroke)="[^"]*"/g, ''),
      ),
    );
    expect(new Set(geometry).size).toBe(LIGHTS.length);
  });

  it('describes each icon in a title for assistive technology', async () => {
    for (const light of LIGHTS) expect(await svg(light)).toMatch(/<title>[^<]+<\/title>/);
  });

  it('throws a readable error for something that is not SVG', () => {
    expect(() => renderIconPng('<html>nope</html>', 16)).toThrow();
    expect(() => renderIconPng('', 16)).toThrow();
  });

  it('refuses a non-square SVG', () => {
    const wide =
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10"><rect width="20" height="10"/></svg>';
    expect(() => renderIconPng(wide, 16)).toThrow('The icon is not square: it rendered 16x8 for 16px.');
  });

  it('names the files the manifest and the background use', () => {
    expect(iconPaths('grey')).toEqual({
      16: 'icons/grey-16.png',
      32: 'icons/grey-32.png',
      48: 'icons/grey-48.png',
      128: 'icons/grey-128.png',
    });
  });
});
