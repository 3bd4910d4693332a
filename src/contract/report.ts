/**
 * What a run looks like to people and to CI: progress lines, a summary with expected-versus-received
 * for every failure, JUnit XML and JSON. Every text here comes from results the runner has already
 * redacted, and requests hold the key placeholder only, so reports carry no secret.
 */
import type { ProgressEvent } from './run.js';
import type { CheckResult, ContractReport, PlannedRequest } from './types.js';

export function formatProgress(event: ProgressEvent): string | undefined {
  switch (event.type) {
    case 'start':
      return `contract ${event.provider} against ${event.target}: ${event.probes} probes`;
    case 'planned':
      return formatPlanned(event.probe.id, event.request);
    case 'retry':
      return `  … ${event.probe.id}: got ${event.status}, retry ${event.attempt} in ${Math.round(event.waitMs)} ms`;
    case 'probe': {
      const failed = event.results.filter((r) => r.outcome === 'fail').length;
      const skipped = event.results.filter((r) => r.outcome === 'skip').length;
      const passed = event.results.length - failed - skipped;
      const mark = failed ? 'FAIL' : passed ? 'ok  ' : 'skip';
      const width = String(event.total).length;
      const counts = [`${passed} passed`, failed ? `${failed} failed` : '', skipped ? `${skipped} skipped` : ''].filter(Boolean).join(', ');
      return `  [${String(event.index).padStart(width)}/${event.total}] ${mark} ${event.probe.id} (${counts})`;
    }
  }
}

export function formatPlanned(probe: string, request: PlannedRequest): string {
  const headers = Object.entries(request.headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  const body = request.rawBody ?? (request.body === undefined ? '' : JSON.stringify(request.body));
  return `  ${probe}\n    ${request.method} ${request.path}\n    headers: ${headers || '(none)'}${body ? `\n    body: ${body}` : ''}`;
}

export function formatSummary(reports: ContractReport[], options: { showPassed?: boolean } = {}): string {
  const lines: string[] = [];
  for (const report of reports) {
    const { passed, failed, skipped, total } = report.summary;
    lines.push('');
    lines.push(
      `${report.provider} (${report.document}) against ${report.target}: ${passed} passed, ${failed} failed, ${skipped} skipped of ${total} checks` +
        ` · ${report.requestsSent} requests · ${(report.durationMs / 1000).toFixed(1)} s${report.dryRun ? ' · dry run' : ''}`,
    );
    if (report.dryRun) {
      const tokens = report.planned.reduce((n, p) => n + p.maxOutputTokens, 0);
      lines.push(`  dry run: ${report.planned.length} requests planned, at most ${tokens} output tokens in all; nothing was sent`);
    }
    for (const r of report.checks.filter((c) => c.outcome === 'fail')) lines.push(...formatFailure(r));
    const reasons = new Map<string, number>();
    for (const r of report.checks.filter((c) => c.outcome === 'skip')) reasons.set(r.reason ?? '', (reasons.get(r.reason ?? '') ?? 0) + 1);
    for (const [reason, n] of reasons) lines.push(`  skipped ${n}: ${reason}`);
    if (options.showPassed) for (const r of report.checks.filter((c) => c.outcome === 'pass')) lines.push(`  pass ${r.id}`);
  }
  const all = reports.flatMap((r) => r.checks);
  const failed = all.filter((c) => c.outcome === 'fail').length;
  const passed = all.filter((c) => c.outcome === 'pass').length;
  lines.push('');
  lines.push(
    failed
      ? `FAILED: ${failed} of ${all.length} checks failed`
      : passed === 0
        ? `NOTHING CHECKED: 0 checks passed, ${all.length} skipped`
        : `OK: ${passed} checks passed, ${all.filter((c) => c.outcome === 'skip').length} skipped`,
  );
  return lines.join('\n');
}

function formatFailure(r: CheckResult): string[] {
  return [
    `  FAIL ${r.id}`,
    `       ${r.title}`,
    `       from ${r.source.document}${r.source.pointer}${r.source.statement ? `: "${r.source.statement}"` : ''}`,
    `       expected: ${r.expected ?? ''}`,
    `       received: ${r.received ?? ''}`,
  ];
}

export function toJson(reports: ContractReport[]): string {
  const checks = reports.flatMap((r) => r.checks);
  return `${JSON.stringify(
    {
      tool: 'standin contract',
      ok: checks.every((c) => c.outcome !== 'fail'),
      totals: {
        passed: checks.filter((c) => c.outcome === 'pass').length,
        failed: checks.filter((c) => c.outcome === 'fail').length,
        skipped: checks.filter((c) => c.outcome === 'skip').length,
      },
      reports,
    },
    null,
    2,
  )}\n`;
}

export function toJUnitXml(reports: ContractReport[]): string {
  const all = reports.flatMap((r) => r.checks);
  const count = (list: CheckResult[], o: CheckResult['outcome']) => list.filter((c) => c.outcome === o).length;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const time = (ms: number) => (ms / 1000).toFixed(3);
  out.push(
    `<testsuites name="standin contract" tests="${all.length}" failures="${count(all, 'fail')}" skipped="${count(all, 'skip')}" errors="0" time="${time(reports.reduce((n, r) => n + r.durationMs, 0))}">`,
  );
  for (const report of reports) {
    const c = report.checks;
    out.push(
      `  <testsuite name="${xml(`contract.${report.provider}`)}" tests="${c.length}" failures="${count(c, 'fail')}" skipped="${count(c, 'skip')}" errors="0" time="${time(report.durationMs)}" timestamp="${xml(report.startedAt.replace(/\.\d+Z$/, ''))}">`,
    );
    out.push('    <properties>');
    out.push(`      <property name="document" value="${xml(report.document)}"/>`);
    out.push(`      <property name="target" value="${xml(report.target)}"/>`);
    out.push(`      <property name="requests" value="${report.requestsSent}"/>`);
    out.push('    </properties>');
    for (const r of c) {
      const classname = `${report.provider}.${r.probe}`;
      const open = `    <testcase classname="${xml(classname)}" name="${xml(`${r.id.slice(classname.length + 1) || r.id}: ${r.title}`)}" time="0"`;
      const source = `${r.source.document}${r.source.pointer}: ${r.source.statement}`;
      if (r.outcome === 'pass') out.push(`${open}/>`);
      else if (r.outcome === 'skip') out.push(`${open}>\n      <skipped message="${xml(r.reason ?? '')}"/>\n    </testcase>`);
      else {
        out.push(
          `${open}>\n      <failure message="${xml(`expected ${r.expected ?? ''}; received ${r.received ?? ''}`)}" type="contract">${xml(
            `check:    ${r.id}\nfrom:     ${source}\nexpected: ${r.expected ?? ''}\nreceived: ${r.received ?? ''}`,
          )}</failure>\n    </testcase>`,
        );
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

function xml(text: string): string {
  return (
    text
      // Characters XML 1.0 cannot hold at all.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}
