import { describe, expect, it } from 'vitest';
import { badgeSvg, gradeTone } from './badge.ts';

describe('badge', () => {
  it('colours grades by tone', () => {
    expect(gradeTone('A+')).toBe('good');
    expect(gradeTone('C')).toBe('fair');
    expect(gradeTone('T')).toBe('bad');
    expect(gradeTone(null)).toBe('none');
  });

  it('draws both grades and escapes the domain in the title', () => {
    const svg = badgeSvg('a<b>.example', 'A', null);
    expect(svg).toContain('c2s A');
    expect(svg).toContain('s2s ?');
    expect(svg).toContain('a&lt;b&gt;.example');
    expect(svg).not.toContain('a<b>');
  });
});
