/**
 * Removes credentials from a node URL before it reaches a message, log line or metric label:
 * user info is dropped and query values are masked (some providers put API keys there).
 *
 * @param url - node URL as configured
 * @returns the URL without secrets; an unparsable URL becomes `'<invalid url>'`
 * @example sanitizeUrl('wss://user:pw@node.example/ws?key=abc') // 'wss://node.example/ws?key=***'
 */
export function sanitizeUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '<invalid url>';
  }
  u.username = '';
  u.password = '';
  for (const key of [...u.searchParams.keys()]) u.searchParams.set(key, '***');
  return u
    .toString()
    .replace(/\/$/, '')
    .replace(/%2A%2A%2A/g, '***');
}
