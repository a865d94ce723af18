/* html.c - HTML pages into the markdown-like text parse.c reads as "md".
 *
 * Not a full HTML5 tree builder: reports need their words, headings, lists
 * and tables, not a DOM. The tokenizer follows HTML5 where it decides what
 * is text (comments, raw-text elements such as <script>, quoted attribute
 * values that may hold '>'); the tree side keeps a small explicit stack of
 * open elements with the few implied ends that matter for text (p, li,
 * dt/dd, tr, td/th) and nothing else.
 *
 * Bounds, since a page can be hostile or just broken:
 *  - the stack holds HTML_MAX_DEPTH elements; deeper ones are counted, not
 *    stored, and each end tag while any are counted closes one of them, so
 *    100,000 nested <div>s cost a counter, not memory or recursion;
 *  - an end tag looks down the stack only when an element of that name is
 *    open (counts by name hash), and looking without finding is paid from
 *    a budget proportional to the input, after which searches are short:
 *    a million stray end tags under a deep stack stay linear;
 *  - attribute values are never copied; furniture names are looked for in
 *    the first ATTR_LOOK bytes of a class or id only;
 *  - the output is an rpt_buf capped at RPT_MAX_TEXT_BYTES.
 *
 * Output conventions parse.c relies on: one paragraph per line with a blank
 * line after it (markdown joins adjacent lines), table rows on adjacent
 * lines, inline markdown characters in the page's text escaped with '\'
 * (parse.c strips markdown emphasis and links), '|' inside a cell written
 * as '/', and "**" around <b>/<strong> so that a paragraph that is all bold
 * (a monitoring visit's theme question) reads as a heading, as it does in
 * the markdown exports.
 */
#include "corpus/html.h"
#include "corpus/report-private.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTML_MAX_DEPTH 1024u
#define EL_NAME_MAX 24u
#define ATTR_LOOK 4096u
#define SNIFF_LOOK 4096u
#define PRESCAN_LOOK 1024u

/* ------------------------------------------------------------ characters */

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Case-insensitive: does s[0..n) start with the lowercase word w? */
static int starts_ci(const char *s, size_t n, const char *w)
{
    size_t i;
    for (i = 0; w[i]; i++)
        if (i >= n || lower((unsigned char)s[i]) != (unsigned char)w[i])
            return 0;
    return 1;
}

static int eq_ci(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && starts_ci(s, n, w);
}

