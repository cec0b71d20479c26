import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readZip, ZipError } from '../../../src/exchange/formats/zip-archive.js';

const FOREIGN = resolve(import.meta.dirname, '../../../fixtures/foreign');

describe('zip archives', () => {
  it("reads Playwright's recordHar zip: har.har and its body files, deflated", () => {
    const files = readZip(readFileSync(resolve(FOREIGN, 'playwright/attach-good.zip')));
    expect(files.map((f) => f.name)).toContain('har.har');
    const har = JSON.parse(
      files
        .find((f) => f.name === 'har.har')!
        .read()
        .toString('utf8'),
    );
    expect(har.log.entries).toHaveLength(3);
    const bodies = files.filter((f) => f.name !== 'har.har');
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) expect(body.read()).toHaveLength(body.size);
  });

  it('reads a .har.zip made with zip(1)', () => {
    const [har] = readZip(readFileSync(resolve(FOREIGN, 'chrome-devtools/full-good.har.zip')));
    expect(har!.name).toBe('full-good.har');
    expect(JSON.parse(har!.read().toString('utf8')).log.creator.name).toBe('WebInspector');
  });

  it('says why a cut or foreign file is no zip it can read', () => {
    const zip = readFileSync(resolve(FOREIGN, 'playwright/attach-good.zip'));
    expect(() => readZip(zip.subarray(0, zip.length - 30))).toThrow(ZipError);
    expect(() => readZip(Buffer.from('not a zip at all, just text'))).toThrow(/no end of central directory/);
    const files = readZip(Buffer.concat([Buffer.alloc(0), zip]));
    expect(files.length).toBeGreaterThan(1);
  });
});
