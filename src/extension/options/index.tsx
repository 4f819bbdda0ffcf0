import { render } from 'preact';
import browser, { type Permissions } from 'webextension-polyfill';
import { t, uiLanguage } from '../shared/i18n.ts';
import { sendToBackground } from '../shared/page-messaging.ts';
import { App } from './App.tsx';
import { declaredDataCollection } from './host-access.ts';

const root = document.getElementById('app');
if (!root) throw new Error('options.html lacks its #app element.');
document.documentElement.lang = uiLanguage();
document.title = t('options_title');
render(
  <App
    send={sendToBackground}
    // Straight to request (no `contains` first): an await before it would end the user gesture.
    requestHostAccess={({ origins, dataCollection }) =>
      origins.length === 0 && dataCollection.length === 0
        ? Promise.resolve(true)
        : browser.permissions.request({
            origins,
            // Firefox 139+ (not in the polyfill's types); only sent where the manifest declares it.
            ...(dataCollection.length > 0 ? { data_collection: dataCollection } : {}),
          } as Permissions.Permissions)
    }
    optionalDataCollection={declaredDataCollection(browser.runtime.getManifest())}
  />,
  root,
);