static size_t utf8_put(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* windows-1252 0x80-0x9F; 0 where it defines nothing. HTML maps numeric
 * references in this range the same way, since pages written in Word
 * carry them. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/* -------------------------------------------------------------- entities */

typedef struct entity {
    const char *name;
    uint32_t cp;
} entity;

/* The HTML 4 set, &apos;, the upper-case spellings HTML 5 keeps for the
 * commonest, &hyphen; and &dash;. Sorted by strcmp (bsearch); a test
 * checks the order. */
static const entity entities[] = {
    {"AElig", 198}, {"AMP", 38}, {"Aacute", 193}, {"Acirc", 194},
    {"Agrave", 192}, {"Alpha", 913}, {"Aring", 197}, {"Atilde", 195},
    {"Auml", 196}, {"Beta", 914}, {"COPY", 169}, {"Ccedil", 199},
    {"Chi", 935}, {"Dagger", 8225}, {"Delta", 916}, {"ETH", 208},
    {"Eacute", 201}, {"Ecirc", 202}, {"Egrave", 200}, {"Epsilon", 917},
    {"Eta", 919}, {"Euml", 203}, {"GT", 62}, {"Gamma", 915}, {"Iacute", 205},
    {"Icirc", 206}, {"Igrave", 204}, {"Iota", 921}, {"Iuml", 207},
    {"Kappa", 922}, {"LT", 60}, {"Lambda", 923}, {"Mu", 924}, {"Ntilde", 209},
    {"Nu", 925}, {"OElig", 338}, {"Oacute", 211}, {"Ocirc", 212},
    {"Ograve", 210}, {"Omega", 937}, {"Omicron", 927}, {"Oslash", 216},
    {"Otilde", 213}, {"Ouml", 214}, {"Phi", 934}, {"Pi", 928},
    {"Prime", 8243}, {"Psi", 936}, {"QUOT", 34}, {"REG", 174}, {"Rho", 929},
    {"Scaron", 352}, {"Sigma", 931}, {"THORN", 222}, {"Tau", 932},
    {"Theta", 920}, {"Uacute", 218}, {"Ucirc", 219}, {"Ugrave", 217},
    {"Upsilon", 933}, {"Uuml", 220}, {"Xi", 926}, {"Yacute", 221},
    {"Yuml", 376}, {"Zeta", 918}, {"aacute", 225}, {"acirc", 226},
    {"acute", 180}, {"aelig", 230}, {"agrave", 224}, {"alefsym", 8501},
    {"alpha", 945}, {"amp", 38}, {"and", 8743}, {"ang", 8736}, {"apos", 39},
    {"aring", 229}, {"asymp", 8776}, {"atilde", 227}, {"auml", 228},
    {"bdquo", 8222}, {"beta", 946}, {"brvbar", 166}, {"bull", 8226},
    {"cap", 8745}, {"ccedil", 231}, {"cedil", 184}, {"cent", 162},
    {"chi", 967}, {"circ", 710}, {"clubs", 9827}, {"cong", 8773},
    {"copy", 169}, {"crarr", 8629}, {"cup", 8746}, {"curren", 164},
    {"dArr", 8659}, {"dagger", 8224}, {"darr", 8595}, {"dash", 8208},
    {"deg", 176}, {"delta", 948}, {"diams", 9830}, {"divide", 247},
    {"eacute", 233}, {"ecirc", 234}, {"egrave", 232}, {"empty", 8709},
    {"emsp", 8195}, {"ensp", 8194}, {"epsilon", 949}, {"equiv", 8801},
    {"eta", 951}, {"eth", 240}, {"euml", 235}, {"euro", 8364},
    {"exist", 8707}, {"fnof", 402}, {"forall", 8704}, {"frac12", 189},
    {"frac14", 188}, {"frac34", 190}, {"frasl", 8260}, {"gamma", 947},
    {"ge", 8805}, {"gt", 62}, {"hArr", 8660}, {"harr", 8596},
    {"hearts", 9829}, {"hellip", 8230}, {"hyphen", 8208}, {"iacute", 237},
    {"icirc", 238}, {"iexcl", 161}, {"igrave", 236}, {"image", 8465},
    {"infin", 8734}, {"int", 8747}, {"iota", 953}, {"iquest", 191},
    {"isin", 8712}, {"iuml", 239}, {"kappa", 954}, {"lArr", 8656},
    {"lambda", 955}, {"lang", 9001}, {"laquo", 171}, {"larr", 8592},
    {"lceil", 8968}, {"ldquo", 8220}, {"le", 8804}, {"lfloor", 8970},
    {"lowast", 8727}, {"loz", 9674}, {"lrm", 8206}, {"lsaquo", 8249},
    {"lsquo", 8216}, {"lt", 60}, {"macr", 175}, {"mdash", 8212},
    {"micro", 181}, {"middot", 183}, {"minus", 8722}, {"mu", 956},
    {"nabla", 8711}, {"nbsp", 160}, {"ndash", 8211}, {"ne", 8800},
    {"ni", 8715}, {"not", 172}, {"notin", 8713}, {"nsub", 8836},
    {"ntilde", 241}, {"nu", 957}, {"oacute", 243}, {"ocirc", 244},
    {"oelig", 339}, {"ograve", 242}, {"oline", 8254}, {"omega", 969},
    {"omicron", 959}, {"oplus", 8853}, {"or", 8744}, {"ordf", 170},
    {"ordm", 186}, {"oslash", 248}, {"otilde", 245}, {"otimes", 8855},
    {"ouml", 246}, {"para", 182}, {"part", 8706}, {"permil", 8240},
    {"perp", 8869}, {"phi", 966}, {"pi", 960}, {"piv", 982}, {"plusmn", 177},
    {"pound", 163}, {"prime", 8242}, {"prod", 8719}, {"prop", 8733},
    {"psi", 968}, {"quot", 34}, {"rArr", 8658}, {"radic", 8730},
    {"rang", 9002}, {"raquo", 187}, {"rarr", 8594}, {"rceil", 8969},
    {"rdquo", 8221}, {"real", 8476}, {"reg", 174}, {"rfloor", 8971},
    {"rho", 961}, {"rlm", 8207}, {"rsaquo", 8250}, {"rsquo", 8217},
    {"sbquo", 8218}, {"scaron", 353}, {"sdot", 8901}, {"sect", 167},
    {"shy", 173}, {"sigma", 963}, {"sigmaf", 962}, {"sim", 8764},
    {"spades", 9824}, {"sub", 8834}, {"sube", 8838}, {"sum", 8721},
    {"sup", 8835}, {"sup1", 185}, {"sup2", 178}, {"sup3", 179},
    {"supe", 8839}, {"szlig", 223}, {"tau", 964}, {"there4", 8756},
    {"theta", 952}, {"thetasym", 977}, {"thinsp", 8201}, {"thorn", 254},
    {"tilde", 732}, {"times", 215}, {"trade", 8482}, {"uArr", 8657},
    {"uacute", 250}, {"uarr", 8593}, {"ucirc", 251}, {"ugrave", 249},
    {"uml", 168}, {"upsih", 978}, {"upsilon", 965}, {"uuml", 252},
    {"weierp", 8472}, {"xi", 958}, {"yacute", 253}, {"yen", 165},
    {"yuml", 255}, {"zeta", 950}, {"zwj", 8205}, {"zwnj", 8204},
};

#define N_ENTITIES (sizeof entities / sizeof entities[0])

/* Entities HTML accepts without the ';' (in text) that pages really write
 * so: "&nbsp", "&amp" and friends from hand-written markup. */
static const char *const bare_entities[] = {
    "amp", "lt", "gt", "quot", "nbsp", "copy", "reg", "AMP", "LT", "GT",
    "QUOT", "COPY", "REG",
};

static int entity_cmp(const void *key, const void *elt)
{
    return strcmp((const char *)key, ((const entity *)elt)->name);
}

static uint32_t entity_lookup(const char *name)
{
    const entity *e = bsearch(name, entities, N_ENTITIES, sizeof entities[0],
                              entity_cmp);
    return e ? e->cp : 0;
}

/* Decode the reference at s[0] == '&'. Returns the bytes it takes (0 when
 * it is no valid reference: the '&' is then text) and the code point. */
static size_t entity_decode(const char *s, size_t n, uint32_t *cp)
{
    size_t i = 1;
    if (i < n && s[i] == '#') {
        uint32_t v = 0;
        int hex = 0, digits = 0;
        i++;
        if (i < n && (s[i] == 'x' || s[i] == 'X')) {
            hex = 1;
            i++;
        }
        for (; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            unsigned d;
            if (is_digit(c))
                d = c - '0';
            else if (hex && lower(c) >= 'a' && lower(c) <= 'f')
                d = lower(c) - 'a' + 10u;
            else
                break;
            digits++;
            v = v > 0x10FFFFu ? v : v * (hex ? 16u : 10u) + d;
        }
        if (digits == 0 || v == 0 || v > 0x10FFFFu ||
            (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        if (v >= 0x80 && v <= 0x9F) {
            if (cp1252_high[v - 0x80] == 0)
                return 0;
            v = cp1252_high[v - 0x80];
        }
        if (v < 0x20 && !is_ws((unsigned char)v))
            v = ' ';
        if (i < n && s[i] == ';')
            i++;
        *cp = v;
        return i;
    }
    {
        char name[16];
        size_t k = 0;
        uint32_t v;
        while (i < n && k < sizeof name - 1 &&
               (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i])))
            name[k++] = s[i++];
        name[k] = '\0';
        if (k == 0)
            return 0;
        if (i < n && s[i] == ';') {
            v = entity_lookup(name);
            if (v) {
                *cp = v;
                return i + 1;
            }
            return 0;
        }
        if (i < n && (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i])))
            return 0;
        for (k = 0; k < sizeof bare_entities / sizeof bare_entities[0]; k++)
            if (strcmp(name, bare_entities[k]) == 0) {
                *cp = entity_lookup(name);
                return i;
            }
        return 0;
    }
}

/* ------------------------------------------------------------------ tags */

enum tag_id {
    T_OTHER, T_HTML, T_HEAD, T_BODY, T_MAIN, T_ARTICLE, T_P, T_BR, T_HR, T_H,
    T_LI, T_LIST, T_DL, T_DT, T_DD, T_TABLE, T_TSECT, T_TR, T_TD, T_CAPTION,
    T_BOLD
};

#define BIT(id) (1u << (id))

#define F_VOID 0x01u        /* no content, no end tag */
#define F_RAW 0x02u         /* content is not markup: skipped to its end tag */
#define F_SKIP 0x04u        /* furniture: the subtree is dropped */
#define F_SKIP_OUTSIDE 0x08u /* furniture outside <main>/<article> */
#define F_BLOCK 0x10u       /* a paragraph break before and after */
#define F_IN_HEAD 0x20u     /* may appear in <head> without ending it */

