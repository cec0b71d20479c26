/**
 * Lints a client's capture against a learnt protocol, offline: every API request of the capture is
 * checked against what the browser sends to its endpoint (check-request.ts, auth-form.ts), and the
 * issues of all requests are merged and ranked (rank-issues.ts). Nothing is sent anywhere: a lint
 * can run in a client library's CI without an account to lose.
 */
import type { Exchange } from '../exchange/exchange.js';
import { endpointKeyOf, requestParts, type LearntProtocol } from '../learn/index.js';
import { checkAuthForm } from './auth-form.js';
import { RequestChecker, type IssueSink } from './check-request.js';
import type { LintIssue, LintProblem, RawIssue } from './lint-issue.js';
import type { FieldLocation } from '../common/index.js';
import { LintContext } from './lint-values.js';
import { rankIssues, type IssueGroup } from './rank-issues.js';

/** An issue group with the key it was filed under (`actual` is the grouping value, not always the shown one). */
interface Group extends IssueGroup {
  readonly problem: LintProblem;
  readonly location: FieldLocation;
  readonly actual: string;
  readonly requests: string[];
}

/** What a lint found. */
export interface LintResult {
  /** `clean` (exit 0) when no request differs from the browser's, else `issues` (exit 1). */
  readonly verdict: 'clean' | 'issues';
  /** One sentence on the whole lint. */
  readonly explanation: string;
  /** API requests checked. */
  readonly requests: number;
  /** Requests checked per endpoint, in the order first seen. */
  readonly endpoints: Readonly<Record<string, number>>;
  /** Exchanges left out: not API traffic. */
  readonly skipped: number;
  /** What the protocol was learnt from. */
  readonly against: { readonly exchanges: number; readonly captures: readonly string[] };
  /** Ranked, likeliest culprit first. */
  readonly issues: readonly LintIssue[];
}

/** Lints exchanges one at a time (a capture can be streamed through it); `result` ranks what was found. */
export class CaptureLinter {
  /** Issue groups by field path (then a short scan over the few problems at that path), in order found. */
  private readonly byPath = new Map<string, Group[]>();
  private readonly groups: Group[] = [];
  private readonly perEndpoint = new Map<string, number>();
  private readonly context = new LintContext();
  private readonly checkers = new Map<string, RequestChecker>();
  private requests = 0;
  private skipped = 0;

  constructor(private readonly protocol: LearntProtocol) {}

  add(exchange: Exchange): void {
    const key = endpointKeyOf(exchange);
    if (!key) {
      this.skipped += 1;
      return;
    }
    this.requests += 1;
    this.perEndpoint.set(key.name, (this.perEndpoint.get(key.name) ?? 0) + 1);
    const endpoint = this.protocol.endpoints.get(key.name);
    if (!endpoint) {
      const issue: RawIssue = {
        problem: 'unknown-endpoint',
        location: 'path',
        path: '',
        expected: [...this.protocol.endpoints.values()].map((e) => `${e.method} ${e.path}`).join(', ') || 'nothing',
        actual: `${key.method} ${key.path}`,
        sentence: `the browser never calls ${key.method} ${key.path} (${key.name})`,
        facts: [{ location: 'path', path: '', change: 'changed', bad: key.path }],
      };
      this.sinkFor(key.name, exchange.id)(issue.problem, issue.location, issue.path, issue.actual, () => issue);
      return;
    }
    const sink = this.sinkFor(key.name, exchange.id);
    const parts = requestParts(exchange.request);
    checkAuthForm(endpoint, parts, sink, this.context);
    let checker = this.checkers.get(key.name);
    if (!checker) this.checkers.set(key.name, (checker = new RequestChecker(endpoint, this.context)));
    checker.check(parts, sink);
  }

  /** Files a request's issues into the groups: a known one only gains the request's id. */
  private sinkFor(endpoint: string, exchangeId: string): IssueSink {
    return (problem, location, path, actual, build) => {
      let atPath = this.byPath.get(path);
      if (!atPath) this.byPath.set(path, (atPath = []));
      const group = atPath.find(
        (g) => g.problem === problem && g.actual === actual && g.location === location && g.endpoint === endpoint,
      );
      if (!group) {
        const created: Group = { endpoint, problem, location, actual, issue: build(), requests: [exchangeId] };
        atPath.push(created);
        this.groups.push(created);
      } else if (group.requests[group.requests.length - 1] !== exchangeId) group.requests.push(exchangeId);
    };
  }

  result(): LintResult {
    const issues = rankIssues(this.groups, this.perEndpoint);
    const endpoints = Object.fromEntries(this.perEndpoint);
    const checked = `${this.requests} request${this.requests === 1 ? '' : 's'}`;
    const explanation =
      this.requests === 0
        ? 'the capture holds no API requests: nothing to check'
        : issues.length === 0
          ? `${checked} look like the browser's: nothing found`
          : `${issues.length} issue${issues.length === 1 ? '' : 's'} in ${checked}; ` +
            `the likeliest: ${issues[0]!.explanation}`;
    return {
      verdict: issues.length === 0 ? 'clean' : 'issues',
      explanation,
      requests: this.requests,
      endpoints,
      skipped: this.skipped,
      against: { exchanges: this.protocol.learntFrom.exchanges, captures: this.protocol.learntFrom.captures },
      issues,
    };
  }
}

/** Lints exchanges against a learnt protocol. */
export function lintExchanges(protocol: LearntProtocol, exchanges: Iterable<Exchange>): LintResult {
  const linter = new CaptureLinter(protocol);
  for (const exchange of exchanges) linter.add(exchange);
  return linter.result();
}
