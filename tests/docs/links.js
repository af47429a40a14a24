'use strict';
// Every link in the repository's Markdown and every *.md a source file names must lead to a
// file of this repository: a clone has nothing else. Fails listing each broken one with
// file:line. Usage: node tests/docs/links.js [repo root]
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(process.argv[2] || path.join(__dirname, '..', '..'));
const SKIP = new Set(['node_modules', '.git']);
const broken = [];

function walk(dir, out) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name) || e.name.startsWith('build')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

function exists(from, target, md) {
  // A Markdown link is relative to its file. A source comment may also name a file
  // relative to the repository root or to a folder above it (a test in
  // tests/integration/js/ that names CONTRACT .md means tests/integration's).
  const bases = [path.dirname(from)];
  if (!md) {
    for (let d = path.dirname(from); d.startsWith(ROOT) && d !== ROOT; d = path.dirname(d)) bases.push(path.dirname(d));
  }
  return bases.some((b) => fs.existsSync(path.resolve(b, target)));
}

function report(file, line, target, why) {
  broken.push(`${path.relative(ROOT, file)}:${line}: ${target}: ${why}`);
}

const files = walk(ROOT, []);
for (const file of files) {
  const ext = path.extname(file);
  const md = ext === '.md';
  const src = ['.hpp', '.cpp', '.h', '.js', '.cmake', '.txt', '.sh', '.rtdl'].includes(ext) || path.basename(file) === 'sb';
  if (!md && !src) continue;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  let fenced = false;
  lines.forEach((text, i) => {
    const n = i + 1;
    if (/\.\.\/shared\/|\/work\/(shared|main)\b/.test(text)) report(file, n, text.trim().slice(0, 60), 'points outside the repository');
    if (md) {
      if (/^\s*```/.test(text)) fenced = !fenced;
      if (fenced) return;
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1].split('#')[0];
        if (!target || /^[a-z]+:/i.test(m[1])) continue;   // an anchor in this file, or a URL
        if (!exists(file, target, true)) report(file, n, m[1], 'no such file');
      }
    } else {
      // Source files name docs in comments: "docs/production.md", "(CONTRACT" ".md)".
      for (const m of text.matchAll(/(?<![\w/.-])((?:\.\.?\/)*[\w.-]+(?:\/[\w.-]+)*\.md)\b/g)) {
        if (!exists(file, m[1], false)) report(file, n, m[1], 'no such file');
      }
    }
  });
}

if (broken.length) {
  console.error(`${broken.length} link(s) lead nowhere in this repository:\n  ${broken.join('\n  ')}`);
  process.exit(1);
}
console.log(`links: every link in ${files.length} files leads to a file of the repository`);
