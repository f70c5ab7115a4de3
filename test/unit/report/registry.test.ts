import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.ts';
import { REPORT_FORMATS } from '../../../src/scenario/schema.ts';
import { formatNames, reporterFor } from '../../../src/report/registry.ts';

const REPORTER_NAMES = formatNames('run');
import { makeResult } from '../../fixtures/result.ts';

describe('reporter registry', () => {
  it('has a reporter for every scenario report format, plus terminal', () => {
    for (const f of REPORT_FORMATS) expect(reporterFor('run', f).fileName).toBeTruthy();
    expect(REPORTER_NAMES).toContain('terminal');
    expect(reporterFor('run', 'terminal').fileName).toBeUndefined();
  });

  it('maps names to the files beside result.json', () => {
    expect(['json', 'md', 'junit', 'csv', 'html'].map((n) => reporterFor('run', n).fileName)).toEqual([
      'result.json',
      'summary.md',
      'junit.xml',
      'timeseries.csv',
      'report.html',
    ]);
  });

  it('renders every format from a result alone', () => {
    for (const n of REPORTER_NAMES)
      expect(reporterFor('run', n).render(makeResult()).length).toBeGreaterThan(0);
  });

  it('rejects an unknown name, listing the valid ones', () => {
    expect(() => reporterFor('run', 'pdf')).toThrow(UserError);
    expect(() => reporterFor('run', 'pdf')).toThrow(
      'unknown report format "pdf"; valid: json, md, junit, csv, html, terminal',
    );
    expect(() => reporterFor('run', 'toString')).toThrow(UserError);
  });
});
