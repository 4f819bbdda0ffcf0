// What the options page says about the account's secret, per CredentialsState: the one place these
// English sentences live until they move to _locales.
import type { CredentialsState } from './messages.ts';

export const CREDENTIALS_TEXT: Record<CredentialsState, string> = {
  none: 'No password is stored: enter it to run checks.',
  session: 'The password is kept until the browser closes.',
  'remember-pending':
    'The password is kept until the browser closes; after the next check Hoplight remembers a key made from it instead (never the password).',
  remembered:
    'You are remembered on this device, as a key made from your password (never the password itself).',
  'session-plain-only':
    'Your server accepts the password only as it is (PLAIN), so Hoplight cannot remember a key for it; your password is kept for this browser session only.',
  'session-salt-changes':
    'Your server changes the salt of its password check at every login, so Hoplight cannot remember a key for it; your password is kept for this browser session only.',
};
