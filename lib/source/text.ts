import { createRequire } from 'node:module';
import type * as zlib from 'node:zlib';

/** node:zlib loads when bytes are gzipped, not with this module: loading it was ~0.4 ms of every one-file `sesguard check`. */
function gunzipSync(bytes: Uint8Array): Uint8Array {
  return (createRequire(import.meta.url)('node:zlib') as typeof zlib).gunzipSync(bytes);
}

/**
 * Bytes as people and AWS hand them to sesguard: UTF-8 text, possibly with a byte-order mark, possibly
 * gzipped (CloudTrail delivers its S3 log files as `.json.gz`).
 *
 * A leading UTF-8 byte-order mark (U+FEFF) is dropped before parsing and reported. RFC 8259 §8.1 says JSON
 * text must not start with one but lets a parser ignore it; what AWS does differs by service (S3 refuses a
 * bucket policy unless "the first byte must be '{'", and the AWS CLI sends a `file://` document as the text
 * it read, mark included). sesguard judges the document either way, so a mark can neither hide a policy
 * from the check nor make a compliant one fail; the report says it was there.
 */
export interface SourceText {
  text: string;
  /** The input started with a UTF-8 byte-order mark, which was dropped. */
  hadByteOrderMark: boolean;
  /** The bytes were gzip-compressed. */
  gzipped: boolean;
}

const GZIP_MAGIC = [0x1f, 0x8b];

export class UnreadableTextError extends Error {
  override readonly name = 'UnreadableTextError';
}

export function decodeSourceBytes(bytes: Uint8Array): SourceText {
  const gzipped = bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
  let raw = bytes;
  if (gzipped) {
    try {
      raw = gunzipSync(bytes);
    } catch (error) {
      throw new UnreadableTextError(`is gzip-compressed but does not decompress: ${(error as Error).message}`);
    }
  }
  if (raw[0] === 0xff && raw[1] === 0xfe) throw new UnreadableTextError('is UTF-16 (little-endian) text; save it as UTF-8');
  if (raw[0] === 0xfe && raw[1] === 0xff) throw new UnreadableTextError('is UTF-16 (big-endian) text; save it as UTF-8');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
  } catch {
    throw new UnreadableTextError('is not UTF-8 text');
  }
  const hadByteOrderMark = text.charCodeAt(0) === 0xfeff;
  return { text: hadByteOrderMark ? text.slice(1) : text, hadByteOrderMark, gzipped };
}
