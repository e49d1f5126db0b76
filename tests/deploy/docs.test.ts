import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The README is the front door: one read, deploy in one look, every other page one link away.

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PAGES = readdirSync(join(ROOT, 'docs')).filter((file) => file.endsWith('.md'));
const MAX_README_BYTES = 25 * 1024;

/** Local link targets (no scheme), without their anchors. */
const localLinks = (markdown: string) =>
  [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '').filter((target) => !/^[a-z]+:/.test(target));

describe('README.md', () => {
  it(`fits one read: at most ${MAX_README_BYTES / 1024} KB`, () => {
    expect(Buffer.byteLength(README)).toBeLessThanOrEqual(MAX_README_BYTES);
  });

  it('opens with a table of contents whose entries are its sections', () => {
    const contents = README.slice(README.indexOf('**Contents:**'), README.indexOf('## Quick start'));
    const sections = [...README.matchAll(/^## (.+)$/gm)].map((match) => match[1] ?? '');
    const anchor = (title: string) =>
      `#${title
        .toLowerCase()
        .replace(/[`]/g, '')
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-')}`;
    for (const section of sections) expect(contents, section).toContain(`](${anchor(section)})`);
  });

  it('links every page under docs/', () => {
    for (const page of PAGES) expect(README).toContain(`](docs/${page}`);
  });

  it('starts every deploy in dry run: each deploy command with dryRun=false comes after the dry-run one', () => {
    const deploy = README.slice(README.indexOf('## Deploy'), README.indexOf('## Configuration'));
    const commands = [...deploy.matchAll(/npx serverless deploy[^\n]*/g)].map((match) => match[0]);
    expect(commands.length).toBeGreaterThan(1);
    for (const command of commands) expect(command).toMatch(/--param="dryRun=(true|false)"/);
    expect(commands[0]).toContain('dryRun=true');
  });

  it('names the exam as it is now called', () => {
    const everything = [README, ...PAGES.map((page) => readFileSync(join(ROOT, 'docs', page), 'utf8'))].join(' ').replace(/\s+/g, ' ');
    expect(everything).toContain('AWS Certified CloudOps Engineer - Associate (SOA-C03)');
    expect(everything).not.toMatch(/SysOps/i);
  });
});

describe('documentation links', () => {
  it.each(['README.md', ...PAGES.map((page) => `docs/${page}`)])('every local link of %s resolves', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const target of localLinks(text)) {
      const [path] = target.split('#');
      if (!path) continue;
      expect(existsSync(join(ROOT, dirname(file), path)), `${file} -> ${target}`).toBe(true);
    }
  });
});
