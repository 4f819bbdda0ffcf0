export { type BuildServerOptions, buildServer } from './server.ts';
