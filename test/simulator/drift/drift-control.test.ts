/** The drift control route and what each drift does to the running simulator's answers and page. */
import { describe, expect, it } from 'vitest';
import { DRIFT_HEADER, DRIFT_MOVED_COMPLETIONS, startSimulator } from '../../../src/simulator/index.js';
import { inProcess } from '../support.js';

describe('/__simulator/drift', () => {
  it('applies one named drift at once, lists it, and goes back to the start profile', async () => {
    const sim = inProcess();
    const post = await sim.request('/__simulator/drift', { method: 'POST', body: '{"name":"version-bump"}' });
    expect(post.status).toBe(200);
    expect(((await post.json()) as { applied: string[] }).applied).toEqual(['version-bump']);
    expect(await (await sim.request('/', {})).text()).toContain('"version":"0.2.64"');
    const state = (await (await sim.request('/__simulator/state', {})).json()) as { profile: { drifts: string[] } };
    expect(state.profile.drifts).toEqual(['version-bump']);
    await sim.request('/__simulator/drift', { method: 'DELETE' });
    expect(await (await sim.request('/', {})).text()).toContain('"version":"0.2.63"');
    sim.close();
  });

  it('answers 400 naming the drifts for an unknown one', async () => {
    const sim = inProcess();
    const res = await sim.request('/__simulator/drift', { method: 'POST', body: '{"name":"nope"}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('anti-bot-tightening');
    sim.close();
  });

  it('moves completions: the old path answers 404, the new one is the endpoint; the page follows', async () => {
    const sim = inProcess();
    sim.drift.apply('endpoint-moved');
    const old = await sim.request('/api/v2/chat/completions?chat_id=x', { method: 'POST', body: '{}' });
    expect(old.status).toBe(404);
    const moved = await sim.request(`${DRIFT_MOVED_COMPLETIONS}?chat_id=x`, { method: 'POST', body: '{}' });
    expect(moved.status).toBe(401); // the completion's own rules answer: no token
    expect(await (await sim.request('/', {})).text()).toContain(`"completionPath":"${DRIFT_MOVED_COMPLETIONS}"`);
    sim.close();
  });

  it('the page sends the newly required header and the renamed field', async () => {
    const sim = inProcess();
    sim.drift.apply('new-required-header');
    sim.drift.apply('renamed-body-field');
    const page = await (await sim.request('/', {})).text();
    expect(page).toContain(`"headers":{"${DRIFT_HEADER.name}":"${DRIFT_HEADER.value}"}`);
    expect(page).toContain('"renamedFields":[{"from":"incremental_output","to":"incrementalOutput"}]');
    sim.close();
  });

  it('a schedule applies its drifts at their times and close() cancels the rest', async () => {
    const sim = await startSimulator({
      port: 0,
      driftSchedule: [
        { atMs: 10, name: 'model-list-change' },
        { atMs: 3_600_000, name: 'version-bump' },
      ],
    });
    await new Promise<void>((resolve) => {
      const poll = () => (sim.drift.applied().length > 0 ? resolve() : setTimeout(poll, 5));
      poll();
    });
    expect(sim.profile.drift?.applied).toEqual(['model-list-change']);
    await sim.close();
  });
});
