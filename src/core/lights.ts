// The four lights and their order. Pure.

export type Light = 'green' | 'yellow' | 'red' | 'grey';

/**
 * Worst first. Red + grey is red; green + grey is grey, and so is yellow + grey: an unknown hop may be
 * red, and a yellow path would promise "weakened at worst".
 */
export const LIGHT_ORDER: readonly Light[] = ['red', 'grey', 'yellow', 'green'];

/** Negative when `a` is worse than `b`: sorting with it puts the worst first. */
export function compareLights(a: Light, b: Light): number {
  return LIGHT_ORDER.indexOf(a) - LIGHT_ORDER.indexOf(b);
}

/** The worst light; green for none (nothing is wrong with nothing). */
export function worst(lights: readonly Light[]): Light {
  return lights.reduce<Light>((acc, light) => (compareLights(light, acc) < 0 ? light : acc), 'green');
}