typedef struct tagdef {
    const char *name;
    unsigned char id;
    unsigned char flags;
    unsigned char level;
} tagdef;

/* sorted by name */
static const tagdef tagdefs[] = {
    {"address", T_OTHER, F_BLOCK, 0},
    {"article", T_ARTICLE, F_BLOCK, 0},
    {"aside", T_OTHER, F_SKIP | F_BLOCK, 0},
    {"audio", T_OTHER, F_SKIP, 0},
    {"b", T_BOLD, 0, 0},
    {"base", T_OTHER, F_VOID | F_IN_HEAD, 0},
    {"basefont", T_OTHER, F_VOID | F_IN_HEAD, 0},
    {"bgsound", T_OTHER, F_VOID | F_IN_HEAD, 0},
    {"blockquote", T_OTHER, F_BLOCK, 0},
    {"body", T_BODY, 0, 0},
    {"br", T_BR, F_VOID, 0},
    {"button", T_OTHER, F_SKIP, 0},
    {"canvas", T_OTHER, F_SKIP, 0},
    {"caption", T_CAPTION, F_BLOCK, 0},
    {"center", T_OTHER, F_BLOCK, 0},
    {"col", T_OTHER, F_VOID, 0},
    {"dd", T_DD, F_BLOCK, 0},
    {"details", T_OTHER, F_BLOCK, 0},
    {"dialog", T_OTHER, F_BLOCK, 0},
    {"dir", T_LIST, F_BLOCK, 0},
    {"div", T_OTHER, F_BLOCK, 0},
    {"dl", T_DL, F_BLOCK, 0},
    {"dt", T_DT, F_BLOCK, 0},
    {"embed", T_OTHER, F_VOID, 0},
    {"fieldset", T_OTHER, F_BLOCK, 0},
    {"figcaption", T_OTHER, F_BLOCK, 0},
    {"figure", T_OTHER, F_BLOCK, 0},
    {"footer", T_OTHER, F_SKIP_OUTSIDE | F_BLOCK, 0},
    {"form", T_OTHER, F_SKIP | F_BLOCK, 0},
    {"frame", T_OTHER, F_VOID, 0},
    {"h1", T_H, F_BLOCK, 1},
    {"h2", T_H, F_BLOCK, 2},
    {"h3", T_H, F_BLOCK, 3},
    {"h4", T_H, F_BLOCK, 4},
    {"h5", T_H, F_BLOCK, 5},
    {"h6", T_H, F_BLOCK, 6},
    {"head", T_HEAD, F_IN_HEAD, 0},
    {"header", T_OTHER, F_SKIP_OUTSIDE | F_BLOCK, 0},
    {"hgroup", T_OTHER, F_BLOCK, 0},
    {"hr", T_HR, F_VOID | F_BLOCK, 0},
    {"html", T_HTML, F_IN_HEAD, 0},
    {"iframe", T_OTHER, F_RAW, 0},
    {"img", T_OTHER, F_VOID, 0},
    {"input", T_OTHER, F_VOID, 0},
    {"keygen", T_OTHER, F_VOID, 0},
    {"legend", T_OTHER, F_BLOCK, 0},
    {"li", T_LI, F_BLOCK, 0},
    {"link", T_OTHER, F_VOID | F_IN_HEAD, 0},
    {"main", T_MAIN, F_BLOCK, 0},
    {"math", T_OTHER, F_SKIP, 0},
    {"menu", T_LIST, F_BLOCK, 0},
    {"meta", T_OTHER, F_VOID | F_IN_HEAD, 0},
    {"nav", T_OTHER, F_SKIP | F_BLOCK, 0},
    {"noembed", T_OTHER, F_RAW, 0},
    {"noframes", T_OTHER, F_RAW | F_IN_HEAD, 0},
    {"noscript", T_OTHER, F_RAW | F_IN_HEAD, 0},
    {"object", T_OTHER, F_SKIP, 0},
    {"ol", T_LIST, F_BLOCK, 0},
    {"p", T_P, F_BLOCK, 0},
    {"param", T_OTHER, F_VOID, 0},
    {"plaintext", T_OTHER, F_RAW, 0},
    {"pre", T_OTHER, F_BLOCK, 0},
    {"script", T_OTHER, F_RAW | F_IN_HEAD, 0},
    {"section", T_OTHER, F_BLOCK, 0},
    {"select", T_OTHER, F_SKIP, 0},
    {"source", T_OTHER, F_VOID, 0},
    {"strong", T_BOLD, 0, 0},
    {"style", T_OTHER, F_RAW | F_IN_HEAD, 0},
    {"summary", T_OTHER, F_BLOCK, 0},
    {"svg", T_OTHER, F_SKIP, 0},
    {"table", T_TABLE, F_BLOCK, 0},
    {"tbody", T_TSECT, 0, 0},
    {"td", T_TD, 0, 0},
    {"template", T_OTHER, F_SKIP | F_IN_HEAD, 0},
    {"textarea", T_OTHER, F_RAW, 0},
    {"tfoot", T_TSECT, 0, 0},
    {"th", T_TD, 0, 0},
    {"thead", T_TSECT, 0, 0},
    {"title", T_OTHER, F_RAW | F_IN_HEAD, 0},
    {"tr", T_TR, 0, 0},
    {"track", T_OTHER, F_VOID, 0},
    {"ul", T_LIST, F_BLOCK, 0},
    {"video", T_OTHER, F_SKIP, 0},
    {"wbr", T_OTHER, F_VOID, 0},
    {"xmp", T_OTHER, F_RAW, 0},
};

static int tagdef_cmp(const void *key, const void *elt)
{
    return strcmp((const char *)key, ((const tagdef *)elt)->name);
}

static const tagdef *tagdef_find(const char *name)
{
    return bsearch(name, tagdefs, sizeof tagdefs / sizeof tagdefs[0],
                   sizeof tagdefs[0], tagdef_cmp);
}

/* One tag as read: the name (lowercased, truncated) and the attributes
 * that matter, pointing into the input. */
typedef struct tag {
    char name[EL_NAME_MAX];
    size_t name_len;
    int end, self_closing, hidden;
    const char *cls, *id, *role, *aria_hidden, *charset, *http_equiv, *content;
    size_t cls_len, id_len, role_len, aria_len, charset_len, he_len,
        content_len;
} tag;

