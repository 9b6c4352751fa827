import type { LiabilityMonth } from './buildReport.js';
import { liabilitiesChart } from './liabilitiesChart.js';

/** The liabilities chart for `report --chart`: axes, gridlines, a legend of the series present (liabilitiesChart). */
export function liabilitiesSvg(months: LiabilityMonth[], title = 'stakebts liabilities by due month (BTS)'): string {
  return liabilitiesChart(months, { title });
}
