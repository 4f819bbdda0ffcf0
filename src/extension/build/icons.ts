// Renders the SVG sources in icons/ to the PNG sizes browsers ask for.
import { Resvg } from '@resvg/resvg-js';
import type { IconSize } from '../shared/lights.ts';

/** Renders one SVG to a square PNG of `size` pixels; throws with the reason when the SVG cannot be read. */
export function renderIconPng(svg: string, size: IconSize): Buffer {
  const rendered = new Resvg(svg, {
    fitTo: { mode: 'width', value: size },
    font: { loadSystemFonts: false },
  }).render();
  if (rendered.width !== size || rendered.height !== size) {
    throw new Error(
      `The icon is not square: it rendered ${rendered.width}x${rendered.height} for ${size}px.`,
    );
  }
  return rendered.asPng();
}
