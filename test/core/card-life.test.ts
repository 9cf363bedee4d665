import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';
import { reissueDue } from '../../src/core/card-life.js';
import { addDays } from '../../src/core/dates.js';

const calendar = createWorkingCalendar();

describe('reissueDue: a fresh card before Feishu\'s 14 days run out', () => {
  it('never sent → at once; sent today or later → not', () => {
    expect(reissueDue(null, '2026-11-23', calendar)).toBe(true);
    expect(reissueDue('2026-11-23', '2026-11-23', calendar)).toBe(false);
  });

  it('a card sent on a Monday is renewed on the Friday of the next week (day 11), not before', () => {
    // 2026-11-23 is a Monday; the card works through 12-06 (day 13); the run after Friday 12-04 is Monday 12-07.
    expect(reissueDue('2026-11-23', '2026-12-03', calendar)).toBe(false);
    expect(reissueDue('2026-11-23', '2026-12-04', calendar)).toBe(true);
  });

  it('before a long holiday it is renewed on the last working day before it', () => {
    // 国庆节 2026: 10-01 to 10-07 off (09-30 is the last working day before it).
    const sent = '2026-09-20';
    expect(reissueDue(sent, '2026-09-29', calendar)).toBe(false);
    expect(reissueDue(sent, '2026-09-30', calendar)).toBe(true);
  });

  it('a card already dead (a run was missed) is renewed on the next run', () => {
    expect(reissueDue('2026-11-01', '2026-11-23', calendar)).toBe(true);
  });

  it('every card is renewed while it still works, whatever day it was sent', () => {
    for (let d = 0; d < 400; d++) {
      const sent = addDays('2026-01-01', d);
      // Walk the working days after `sent` as the job would: the first day it says "due" must still be inside the 14 days.
      let day = calendar.nextWorkingDay(sent);
      while (!reissueDue(sent, day, calendar)) day = calendar.nextWorkingDay(day);
      expect(day < addDays(sent, 14), `${sent} renewed ${day}`).toBe(true);
    }
  });
});
