import { describe, expect, it } from 'vitest';
import { normalizeMobile, pickOpenId } from '../../src/core/reach.js';

describe('reach rules', () => {
  it('normalizes mainland numbers and keeps + country codes', () => {
    expect(normalizeMobile('138 0000-1234')).toBe('13800001234');
    expect(normalizeMobile('+8613800001234')).toBe('13800001234');
    expect(normalizeMobile('+85291234567')).toBe('+85291234567');
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
