// What a visitor sees when something breaks on our side: a friendly page or a JSON error with a
// reference that staff can find in the log, never a stack trace.
import { Router } from 'express';
import request from 'supertest';
import { startTestContext, type TestContext } from '../support/context';

describe('an unexpected failure', () => {
  let t: TestContext;
  beforeAll(async () => {
    const broken = Router();
    broken.get('/broken', () => {
      throw new Error('the database said something private');
    });
    broken.get('/api/broken', () => {
      throw new Error('the database said something private');
    });
    t = await startTestContext({}, { extraRoutes: [broken] });
  });
  afterAll(() => t.close());

  it('answers an API 500 with a stable code and a reference, and nothing of the error itself', async () => {
    const res = await request(t.app).get('/api/broken').expect(500);
    expect(res.body.error).toMatchObject({ code: 'internal_error' });
    expect(res.body.error.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.text).not.toContain('something private');
  });

  it('shows a page with a reference, different each time, and no stack trace', async () => {
    const references = await Promise.all(
      [1, 2].map(async () => {
        const res = await request(t.app).get('/broken').set('Accept', 'text/html').expect(500);
        expect(res.text).not.toContain('something private');
        expect(res.text).not.toMatch(/at .*\.ts:\d+/);
        return /<code>([^<]+)<\/code>/.exec(res.text)?.[1];
      }),
    );
    expect(references[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(references[1]).not.toBe(references[0]);
  });
});
