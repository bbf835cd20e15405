// Rewrites one `## <title>` section of a markdown file, leaving the others alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export function replaceSection(file: string, title: string, body: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const heading = `## ${title}`;
  const start = text.indexOf(`${heading}\n`);
  const section = `${heading}\n\n${body}\n\n`;
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const rest = text.slice(start + heading.length + 1);
  const next = rest.search(/^## /m);
  writeFileSync(file, text.slice(0, start) + section + (next < 0 ? '' : rest.slice(next)));
}
