/**
 * The `lint` capability: a client's capture checked offline against a protocol learnt from the
 * browser (src/learn): unknown and missing fields, wrong kinds, values outside an enum, header gaps,
 * the auth form; ranked with the diff's protocol facts, one sentence each.
 */
export { CaptureLinter, lintExchanges, type LintResult } from './lint-capture.js';
export type { FactLookup, LintIssue, LintProblem, RawIssue } from './lint-issue.js';
export { RequestChecker, expectedText, type IssueSink } from './check-request.js';
export { AUTH_FIELDS, checkAuthForm, isAuthField } from './auth-form.js';
export { categoryOf, rankIssues, type IssueGroup } from './rank-issues.js';
export { LintContext, showValue, valueKind } from './lint-values.js';
export {
  LINT_FORMATS,
  LINT_JSON_SCHEMA_VERSION,
  renderLint,
  renderLintJson,
  renderLintMarkdown,
  renderLintText,
  type LintFormat,
  type LintJsonReport,
} from './render-lint.js';
