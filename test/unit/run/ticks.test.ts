import { describe, expect, it } from 'vitest';
import { tickTimes } from '../../../src/run/measure/ticks.ts';

describe('tickTimes', () => {
  it('ticks every interval and exactly at the end of warm-up, never past the window', () => {
    expect(tickTimes(1000, 2500, 6000)).toEqual([1000, 2000, 2500, 3500, 4500, 5500]);
  });
  it('has no warm-up tick without a warm-up', () => {
    expect(tickTimes(1000, 0, 3000)).toEqual([1000, 2000]);
  });
  it('puts the warm-up tick once when warm-up is a whole number of intervals', () => {
    expect(tickTimes(1000, 2000, 4000)).toEqual([1000, 2000, 3000]);
  });
  it('leaves the window end to the caller (the final tick after the load)', () => {
    expect(tickTimes(5000, 0, 5000)).toEqual([]);
  });
});
