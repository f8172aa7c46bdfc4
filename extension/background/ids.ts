/** Identifiers the extension accepts from outside: challenge ids and approval ids are RFC 9562 UUIDs. */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** True for a lowercase canonical UUID (versions 1–8, RFC 9562 variant); anything else is refused. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

/**
 * The origin of an http(s) URL (`https://relay.example`), or undefined when `value` is not one.
 * Used to compare a page's origin with the configured relay origin.
 */
export function httpOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.origin;
}
