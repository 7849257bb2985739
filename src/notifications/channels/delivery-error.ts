/**
 * A failed delivery, said without the channel's secret (a Slack or Teams URL is a credential, so only its host
 * is named). `retryable`: the receiver may take it later (5xx, 429, a timeout, a refused or dropped connection);
 * otherwise resending the same message cannot help (a 4xx, a rejected SMTP login).
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** How long one delivery attempt may take before it counts as a timeout. */
export const SEND_TIMEOUT_MS = 15_000;
