// Unit tests run in plain Node, which has no `browser.i18n`: every test sees the English catalogue
// (src/extension/_locales/en) behind the extension's `t()`, the words an English-speaking user sees.
import { useLocale } from '../../src/extension/shared/i18n.test-support.ts';

useLocale('en');
