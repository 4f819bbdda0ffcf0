import { openStore } from '../../src/observatory/store/open-store.ts';
import { pagesSuite } from '../support/observatory-pages-suite.ts';

pagesSuite('pages on SQLite', () => openStore({ sqlitePath: ':memory:' }));
