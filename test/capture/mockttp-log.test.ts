import { describe, expect, it } from 'vitest';
import { routeMockttpErrors } from '../../src/capture/intercept/mockttp-log.js';

describe("mockttp's console lines", () => {
  it('drop "the client went away", route other failures to the proxy, and pass everything else through', () => {
    const passed: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void passed.push(args);
    const routed: string[] = [];
    const restore = routeMockttpErrors((m) => routed.push(m));
    try {
      console.error('Failed to handle request:', 'aborted');
      console.error('Failed to handle request:', new Error('socket hang up'));
      console.error('Failed to handle request:', 'Cannot read properties of undefined');
      console.error('something else', 42);
    } finally {
      restore();
    }
    expect(routed).toEqual(['mockttp could not handle a request: Cannot read properties of undefined']);
    expect(passed).toEqual([['something else', 42]]);
    console.error('after', 1);
    expect(passed.at(-1)).toEqual(['after', 1]);
    console.error = original;
  });
});