static void attr_note(tag *t, const char *a, size_t an, const char *v,
                      size_t vl)
{
    if (eq_ci(a, an, "class")) {
        t->cls = v;
        t->cls_len = vl;
    } else if (eq_ci(a, an, "id")) {
        t->id = v;
        t->id_len = vl;
    } else if (eq_ci(a, an, "role")) {
        t->role = v;
        t->role_len = vl;
    } else if (eq_ci(a, an, "aria-hidden")) {
        t->aria_hidden = v;
        t->aria_len = vl;
    } else if (eq_ci(a, an, "hidden")) {
        t->hidden = 1;
    } else if (eq_ci(a, an, "charset")) {
        t->charset = v;
        t->charset_len = vl;
    } else if (eq_ci(a, an, "http-equiv")) {
        t->http_equiv = v;
        t->he_len = vl;
    } else if (eq_ci(a, an, "content")) {
        t->content = v;
        t->content_len = vl;
    }
}

/* Read the tag at s[i] == '<' (then a letter, or '/' and a letter).
 * Returns the index past its '>', or n when the input ends inside it (HTML
 * then drops the tag: *complete = 0). */
static size_t tag_read(const char *s, size_t n, size_t i, tag *t,
                       int *complete)
{
    size_t j = i + 1;
    memset(t, 0, sizeof *t);
    *complete = 0;
    if (j < n && s[j] == '/') {
        t->end = 1;
        j++;
    }
    while (j < n && !is_ws((unsigned char)s[j]) && s[j] != '/' && s[j] != '>') {
        if (t->name_len < EL_NAME_MAX - 1)
            t->name[t->name_len++] = (char)lower((unsigned char)s[j]);
        j++;
    }
    t->name[t->name_len] = '\0';
    for (;;) {
        size_t a, an;
        const char *v = NULL;
        size_t vl = 0;
        while (j < n && (is_ws((unsigned char)s[j]) || s[j] == '/')) {
            if (s[j] == '/' && j + 1 < n && s[j + 1] == '>')
                t->self_closing = 1;
            j++;
        }
        if (j >= n)
            return n;
        if (s[j] == '>') {
            *complete = 1;
            return j + 1;
        }
        a = j++;
        while (j < n && !is_ws((unsigned char)s[j]) && s[j] != '/' &&
               s[j] != '>' && s[j] != '=')
            j++;
        an = j - a;
        while (j < n && is_ws((unsigned char)s[j]))
            j++;
        if (j < n && s[j] == '=') {
            j++;
            while (j < n && is_ws((unsigned char)s[j]))
                j++;
            if (j < n && (s[j] == '"' || s[j] == '\'')) {
                const char *e = memchr(s + j + 1, s[j], n - j - 1);
                if (!e)
                    return n;
                v = s + j + 1;
                vl = (size_t)(e - v);
                j = (size_t)(e - s) + 1;
            } else {
                v = s + j;
                while (j < n && !is_ws((unsigned char)s[j]) && s[j] != '>')
                    j++;
                vl = (size_t)(s + j - v);
            }
        }
        attr_note(t, s + a, an, v ? v : "", vl);
    }
}

/* Index just past the first occurrence of the ASCII string w in s[i..n),
 * or n. */
static size_t skip_past(const char *s, size_t n, size_t i, const char *w)
{
    size_t wl = strlen(w);
    while (i < n) {
        const char *p = memchr(s + i, w[0], n - i);
        if (!p)
            return n;
        i = (size_t)(p - s);
        if (n - i >= wl && memcmp(s + i, w, wl) == 0)
            return i + wl;
        i++;
    }
    return n;
}

/* Past the end tag of the raw-text element `name` ("</script" then a
 * space, '/' or '>'), or n: a <script> that never ends takes the rest. */
static size_t skip_raw(const char *s, size_t n, size_t i, const char *name)
{
    size_t nl = strlen(name);
    while (i < n) {
        const char *p = memchr(s + i, '<', n - i);
        size_t k;
        if (!p)
            return n;
        i = (size_t)(p - s);
        k = i + 2 + nl;
        if (i + 1 < n && s[i + 1] == '/' && starts_ci(s + i + 2, n - i - 2, name) &&
            (k == n || is_ws((unsigned char)s[k]) || s[k] == '/' || s[k] == '>')) {
            const char *gt = memchr(s + k, '>', n - k);
            return gt ? (size_t)(gt - s) + 1 : n;
        }
        i++;
    }
    return n;
}

/* Does the class or id value name page furniture? "nav" only at the start
 * of a word ("govuk-navigation", "navbar"), so "unavailable" is no nav. */
static int names_furniture(const char *v, size_t vl)
{
    static const char *const anywhere[] = {
        "cookie", "breadcrumb", "skip-link", "govuk-header", "govuk-footer",
        "site-header", "site-footer", "print-link", "phase-banner",
        "display-none-print", "sidebar",
    };
    size_t i, k;
    if (vl > ATTR_LOOK)
        vl = ATTR_LOOK;
    for (i = 0; i < vl; i++) {
        const char *p = v + i;
        size_t left = vl - i;
        unsigned char c = lower((unsigned char)*p);
        if (c == 'n' && starts_ci(p, left, "nav") &&
            (i == 0 || !is_alpha((unsigned char)v[i - 1])))
            return 1;
        for (k = 0; k < sizeof anywhere / sizeof anywhere[0]; k++)
            if (c == (unsigned char)anywhere[k][0] && starts_ci(p, left, anywhere[k]))
                return 1;
    }
    return 0;
}

static int value_is(const char *v, size_t vl, const char *w)
{
    while (vl > 0 && is_ws((unsigned char)*v)) {
        v++;
        vl--;
    }
    while (vl > 0 && is_ws((unsigned char)v[vl - 1]))
        vl--;
    return eq_ci(v, vl, w);
}

/* -------------------------------------------------------------- converter */

#define EL_SKIP 0x01u
#define EL_MAIN 0x02u
#define EL_CONTENT 0x04u    /* main or article: header/footer are content */
#define EL_TABLE 0x08u      /* a table or dl that writes rows */
#define EL_LAYOUT 0x10u     /* ...demoted: it held a table or a heading */
#define EL_HEADING 0x20u
#define EL_MARK 0x40u       /* wrote "**" when it opened */
#define EL_DL 0x80u

typedef struct el {
    char name[EL_NAME_MAX];
    unsigned char id, hash, tflags;
    unsigned short flags;
    long prev_table;
} el;

typedef struct conv {
    const char *in;
    size_t len;
    int scan;                /* first pass: only look for <main> */
    int has_main;
    el *st;
    size_t depth, overflow, budget;
    size_t counts[256];      /* open elements by name hash */
    unsigned skip, main, content, heading;
    long table, head;        /* stack index or -1 */
    /* the row being collected for the active table */
    rpt_buf row;
    size_t row_cells;
    int row_text, cell_open, cell_text, cell_space, row_has_dd;
    /* the text */
    rpt_buf out;
    int brk, space, nl, any;
    const char *prefix;
    int rc;
} conv;

