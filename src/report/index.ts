/**
 * Renderers: DiffResult, BisectResult and investigation reports to text, Markdown, JSON and self-contained HTML. No
 * file system here.
 */
export { renderDiffText, wrap, type TextReportOptions } from './diff-text.js';
export { renderDiffMarkdown, type MarkdownReportOptions } from './diff-markdown.js';
export {
  renderDiffJson,
  toDiffJson,
  DIFF_JSON_SCHEMA_VERSION,
  type DiffJsonReport,
  type DiffJsonPair,
  type DiffJsonFinding,
  type DiffJsonExchange,
} from './diff-json.js';
export { renderDiffHtml, type HtmlReportOptions } from './diff-html.js';
export { renderTimeline, eventPhase, PHASE_COLORS } from './html-timeline.js';
export { displayValue, safeValue, scrubText, secretStandIn } from './format-value.js';
export { renderDiff, reportFormatFor, REPORT_FORMATS, type ReportFormat, type RenderOptions } from './render-diff.js';
export {
  renderBisectJson,
  toBisectJson,
  BISECT_JSON_SCHEMA_VERSION,
  type BisectJsonReport,
  type BisectJsonCulprit,
  type BisectJsonContext,
} from './bisect-json.js';
export { renderBisectText, bisectProgressLine, culpritLine, subsetText } from './bisect-text.js';
export { renderBisectMarkdown, type BisectMarkdownOptions } from './bisect-markdown.js';
export { renderInvestigationMarkdown, topFindings } from './investigation-markdown.js';
export { renderInvestigationHtml } from './investigation-html.js';
export type {
  InvestigationReport,
  InvestigationStep,
  InvestigationFile,
  LibraryFailure,
  RepairedRequest,
} from './investigation-model.js';
export { renderWatchMarkdown, roundSummary } from './watch-markdown.js';
export { renderWatchHtml, renderWatchIndexHtml } from './watch-html.js';
export type {
  WatchBrowser,
  WatchCanary,
  WatchChange,
  WatchChangeKind,
  WatchFrontEnd,
  WatchPageCheck,
  WatchRoundRecord,
} from './watch-model.js';
