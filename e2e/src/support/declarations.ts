import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `export { a, type B as C } from './x.js'` (one line or several) and `export * from './x.js'`. */
const NAMED_REEXPORT = /^export (?:type )?\{([^}]*)\} from '([^']+)';?$/gm;
const STAR_REEXPORT = /^export \* from '([^']+)';?$/gm;
const DECLARATION = /^export (?:declare )?(?:abstract )?(?:function|class|const|let|interface|type|enum|namespace) ([A-Za-z_$][\w$]*)/;

/** One exported name of a package entry and whether its declaration carries a TSDoc comment. */
export interface ExportedName {
  name: string;
  /** The .d.ts that declares it, or null when it could not be found. */
  file: string | null;
  documented: boolean;
}

const dtsOf = (from: string, specifier: string) => join(dirname(from), specifier.replace(/\.js$/, '.d.ts'));

/** Every name `file` declares itself, with whether a `/** … *\/` comment sits right above it. */
function declarations(file: string): Map<string, boolean> {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found = new Map<string, boolean>();
  lines.forEach((line, i) => {
    const name = DECLARATION.exec(line)?.[1];
    if (!name || found.get(name)) return; // overloads: any documented signature counts
    let above = i - 1;
    while (above >= 0 && lines[above].trim() === '') above--;
    found.set(name, above >= 0 && lines[above].trim().endsWith('*/'));
  });
  return found;
}

/** Follows `name` from `file` through re-exports to the file that declares it. */
function resolve(file: string, name: string, seen = new Set<string>()): ExportedName {
  if (!existsSync(file) || seen.has(`${file}#${name}`)) return { name, file: null, documented: false };
  seen.add(`${file}#${name}`);
  const own = declarations(file).get(name);
  if (own !== undefined) return { name, file, documented: own };
  const text = readFileSync(file, 'utf8');
  for (const [, list, specifier] of text.matchAll(NAMED_REEXPORT)) {
    for (const part of list.split(',').map((item) => item.trim().replace(/^type /, '')).filter(Boolean)) {
      const [original, alias] = part.split(/\s+as\s+/);
      if ((alias ?? original) === name) return { ...resolve(dtsOf(file, specifier), original, seen), name };
    }
  }
  for (const [, specifier] of text.matchAll(STAR_REEXPORT)) {
    const found = resolve(dtsOf(file, specifier), name, seen);
    if (found.file) return found;
  }
  return { name, file: null, documented: false };
}

/** Every name that the emitted entry `entry` (a package's `exports` types file) exports. */
export function exportedNames(entry: string): ExportedName[] {
  const names = new Set<string>(declarations(entry).keys());
  const collect = (file: string, seen: Set<string>) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, list] of text.matchAll(NAMED_REEXPORT)) {
      for (const part of list.split(',').map((item) => item.trim().replace(/^type /, '')).filter(Boolean)) names.add(part.split(/\s+as\s+/).pop()!);
    }
    for (const [, specifier] of text.matchAll(STAR_REEXPORT)) {
      const target = dtsOf(file, specifier);
      for (const name of existsSync(target) ? declarations(target).keys() : []) names.add(name);
      collect(target, seen);
    }
  };
  collect(entry, new Set());
  return [...names].sort().map((name) => resolve(entry, name));
}
