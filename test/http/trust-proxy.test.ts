// Behind a load balancer the visitor's address is what the balancer says it is, and every per-network
// brake counts by it: TRUST_PROXY names who may say so.
import { Router } from 'express';
import request from 'supertest';
import { createApp } from '../../server/app';
import type { ReadyConfig } from '../../server/config';
import { networkOf } from '../../server/http/network';
import { startTestContext, type TestContext } from '../support/context';

describe('the visitor’s address', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext();
  });
  afterAll(() => t.close());

  const probe = Router().get('/_test/address', (req, res) => res.json({ ip: req.ip, network: networkOf(req.ip) }));
  const addressSeen = async (trustProxy: ReadyConfig['trustProxy'], forwardedFor: string) => {
    const app = createApp({ ...t.ctx, config: { ...t.ctx.config, trustProxy } }, { extraRoutes: [probe] });
    return (await request(app).get('/_test/address').set('X-Forwarded-For', forwardedFor).expect(200)).body as { ip: string; network: string };
  };

  it('is the one a trusted proxy names, and the connection’s own when the proxy is not trusted', async () => {
    // The default trusts a proxy on this machine only (the tests' connections come from loopback).
    expect((await addressSeen(['loopback'], '203.0.113.9')).ip).toBe('203.0.113.9');
    // A balancer at 10.0.0.2 is trusted; a connection from anywhere else names itself.
    expect((await addressSeen(['10.0.0.0/8'], '203.0.113.9')).ip).toMatch(/127\.0\.0\.1$/);
    // One proxy in front: the address it saw, not what the visitor wrote before it.
    expect((await addressSeen(1, '198.51.100.1, 203.0.113.9')).ip).toBe('203.0.113.9');
    expect((await addressSeen(0, '203.0.113.9')).ip).toMatch(/127\.0\.0\.1$/);
  });

  it('counts an IPv6 visitor by their /64, which is theirs to change addresses in', async () => {
    const [a, b, c] = await Promise.all(['2001:db8:1:2::1', '2001:db8:1:2:ffff::9', '2001:db8:1:3::1'].map((ip) => addressSeen(['loopback'], ip)));
    expect(a!.network).toBe(b!.network);
    expect(a!.network).not.toBe(c!.network);
    expect((await addressSeen(['loopback'], '::ffff:198.51.100.4')).network).toBe('198.51.100.4');
  });
});
