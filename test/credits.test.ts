/**
 * Credits (`--credits`, `createStandin({ credits })`) through the Node server, MSW and the fetch
 * drop-in: each answer is charged at the document's prices, ByteSpike's quota headers show the real
 * balance, a spent wallet gets the provider's documented 402 in its own envelope, another key and
 * another session still work, and a reset refills.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin } from '../src/standin.js';
import { connect, TRANSPORTS, type Transport } from './support/transports.js';

/** Enough for a few short answers at $1 / $5 per million tokens. */
const CREDITS = 0.0005;
const price = (input: number, output: number): number => (input * 1 + output * 5) / 1e6;

function bytespike(t: Transport, key: string, session?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' };
  if (session) headers['x-standin-session'] = session;
  const body = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Spend a little' }] });
  return t.fetch('/bytespike/v1/messages', { method: 'POST', headers, body });
}

function aigateway(t: Transport, key: string): Promise<Response> {
  const body = JSON.stringify({ model: 'anthropic/claude-haiku-4.5', messages: [{ role: 'user', content: 'Spend a little' }] });
  return t.fetch('/aigateway/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
}

for (const name of TRANSPORTS) {
  describe(`--credits ${CREDITS} through the ${name}`, () => {
    let t: Transport;
    beforeAll(async () => {
      const engine = createStandin({ documents: await loadDocuments(['bytespike', 'aigateway', 'runware', 'anthropic']), credits: CREDITS });
      t = await connect(name, engine);
    });
    afterAll(() => t.close());

    it('charges ByteSpike answers at the prices, shows the balance, and answers 402 once it is spent', async () => {
      let balance = CREDITS;
      let refused: Response | undefined;
      for (let i = 0; i < 20 && !refused; i++) {
        const res = await bytespike(t, 'sk-byts-wallet');
        if (res.status === 402) {
          refused = res;
          break;
        }
        expect(res.status).toBe(200);
        const { usage } = (await res.json()) as { usage: { input_tokens: number; output_tokens: number } };
        // The estimate is the worst case: the input and all of max_tokens, at the same prices.
        expect(Number(res.headers.get('x-bytespike-estimated-credits'))).toBeCloseTo(price(usage.input_tokens, 64), 6);
        balance = Math.max(0, balance - price(usage.input_tokens, usage.output_tokens));
        expect(Number(res.headers.get('x-quota-remaining-credits'))).toBeCloseTo(balance, 6);
        expect(Number(res.headers.get('x-org-quota-remaining-credits'))).toBeCloseTo(balance, 6);
      }
      expect(refused?.status).toBe(402);
      expect(balance).toBe(0);
      expect(refused!.headers.get('x-quota-remaining-credits')).toBe('0');
      expect(await refused!.json()).toMatchObject({ type: 'error', error: { type: 'billing_error' } });

      const other = await bytespike(t, 'sk-byts-other');
      expect(other.status).toBe(200);
      expect(Number(other.headers.get('x-quota-remaining-credits'))).toBeLessThan(CREDITS);
      const otherSession = await bytespike(t, 'sk-byts-wallet', 'another-run');
      expect(otherSession.status).toBe(200);

      const reset = await t.fetch('/_standin/reset', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(reset.status).toBe(200);
      expect((await bytespike(t, 'sk-byts-wallet')).status).toBe(200);
    });

    it("answers AIgateway's 402 insufficient_credits once the wallet is spent; another key still works", async () => {
      let status = 200;
      let answered = 0;
      let spent = 0;
      for (let i = 0; i < 20 && status === 200; i++) {
        const res = await aigateway(t, 'sk-aig-wallet');
        status = res.status;
        if (status === 200) {
          answered++;
          const { usage } = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
          spent += price(usage.prompt_tokens, usage.completion_tokens);
        } else {
          expect(status).toBe(402);
          expect(res.headers.get('x-should-retry')).toBe('false');
          expect(await res.json()).toMatchObject({ error: { type: 'insufficient_credits', code: 'insufficient_credits' } });
        }
      }
      expect(status).toBe(402);
      // Served while the balance lasted, and not one answer longer.
      expect(spent).toBeGreaterThanOrEqual(CREDITS);
      expect(spent - CREDITS).toBeLessThan(spent / answered);
      expect((await aigateway(t, 'sk-aig-else')).status).toBe(200);
    });

    it("charges Runware what includeCost reports, and answers paymentRequired when spent", async () => {
      let status = 200;
      let spent = 0;
      for (let i = 0; i < 20 && status === 200; i++) {
        const task = { taskType: 'textInference', taskUUID: `0a6b3c2d-1e4f-4a5b-8c7d-${String(i).padStart(12, '0')}`, model: 'anthropic:claude@haiku-4.5', includeCost: true, includeUsage: true, messages: [{ role: 'user', content: 'Spend' }] };
        const res = await t.fetch('/runware/v1', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer rw-wallet' }, body: JSON.stringify([task]) });
        status = res.status;
        const body = (await res.json()) as { data: { cost: number; usage: { promptTokens: number; completionTokens: number } }[]; errors?: { code: string }[] };
        if (status === 200) {
          const item = body.data[0]!;
          expect(item.cost).toBeCloseTo(price(item.usage.promptTokens, item.usage.completionTokens), 9);
          spent += item.cost;
        } else {
          expect(status).toBe(402);
          expect(body.errors?.[0]?.code).toBe('paymentRequired');
        }
      }
      expect(status).toBe(402);
      expect(spent).toBeGreaterThanOrEqual(CREDITS);
    });

    it('leaves Anthropic, whose document keeps no wallet, uncharged', async () => {
      for (let i = 0; i < 8; i++) {
        const res = await t.fetch('/anthropic/v1/messages', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-nowallet', 'anthropic-version': '2023-06-01' },
          body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Spend a little' }] }),
        });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
    });
  });
}
