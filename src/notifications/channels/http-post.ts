import { urlHint } from '../channel-schemas.js';
import { DeliveryError, SEND_TIMEOUT_MS } from './delivery-error.js';

const RETRY_STATUS = new Set([408, 425, 429]);

function causeCode(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

/**
 * POSTs a JSON body to a channel's URL. A 2xx is delivered; 5xx, 408, 425, 429, a timeout or a connection error
 * may be retried; any other status is final. Redirects are not followed (a webhook URL that redirects is wrong).
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string> = {},
  timeoutMs = SEND_TIMEOUT_MS,
): Promise<void> {
  const where = urlHint(url);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Cloudtally-Notifications', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new DeliveryError(
      timedOut
        ? `POST ${where}: no answer within ${Math.round(timeoutMs / 1000)} s`
        : `POST ${where}: could not connect (${causeCode(err)})`,
      true,
    );
  }
  const text = (await res.text().catch(() => '')).slice(0, 300).replace(/\s+/g, ' ').trim();
  if (res.ok) return;
  const retryable = res.status >= 500 || RETRY_STATUS.has(res.status);
  throw new DeliveryError(
    `POST ${where}: HTTP ${res.status}${text ? ` (${text})` : ''}${retryable ? '' : '; check the channel settings'}`,
    retryable,
  );
}
