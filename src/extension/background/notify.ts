// A notification when contacts turn red (DESIGN §5), naming them, never more than one per check.
import type { Notifications } from 'webextension-polyfill';
import type { ContactResult } from '../shared/check-types.ts';
import { iconPath } from '../shared/lights.ts';
import { phraseText } from '../shared/phrase-text.ts';

export function redNotification(contacts: readonly ContactResult[]): Notifications.CreateNotificationOptions {
  const names = contacts.map((c) => c.name ?? c.jid);
  const listed =
    names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
  const firstReason = contacts[0]?.reasons[0];
  return {
    type: 'basic',
    iconUrl: iconPath('red', 128),
    title: contacts.length === 1 ? 'A contact turned unsafe' : `${contacts.length} contacts turned unsafe`,
    message: `${listed}: ${firstReason ? phraseText(firstReason.says) : 'see Hoplight for the reasons.'}`,
  };
}

export async function notifyRed(
  api: Notifications.Static,
  contacts: readonly ContactResult[],
): Promise<void> {
  await api.create('hoplight-red', redNotification(contacts));
}