static const char *const heading_prefix[7] = {
    "", "# ", "## ", "### ", "#### ", "##### ", "###### ",
};

static unsigned char name_hash(const char *name)
{
    unsigned h = 5381;
    while (*name)
        h = h * 33u + (unsigned char)*name++;
    return (unsigned char)(h ^ (h >> 8));
}

static void put(conv *c, rpt_buf *b, const char *s, size_t n)
{
    if (c->rc)
        return;
    if (rpt_buf_append(b, s, n) < 0)
        c->rc = b->len + n > b->max ? RPT_ERR_TOO_BIG : RPT_ERR_NOMEM;
}

static int can_emit(const conv *c)
{
    return c->skip == 0 && (!c->has_main || c->main > 0);
}

static int collecting(const conv *c)
{
    return c->table >= 0 && !(c->st[c->table].flags & EL_LAYOUT) &&
           c->cell_open;
}

static void request_break(conv *c, int n)
{
    if (collecting(c)) {
        c->cell_space = 1;
        return;
    }
    if (c->heading) {
        c->space = 1;
        return;
    }
    if (n > c->brk)
        c->brk = n;
}

/* Before anything visible goes out: the pending break, space or prefix. */
static void flow_begin(conv *c)
{
    if (c->brk && c->any) {
        while (c->nl < c->brk) {
            put(c, &c->out, "\n", 1);
            c->nl++;
        }
    } else if (c->space && c->nl == 0 && c->any) {
        put(c, &c->out, " ", 1);
    }
    c->brk = 0;
    c->space = 0;
    if (c->prefix) {
        put(c, &c->out, c->prefix, strlen(c->prefix));
        c->prefix = NULL;
        c->nl = 0;
        c->any = 1;
    }
}

static void flow_raw(conv *c, const char *s, size_t n)
{
    if (n == 0)
        return;
    if (c->brk || c->space || c->prefix)
        flow_begin(c);
    put(c, &c->out, s, n);
    c->nl = 0;
    c->any = 1;
}

/* Characters parse.c would take for markdown: escaped, it unescapes them. */
static int needs_escape(unsigned char ch)
{
    return ch == '\\' || ch == '*' || ch == '_' || ch == '`' || ch == '<' ||
           ch == '[';
}

/* Characters that make a line markdown when they start it (a heading, a
 * bullet, a table row, a quote): a paragraph of the page that starts with
 * one ("# 1 priority ...", "- 5% on last year") is still a paragraph. */
static int needs_escape_at_line_start(unsigned char ch)
{
    return ch == '#' || ch == '-' || ch == '+' || ch == '|' || ch == '>';
}

static void flow_byte(conv *c, unsigned char ch)
{
    char two[2];
    if (c->brk || c->space || c->prefix)
        flow_begin(c);
    two[0] = '\\';
    two[1] = (char)ch;
    if (needs_escape(ch) ||
        ((c->nl > 0 || !c->any) && needs_escape_at_line_start(ch)))
        put(c, &c->out, two, 2);
    else
        put(c, &c->out, two + 1, 1);
    c->nl = 0;
    c->any = 1;
}

static void cell_byte(conv *c, unsigned char ch)
{
    char two[2];
    if (c->cell_space && c->cell_text)
        put(c, &c->row, " ", 1);
    c->cell_space = 0;
    if (ch == '|')
        ch = '/';
    two[0] = '\\';
    two[1] = (char)ch;
    if (needs_escape(ch))
        put(c, &c->row, two, 2);
    else
        put(c, &c->row, two + 1, 1);
    c->cell_text = 1;
    c->row_text = 1;
}

static void cell_start(conv *c)
{
    if (c->row_cells > 0)
        put(c, &c->row, "\t", 1);
    c->row_cells++;
    c->cell_open = 1;
    c->cell_text = 0;
    c->cell_space = 0;
}

static void row_reset(conv *c)
{
    c->row.len = 0;
    c->row_cells = 0;
    c->row_text = 0;
    c->cell_open = 0;
    c->cell_text = 0;
    c->cell_space = 0;
    c->row_has_dd = 0;
}

/* The collected row as one "| a | b |" line. Cells hold no '\t' of their
 * own (whitespace is collapsed to ' '), so '\t' separates them. */
static void row_flush(conv *c)
{
    size_t i, from = 0;
    if (c->row_cells > 0 && c->row_text) {
        c->prefix = NULL;
        c->space = 0;
        if (c->any) {
            int want = c->brk > 1 ? c->brk : 1;
            while (c->nl < want) {
                put(c, &c->out, "\n", 1);
                c->nl++;
            }
        }
        c->brk = 0;
        put(c, &c->out, "| ", 2);
        for (i = 0; i < c->row.len; i++)
            if (c->row.data[i] == '\t') {
                put(c, &c->out, c->row.data + from, i - from);
                put(c, &c->out, " | ", 3);
                from = i + 1;
            }
        put(c, &c->out, c->row.data + from, c->row.len - from);
        put(c, &c->out, " |\n", 3);
        c->nl = 1;
        c->any = 1;
    }
    row_reset(c);
}

/* The active table turns out to be layout (it holds a table or a heading):
 * what its row has so far becomes a paragraph, and its cells from now on
 * are paragraphs too. */
static void table_demote(conv *c)
{
    size_t i, from = 0;
    if (c->table < 0)
        return;
    c->st[c->table].flags |= EL_LAYOUT;
    c->cell_open = 0;
    if (c->row_text) {
        request_break(c, 2);
        for (i = 0; i <= c->row.len; i++)
            if (i == c->row.len || c->row.data[i] == '\t') {
                if (i > from) {
                    flow_raw(c, c->row.data + from, i - from);
                    c->space = 1;
                }
                from = i + 1;
            }
        request_break(c, 2);
    }
    row_reset(c);
}

static void pop_one(conv *c)
{
    el *e = &c->st[c->depth - 1];
    long idx = (long)c->depth - 1;
    c->counts[e->hash]--;
    c->depth--;
    if (e->flags & EL_SKIP)
        c->skip--;
    if (e->flags & EL_MAIN)
        c->main--;
    if (e->flags & EL_CONTENT)
        c->content--;
    if (idx == c->head)
        c->head = -1;
    if (e->flags & EL_HEADING) {
        c->heading--;
        c->prefix = NULL;
    }
    if ((e->flags & EL_MARK) && can_emit(c) && !collecting(c) && !c->heading)
        flow_raw(c, "**", 2);
    if (e->flags & EL_TABLE) {
        row_flush(c);
        c->table = e->prev_table;
        request_break(c, 2);
        return;
    }
    switch (e->id) {
    case T_LI:
        request_break(c, 2);
        c->prefix = NULL;
        break;
    case T_TR:
        if (c->table >= 0 && idx > c->table && !(c->st[c->table].flags & EL_LAYOUT) &&
            !(c->st[c->table].flags & EL_DL))
            row_flush(c);
        else
            request_break(c, 2);
        break;
    case T_TD:
        request_break(c, 2);
        break;
    default:
        if (e->tflags & F_BLOCK)
            request_break(c, 2);
        break;
    }
}

