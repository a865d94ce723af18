/* html.h - text out of HTML pages (private to corpus/).
 *
 * A report saved from a browser is turned into the markdown-like text that
 * parse.c reads as format "md": headings become '#' lines, table rows
 * "| a | b |" lines, list items "- " bullets, everything else paragraphs
 * separated by blank lines. Page furniture (navigation, banners, cookie
 * notices, footers, scripts) is dropped, and when the page has a <main>
 * element only its content is kept.
 *
 * The converter is one linear pass (two when it looks for <main>) with an
 * explicit, bounded element stack: no recursion, so no document is too
 * deep, and no input makes it quadratic.
 */
#ifndef INSEARCH_HTML_H
#define INSEARCH_HTML_H

#include <stddef.h>

/* Does this look like an HTML document? After an optional UTF-8 BOM,
 * whitespace, comments and an XML declaration, the first thing must be
 * "<!DOCTYPE html", "<html", "<head", "<body" or "<meta" (any case).
 * Only the first 4096 bytes are looked at. Returns 1 or 0. */
int rpt_html_sniff(const char *data, size_t len);

/* Convert `len` bytes of UTF-8 HTML to markdown-like UTF-8 text (see
 * above). Entities (the HTML 4 set, a few HTML 5 ones, numeric references)
 * are decoded; unknown or invalid ones stay as written. Comments, CDATA,
 * <head>, script, style, noscript, template, svg, nav, header, footer
 * (outside <main> and <article>), aside, form, button, iframe, select, and
 * elements marked hidden or aria-hidden="true" or whose class or id names
 * furniture (cookie, breadcrumb, skip-link, govuk-header, govuk-footer,
 * site-header, site-footer, nav, print-link, phase-banner, sidebar) are
 * dropped.
 *
 * On success returns 0 and sets *text (malloc'd, NUL-terminated, the
 * caller's) and *text_len; the text may be only whitespace. On failure
 * returns RPT_ERR_NOMEM or RPT_ERR_TOO_BIG (the text would pass
 * RPT_MAX_TEXT_BYTES) and sets *err, when err is non-NULL, to a malloc'd
 * message. */
int rpt_html_to_text(const char *html, size_t len, char **text,
                     size_t *text_len, char **err);

/* The charset a page declares in its first 1024 bytes (<meta charset=...>
 * or <meta http-equiv="Content-Type" content="...; charset=...">), copied
 * lowercased into name[cap]. Returns 1 if one was found, else 0. Works on
 * the raw bytes of any ASCII-compatible encoding. */
int rpt_html_declared_charset(const char *data, size_t len, char *name,
                              size_t cap);

/* Is this charset label one HTML reads as windows-1252 (windows-1252,
 * cp1252, iso-8859-1, latin1, us-ascii, ...)? Returns 1 or 0. */
int rpt_html_charset_is_cp1252(const char *name);

/* Convert windows-1252 bytes to UTF-8 (bytes it leaves undefined become
 * U+FFFD, NUL a space). *out is malloc'd and NUL-terminated. Returns 0 or
 * RPT_ERR_NOMEM / RPT_ERR_TOO_BIG (output over RPT_MAX_TEXT_BYTES). */
int rpt_html_cp1252_to_utf8(const char *in, size_t len, char **out,
                            size_t *out_len);

#endif /* INSEARCH_HTML_H */
