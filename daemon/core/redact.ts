// Credentials inside URLs (rtsp://user:pass@camera) never reach a log line or an error message.

/** A URL fit for logs and ids: user and password removed. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1***@');
}

/** Any URL with credentials inside a line of text (e.g. ffmpeg's stderr), redacted. */
export function redactText(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}