static void pop_to(conv *c, size_t idx)
{
    while (c->depth > idx)
        pop_one(c);
}

/* Find an open element (by id set, or by name when ids is 0) above the
 * nearest boundary element; returns its index or -1. Failing costs
 * budget; with none left, only the top few elements are looked at. */
static long find_open(conv *c, unsigned ids, const char *name,
                      unsigned char hash, unsigned boundary)
{
    size_t k = c->depth, steps = 0;
    size_t limit = c->budget > 0 ? c->depth : 16;
    if (!ids && c->counts[hash] == 0)
        return -1;
    while (k > 0 && steps < limit) {
        const el *e = &c->st[--k];
        steps++;
        if (ids ? (BIT(e->id) & ids) != 0
                : e->hash == hash && strcmp(e->name, name) == 0)
            return (long)k;
        if (BIT(e->id) & boundary)
            break;
    }
    c->budget = c->budget > steps ? c->budget - steps : 0;
    return -1;
}

static void close_open(conv *c, unsigned ids, unsigned boundary)
{
    long k = find_open(c, ids, NULL, 0, boundary);
    if (k >= 0)
        pop_to(c, (size_t)k);
}

static long push(conv *c, const tag *t, const tagdef *d)
{
    el *e;
    if (c->depth == HTML_MAX_DEPTH) {
        c->overflow++;
        return -1;
    }
    e = &c->st[c->depth];
    memcpy(e->name, t->name, t->name_len + 1);
    e->id = d ? d->id : T_OTHER;
    e->tflags = d ? d->flags : 0;
    e->hash = name_hash(t->name);
    e->flags = 0;
    e->prev_table = -1;
    c->counts[e->hash]++;
    return (long)c->depth++;
}

static void on_br(conv *c)
{
    if (!can_emit(c))
        return;
    request_break(c, 2);
}

static void on_start(conv *c, const tag *t)
{
    const tagdef *d = tagdef_find(t->name);
    unsigned id = d ? d->id : T_OTHER, fl = d ? d->flags : 0;
    int role_main = t->role && value_is(t->role, t->role_len, "main");
    int skip, emit;
    long idx;
    el *e;

    if (c->scan) {
        if (id == T_MAIN || role_main)
            c->has_main = 1;
        return;
    }
    if (c->head >= 0 && !(fl & F_IN_HEAD))
        pop_to(c, (size_t)c->head);
    if (id == T_HTML || id == T_BODY || (fl & F_RAW))
        return;
    if (id == T_BR) {
        on_br(c);
        return;
    }
    if ((fl & F_BLOCK) && c->depth > 0 && c->st[c->depth - 1].id == T_P &&
        !c->overflow)
        pop_one(c);
    switch (id) {
    case T_LI:
        close_open(c, BIT(T_LI), BIT(T_LIST) | BIT(T_TABLE));
        break;
    case T_DT: case T_DD:
        close_open(c, BIT(T_DT) | BIT(T_DD), BIT(T_DL) | BIT(T_TABLE));
        break;
    case T_TR: case T_TSECT:
        close_open(c, BIT(T_TR) | BIT(T_TD) | BIT(T_TSECT), BIT(T_TABLE));
        break;
    case T_TD:
        close_open(c, BIT(T_TD), BIT(T_TR) | BIT(T_TABLE));
        break;
    default:
        break;
    }
    if ((fl & F_VOID) || t->self_closing) {
        if (id == T_HR && can_emit(c))
            request_break(c, 2);
        return;
    }
    skip = (fl & F_SKIP) || ((fl & F_SKIP_OUTSIDE) && c->content == 0);
    if (id != T_MAIN && !role_main &&
        (t->hidden || (t->aria_hidden && value_is(t->aria_hidden, t->aria_len, "true")) ||
         (t->cls && names_furniture(t->cls, t->cls_len)) ||
         (t->id && names_furniture(t->id, t->id_len))))
        skip = 1;
    idx = push(c, t, d);
    if (idx < 0) {
        /* too deep to track: transparent, but still a break */
        if ((fl & F_BLOCK) && can_emit(c))
            request_break(c, 2);
        return;
    }
    e = &c->st[idx];
    if (id == T_HEAD) {
        c->head = idx;
        skip = 1;
    }
    if (skip) {
        e->flags |= EL_SKIP;
        c->skip++;
    }
    if (id == T_MAIN || role_main) {
        e->flags |= EL_MAIN;
        c->main++;
    }
    if (id == T_MAIN || id == T_ARTICLE || role_main) {
        e->flags |= EL_CONTENT;
        c->content++;
    }
    emit = can_emit(c);
    switch (id) {
    case T_H:
        if (emit && collecting(c))
            table_demote(c);
        request_break(c, 2);
        if (!collecting(c) && !c->heading)
            c->prefix = heading_prefix[d->level];
        e->flags |= EL_HEADING;
        c->heading++;
        break;
    case T_LI:
        request_break(c, 2);
        if (!collecting(c) && !c->heading)
            c->prefix = "- ";
        break;
    case T_TABLE:
    case T_DL:
        if (!emit || (id == T_DL && collecting(c))) {
            request_break(c, 2);
            break;
        }
        if (c->table >= 0 && !(c->st[c->table].flags & EL_LAYOUT))
            table_demote(c);
        request_break(c, 2);
        e->flags |= EL_TABLE | (id == T_DL ? EL_DL : 0);
        e->prev_table = c->table;
        c->table = idx;
        break;
    case T_TR:
        if (emit && c->table >= 0 && !(c->st[c->table].flags & (EL_LAYOUT | EL_DL)))
            row_flush(c);
        else
            request_break(c, 2);
        break;
    case T_TD:
        if (emit && c->table >= 0 && !(c->st[c->table].flags & (EL_LAYOUT | EL_DL)))
            cell_start(c);
        else
            request_break(c, 2);
        break;
    case T_DT:
    case T_DD:
        if (emit && c->table >= 0 &&
            (c->st[c->table].flags & (EL_LAYOUT | EL_DL)) == EL_DL) {
            if (id == T_DT && c->row_has_dd)
                row_flush(c);
            if (id == T_DD)
                c->row_has_dd = 1;
            cell_start(c);
        } else {
            request_break(c, 2);
        }
        break;
    case T_BOLD:
        if (emit && !collecting(c) && !c->heading) {
            flow_raw(c, "**", 2);
            e->flags |= EL_MARK;
        }
        break;
    default:
        if (fl & F_BLOCK)
            request_break(c, 2);
        break;
    }
}

