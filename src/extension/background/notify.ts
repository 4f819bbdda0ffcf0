// A notification when contacts turn red (DESIGN §5), naming them, never more than one per check; a
// click on it opens the popup where the browser allows that, else the options page.
import type { Notifications } from 'webextension-polyfill';
import type { ContactResult } from '../shared/check-types.ts';
import { t } from '../shared/i18n.ts';
import { iconPath } from '../shared/lights.ts';

export const RED_NOTIFICATION = 'hoplight-red';

export function redNotification(contacts: readonly ContactResult[]): Notifications.CreateNotificationOptions {
  const names = contacts.map((c) => c.name ?? c.jid);
  const listed =
    names.length <= 3
      ? names.join(', ')
      : t('notify_andMore', names.slice(0, 3).join(', '), names.length - 3);
  return {
    type: 'basic',
    iconUrl: iconPath('red', 128),
    title: contacts.length === 1 ? t('notify_titleOne') : t('notify_titleMany', contacts.length),
    message: t('notify_message', listed),
  };
}

export async function notifyRed(
  api: Notifications.Static,
  contacts: readonly ContactResult[],
): Promise<void> {
  await api.create(RED_NOTIFICATION, redNotification(contacts));
}

export interface Openers {
  /** `action.openPopup()`: Chrome 127+ opens it from a notification click; Firefox refuses outside a user action it recognises. */
  openPopup?: (() => Promise<void>) | undefined;
  openOptions(): Promise<void>;
}

/** Opens the popup; where the browser has no `openPopup` or refuses it, the options page. Returns which opened. */
export async function openFromNotification(openers: Openers): Promise<'popup' | 'options'> {
  if (openers.openPopup) {
    try {
      await openers.openPopup();
      return 'popup';
    } catch {
      // Refused (no focused window, or no user action the browser accepts): fall through.
    }
  }
  await openers.openOptions();
  return 'options';
}
