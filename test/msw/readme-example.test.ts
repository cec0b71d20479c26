/**
 * The README's msw example, run as written: the code block is copied out of README.md into a file
 * and imported. It must print the seed's failure name and the web shape's answer (the simulator's
 * text: only the simulator could have answered, and the example makes msw refuse anything it does
 * not handle), and no server may start listening.
 */
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const MARKER = '<!-- msw example: test/msw/readme-example.test.ts runs this block as written -->';

async function readmeExample(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const after = readme.slice(readme.indexOf(MARKER) + MARKER.length);
  const block = /^\s*```ts\n([\s\S]*?)\n```/.exec(after);
  if (readme.indexOf(MARKER) === -1 || !block) throw new Error('README.md has no msw example after its marker');
  return block[1]!;
}

afterEach(() => vi.restoreAllMocks());

describe("the README's msw example", () => {
  it('is about ten lines and imports the package entry, as a client library would', async () => {
    const code = await readmeExample();
    expect(code).toContain("from 'qwen-probe/msw'");
    expect(code.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('import ')).length).toBeLessThanOrEqual(12);
  });

  it("gets Internal_Server_Error for the seed's request, an answer for the web shape, and opens no port", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qp-readme-msw-'));
    try {
      // The example resolves msw from the repository's node_modules, as it would from a client's.
      await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      const file = join(dir, 'example.ts');
      await writeFile(file, await readmeExample());
      const listen = vi.spyOn(net.Server.prototype, 'listen');
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      await import(pathToFileURL(file).href);
      expect(log).toHaveBeenCalledTimes(1);
      const [failure, bar, answer] = log.mock.calls[0]!;
      expect([failure, bar]).toEqual(['Internal_Server_Error', '|']);
      expect(answer).toMatch(/^You said: "Hello!"\. \S/);
      expect(listen).not.toHaveBeenCalled();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
