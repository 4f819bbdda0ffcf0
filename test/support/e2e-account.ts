// The account and lab domains the extension's end-to-end tests use: alice's roster has a contact on each.
export const ACCOUNT = 'alice@good.test';
export const PASSWORD = 'alice-good-pw';
export const LAB_DOMAINS = [
  'good.test',
  'weak.test',
  'plain.test',
  'other.test',
  'wrongname.test',
  'expired.test',
  'dane.sec.test',
  'badtlsa.sec.test',
];
