/**
 * Offers per source address, as a token bucket: each offer makes a WebRTC session (a webrtcbin with
 * its threads, a DTLS handshake), so one misbehaving page or script must not be able to starve the
 * vehicle's computer. A reconnecting rov-client makes at most about one offer a second, a pilot's
 * station with several viewers a burst at start: both pass. Bounded: the oldest addresses are
 * forgotten past `maxAddresses`. Pure, with an injectable clock.
 */

export interface OfferRateLimitOptions {
  /** Offers an address may make at once. */
  burst: number;
  /** Offers an address regains each second. */
  perSecond: number;
  /** Addresses remembered at once (a spoofing flood cannot grow the table). */
  maxAddresses: number;
  now: () => number;
}

export const OFFER_RATE: Omit<OfferRateLimitOptions, "now"> = { burst: 10, perSecond: 2, maxAddresses: 1024 };

export class OfferRateLimit {
  #options: OfferRateLimitOptions;
  /** Tokens left per address and when they were counted; Map order is the order of last use. */
  #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: Partial<OfferRateLimitOptions> = {}) {
    this.#options = { ...OFFER_RATE, now: () => performance.now(), ...options };
  }

  /** Takes one offer for `address`: 0 when allowed, else the seconds until the next is. */
  take(address: string): number {
    const { burst, perSecond, maxAddresses, now } = this.#options;
    const at = now();
    const bucket = this.#buckets.get(address) ?? { tokens: burst, at };
    const tokens = Math.min(burst, bucket.tokens + (at - bucket.at) / 1000 * perSecond);
    this.#buckets.delete(address);
    if (tokens < 1) {
      this.#buckets.set(address, { tokens, at });
      return Math.ceil((1 - tokens) / perSecond);
    }
    this.#buckets.set(address, { tokens: tokens - 1, at });
    if (this.#buckets.size > maxAddresses) this.#buckets.delete(this.#buckets.keys().next().value!);
    return 0;
  }

  /** Addresses remembered now. */
  get size(): number {
    return this.#buckets.size;
  }
}
