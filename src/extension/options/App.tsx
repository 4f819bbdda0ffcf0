// The options page: the first-run setup until an account is saved, the settings form after it.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../shared/i18n.ts';
import { request, type SendMessage } from '../shared/messages.ts';
import { isConfigured } from '../shared/settings.ts';
import { Options, type RequestHostAccess } from './Options.tsx';
import { Setup } from './Setup.tsx';

type Mode = 'loading' | 'failed' | 'setup' | 'settings' | 'done';

export function App(props: {
  send: SendMessage;
  requestHostAccess: RequestHostAccess;
  optionalDataCollection: readonly string[];
}) {
  const [mode, setMode] = useState<Mode>('loading');
  useEffect(() => {
    request(props.send, { type: 'getSettings' }).then(
      (settings) => setMode(isConfigured(settings) ? 'settings' : 'setup'),
      (error: unknown) => {
        console.error('Hoplight: could not load the settings', error);
        setMode('failed');
      },
    );
  }, [props.send]);

  if (mode === 'loading' || mode === 'failed') {
    return (
      <main>
        <h1>{t('options_title')}</h1>
        {mode === 'loading' ? (
          <p role="status">{t('common_loading')}</p>
        ) : (
          <p role="alert" class="error">
            {t('options_loadFailed')}
          </p>
        )}
      </main>
    );
  }
  if (mode === 'setup') return <Setup {...props} onDone={() => setMode('done')} />;
  return <Options {...props} setupDone={mode === 'done'} />;
}
