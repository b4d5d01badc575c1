/**
 * How job inputs and results travel through Redis. BullMQ stores job data and
 * return values as JSON, which turns -0 into 0, NaN and ±Infinity into null and
 * typed arrays into objects; results must come back exactly as a local run
 * made them (the outputs are compared byte for byte), so both are sent as the
 * V8 serialisation (the structured clone worker threads use) in base64.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';

/** A value as base64 text of its V8 serialisation. */
export function encodePayload(value: unknown): string {
  return serialize(value).toString('base64');
}

/** The value {@link encodePayload} encoded. */
export function decodePayload<T = unknown>(text: string): T {
  return deserialize(Buffer.from(text, 'base64')) as T;
}

/** Hex SHA-256 of the given strings, NUL-separated. */
export function sha256(...parts: string[]): string {
  const h = createHash('sha256');
  for (const [i, p] of parts.entries()) {
    if (i > 0) h.update('\u0000');
    h.update(p);
  }
  return h.digest('hex');
}
