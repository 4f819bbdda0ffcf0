// How the popup and options pages send requests to the background.
import browser from 'webextension-polyfill';
import type { SendMessage } from './messages.ts';

export const sendToBackground: SendMessage = (message) => browser.runtime.sendMessage(message);
