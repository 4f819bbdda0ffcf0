import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { computePath } from '../../core/path.ts';
import { catalogueLookup, phrase, renderPhrase } from '../../core/phrase.ts';
import de from '../../core/phrases/de.json' with { type: 'json' };
import { domainSummary } from '../../core/testing/fixtures.ts';
import { phraseLookup } from '../shared/phrase-text.ts';
import { Reasons, reportUrl } from './Reasons.tsx';

const NOW = new Date('2026-11-25T12:00:00.000Z');

/** The s2s reasons toward a self-signed contact: yellow, dialback. */
function weakReasons() {
  const result = computePath({
    userDomain: 'good.test',
    contactDomain: 'weak.test',
    user: domainSummary('good.test'),
    contact: domainSummary('weak.test', { s2s: { authentication: [], grade: 'T', gradeIfTrusted: 'F' } }),
    transportSecure: true,
    sameDomain: false,
    omemo: false,
    now: NOW,
  });
  return result.hops.find((h) => h.name === 's2s')?.reasons ?? [];
}

describe('Reasons', () => {
  it('shows the plain sentence, what to do, the report link and the jargon folded away', () => {
    const html = renderToString(<Reasons reasons={weakReasons()} observatoryUrl="http://127.0.0.1:8080/" />);
    expect(html).toContain(
      '<p class="says">good.test checks only weakly that messages really come from weak.test: whoever controls DNS could pose as weak.test.</p>',
    );
    expect(html).toContain('<p class="todo">What you can do: Tell your contact:');
    expect(html).toContain('href="http://127.0.0.1:8080/domain/weak.test"');
    expect(html).toContain('See the report for weak.test</a>');
    expect(html).toMatch(
      /<details class="detail"><summary>Technical details<\/summary><p>Verified only through dialback/,
    );
  });

  it('links nowhere without an observatory URL', () => {
    const html = renderToString(<Reasons reasons={weakReasons()} observatoryUrl={null} />);
    expect(html).not.toContain('<a ');
    expect(html).toContain('class="says"');
  });

  it('builds the report URL whatever the base ends with', () => {
    expect(reportUrl('https://obs.example/', 'bücher.example')).toBe(
      'https://obs.example/domain/b%C3%BCcher.example',
    );
    expect(reportUrl('https://obs.example', 'a.test')).toBe('https://obs.example/domain/a.test');
  });
});

describe('phraseLookup', () => {
  it('speaks through getMessage, and falls back to English where it has no message', () => {
    const german = catalogueLookup(de);
    const getMessage = (key: string, subs?: string | string[]) =>
      key === 'path_light_green' ? '' : german(key, typeof subs === 'string' ? [subs] : (subs ?? []));
    const lookup = phraseLookup(getMessage);
    expect(renderPhrase(phrase('path_todo_omemo'), lookup)).toBe(
      'Bitten Sie Ihren Kontakt, in seiner Chat-App die OMEMO-Verschlüsselung einzuschalten.',
    );
    expect(renderPhrase(phrase('path_scan_too_old', 'a.test', phrase('path_age_days', '9')), lookup)).toBe(
      'Die letzte Prüfung von a.test ist 9 Tage alt: zu alt, um sich darauf zu verlassen.',
    );
    expect(renderPhrase(phrase('path_light_green'), lookup)).toBe('Protected');
  });
});
