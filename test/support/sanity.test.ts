import { describe, expect, it } from 'vitest';
import { motoEndpoint } from './moto.js';

describe('test harness', () => {
  it('started a moto server on loopback', async () => {
    const url = motoEndpoint();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/moto-api/`);
    expect(res.status).toBe(200);
  });
});
