import { render } from 'preact';
import browser from 'webextension-polyfill';
import { t, uiLanguage } from '../shared/i18n.ts';
import { sendToBackground } from '../shared/page-messaging.ts';
import { Popup } from './Popup.tsx';

const root = document.getElementById('app');
if (!root) throw new Error('popup.html lacks its #app element.');
document.documentElement.lang = uiLanguage();
document.title = t('extensionName');
render(
  <Popup
    send={sendToBackground}
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
