// The streaming ceiling: a bare node:http server that sends the frames standin sent for the same request
// (captured, BENCH_DATA; the stream is chosen by the path's first segment). Unpaced, the head and every
// frame go in one write. Paced (BENCH_TTFT_MS, BENCH_TPS), it follows the same schedule standin does, with
// one timer per stream: frames due together go out in one write.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const data = JSON.parse(readFileSync(process.env.BENCH_DATA, 'utf8'));
const ttft = Number(process.env.BENCH_TTFT_MS ?? 0);
const tps = Number(process.env.BENCH_TPS ?? 0);
const paced = ttft > 0 || tps > 0;
const byName = {};
for (const [name, stream] of Object.entries(data.streams)) {
  let due = 0;
  let sawTokens = false;
  const frames = stream.frames.map((f) => {
    if (f.tokens) {
      if (!sawTokens) due += ttft;
      sawTokens = true;
      if (tps > 0) due += (f.tokens * 1000) / tps;
    }
    return { text: f.text, due };
  });
  byName[name] = { headers: stream.headers, frames, whole: stream.frames.map((f) => f.text).join('') };
}

const server = createServer({ connectionsCheckingInterval: 30_000 }, (req, res) => {
  const stream = byName[req.url.split('/')[1]];
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    JSON.parse(body);
    res.writeHead(200, stream.headers);
    if (!paced) return res.end(stream.whole);
    const started = performance.now();
    let i = 0;
    let timer;
    const next = () => {
      const now = performance.now() - started;
      let text = '';
      while (i < stream.frames.length && stream.frames[i].due <= now) text += stream.frames[i++].text;
      if (i === stream.frames.length) return res.end(text);
      if (text) res.write(text);
      timer = setTimeout(next, Math.ceil(stream.frames[i].due - now));
    };
    res.on('close', () => clearTimeout(timer));
    next();
  });
});
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => process.send({ port: server.address().port }));
