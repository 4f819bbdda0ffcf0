import { render } from 'preact';
import { sendToBackground } from '../shared/page-messaging.ts';
import { Options } from './Options.tsx';

const root = document.getElementById('app');
if (!root) throw new Error('options.html lacks its #app element.');
render(<Options send={sendToBackground} />, root);
