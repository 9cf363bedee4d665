import { describe, expect, it } from 'vitest';
import { isLookupMobile, normalizeMobile, pickOpenId } from '../../src/core/reach.js';

describe('reach rules', () => {
  it('normalizes mainland numbers and keeps + country codes', () => {
    expect(normalizeMobile('138 0000-1234')).toBe('13800001234');
    expect(normalizeMobile('+8613800001234')).toBe('13800001234');
    expect(normalizeMobile('+85291234567')).toBe('+85291234567');
  });
  it('turns every way an official types a mainland number into the 11 digits batch_get_id asks for', () => {
    for (const typed of ['138 0013 8000', '138-0013-8000', '+86 13800138000', '+8613800138000', '86-13800138000', '8613800138000', '0086 138 0013 8000',
      '１３８００１３８０００', '＋８６ １３８００１３８０００', '13800138000（办）', '13800138000(办)', '手机：13800138000', '(+86)13800138000', '138.0013.8000', '13800138000、13900139000']) {
      expect(normalizeMobile(typed), typed).toBe('13800138000');
    }
    expect(normalizeMobile('+852 9123 4567')).toBe('+85291234567');
    expect(normalizeMobile('00852-91234567')).toBe('+85291234567');
    expect(isLookupMobile(normalizeMobile('010-12345678'))).toBe(false);
    expect(isLookupMobile(normalizeMobile('1380013800'))).toBe(false);
  });
  it('picks the active account, mobile before email, and says why not', () => {
    const m = new Map([['13800001234', { openId: 'ou_m', resigned: false }], ['13900000000', { openId: 'ou_gone', resigned: true }]]);
    const e = new Map([['a@b.org', { openId: 'ou_e', resigned: false }]]);
    expect(pickOpenId({ mobile: '13800001234', email: 'A@b.org' }, m, e)).toEqual({ openId: 'ou_m' });
    expect(pickOpenId({ mobile: '13900000000', email: 'a@b.org' }, m, e)).toEqual({ openId: 'ou_e' });
    expect(pickOpenId({ mobile: '13900000000', email: null }, m, e)).toEqual({ reason: 'resigned' });
    expect(pickOpenId({ mobile: '13700000000', email: null }, m, e)).toEqual({ reason: 'not_found' });
    expect(pickOpenId({ mobile: null, email: null }, m, e)).toEqual({ reason: 'no_contact' });
  });
});
