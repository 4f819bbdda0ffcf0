import { render } from 'preact';
import browser from 'webextension-polyfill';
import { t, uiLanguage } from '../shared/i18n.ts';
import { request } from '../shared/messages.ts';
import { sendToBackground } from '../shared/page-messaging.ts';
import { Popup } from './Popup.tsx';

const root = document.getElementById('app');
if (!root) throw new Error('popup.html lacks its #app element.');
document.documentElement.lang = uiLanguage();
document.title = t('extensionName');
function show(observatoryUrl: string | null): void {
  if (!root) return;
  render(
    <Popup
      send={sendToBackground}
      observatoryUrl={observatoryUrl}
      openOptions={() => {
        // Close after opening, like other extensions do; the options open in their own tab.
        browser.runtime.openOptionsPage().then(
          () => window.close(),
          (error: unknown) => console.error('Hoplight: could not open the settings', error),
        );
      }}
    />,
    root,
  );
}

show(null);
// The reasons' links to the observatory need its URL; the rows show at once without it.
request(sendToBackground, { type: 'getSettings' }).then(
  (settings) => show(settings.observatoryUrl),
  () => undefined,
);
