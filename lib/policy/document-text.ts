/**
 * IAM's GetPolicyVersion, GetUserPolicy, GetRolePolicy and GetGroupPolicy return the document URL-encoded
 * "compliant with RFC 3986", and SES may too. RFC 3986 percent-encoding has no `+`-for-space rule (that is
 * HTML form encoding), so a literal `+` stays a `+`. A decoded document starts with `{`; an encoded one
 * starts with `%7B` (or percent-encoded whitespace before it). Decoding an already decoded document could
 * corrupt it (a literal `%` in a condition value), so only text that starts with a percent escape is decoded.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicyVersion.html
 */
export function decodePolicyDocumentText(text: string): string | null {
  // Only JSON's own whitespace (RFC 8259 §2) may precede the document. String.prototype.trimStart would
  // also drop a byte order mark (U+FEFF), which IAM rejects: its PolicyDocument parameters accept only
  // [\u0009\u000A\u000D\u0020-\u00FF] (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html),
  // and JSON text must not begin with one (RFC 8259 §8.1). Left in place, JSON.parse rejects it.
  const trimmed = text.replace(/^[ \t\n\r]+/, '');
  if (!trimmed.startsWith('%')) return text;
  try {
    return decodeURIComponent(trimmed);
  } catch {
    return null;
  }
}
