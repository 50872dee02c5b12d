/** Escaping for the HTML report: every value that comes from a log (run and tag names, messages) goes through here. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\n': '&#10;', '\r': '&#13;' };

/**
 * Text or attribute value → safe HTML (quotes escaped too, so it may go inside either quote
 * style). Line breaks become character references: the same text, but no value from a log starts
 * a line of the page (where a CI log would read `::error::…` as a command).
 */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"'\n\r]/g, (c) => HTML_ESCAPES[c]);
}

/**
 * A value as JSON for a `<script type="application/json">` element. `<`, `>` and `&` become
 * \u003c, \u003e, \u0026 so no `</script>`, `<!--` or `]]>` can appear in the element;
 * U+2028/2029 are escaped for good measure. `JSON.parse(el.textContent)` gets the value back.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