static void on_end(conv *c, const tag *t)
{
    const tagdef *d;
    unsigned id;
    unsigned boundary = 0;
    long k;
    if (c->scan)
        return;
    d = tagdef_find(t->name);
    id = d ? d->id : T_OTHER;
    if (id == T_BR) {   /* browsers read </br> as <br> */
        on_br(c);
        return;
    }
    if (id == T_HTML || id == T_BODY)
        return;
    if (c->overflow) {
        c->overflow--;
        return;
    }
    if (id == T_TD || id == T_TR || id == T_TSECT || id == T_CAPTION)
        boundary = BIT(T_TABLE);
    else if (id == T_LI)
        boundary = BIT(T_LIST);
    else if (id == T_DT || id == T_DD)
        boundary = BIT(T_DL);
    k = find_open(c, 0, t->name, name_hash(t->name), boundary);
    if (k >= 0)
        pop_to(c, (size_t)k);
    else if (id == T_P && can_emit(c))
        request_break(c, 2);
}

static void on_text(conv *c, const char *s, size_t n)
{
    size_t i = 0;
    int cell;
    if (c->scan)
        return;
    if (c->head >= 0) {
        /* text ends <head> as any body element does; blanks do not */
        while (i < n && is_ws((unsigned char)s[i]))
            i++;
        if (i == n)
            return;
        pop_to(c, (size_t)c->head);
    }
    if (!can_emit(c))
        return;
    cell = collecting(c);
    while (i < n && !c->rc) {
        unsigned char ch = (unsigned char)s[i];
        uint32_t cp;
        size_t k;
        if (is_ws(ch) || (ch == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0)) {
            if (cell)
                c->cell_space = 1;
            else
                c->space = 1;
            i += ch == 0xC2 ? 2 : 1;
            continue;
        }
        if (ch == '&' && (k = entity_decode(s + i, n - i, &cp)) > 0) {
            char u[4];
            size_t un, j;
            i += k;
            if (cp == 0xA0 || is_ws((unsigned char)(cp < 0x80 ? cp : 'x'))) {
                if (cell)
                    c->cell_space = 1;
                else
                    c->space = 1;
                continue;
            }
            un = utf8_put(cp, u);
            for (j = 0; j < un; j++) {
                if (cell)
                    cell_byte(c, (unsigned char)u[j]);
                else
                    flow_byte(c, (unsigned char)u[j]);
            }
            continue;
        }
        if (cell)
            cell_byte(c, ch);
        else
            flow_byte(c, ch);
        i++;
    }
}

/* The tokenizer: text runs and tags, in order, to the handlers above. */
static void conv_run(conv *c)
{
    const char *s = c->in;
    size_t n = c->len, i = 0;
    while (i < n && !c->rc) {
        const char *lt = memchr(s + i, '<', n - i);
        size_t at = lt ? (size_t)(lt - s) : n;
        if (at > i)
            on_text(c, s + i, at - i);
        if (!lt)
            break;
        i = at;
        if (c->scan && c->has_main)
            break;
        if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            /* "<!-->" and "<!--->" are whole (empty) comments */
            if (i + 4 < n && s[i + 4] == '>')
                i += 5;
            else if (i + 5 < n && s[i + 4] == '-' && s[i + 5] == '>')
                i += 6;
            else
                i = skip_past(s, n, i + 4, "-->");
        } else if (n - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
            i = skip_past(s, n, i + 9, "]]>");
        } else if (i + 1 < n && (s[i + 1] == '!' || s[i + 1] == '?' ||
                                 (s[i + 1] == '/' && i + 2 < n &&
                                  !is_alpha((unsigned char)s[i + 2])))) {
            /* doctype, processing instruction, "</3": a bogus comment */
            i = skip_past(s, n, i + 1, ">");
        } else if (i + 1 < n && (is_alpha((unsigned char)s[i + 1]) ||
                                 (s[i + 1] == '/' && i + 2 < n))) {
            tag t;
            int complete;
            i = tag_read(s, n, i, &t, &complete);
            if (!complete)
                break;
            if (t.end) {
                on_end(c, &t);
            } else {
                const tagdef *d = tagdef_find(t.name);
                on_start(c, &t);
                if (d && (d->flags & F_RAW))
                    i = strcmp(t.name, "plaintext") == 0 ? n
                                                         : skip_raw(s, n, i, t.name);
            }
        } else {
            on_text(c, s + i, 1);
            i++;
        }
    }
}

static int conv_init(conv *c, const char *html, size_t len)
{
    memset(c, 0, sizeof *c);
    c->in = html;
    c->len = len;
    c->table = -1;
    c->head = -1;
    c->budget = len + 65536u;
    rpt_buf_init(&c->row, RPT_MAX_TEXT_BYTES);
    rpt_buf_init(&c->out, RPT_MAX_TEXT_BYTES);
    c->st = malloc(HTML_MAX_DEPTH * sizeof *c->st);
    return c->st ? 0 : RPT_ERR_NOMEM;
}

static void conv_free(conv *c)
{
    free(c->st);
    rpt_buf_release(&c->row);
    rpt_buf_release(&c->out);
}

/* Convert once; has_main says whether to keep only <main>'s content. */
static int convert(const char *html, size_t len, int has_main, conv *c)
{
    if (conv_init(c, html, len) < 0)
        return RPT_ERR_NOMEM;
    c->has_main = has_main;
    conv_run(c);
    c->overflow = 0;
    pop_to(c, 0);
    row_flush(c);
    if (c->any && c->nl == 0)
        put(c, &c->out, "\n", 1);
    return c->rc;
}

static int has_text(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!is_ws((unsigned char)s[i]))
            return 1;
    return 0;
}

static int msg_set(char **err, int code, const char *msg)
{
    if (err) {
        *err = malloc(strlen(msg) + 1);
        if (*err)
            strcpy(*err, msg);
    }
    return code;
}

