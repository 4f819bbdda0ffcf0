// Plain values to Lua source, for Prosody's config and storage files. Hand-written because no
// maintained npm package serialises to Lua, and the subset needed here is small.

/** A Lua string literal; bytes outside printable ASCII become decimal escapes. */
export function luaString(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (b >= 0x20 && b < 0x7f) out += c;
    else out += `\\${b.toString().padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** Strings, finite numbers, booleans, arrays and plain objects; anything else is an error. */
export function toLua(v: unknown): string {
  if (typeof v === 'string') return luaString(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`toLua: ${v} has no Lua literal`);
    return String(v);
  }
  if (Array.isArray(v)) return `{ ${v.map(toLua).join('; ')} }`;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const parts = Object.entries(v).map(([k, x]) => `[${luaString(k)}] = ${toLua(x)}`);
    return `{ ${parts.join('; ')} }`;
  }
  throw new TypeError(`toLua: cannot write ${v === null ? 'null' : typeof v} as Lua`);
}
