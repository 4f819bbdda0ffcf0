#!/usr/bin/env node
// The observatory's command. Its code is TypeScript run by Node 24's type stripping; refuse older Nodes
// with a clear message instead of a syntax error.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `hoplight-observatory needs Node 22.18 or newer (found ${process.versions.node}). ` +
      'Run it through npm (npx hoplight-observatory, npm start), which uses the project’s own Node 24.',
  );
  process.exit(1);
}
const { main } = await import('../src/observatory/cli.ts');
process.exitCode = await main(process.argv.slice(2));
