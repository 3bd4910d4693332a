/**
 * Which headers carry a credential or name an account, and the secrets their values hold. Shared by
 * everything that keeps a copy of a request (recordings, the journal): such a header's value is never
 * kept, and what it held is handed to the redactor (src/core/redact.ts) to hide wherever else it appears.
 */

/** Headers that carry credentials or identify an account: their values are never written. */
export const SECRET_HEADERS =
  /^(authorization|proxy-authorization|x-api-key|api-key|cookie|set-cookie|anthropic-organization-id|openai-organization|openai-project|x-organization-id|x-account-id|x-goog-api-key)$|organi[sz]ation|account-id/i;

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.test(name);
}

/** Every secret header value in `headers`, and the token inside a `Bearer` or `Basic` value. */
export function secretsInHeaders(headers: Record<string, string>): string[] {
  const secrets: string[] = [];
  for (const name in headers) {
    if (!SECRET_HEADERS.test(name)) continue;
    const value = headers[name]!;
    secrets.push(value);
    const token = /^(bearer|basic)\s+(.+)$/i.exec(value);
    if (token) secrets.push(token[2]!);
  }
  return secrets;
}
