/**
 * Runware's async tasks and webhook records live in the state store: a task created through one engine
 * is pollable through another sharing the store, sessions do not see each other's tasks, and completion
 * follows standin's clock (`POST /_standin/clock`), not only the number of polls.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadDocuments } from '../src/node/load-documents.js';
import { createMemoryStore, createStandin, type Engine } from '../src/standin.js';
import { ASYNC_RUN_MS } from '../src/profiles/runware-tasks/task-store.js';

type Obj = Record<string, any>;
const MODEL = 'anthropic:claude@haiku-4.5';
const asyncTask = (): Obj => ({ taskType: 'textInference', taskUUID: randomUUID(), model: MODEL, deliveryMethod: 'async', messages: [{ role: 'user', content: 'Name a lake.' }] });

async function send(engine: Engine, body: unknown, session?: string): Promise<Obj> {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: 'Bearer rw-key' };
  if (session) headers['x-standin-session'] = session;
  const res = await engine.fetch(new Request('http://standin.local/runware/v1', { method: 'POST', headers, body: JSON.stringify(body) }));
  return (await res.json()) as Obj;
}
const poll = (taskUUID: string) => [{ taskType: 'getResponse', taskUUID }];

describe('Runware tasks in the state store', () => {
  it('a task created on one engine is polled on another that shares the store', async () => {
    const documents = await loadDocuments(['runware']);
    const store = createMemoryStore();
    const a = createStandin({ documents, store });
    const b = createStandin({ documents, store });
    const task = asyncTask();
    expect((await send(a, [task])).data[0].status).toBe('processing');
    expect((await send(b, poll(task.taskUUID))).data[0].status).toBe('processing');
    const done = await send(a, poll(task.taskUUID));
    expect(done.data[0]).toMatchObject({ taskUUID: task.taskUUID, status: 'success' });
    expect(typeof done.data[0].text).toBe('string');
    // An engine with its own store has never seen the task.
    const alone = createStandin({ documents });
    expect((await send(alone, poll(task.taskUUID))).errors[0].code).toBe('taskFailedOrNotFound');
  });

  it('tasks belong to their session', async () => {
    const engine = createStandin({ documents: await loadDocuments(['runware']) });
    const task = asyncTask();
    await send(engine, [task], 'one');
    expect((await send(engine, poll(task.taskUUID), 'two')).errors[0].code).toBe('taskFailedOrNotFound');
    expect((await send(engine, poll(task.taskUUID), 'one')).data[0].status).toBe('processing');
    await engine.reset('one');
    expect((await send(engine, poll(task.taskUUID), 'one')).errors[0].code).toBe('taskFailedOrNotFound');
  });

  it('moving the clock past the run time completes the task before any poll', async () => {
    const engine = createStandin({ documents: await loadDocuments(['runware']) });
    const task = asyncTask();
    await send(engine, [task]);
    await engine.clock.advance(ASYNC_RUN_MS);
    expect((await send(engine, poll(task.taskUUID))).data[0]).toMatchObject({ status: 'success', taskUUID: task.taskUUID });
  });

  it('without the clock moving, the first poll says processing (a polling loop still finishes)', async () => {
    const engine = createStandin({ documents: await loadDocuments(['runware']) });
    const task = asyncTask();
    await send(engine, [task]);
    await engine.clock.advance(ASYNC_RUN_MS - 100);
    expect((await send(engine, poll(task.taskUUID))).data[0].status).toBe('processing');
    expect((await send(engine, poll(task.taskUUID))).data[0].status).toBe('success');
  });
});
