export { formatSimulationText, type SimulationTextOptions } from "./format-simulation-text.js";
export {
  renderSimulationMarkdown,
  simulationVerdictLine,
  simulationPhasesTable,
  simulationCharts,
  type SimulationMarkdownOptions,
} from "./render-simulation-markdown.js";
export { renderSimulationHtml, type SimulationHtmlOptions } from "./render-simulation-html.js";
export { renderMermaidGantt, type MermaidGanttOptions } from "./mermaid-gantt.js";
export { renderMermaidMemoryChart, type MermaidMemoryChartOptions } from "./mermaid-memory-chart.js";
export { memorySeries, chooseStepMinutes, type MemorySeries, type MemoryPoint } from "./memory-series.js";
export { renderSvgGantt } from "./svg-gantt.js";
export { renderSvgMemoryChart } from "./svg-memory-chart.js";
export {
  renderPullRequestReport,
  GITHUB_COMMENT_LIMIT,
  type PullRequestReportInput,
  type Snapshot,
} from "./render-pull-request-report.js";
export { diffFindings, findingKey, type FindingDiff } from "./finding-diff.js";
export { findingsTable, sortFindings } from "./findings-markdown.js";
export { formatClock } from "./clock.js";
export { escapeHtml, escapeMarkdown, escapeMermaidGanttText } from "./escape.js";
export { stripAnsi } from "./ansi.js";
export * from "./compare-rollouts.js";
export { renderDeployReport, renderRollbackReport, type DeployReportContext } from "./deploy-report.js";
export { describeGateCheck, describeGateOutcome } from "./timeline.js";
export { formatDiagnosisText } from "./format-diagnosis.js";
export { planDiffMarkdown } from "./plan-diff-markdown.js";
