import { render } from 'preact';
import browser from 'webextension-polyfill';
import { sendToBackground } from '../shared/page-messaging.ts';
import { Options } from './Options.tsx';

const root = document.getElementById('app');
if (!root) throw new Error('options.html lacks its #app element.');
render(
  <Options
    send={sendToBackground}
    // Straight to request (no `contains` first): an await before it would end the user gesture.
    requestHostAccess={(origins) =>
      origins.length === 0 ? Promise.resolve(true) : browser.permissions.request({ origins })
    }
  />,
  root,
);
