// `i18n.getMessage` over a parsed messages.json, as the browsers implement it for what we use: `$1`…`$9`
// replaced by the substitutions, `$$` a dollar sign. Used by the unit tests and the build's checks.

export interface CatalogueEntry {
  message: string;
  description?: string;
}
export type Catalogue = Record<string, CatalogueEntry>;

export function getMessageFrom(catalogue: Catalogue) {
  return (key: string, substitutions: string[] = []): string => {
    const entry = Object.hasOwn(catalogue, key) ? catalogue[key] : undefined;
    if (!entry) return '';
    return entry.message.replace(/\$(\$|[1-9])/g, (_, n: string) =>
      n === '$' ? '$' : (substitutions[Number(n) - 1] ?? ''),
    );
  };
}

/** The `$n` placeholders a message uses, sorted: every locale's message must use the same ones. */
export function placeholdersOf(message: string): string[] {
  return [...new Set(message.replace(/\$\$/g, '').match(/\$[1-9]/g) ?? [])].sort();
}
