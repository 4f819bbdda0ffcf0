// The options' result sentences (test connection, test observatory), from plain values. Raw error text
// never appears: failures carry the sentence background/failure.ts wrote.
import { t } from '../shared/i18n.ts';
import type { ObservatoryProbe, TestConnectionResult } from '../shared/messages.ts';

export function describeConnectionTest(result: TestConnectionResult): string {
  if (!result.ok) return t('test_failed', result.message);
  const secure = result.transportSecure ? t('test_encrypted') : t('test_notEncrypted');
  const account = t(
    'test_connected',
    result.boundJid,
    result.endpoint,
    secure,
    result.mechanism,
    result.contacts,
  );
  const observatory =
    result.observatoryDomains !== null
      ? t('test_observatoryAnswered', result.observatoryDomains)
      : t('test_observatoryNone');
  return `${account} ${observatory}`;
}

export function describeObservatoryProbe(probe: ObservatoryProbe, url: string): string {
  switch (probe.kind) {
    case 'hoplight':
      return t('probe_hoplight', url, probe.apiVersion, probe.domains);
    case 'other':
      return t('probe_other', url, probe.httpStatus);
    case 'none':
      return t('probe_none', url);
  }
}
