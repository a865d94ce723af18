/* web-private.h - what the web module's files share. */
#ifndef INSEARCH_WEB_PRIVATE_H
#define INSEARCH_WEB_PRIVATE_H

#include <stddef.h>

typedef struct web_asset {
    const char *name;           /* "index.html", "app.js", ... */
    const unsigned char *data;
    size_t len;
} web_asset;

/* The page, compiled in by web/embed.sh; ends with a {NULL} entry. */
extern const web_asset web_assets[];

#endif /* INSEARCH_WEB_PRIVATE_H */
