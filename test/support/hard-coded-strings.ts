// Finds user-visible text written into the extension's code instead of `_locales`: JSX text, the
// attributes people read (title, aria-label, placeholder, alt, and our fields' label and hint), string
// literals a JSX child or such an attribute renders (`{busy ? 'Saving…' : 'Save'}`), and the `title`
// and `message` of what the background shows (notifications, the toolbar's title). Parsed with
// TypeScript's own compiler API (TypeScript 7: the `unstable/sync` API over its native parser).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { SyntaxKind } from 'typescript/unstable/ast';
import { API } from 'typescript/unstable/sync';

export interface HardCodedString {
  file: string;
  line: number;
  text: string;
  where: string;
}

const READ_ATTRIBUTES = new Set(['title', 'aria-label', 'placeholder', 'alt', 'label', 'hint']);
const SHOWN_PROPERTIES = new Set(['title', 'message']);
const LETTER = /\p{L}/u;

// Nodes a rendered string passes through unchanged on its way to the DOM.
const TRANSPARENT = new Set<SyntaxKind>([
  SyntaxKind.ParenthesizedExpression,
  SyntaxKind.ConditionalExpression,
  SyntaxKind.BinaryExpression,
]);

// biome-ignore lint/suspicious/noExplicitAny: the AST's node types are a union of hundreds; we read a few fields.
type AnyNode = any;

/** Every hard-coded user-visible string in `files` (absolute paths, .ts or .tsx). */
export function findHardCodedStrings(root: string, files: readonly string[]): HardCodedString[] {
  const dir = mkdtempSync(join(tmpdir(), 'hoplight-strings-'));
  const config = join(dir, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: {
        jsx: 'react-jsx',
        jsxImportSource: 'preact',
        noEmit: true,
        types: [],
        allowImportingTsExtensions: true,
      },
      files,
    }),
  );
  const api = new API({ cwd: root });
  try {
    const project = api.updateSnapshot({ openProjects: [config] }).getProjects()[0];
    if (!project) throw new Error('TypeScript opened no project');
    const found: HardCodedString[] = [];
    for (const file of files) {
      const source = project.program.getSourceFile(file);
      if (!source) throw new Error(`TypeScript did not parse ${file}`);
      const text: string = source.text;
      const lineOf = (pos: number) => text.slice(0, pos).split('\n').length;
      const report = (node: AnyNode, value: string, where: string) =>
        found.push({ file: relative(root, file), line: lineOf(node.pos), text: value.trim(), where });
      const walk = (node: AnyNode, ancestors: AnyNode[]) => {
        if (node.kind === SyntaxKind.JsxText && LETTER.test(node.text)) report(node, node.text, 'JSX text');
        const literal = literalText(node);
        if (literal !== null && LETTER.test(literal)) {
          const where = renderedAs(ancestors, file.endsWith('.tsx'));
          if (where) report(node, literal, where);
        }
        const next = [...ancestors, node];
        node.forEachChild((child: AnyNode) => {
          walk(child, next);
        });
      };
      walk(source, []);
    }
    return found;
  } finally {
    api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function literalText(node: AnyNode): string | null {
  if (node.kind === SyntaxKind.StringLiteral || node.kind === SyntaxKind.NoSubstitutionTemplateLiteral) {
    return node.text;
  }
  if (node.kind === SyntaxKind.TemplateExpression) {
    return [node.head.text, ...node.templateSpans.map((s: AnyNode) => s.literal.text)].join(' ');
  }
  return null;
}

/** Where a literal ends up, when that is somewhere people read it; null otherwise (keys, classes, ids). */
function renderedAs(ancestors: readonly AnyNode[], tsx: boolean): string | null {
  let i = ancestors.length - 1;
  while (i >= 0 && TRANSPARENT.has(ancestors[i].kind)) {
    const node = ancestors[i];
    // A condition is not rendered: `x === 'a' ? …`.
    if (node.kind === SyntaxKind.BinaryExpression && isComparison(node.operatorToken.kind)) return null;
    i -= 1;
  }
  const parent = ancestors[i];
  if (!parent) return null;
  if (parent.kind === SyntaxKind.JsxExpression) {
    const holder = ancestors[i - 1];
    if (holder?.kind === SyntaxKind.JsxElement || holder?.kind === SyntaxKind.JsxFragment) return 'JSX child';
    if (holder?.kind === SyntaxKind.JsxAttribute && READ_ATTRIBUTES.has(attributeName(holder))) {
      return `${attributeName(holder)}=`;
    }
    return null;
  }
  if (parent.kind === SyntaxKind.JsxAttribute && READ_ATTRIBUTES.has(attributeName(parent))) {
    return `${attributeName(parent)}=`;
  }
  if (!tsx && parent.kind === SyntaxKind.PropertyAssignment && SHOWN_PROPERTIES.has(parent.name?.text)) {
    return `${parent.name.text}:`;
  }
  return null;
}

function attributeName(attribute: AnyNode): string {
  const name = attribute.name;
  return name.kind === SyntaxKind.JsxNamespacedName ? `${name.namespace.text}:${name.name.text}` : name.text;
}

function isComparison(kind: SyntaxKind): boolean {
  return (
    kind === SyntaxKind.EqualsEqualsEqualsToken ||
    kind === SyntaxKind.ExclamationEqualsEqualsToken ||
    kind === SyntaxKind.EqualsEqualsToken ||
    kind === SyntaxKind.ExclamationEqualsToken
  );
}
