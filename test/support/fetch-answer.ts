/** Both bad-input suites read an answer the same way: status, headers, and the body as JSON when it parses (its text otherwise). */
export interface HttpAnswer {
  status: number;
  body: any;
  headers: Headers;
}

export async function fetchAnswer(url: string, init: RequestInit): Promise<HttpAnswer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the caller's assertions will say so
  }
  return { status: res.status, body, headers: res.headers };
}
