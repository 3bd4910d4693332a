// The non-streaming ceiling: a bare node:http server that reads the same request, parses it and validates
// it with Ajv against the same document schema standin uses, then sends the bytes standin sent (its
// captured headers and body, BENCH_DATA), so the client's work per response is equal.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadDocuments } from '../dist/node/load-documents.js';
import { createAjv, prepareForAjv } from '../dist/core/validator.js';
import { writeWhole } from '../dist/adapters/write-whole.js';

const data = JSON.parse(readFileSync(process.env.BENCH_DATA, 'utf8'));
const { headers, body: fixed } = data.json;
const { anthropic } = await loadDocuments(['anthropic']);
// standin's own preparation: what Ajv cannot read removed, large subschemas split out (where they went: relocate)
const relocate = prepareForAjv(anthropic);
const ajv = createAjv(); // standin's own Ajv settings (draft 2020-12, formats, discriminator)
ajv.addSchema(anthropic, 'anthropic');
const validate = ajv.compile({ $ref: `anthropic#${relocate('/paths/~1v1~1messages/post/requestBody/content/application~1json/schema')}` });

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (!validate(JSON.parse(body))) throw new Error('the bench request is invalid');
    // Written by standin's own writer (headers in one list with the length, one write): equal bytes on
    // the wire, written the same way.
    writeWhole(200, headers, fixed, res);
  });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