int rpt_html_to_text(const char *html, size_t len, char **text,
                     size_t *text_len, char **err)
{
    conv c;
    int rc, has_main;

    *text = NULL;
    *text_len = 0;
    if (err)
        *err = NULL;
    if (!html)
        len = 0;
    if (conv_init(&c, html ? html : "", len) < 0)
        return msg_set(err, RPT_ERR_NOMEM, "out of memory");
    c.scan = 1;
    conv_run(&c);
    has_main = c.has_main;
    conv_free(&c);
    rc = convert(html ? html : "", len, has_main, &c);
    if (rc == 0 && has_main && !has_text(c.out.data, c.out.len)) {
        /* an empty <main> (a page that puts the report elsewhere) */
        conv_free(&c);
        rc = convert(html ? html : "", len, 0, &c);
    }
    if (rc != 0) {
        conv_free(&c);
        if (rc == RPT_ERR_TOO_BIG)
            return msg_set(err, rc, "text of the HTML over the size limit");
        return msg_set(err, rc, "out of memory");
    }
    if (!c.out.data) {
        c.out.data = malloc(1);
        if (!c.out.data) {
            conv_free(&c);
            return msg_set(err, RPT_ERR_NOMEM, "out of memory");
        }
        c.out.data[0] = '\0';
    }
    *text = c.out.data;
    *text_len = c.out.len;
    c.out.data = NULL;
    conv_free(&c);
    return 0;
}

/* ------------------------------------------------------------ sniffing */

int rpt_html_sniff(const char *data, size_t len)
{
    static const char *const starts[] = {"<html", "<head", "<body", "<meta"};
    size_t n = len < SNIFF_LOOK ? len : SNIFF_LOOK, i = 0, k;
    if (!data)
        return 0;
    if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (;;) {
        while (i < n && (is_ws((unsigned char)data[i]) || data[i] == '\v'))
            i++;
        if (i >= n || data[i] != '<')
            return 0;
        if (n - i >= 4 && memcmp(data + i, "<!--", 4) == 0) {
            i = skip_past(data, n, i + 4, "-->");
            if (i >= n)
                return 0;
            continue;
        }
        if (n - i >= 2 && data[i + 1] == '?') {
            i = skip_past(data, n, i + 2, ">");
            if (i >= n)
                return 0;
            continue;
        }
        break;
    }
    if (starts_ci(data + i, n - i, "<!doctype")) {
        k = i + 9;
        while (k < n && is_ws((unsigned char)data[k]))
            k++;
        return k > i + 9 && starts_ci(data + k, n - k, "html") &&
               (k + 4 == n || is_ws((unsigned char)data[k + 4]) || data[k + 4] == '>');
    }
    for (k = 0; k < sizeof starts / sizeof starts[0]; k++) {
        size_t e = i + strlen(starts[k]);
        if (starts_ci(data + i, n - i, starts[k]) &&
            (e == n || is_ws((unsigned char)data[e]) || data[e] == '>' || data[e] == '/'))
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------- charsets */

static int copy_label(const char *v, size_t vl, char *name, size_t cap)
{
    size_t o = 0;
    while (vl > 0 && (is_ws((unsigned char)*v) || *v == '"' || *v == '\'')) {
        v++;
        vl--;
    }
    while (vl > 0 && o + 1 < cap) {
        unsigned char ch = (unsigned char)*v;
        if (is_ws(ch) || ch == ';' || ch == '"' || ch == '\'')
            break;
        name[o++] = (char)lower(ch);
        v++;
        vl--;
    }
    name[o] = '\0';
    return o > 0;
}

int rpt_html_declared_charset(const char *data, size_t len, char *name,
                              size_t cap)
{
    size_t n = len < PRESCAN_LOOK ? len : PRESCAN_LOOK, i = 0;
    if (!data || cap == 0)
        return 0;
    name[0] = '\0';
    while (i < n) {
        const char *lt = memchr(data + i, '<', n - i);
        tag t;
        int complete;
        if (!lt)
            return 0;
        i = (size_t)(lt - data);
        if (n - i >= 4 && memcmp(data + i, "<!--", 4) == 0) {
            i = skip_past(data, n, i + 4, "-->");
            continue;
        }
        if (i + 1 >= n || !is_alpha((unsigned char)data[i + 1])) {
            i++;
            continue;
        }
        i = tag_read(data, n, i, &t, &complete);
        if (!complete)
            return 0;
        if (strcmp(t.name, "meta") != 0)
            continue;
        if (t.charset && copy_label(t.charset, t.charset_len, name, cap))
            return 1;
        if (t.http_equiv && value_is(t.http_equiv, t.he_len, "content-type") &&
            t.content) {
            size_t k;
            for (k = 0; k + 7 <= t.content_len; k++)
                if (starts_ci(t.content + k, t.content_len - k, "charset")) {
                    size_t j = k + 7;
                    while (j < t.content_len && is_ws((unsigned char)t.content[j]))
                        j++;
                    if (j < t.content_len && t.content[j] == '=' &&
                        copy_label(t.content + j + 1, t.content_len - j - 1,
                                   name, cap))
                        return 1;
                }
        }
    }
    return 0;
}

int rpt_html_charset_is_cp1252(const char *name)
{
    /* the labels the WHATWG Encoding standard maps to windows-1252 */
    static const char *const labels[] = {
        "windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1",
        "iso_8859-1", "iso88591", "iso-ir-100", "latin1", "l1", "ascii",
        "us-ascii", "ansi_x3.4-1968", "cp819", "ibm819", "csisolatin1",
        "iso_8859-1:1987",
    };
    size_t i;
    char low[32];
    size_t n;
    if (!name)
        return 0;
    for (n = 0; name[n] && n + 1 < sizeof low; n++)
        low[n] = (char)lower((unsigned char)name[n]);
    low[n] = '\0';
    for (i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(low, labels[i]) == 0)
            return 1;
    return 0;
}

int rpt_html_cp1252_to_utf8(const char *in, size_t len, char **out,
                            size_t *out_len)
{
    char *o;
    size_t i, k = 0;
    *out = NULL;
    *out_len = 0;
    if (len > RPT_MAX_TEXT_BYTES)
        return RPT_ERR_TOO_BIG;
    o = malloc(len * 3 + 1);
    if (!o)
        return RPT_ERR_NOMEM;
    for (i = 0; i < len; i++) {
        unsigned char b = (unsigned char)in[i];
        uint32_t cp = b;
        if (b >= 0x80 && b <= 0x9F)
            cp = cp1252_high[b - 0x80] ? cp1252_high[b - 0x80] : 0xFFFD;
        else if (b == 0)
            cp = ' ';
        k += utf8_put(cp, o + k);
    }
    if (k > RPT_MAX_TEXT_BYTES) {
        free(o);
        return RPT_ERR_TOO_BIG;
    }
    o[k] = '\0';
    *out = o;
    *out_len = k;
    return 0;
}
